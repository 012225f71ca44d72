/* vigilctl: ask a running vigild what it is doing, and tell it what to do.
 * One JSON request per line over the control socket; one JSON answer per
 * line back (a stream of them for `events`).
 *
 * The command line is strict: an unknown option, an option the command
 * does not take, or a missing or extra operand is a usage error (exit 2),
 * so that `reload --dry-run` can never reload for real. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigilctl.h"

#define DEFAULT_SOCKET "/run/vigil/vigil.sock"
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3

struct command {
        const char *name, *synopsis, *help;
        unsigned opts;                  /* enum ctl_opt it takes */
        int nargs;                      /* operands, exactly */
        json_t *(*request)(const struct ctl *c);
        int (*answer)(const struct ctl *c, FILE *in, json_t *ans);
};

static json_t *req_plain(const struct ctl *c);
static json_t *req_show(const struct ctl *c);
static json_t *req_name(const struct ctl *c);
static json_t *req_events(const struct ctl *c);
static json_t *req_admin(const struct ctl *c);
static int ans_admin(const struct ctl *c, FILE *in, json_t *ans);
static json_t *req_reload(const struct ctl *c);
static int ans_status(const struct ctl *c, FILE *in, json_t *ans);
static int ans_show(const struct ctl *c, FILE *in, json_t *ans);
static int ans_events(const struct ctl *c, FILE *in, json_t *ans);
static int ans_reload(const struct ctl *c, FILE *in, json_t *ans);
static int ans_ok(const struct ctl *c, FILE *in, json_t *ans);
static int ans_dump(const struct ctl *c, FILE *in, json_t *ans);

static const struct command commands[] = {
        { "status", "status", "instances: state, priorities, VIPs, master, last transition,\n"
          "why FAULT or lowered; sync groups",
          0, 0, req_plain, ans_status },
        { "show", "show instance NAME | vs NAME", "timers, every counter, trackers with runs and last result;\n"
          "vs: one virtual server (\"[10.0.0.1]:tcp:80\", \"10.0.0.1:80\",\n"
          "\"fwmark 1\", a group) and its real servers", 0, 2, req_show, ans_show },
        { "drain", "drain VS RS", "weight 0 in IPVS: no new connections, the existing finish;\n"
          "kept across reloads and restarts until enabled", 0, 2, req_admin, ans_admin },
        { "enable", "enable VS RS", "back to the state its checks give (undrain: the same)", 0, 2, req_admin, ans_admin },
        { "undrain", "undrain VS RS", "the same as enable", 0, 2, req_admin, ans_admin },
        { "disable", "disable VS RS", "out of the IPVS table whatever its checks say", 0, 2, req_admin, ans_admin },
        { "events", "events [-n N | --since SEQ] [--count K]",
          "the ordered stream of transitions and tracker changes;\n"
          "first the last N kept (or every one after SEQ); exit after K",
          OPT_LAST | OPT_SINCE | OPT_COUNT, 0, req_events, ans_events },
        { "reload", "reload [--check]",
          "the verdict, then what it did to each instance (kept, updated,\n"
          "restarted, added, removed); --check: what it would do, nothing\n"
          "applied; exit 1 if the file is invalid",
          OPT_CHECK, 0, req_reload, ans_reload },
        { "demote", "demote NAME|GROUP", "hand over: priority-0 advert, then backup of last resort until promoted", 0, 1, req_name,
          ans_ok },
        { "promote", "promote NAME|GROUP", "take part in elections again", 0, 1, req_name, ans_ok },
        { "dump", "dump", "everything, as JSON", 0, 0, req_plain, ans_dump },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
        fprintf(f, "Usage: vigilctl [-s PATH] [-j] COMMAND [OPTIONS] [OPERANDS]\n\n");
        for (size_t i = 0; i < NCOMMANDS; i++) {
                const char *h = commands[i].help;
                fprintf(f, "  %-40s ", commands[i].synopsis);
                for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
                        fprintf(f, "%.*s\n%43s", (int)(nl - h), h, "");
                fprintf(f, "%s\n", h);
        }
        fprintf(f, "\n  -s, --socket PATH       control socket (default $VIGIL_SOCKET or " DEFAULT_SOCKET ")\n"
                   "  -j, --json              print the answer as JSON\n"
                   "  -h, --help              this text\n"
                   "Global options go before or after the command. Exit: 0 ok, 1 refused, 2 usage,\n"
                   "3 vigild not reachable.\n");
}

