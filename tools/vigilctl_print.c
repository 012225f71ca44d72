/* vigilctl's text renderings of the answers. Columns are sized to their
 * content (an IPv6 link-local master must not push the rest out of line),
 * and durations arrive as integer microseconds, shown in milliseconds. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigilctl.h"

#define CELL 1024

static const char *str(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "-";
}

static long long num(json_t *o, const char *key)
{
        return json_integer_value(json_object_get(o, key));
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

/* "a,b,c" from an array of strings. */
static void joined(json_t *a, const char *sep, char *buf, size_t size)
{
        json_t *v;
        size_t k;

        buf[0] = 0;
        json_array_foreach(a, k, v) {
                if (k)
                        strncat(buf, sep, size - strlen(buf) - 1);
                strncat(buf, json_string_value(v) ? json_string_value(v) : "?", size - strlen(buf) - 1);
        }
}

/* ---- a table whose columns fit their widest cell ------------------------------------------ */

#define MAXCOL 6

struct table {
        unsigned ncol;
        int width[MAXCOL];
};

static void table_fit(struct table *t, char cells[][CELL])
{
        for (unsigned i = 0; i < t->ncol; i++) {
                int w = (int)strlen(cells[i]);
                if (w > t->width[i])
                        t->width[i] = w;
        }
}

/* The last column is not padded. */
static void table_print(const struct table *t, char cells[][CELL])
{
        for (unsigned i = 0; i < t->ncol; i++)
                printf(i + 1 < t->ncol ? "%-*s  " : "%-*s\n", i + 1 < t->ncol ? t->width[i] : 0, cells[i]);
}

/* ---- status ------------------------------------------------------------------------------ */

enum { C_NAME, C_STATE, C_PRIO, C_VIPS, C_MASTER, C_LAST, NCOL_VI };

static void instance_cells(json_t *vi, char cells[][CELL])
{
        json_t *lt = json_object_get(vi, "last_transition");
        char when[32];

        snprintf(cells[C_NAME], CELL, "%s", str(vi, "name"));
        snprintf(cells[C_STATE], CELL, "%s", str(vi, "state"));
        snprintf(cells[C_PRIO], CELL, "%lld/%lld", num(vi, "base_priority"), num(vi, "effective_priority"));
        joined(json_object_get(vi, "vips"), ",", cells[C_VIPS], CELL);
        snprintf(cells[C_MASTER], CELL, "%s", str(vi, "master"));
        ago(json_number_value(json_object_get(lt, "time")), when, sizeof(when));
        snprintf(cells[C_LAST], CELL, "%s (%s, from %s)%s", when, str(lt, "reason"), str(lt, "from"),
                 json_is_true(json_object_get(vi, "demoted")) ? " [demoted]" : "");
}

/* Under the instance: what puts it in FAULT or lowers its priority. */
static void print_reasons(json_t *vi, const char *indent)
{
        json_t *r;
        size_t i;

        json_array_foreach(json_object_get(vi, "fault_reasons"), i, r)
                printf("%s%s: %s %s: %s\n", indent, str(r, "effect"), str(r, "kind"), str(r, "name"),
                       str(r, "detail"));
}

static void print_instances(json_t *list)
{
        static const char *const head[NCOL_VI] = { "INSTANCE", "STATE", "PRIORITY", "VIPS", "MASTER",
                                                   "LAST TRANSITION" };
        struct table t = { .ncol = NCOL_VI };
        char cells[NCOL_VI][CELL];
        json_t *vi;
        size_t i;

        for (unsigned c = 0; c < NCOL_VI; c++)
                snprintf(cells[c], CELL, "%s", head[c]);
        table_fit(&t, cells);
        json_array_foreach(list, i, vi) {
                instance_cells(vi, cells);
                table_fit(&t, cells);
        }
        for (unsigned c = 0; c < NCOL_VI; c++)
                snprintf(cells[c], CELL, "%s", head[c]);
        table_print(&t, cells);
        json_array_foreach(list, i, vi) {
                instance_cells(vi, cells);
                table_print(&t, cells);
                print_reasons(vi, "    ");
        }
}

static void group_cells(json_t *g, char cells[][CELL])
{
        snprintf(cells[0], CELL, "%s", str(g, "name"));
        snprintf(cells[1], CELL, "%s", str(g, "state"));
        joined(json_object_get(g, "members"), ",", cells[2], CELL);
}

static void print_groups(json_t *groups)
{
        struct table t = { .ncol = 3 };
        char cells[3][CELL] = { "SYNC GROUP", "STATE", "MEMBERS" };
        json_t *g;
        size_t i;

        if (!json_array_size(groups))
                return;
        table_fit(&t, cells);
        json_array_foreach(groups, i, g) {
                group_cells(g, cells);
                table_fit(&t, cells);
        }
        printf("\n");
        snprintf(cells[0], CELL, "SYNC GROUP"), snprintf(cells[1], CELL, "STATE"), snprintf(cells[2], CELL, "MEMBERS");
        table_print(&t, cells);
        json_array_foreach(groups, i, g) {
                group_cells(g, cells);
                table_print(&t, cells);
        }
}

