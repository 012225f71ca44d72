/* vigilctl: ask a running vigild what it is doing, and tell it what to do.
 * One JSON request per line over the control socket; one JSON answer per
 * line back (a stream of them for `events`). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/vigil/vigil.sock"

static void usage(FILE *f)
{
        fprintf(f, "Usage: vigilctl [-s SOCKET] [--json] COMMAND\n\n"
                   "  status                 instances: state, priorities, VIPs, master, last transition\n"
                   "  show instance NAME     timers, every counter, trackers\n"
                   "  events [-n COUNT]      the ordered stream of transitions and tracker changes\n"
                   "  reload                 reload the configuration; non-zero if it is invalid\n"
                   "  demote NAME|GROUP      hand over: priority-0 advert, stay BACKUP until promoted\n"
                   "  promote NAME|GROUP     take part in elections again\n"
                   "  dump                   everything, as JSON\n\n"
                   "  -s, --socket=PATH      control socket (default " DEFAULT_SOCKET ")\n"
                   "  -j, --json             print the answer as JSON\n");
}

static int connect_to(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                fprintf(stderr, "vigilctl: cannot reach vigild at %s: %s\n", path, strerror(errno));
                exit(3);
        }
        return fd;
}

static void send_request(int fd, json_t *req)
{
        char *line = json_dumps(req, JSON_COMPACT);
        size_t len = strlen(line), off = 0;

        while (off < len + 1) {
                ssize_t n = off < len ? write(fd, line + off, len - off) : write(fd, "\n", 1);
                if (n <= 0) {
                        perror("vigilctl: write");
                        exit(3);
                }
                off += (size_t)n;
        }
        free(line);
}

/* Read one line (one JSON answer); NULL at end of stream. */
static json_t *read_answer(FILE *in)
{
        char *line = NULL;
        size_t cap = 0;
        json_t *msg = NULL;

        if (getline(&line, &cap, in) > 0)
                msg = json_loads(line, 0, NULL);
        free(line);
        return msg;
}

static const char *str(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "-";
}

static void ago(double t, char *buf, size_t size)
{
        double d = (double)time(NULL) - t;

        if (t <= 0)
                snprintf(buf, size, "-");
        else if (d < 120)
                snprintf(buf, size, "%.0fs ago", d < 0 ? 0 : d);
        else if (d < 7200)
                snprintf(buf, size, "%.0fm ago", d / 60);
        else
                snprintf(buf, size, "%.1fh ago", d / 3600);
}

static void print_status(json_t *ans)
{
        json_t *st = json_object_get(ans, "status"), *w = json_object_get(ans, "worker"), *vi;
        size_t i;

        if (!json_is_object(st)) {
                printf("no status yet (VRRP worker %s)\n", json_is_true(json_object_get(w, "running")) ? "starting"
                                                                                                         : "not running");
                return;
        }
        printf("%-16s %-7s %-9s %-24s %-16s %s\n", "INSTANCE", "STATE", "PRIORITY", "VIPS", "MASTER",
               "LAST TRANSITION");
        json_array_foreach(json_object_get(st, "instances"), i, vi) {
                json_t *lt = json_object_get(vi, "last_transition"), *vips = json_object_get(vi, "vips"), *v;
                char prio[16], vipbuf[256] = "", when[32];
                size_t k;
                json_array_foreach(vips, k, v) {
                        if (k)
                                strncat(vipbuf, ",", sizeof(vipbuf) - strlen(vipbuf) - 1);
                        strncat(vipbuf, json_string_value(v), sizeof(vipbuf) - strlen(vipbuf) - 1);
                }
                snprintf(prio, sizeof(prio), "%lld/%lld", json_integer_value(json_object_get(vi, "base_priority")),
                         json_integer_value(json_object_get(vi, "effective_priority")));
                ago(json_real_value(json_object_get(lt, "time")), when, sizeof(when));
                printf("%-16s %-7s %-9s %-24s %-16s %s (%s, from %s)%s\n", str(vi, "name"), str(vi, "state"), prio,
                       vipbuf, str(vi, "master"), when, str(lt, "reason"), str(lt, "from"),
                       json_is_true(json_object_get(vi, "demoted")) ? " [demoted]" : "");
        }
        printf("worker pid %lld, restarts %lld\n", json_integer_value(json_object_get(w, "pid")),
               json_integer_value(json_object_get(w, "restarts")));
}