/* What was wrong (NULL: getopt said it), then the usage; exit 2. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
        va_list ap;

        if (fmt) {
                va_start(ap, fmt);
                fprintf(stderr, "vigilctl: ");
                vfprintf(stderr, fmt, ap);
                fprintf(stderr, "\n");
                va_end(ap);
        }
        usage(stderr);
        return EXIT_USAGE;
}

/* ---- requests ---------------------------------------------------------------------------- */

static json_t *req_plain(const struct ctl *c)
{
        return json_pack("{s:s,s:i}", "cmd", c->cmd->name, "id", 1);
}

static json_t *req_show(const struct ctl *c)
{
        return json_pack("{s:s,s:i,s:s}", "cmd", strcmp(c->args[0], "vs") ? "show" : "show-vs", "id", 1, "name",
                         c->args[1]);
}

static json_t *req_admin(const struct ctl *c)
{
        return json_pack("{s:s,s:i,s:s,s:s}", "cmd", c->cmd->name, "id", 1, "vs", c->args[0], "rs", c->args[1]);
}

static json_t *req_name(const struct ctl *c)
{
        return json_pack("{s:s,s:i,s:s}", "cmd", c->cmd->name, "id", 1, "name", c->args[0]);
}

static json_t *req_events(const struct ctl *c)
{
        json_t *req = req_plain(c);

        if (c->opts & OPT_LAST)
                json_object_set_new(req, "last", json_integer(c->last));
        if (c->opts & OPT_SINCE)
                json_object_set_new(req, "since", json_integer(c->since));
        return req;
}

static json_t *req_reload(const struct ctl *c)
{
        json_t *req = req_plain(c);

        if (c->opts & OPT_CHECK)
                json_object_set_new(req, "check", json_true());
        return req;
}

/* ---- the socket -------------------------------------------------------------------------- */

static int connect_to(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                fprintf(stderr, "vigilctl: cannot reach vigild at %s: %s\n", path, strerror(errno));
                exit(EXIT_UNREACHABLE);
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
                        exit(EXIT_UNREACHABLE);
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

/* ---- answers ----------------------------------------------------------------------------- */

/* 16 significant digits: a wall-clock time in seconds keeps its
 * microseconds without the binary noise of a 17th digit. */
static int print_json(json_t *ans, size_t flags)
{
        char *s = json_dumps(ans, flags | JSON_REAL_PRECISION(16));

        printf("%s\n", s);
        free(s);
        fflush(stdout);
        return json_is_true(json_object_get(ans, "ok")) ? 0 : 1;
}

/* A refusal in text mode: the error on stderr, exit 1. */
static bool refused(json_t *ans)
{
        if (json_is_true(json_object_get(ans, "ok")))
                return false;
        fprintf(stderr, "vigilctl: %s\n", json_string_value(json_object_get(ans, "error"))
                                                  ? json_string_value(json_object_get(ans, "error"))
                                                  : "refused");
        return true;
}

static int ans_status(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)in;
        if (c->json)
                return print_json(ans, JSON_INDENT(2));
        return refused(ans) ? 1 : print_status(ans);
}

static int ans_show(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)in;
        if (c->json)
                return print_json(ans, JSON_INDENT(2));
        if (refused(ans))
                return 1;
        return json_object_get(ans, "virtual_server") ? print_vs(ans) : print_instance(ans);
}

static int ans_admin(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)in;
        if (c->json)
                return print_json(ans, JSON_INDENT(2));
        return refused(ans) ? 1 : print_admin(ans);
}

static int ans_reload(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)in;
        return c->json ? print_json(ans, JSON_INDENT(2)) : print_reload(ans);
}

static int ans_ok(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)in;
        if (c->json)
                return print_json(ans, JSON_INDENT(2));
        if (refused(ans))
                return 1;
        printf("%s %s: ok\n", c->cmd->name, c->args[0]);
        return 0;
}

static int ans_dump(const struct ctl *c, FILE *in, json_t *ans)
{
        (void)c, (void)in;
        return print_json(ans, JSON_INDENT(2));
}

/* The replayed events come first, then the live ones: one loop for both. */
static int ans_events(const struct ctl *c, FILE *in, json_t *ans)
{
        long long seen = 0;
        json_t *ev;

        if (!json_is_true(json_object_get(ans, "ok")))
                return c->json ? print_json(ans, JSON_COMPACT) : (refused(ans), 1);
        while ((!(c->opts & OPT_COUNT) || seen < c->count) && (ev = read_answer(in))) {
                if (json_object_get(ev, "event")) {
                        if (c->json)
                                print_json(ev, JSON_COMPACT);
                        else
                                print_event(ev);
                        seen++;
                }
                json_decref(ev);
        }
        return 0;
}

