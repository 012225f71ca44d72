/* The check worker's commands on the supervisor channel (the channel, the
 * heartbeat and the envelope are worker/ctl.c's): status and reload. A
 * reload's snapshot is parsed on libuv's thread pool while the checkers go
 * on; the switch happens on the loop. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/engine_internal.h"
#include "common/log.h"

static json_t *failed(void)
{
        return json_pack("{s:b,s:s}", "ok", 0, "error", "the health checker could not load the configuration");
}

static json_t *apply(struct check_engine *e, struct conf *nc, bool check, int64_t parse_us)
{
        json_t *report = NULL, *out;

        if (!nc) {
                log_err("reload failed: the configuration could not be loaded; the running one stays");
                return failed();
        }
        if (check || e->shutdown_until) {
                conf_free(nc);
                return json_pack("{s:b,s:b}", "ok", 1, "check", check);
        }
        log_debug("reload: the health checker's parse took %.1f ms (off the loop)", (double)parse_us / 1e3);
        if (ck_engine_swap(e, nc, &report) < 0) {
                conf_free(nc);
                log_err("reload failed: no memory for the new model; the running one stays");
                return failed();
        }
        out = json_pack("{s:b,s:b,s:o,s:f}", "ok", 1, "check", 0, "checkers", report ? report : json_object(),
                        "parse_ms", (double)parse_us / 1e3);
        return out;
}

static json_t *apply_reload(void *ctx, struct conf *nc, bool check, int64_t parse_us)
{
        return apply(ctx, nc, check, parse_us);
}

/* {"cmd": "reload", ...}: parsed on the thread pool, applied here (worker/reloads.h). */
static json_t *cmd_reload(void *ctx, json_t *msg)
{
        struct check_engine *e = ctx;
        struct wreloads *r = &e->reloads;

        r->loop = &e->loop;
        r->ctl = &e->ctl;
        r->load = e->load.load;
        r->load_ctx = e->load.ctx;
        r->apply = apply_reload;
        r->apply_ctx = e;
        r->who = "the health checker";
        return wreloads_command(r, msg);
}

/* The kernel's counters, read fresh for each status; none with the dry run. */
static void read_counters(struct check_engine *e)
{
        check_counters_free(&e->kc);
        e->kc_ok = e->ipvs_open && e->opts.ipvs->counters && e->opts.ipvs->counters(e->opts.ipvs->ctx, &e->kc) == 0;
}

static json_t *cmd_status(void *ctx, json_t *msg)
{
        struct check_engine *e = ctx;
        json_t *st;

        (void)msg;
        read_counters(e);
        st = ck_status(e);
        check_counters_free(&e->kc);
        return json_pack("{s:b,s:o}", "ok", 1, "status", st);
}

/* ---- drain, enable (undrain), disable ------------------------------------------------------ */

static json_t *refused(json_t *error)
{
        return json_pack("{s:b,s:o}", "ok", 0, "error", error);
}

/* "A, B, C" of what exists, for an error that names them. */
static void names_of(const char *const *names, size_t n, char *buf, size_t size)
{
        size_t len = 0;

        buf[0] = 0;
        for (size_t i = 0; i < n && len + 8 < size; i++) {
                if (i == 12) {
                        snprintf(buf + len, size - len, ", ... (%zu in all)", n);
                        return;
                }
                len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
        }
}

static struct ck_vs *find_vs(struct check_engine *e, const char *q, json_t **err)
{
        char svcs[16][96], list[1024];
        const char *sp[16], *names[64] = { 0 };
        struct ck_vs *found = NULL;
        size_t hits = 0;

        for (size_t i = 0; i < e->nvs; i++) {
                struct ck_vs *v = &e->vs[i];
                size_t ns = v->nsvcs < 16 ? v->nsvcs : 16;
                for (size_t k = 0; k < ns; k++)
                        sp[k] = ck_svc_str(&v->svcs[k], svcs[k], sizeof(svcs[k]));
                if (check_admin_vs_match(q, v->name, sp, ns, v->c->kind == VS_GROUP ? v->c->group : NULL)) {
                        found = v;
                        hits++;
                }
                if (i < 64)
                        names[i] = v->name;
        }
        if (hits == 1)
                return found;
        names_of(names, e->nvs < 64 ? e->nvs : 64, list, sizeof(list));
        *err = hits ? json_sprintf("'%s' names %zu virtual servers: %s", q, hits, list)
                    : json_sprintf("no virtual server '%s'; configured: %s", q, e->nvs ? list : "none");
        return NULL;
}