static void print_kv(const char *indent, json_t *o)
{
        const char *k;
        json_t *v;

        json_object_foreach(o, k, v) {
                if (json_is_object(v)) {
                        printf("%s%s:\n", indent, k);
                        print_kv("    ", v);
                } else {
                        char *s = json_dumps(v, JSON_ENCODE_ANY);
                        printf("%s%-26s %s\n", indent, k, s);
                        free(s);
                }
        }
}

static void print_instance(json_t *ans)
{
        json_t *vi = json_object_get(ans, "instance"), *t;
        size_t i;

        printf("%s: %s, priority %lld (base %lld), interface %s, VRID %lld, v%lld\n", str(vi, "name"),
               str(vi, "state"), json_integer_value(json_object_get(vi, "effective_priority")),
               json_integer_value(json_object_get(vi, "base_priority")), str(vi, "interface"),
               json_integer_value(json_object_get(vi, "vrid")), json_integer_value(json_object_get(vi, "version")));
        printf("timers:\n");
        print_kv("  ", json_object_get(vi, "timers"));
        printf("counters:\n");
        print_kv("  ", json_object_get(vi, "counters"));
        printf("trackers:\n");
        json_array_foreach(json_object_get(vi, "trackers"), i, t) {
                char *status = json_dumps(json_object_get(t, "status"), JSON_ENCODE_ANY);
                printf("  %-8s %-20s %-8s weight %lld%s\n", str(t, "kind"), str(t, "name"), status,
                       json_integer_value(json_object_get(t, "weight")),
                       json_is_true(json_object_get(t, "reverse")) ? " reverse" : "");
                free(status);
        }
}

static int print_reload(json_t *ans)
{
        json_t *d;
        size_t i;
        bool ok = json_is_true(json_object_get(ans, "ok"));

        json_array_foreach(json_object_get(ans, "diagnostics"), i, d)
                printf("%s:%lld:%lld: %s: %s\n", str(d, "file"), json_integer_value(json_object_get(d, "line")),
                       json_integer_value(json_object_get(d, "column")), str(d, "severity"), str(d, "message"));
        printf("%s\n", ok ? "reloaded" : "reload refused: the configuration has errors; the running one stays");
        return ok ? 0 : 1;
}

static void print_event(json_t *ev)
{
        const char *kind = str(ev, "event");
        time_t t = (time_t)json_real_value(json_object_get(ev, "time"));
        char when[32];
        struct tm tm;

        strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
        if (!strcmp(kind, "transition"))
                printf("%lld %s %s %s -> %s (%s) priority %lld\n", json_integer_value(json_object_get(ev, "seq")), when,
                       str(ev, "instance"), str(ev, "from"), str(ev, "to"), str(ev, "reason"),
                       json_integer_value(json_object_get(ev, "priority")));
        else if (!strcmp(kind, "tracker")) {
                char *status = json_dumps(json_object_get(ev, "status"), JSON_ENCODE_ANY);
                printf("%lld %s tracker %s %s: %s\n", json_integer_value(json_object_get(ev, "seq")), when,
                       str(ev, "kind"), str(ev, "name"), status);
                free(status);
        } else {
                char *s = json_dumps(ev, JSON_COMPACT);
                printf("%s\n", s);
                free(s);
        }
        fflush(stdout);
}