/* ---- the command line -------------------------------------------------------------------- */

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < NCOMMANDS; i++)
                if (!strcmp(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

static bool number(const char *s, long long min, long long *ret)
{
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (!*s || *end || errno || v < min)
                return false;
        *ret = v;
        return true;
}

static const char *opt_name(unsigned opt)
{
        return opt == OPT_LAST ? "-n" : opt == OPT_SINCE ? "--since" : opt == OPT_COUNT ? "--count" : "--check";
}

enum { LONG_COUNT = 256, LONG_SINCE, LONG_CHECK };

/* One option; 0, or the exit code (usage, or -h's 0 as -1). */
static int one_option(struct ctl *c, int ch)
{
        switch (ch) {
        case 's': c->socket = optarg; return 0;
        case 'j': c->json = true; return 0;
        case 'h': usage(stdout); return -1;
        case 'n':
                c->opts |= OPT_LAST;
                return number(optarg, 0, &c->last) ? 0 : usage_error("-n takes a count, not '%s'", optarg);
        case LONG_SINCE:
                c->opts |= OPT_SINCE;
                return number(optarg, 0, &c->since) ? 0 : usage_error("--since takes a sequence number, not '%s'", optarg);
        case LONG_COUNT:
                c->opts |= OPT_COUNT;
                return number(optarg, 1, &c->count) ? 0 : usage_error("--count takes a positive count, not '%s'", optarg);
        case LONG_CHECK: c->opts |= OPT_CHECK; return 0;
        default: return usage_error(NULL); /* getopt said what */
        }
}

/* The options and operands, in any order; the command's rules checked. */
static int parse(int argc, char **argv, struct ctl *c)
{
        static const struct option longopts[] = {
                { "socket", required_argument, NULL, 's' },       { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },               { "count", required_argument, NULL, LONG_COUNT },
                { "since", required_argument, NULL, LONG_SINCE }, { "check", no_argument, NULL, LONG_CHECK },
                { NULL, 0, NULL, 0 },
        };
        int ch, r;

        while ((ch = getopt_long(argc, argv, "s:jhn:", longopts, NULL)) != -1)
                if ((r = one_option(c, ch)))
                        return r < 0 ? 0 : r;
        if (optind >= argc)
                return usage_error("no command given");
        if (!(c->cmd = find_command(argv[optind])))
                return usage_error("unknown command '%s'", argv[optind]);
        c->args = argv + optind + 1;
        c->nargs = argc - optind - 1;
        for (unsigned o = OPT_LAST; o <= OPT_CHECK; o <<= 1)
                if ((c->opts & o) && !(c->cmd->opts & o))
                        return usage_error("'%s' takes no option %s", c->cmd->name, opt_name(o));
        if ((c->opts & OPT_LAST) && (c->opts & OPT_SINCE))
                return usage_error("events takes -n or --since, not both");
        if (c->nargs != c->cmd->nargs)
                return usage_error(c->nargs > c->cmd->nargs ? "too many operands for '%s'" : "missing operand for '%s'",
                                   c->cmd->synopsis);
        if (!strcmp(c->cmd->name, "show") && strcmp(c->args[0], "instance") && strcmp(c->args[0], "vs"))
                return usage_error("show what? (show instance NAME, show vs NAME), not '%s'", c->args[0]);
        return 0;
}

int main(int argc, char **argv)
{
        struct ctl c = { .socket = getenv("VIGIL_SOCKET") ? getenv("VIGIL_SOCKET") : DEFAULT_SOCKET };
        json_t *req, *ans;
        FILE *in;
        int rc;

        opterr = 1;
        if ((rc = parse(argc, argv, &c)) || !c.cmd)
                return rc;
        req = c.cmd->request(&c);
        in = fdopen(connect_to(c.socket), "r");
        send_request(fileno(in), req);
        json_decref(req);
        ans = read_answer(in);
        if (!ans) {
                fprintf(stderr, "vigilctl: no answer from vigild\n");
                return EXIT_UNREACHABLE;
        }
        rc = c.cmd->answer(&c, in, ans);
        json_decref(ans);
        fclose(in);
        return rc;
}