static struct ck_rs *find_rs(struct ck_vs *v, const char *q, json_t **err)
{
        const char *names[64] = { 0 };
        char a[INET6_ADDRSTRLEN], list[1024];
        struct ck_rs *found = NULL;
        size_t hits = 0;

        for (size_t r = 0; r < v->nrs; r++) {
                if (check_admin_rs_match(q, v->rs[r].name, conf_ip_str(&v->rs[r].c->addr, a, sizeof(a)),
                                         v->rs[r].c->port)) {
                        found = &v->rs[r];
                        hits++;
                }
                if (r < 64)
                        names[r] = v->rs[r].name;
        }
        if (hits == 1)
                return found;
        names_of(names, v->nrs < 64 ? v->nrs : 64, list, sizeof(list));
        *err = hits ? json_sprintf("'%s' names %zu real servers of VS %s: %s", q, hits, v->name, list)
                    : json_sprintf("no real server '%s' in VS %s; it has: %s", q, v->name, v->nrs ? list : "none");
        return NULL;
}

static const char *health_of(const struct ck_rs *rs)
{
        return rs->num_failed ? "dead" : "alive";
}

static json_t *cmd_admin(void *ctx, json_t *msg)
{
        struct check_engine *e = ctx;
        const char *cmd = json_string_value(json_object_get(msg, "cmd"));
        const char *vq = json_string_value(json_object_get(msg, "vs")), *rq = json_string_value(json_object_get(msg, "rs"));
        int st = check_admin_state_of_cmd(cmd);
        json_t *err = NULL, *out;
        struct ck_vs *v;
        struct ck_rs *rs;

        if (e->shutdown_until)
                return refused(json_string("the health checker is stopping"));
        if (!vq || !rq)
                return refused(json_sprintf("%s takes \"vs\" and \"rs\": a virtual server and one of its real servers",
                                            cmd));
        if (!(v = find_vs(e, vq, &err)) || !(rs = find_rs(v, rq, &err)))
                return refused(err);
        if (ck_admin_apply(rs, (enum check_admin_state)st) < 0)
                return refused(json_string("no memory for the override"));
        out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "event", "rs_admin", "action", !strcmp(cmd, "undrain") ? "enable" : cmd,
                        "vs", v->name, "rs", rs->name, "admin", check_admin_state_name(rs->admin), "alive",
                        rs->num_failed == 0);
        wctl_send(&e->ctl, json_deep_copy(out));
        wctl_send(&e->ctl, json_pack("{s:o}", "lvs_admin", ck_admin_json(e)));
        json_object_del(out, "event");
        json_object_set_new(out, "ok", json_true());
        json_object_set_new(out, "health", json_string(health_of(rs)));
        if (st == CHECK_ADMIN_DRAINED && rs->num_failed)
                json_object_set_new(out, "note", json_string("its checks are failing: it stays out of the table"));
        return out;
}

static json_t *summary(void *ctx)
{
        return ck_summary(ctx);
}

static void supervisor_gone(void *ctx)
{
        struct check_engine *e = ctx;

        e->sup_gone = true;
        uv_kill(getpid(), SIGTERM);
}

static const struct wctl_cmd commands[] = {
        { "status", cmd_status, true },
        { "reload", cmd_reload, false },
        { "drain", cmd_admin, false },
        { "undrain", cmd_admin, false },
        { "enable", cmd_admin, false },
        { "disable", cmd_admin, false },
        { NULL, NULL, false },
};

static const struct wctl_ops ops = { commands, summary, supervisor_gone };

void ck_ctl_attach(struct check_engine *e, int fd)
{
        if (wctl_attach(&e->ctl, &e->loop, fd, &ops, e) < 0)
                log_warn("health checker: cannot attach the supervisor channel");
}

void ck_ctl_detach(struct check_engine *e)
{
        if (wctl_attached(&e->ctl))
                wctl_heartbeat(&e->ctl);
}