static int stream_events(FILE *in, long count, bool json)
{
        json_t *ev;
        long seen = 0;

        while ((count <= 0 || seen < count) && (ev = read_answer(in))) {
                if (json_object_get(ev, "event")) {
                        if (json) {
                                char *s = json_dumps(ev, JSON_COMPACT);
                                printf("%s\n", s);
                                free(s);
                                fflush(stdout);
                        } else {
                                print_event(ev);
                        }
                        seen++;
                }
                json_decref(ev);
        }
        return 0;
}

/* The request for cmd and its operands; NULL on a usage error. */
static json_t *build_request(const char *cmd, int argc, char **argv, int at)
{
        json_t *req = json_pack("{s:s,s:i}", "cmd", cmd, "id", 1);

        if (!strcmp(cmd, "show")) {
                if (at + 1 >= argc || strcmp(argv[at], "instance"))
                        goto usage;
                json_object_set_new(req, "name", json_string(argv[at + 1]));
        } else if (!strcmp(cmd, "demote") || !strcmp(cmd, "promote")) {
                if (at >= argc)
                        goto usage;
                json_object_set_new(req, "name", json_string(argv[at]));
        } else if (strcmp(cmd, "status") && strcmp(cmd, "events") && strcmp(cmd, "reload") && strcmp(cmd, "dump")) {
                fprintf(stderr, "vigilctl: unknown command '%s'\n", cmd);
                goto usage;
        }
        return req;
usage:
        json_decref(req);
        usage(stderr);
        return NULL;
}

/* Print an answer the way the command wants it; the exit code. */
static int print_answer(const char *cmd, json_t *ans, bool json)
{
        int rc = 0;

        if (json || !strcmp(cmd, "dump")) {
                char *s = json_dumps(ans, JSON_INDENT(2));
                printf("%s\n", s);
                free(s);
                rc = json_is_true(json_object_get(ans, "ok")) ? 0 : 1;
        } else if (!json_is_true(json_object_get(ans, "ok")) && strcmp(cmd, "reload")) {
                fprintf(stderr, "vigilctl: %s\n", str(ans, "error"));
                rc = 1;
        } else if (!strcmp(cmd, "status")) {
                print_status(ans);
        } else if (!strcmp(cmd, "show")) {
                print_instance(ans);
        } else if (!strcmp(cmd, "reload")) {
                rc = print_reload(ans);
        } else {
                printf("%s: ok\n", cmd);
        }
        return rc;
}

int main(int argc, char **argv)
{
        static const struct option longopts[] = {
                { "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
                { "count", required_argument, NULL, 'n' },  { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        const char *path = getenv("VIGIL_SOCKET") ? getenv("VIGIL_SOCKET") : DEFAULT_SOCKET;
        bool json = false;
        long count = 0;
        int c, rc;
        const char *cmd;
        json_t *req, *ans;
        FILE *in;

        while ((c = getopt_long(argc, argv, "+s:jn:h", longopts, NULL)) != -1) {
                switch (c) {
                case 's': path = optarg; break;
                case 'j': json = true; break;
                case 'n': count = strtol(optarg, NULL, 10); break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return 2;
        }
        cmd = argv[optind++];
        /* options may also follow the command */
        for (int i = optind; i < argc; i++) {
                if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
                        json = true;
                else if (!strcmp(argv[i], "-n") && i + 1 < argc)
                        count = strtol(argv[++i], NULL, 10);
        }
        if (!(req = build_request(cmd, argc, argv, optind)))
                return 2;
        in = fdopen(connect_to(path), "r");
        send_request(fileno(in), req);
        ans = read_answer(in);
        if (!ans) {
                fprintf(stderr, "vigilctl: no answer from vigild\n");
                return 3;
        }
        if (!strcmp(cmd, "events") && json_is_true(json_object_get(ans, "ok")))
                return stream_events(in, count, json);
        rc = print_answer(cmd, ans, json);
        json_decref(ans);
        json_decref(req);
        fclose(in);
        return rc;
}
