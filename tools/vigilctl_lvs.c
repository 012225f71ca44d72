/* vigilctl's text renderings of the check worker's side: the virtual
 * servers in `status`, `show vs NAME`, the answer to drain/enable/disable
 * and their events. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigilctl.h"

static const char *s_of(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "-";
}

static long long n_of(json_t *o, const char *key)
{
        return json_integer_value(json_object_get(o, key));
}

static void since(json_t *t, char *buf, size_t size)
{
        double d = (double)time(NULL) - json_number_value(t);

        if (!json_is_number(t))
                snprintf(buf, size, "-");
        else if (d < 120)
                snprintf(buf, size, "%.0fs ago", d < 0 ? 0 : d);
        else if (d < 7200)
                snprintf(buf, size, "%.0fm ago", d / 60);
        else
                snprintf(buf, size, "%.1fh ago", d / 3600);
}

/* "12 act/3 inact, 1040 conns, 5.0k in/80.1k out bytes", or why none. */
static void kernel_cell(json_t *k, bool dry_run, char *buf, size_t size)
{
        if (!json_is_object(k)) {
                snprintf(buf, size, "%s", dry_run ? "none (dry run)" : "-");
                return;
        }
        snprintf(buf, size, "%lld act/%lld inact, %lld conns, %lld/%lld bytes in/out", n_of(k, "active_conns"),
                 n_of(k, "inact_conns"), n_of(k, "conns"), n_of(k, "inbytes"), n_of(k, "outbytes"));
}

static void print_rs(json_t *rs, bool dry_run)
{
        char last[160], changed[32], kern[160], lat[32], weight[48];
        json_t *l = json_object_get(rs, "latency");

        snprintf(last, sizeof(last), "%s%s%s%s", s_of(rs, "last_result"),
                 json_is_string(json_object_get(rs, "last_detail")) ? " (" : "",
                 json_is_string(json_object_get(rs, "last_detail")) ? s_of(rs, "last_detail") : "",
                 json_is_string(json_object_get(rs, "last_detail")) ? ")" : "");
        snprintf(lat, sizeof(lat), json_is_number(l) ? "%.1fms" : "-", json_number_value(l) * 1e3);
        since(json_object_get(rs, "last_change"), changed, sizeof(changed));
        kernel_cell(json_object_get(rs, "kernel"), dry_run, kern, sizeof(kern));
        if (json_is_true(json_object_get(rs, "in_table")))
                snprintf(weight, sizeof(weight), "%lld/%lld", n_of(rs, "configured_weight"), n_of(rs, "effective_weight"));
        else
                snprintf(weight, sizeof(weight), "%lld/-", n_of(rs, "configured_weight"));
        printf("  %-28s %-7s %-8s %-9s %-8s %-24s %-8s %-9s %s\n", s_of(rs, "name"),
               !strcmp(s_of(rs, "health"), "up") ? "alive" : !strcmp(s_of(rs, "health"), "down") ? "dead" : "unknown",
               s_of(rs, "admin"), weight, json_is_true(json_object_get(rs, "in_table")) ? "in" : "out", last, lat,
               changed, kern);
}

/* drain_on_remove: the servers a reload removed, at weight 0 until their
 * connections end (doc/lvs/drain-on-remove.md). */
static void print_leaving(json_t *list, bool dry_run)
{
        json_t *l;
        size_t i;
        char kern[160];

        json_array_foreach(list, i, l) {
                kernel_cell(json_object_get(l, "kernel"), dry_run, kern, sizeof(kern));
                printf("  %-28s %-7s %-8s %-9s %-8s deleted in %.0fs at the latest; %s\n", s_of(l, "name"), "-",
                       "leaving", "-/0", "in", json_number_value(json_object_get(l, "deadline_in")), kern);
        }
}

static void print_one_vs(json_t *vs, bool dry_run)
{
        json_t *rs;
        size_t i;

        printf("VS %s: quorum %s, alive weight %lld (quorum %lld, hysteresis %lld)", s_of(vs, "name"),
               s_of(vs, "quorum_state"), n_of(vs, "alive_weight"), n_of(vs, "quorum"), n_of(vs, "hysteresis"));
        if (json_is_string(json_object_get(vs, "sorry_server")))
                printf(", sorry server %s%s", s_of(vs, "sorry_server"),
                       json_is_true(json_object_get(vs, "sorry_server_in_use")) ? " IN USE" : " not in use");
        printf("\n  %-28s %-7s %-8s %-9s %-8s %-24s %-8s %-9s %s\n", "REAL SERVER", "HEALTH", "ADMIN", "WEIGHT",
               "IPVS", "LAST RESULT", "LATENCY", "CHANGED", "KERNEL");
        json_array_foreach(json_object_get(vs, "real_servers"), i, rs)
                print_rs(rs, dry_run);
        print_leaving(json_object_get(vs, "leaving"), dry_run);
}

static bool dry_run_of(json_t *ipvs)
{
        return json_is_true(json_object_get(ipvs, "dry_run"));
}

void print_virtual_servers(json_t *check)
{
        json_t *vs, *ipvs = json_object_get(check, "ipvs");
        size_t i;

        if (!json_is_object(check))
                return;
        printf("virtual servers%s (WEIGHT: configured/in IPVS)\n",
               dry_run_of(ipvs) ? " (IPVS dry run: the kernel's counters are not available)" : "");
        json_array_foreach(json_object_get(check, "virtual_servers"), i, vs)
                print_one_vs(vs, dry_run_of(ipvs));
}

int print_vs(json_t *ans)
{
        print_one_vs(json_object_get(ans, "virtual_server"), dry_run_of(json_object_get(ans, "ipvs")));
        return 0;
}

int print_admin(json_t *ans)
{
        printf("%s %s of VS %s: %s\n", s_of(ans, "action"), s_of(ans, "rs"), s_of(ans, "vs"), s_of(ans, "admin"));
        if (json_is_string(json_object_get(ans, "note")))
                printf("note: %s\n", s_of(ans, "note"));
        return 0;
}