/* "name value, ..." of the non-zero counters; "no drops" if none. */
static void nonzero(json_t *counters, char *buf, size_t size)
{
        const char *k;
        json_t *v;

        buf[0] = 0;
        json_object_foreach(counters, k, v) {
                size_t len = strlen(buf);
                if (json_is_integer(v) && json_integer_value(v))
                        snprintf(buf + len, size - len, "%s%s %lld", len ? ", " : "", k, json_integer_value(v));
        }
        if (!buf[0])
                snprintf(buf, size, "no drops");
}

/* One entry of "interfaces": {"name": "eth0", "counters": {...}}. */
static void print_interface(const char *indent, json_t *ifc)
{
        char buf[CELL];

        nonzero(json_object_get(ifc, "counters"), buf, sizeof(buf));
        printf("%s%s: %s\n", indent, str(ifc, "name"), buf);
}

/* The drops counted per interface before an instance is known. */
static void print_interfaces(json_t *ifs)
{
        json_t *v;
        size_t i;

        if (!json_array_size(ifs))
                return;
        printf("\ninterfaces (adverts dropped before an instance is known):\n");
        json_array_foreach(ifs, i, v)
                print_interface("  ", v);
}

/* The outcome of the last reload, as the man page promises. */
static void print_last_reload(json_t *r)
{
        char when[32];

        if (!json_is_object(r) || !num(r, "count")) {
                printf("no reload since the start\n");
                return;
        }
        ago(json_number_value(json_object_get(r, "last_time")), when, sizeof(when));
        printf("last reload %s: %s (%lld reloads, %lld refused)\n", when,
               json_is_true(json_object_get(r, "last_ok")) ? "applied" : "refused, the configuration has errors",
               num(r, "count"), num(r, "failed"));
}

int print_status(json_t *ans)
{
        json_t *st = json_object_get(ans, "status"), *w = json_object_get(ans, "worker");

        if (!json_is_object(st)) {
                print_virtual_servers(json_object_get(ans, "check"));
                printf("no status yet (VRRP worker %s)\n",
                       json_is_true(json_object_get(w, "running")) ? "starting" : "not running");
                return 0;
        }
        print_instances(json_object_get(st, "instances"));
        print_groups(json_object_get(st, "groups"));
        print_interfaces(json_object_get(st, "interfaces"));
        print_virtual_servers(json_object_get(ans, "check"));
        printf("worker pid %lld, restarts %lld\n", num(w, "pid"), num(w, "restarts"));
        print_last_reload(json_object_get(ans, "reload"));
        return 0;
}

/* ---- show instance ------------------------------------------------------------------------ */

/* Integer microseconds ("*_us") in milliseconds, the rest as they come. */
static void print_kv(const char *indent, json_t *o)
{
        const char *k;
        json_t *v;

        json_object_foreach(o, k, v) {
                size_t len = strlen(k);
                if (json_is_object(v)) {
                        printf("%s%s:\n", indent, k);
                        print_kv("    ", v);
                } else if (len > 3 && !strcmp(k + len - 3, "_us") && json_is_integer(v)) {
                        long long us = json_integer_value(v);
                        printf("%s%-26.*s %lld.%03lld ms\n", indent, (int)(len - 3), k, us / 1000, llabs(us % 1000));
                } else {
                        char *s = json_dumps(v, JSON_ENCODE_ANY);
                        printf("%s%-26s %s\n", indent, k, s);
                        free(s);
                }
        }
}

static void print_tracker(json_t *t)
{
        json_t *runs = json_object_get(t, "runs"), *st = json_object_get(t, "status");
        char when[32], status[32];

        if (json_is_integer(st))
                snprintf(status, sizeof(status), "%lld", json_integer_value(st));
        else
                snprintf(status, sizeof(status), "%s", str(t, "status"));
        ago(json_number_value(json_object_get(t, "last_change")), when, sizeof(when));
        printf("  %s %s: %s, weight %lld%s; last result: %s; changed %s\n", str(t, "kind"), str(t, "name"), status,
               num(t, "weight"), json_is_true(json_object_get(t, "reverse")) ? " reverse" : "", str(t, "last_result"),
               when);
        if (runs)
                printf("    runs %lld, failed %lld, timed out %lld, skipped %lld, last exit %lld\n", num(runs, "total"),
                       num(runs, "failed"), num(runs, "timed_out"), num(runs, "skipped"), num(runs, "last_exit"));
        if (json_object_get(t, "processes"))
                printf("    processes running %lld\n", num(t, "processes"));
}

int print_instance(json_t *ans)
{
        json_t *vi = json_object_get(ans, "instance"), *t;
        size_t i;

        printf("%s: %s, priority %lld (base %lld), interface %s, VRID %lld, v%lld%s\n", str(vi, "name"),
               str(vi, "state"), num(vi, "effective_priority"), num(vi, "base_priority"), str(vi, "interface"),
               num(vi, "vrid"), num(vi, "version"), json_is_true(json_object_get(vi, "demoted")) ? ", demoted" : "");
        printf("master: %s\n", str(vi, "master"));
        if (json_is_string(json_object_get(vi, "sync_group")))
                printf("sync group: %s\n", str(vi, "sync_group"));
        if (json_array_size(json_object_get(vi, "fault_reasons"))) {
                printf("why:\n");
                print_reasons(vi, "  ");
        }
        if (json_is_object(json_object_get(ans, "interface")))
                print_interface("interface ", json_object_get(ans, "interface"));
        printf("timers:\n");
        print_kv("  ", json_object_get(vi, "timers"));
        printf("counters:\n");
        print_kv("  ", json_object_get(vi, "counters"));
        printf("trackers:%s\n", json_array_size(json_object_get(vi, "trackers")) ? "" : " none");
        json_array_foreach(json_object_get(vi, "trackers"), i, t)
                print_tracker(t);
        return 0;
}

/* ---- reload ------------------------------------------------------------------------------ */

static const char *action_words(const char *action)
{
        return !strcmp(action, "updated") ? "updated in place" : action;
}

static void print_counts(const char *what, json_t *n)
{
        printf("%s: %lld kept, %lld updated in place, %lld restarted, %lld added, %lld removed\n", what,
               num(n, "kept"), num(n, "updated"), num(n, "restarted"), num(n, "added"), num(n, "removed"));
}

int print_reload(json_t *ans)
{
        bool ok = json_is_true(json_object_get(ans, "ok")), check = json_is_true(json_object_get(ans, "check"));
        json_t *d, *step, *plan = json_object_get(ans, "plan");
        size_t i;

        json_array_foreach(json_object_get(ans, "diagnostics"), i, d)
                printf("%s:%lld:%lld: %s: %s\n", str(d, "file"), num(d, "line"), num(d, "column"), str(d, "severity"),
                       str(d, "message"));
        if (!ok && json_is_array(json_object_get(ans, "diagnostics"))) {
                printf("%s\n", check ? "the configuration has errors: a reload would be refused"
                                     : "reload refused: the configuration has errors; the running one stays");
                return 1;
        }
        if (!ok) {
                printf("reload failed: %s\n", str(ans, "error"));
                return 1;
        }
        if (!plan) { /* valid, but no worker to ask or to switch: it starts with this file */
                printf("the configuration is valid; the VRRP worker is not running: it will start with it\n");
                return 0;
        }
        json_array_foreach(plan, i, step)
                printf("  %s: %s\n", str(step, "instance"), action_words(str(step, "action")));
        print_counts(check ? "valid; a reload would do" : "reloaded", json_object_get(ans, "instances"));
        return 0;
}

/* ---- events ------------------------------------------------------------------------------- */

void print_event(json_t *ev)
{
        const char *kind = str(ev, "event");
        time_t t = (time_t)json_number_value(json_object_get(ev, "time"));
        char when[32];
        struct tm tm;

        strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
        if (!strcmp(kind, "transition")) {
                printf("%lld %s %s %s -> %s (%s) priority %lld\n", num(ev, "seq"), when, str(ev, "instance"),
                       str(ev, "from"), str(ev, "to"), str(ev, "reason"), num(ev, "priority"));
        } else if (!strcmp(kind, "tracker")) {
                char *status = json_dumps(json_object_get(ev, "status"), JSON_ENCODE_ANY);
                printf("%lld %s tracker %s %s: %s\n", num(ev, "seq"), when, str(ev, "kind"), str(ev, "name"), status);
                free(status);
        } else if (!strcmp(kind, "demote") || !strcmp(kind, "promote")) {
                printf("%lld %s %s %s by the operator\n", num(ev, "seq"), when, str(ev, "name"),
                       !strcmp(kind, "demote") ? "demoted" : "promoted");
        } else if (!strcmp(kind, "rs_admin")) {
                printf("%lld %s %s real server %s of VS %s by the operator: now %s\n", num(ev, "seq"), when,
                       str(ev, "action"), str(ev, "rs"), str(ev, "vs"), str(ev, "admin"));
        } else if (!strcmp(kind, "reload")) {
                printf("%lld %s reload %s\n", num(ev, "seq"), when,
                       json_is_true(json_object_get(ev, "ok")) ? "validated, applying"
                                                               : "refused: the configuration has errors");
        } else {
                char *s = json_dumps(ev, JSON_COMPACT);
                printf("%s\n", s);
                free(s);
        }
        fflush(stdout);
}
