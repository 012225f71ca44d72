/* The check worker's runtime model and its checkers: per virtual server
 * its services and pool, per real server its checkers, per checker a
 * libuv timer that starts a probe when due. A result goes through the pure
 * decisions (check/decide.h, check/quorum.h); the transitions are logged in
 * keepalived's words, their scripts queued in order per object, and the
 * table is recomputed once the burst is over (engine.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/alert_text.h"
#include "check/carry.h"
#include "check/conf_map.h"
#include "check/engine_internal.h"
#include "check/file_rule.h"
#include "check/probe_addr.h"
#include "check/probe_key.h"
#include "common/clock.h"
#include "common/log.h"
#include "worker/smtp.h"

/* xorshift64*: the warmup spread needs no more than a uniform draw. */
uint32_t ck_random(struct check_engine *e)
{
        e->rng ^= e->rng >> 12;
        e->rng ^= e->rng << 25;
        e->rng ^= e->rng >> 27;
        return (uint32_t)((e->rng * 2685821657736338717ULL) >> 32);
}

static const char *proto_word(uint16_t p)
{
        return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == IPPROTO_SCTP ? "sctp" : "none";
}

static uint16_t vs_protocol(const struct conf_virtual_server *vs)
{
        if (vs->kind == VS_FWMARK)
                return 0;
        return vs->protocol && !strcmp(vs->protocol, "TCP")    ? IPPROTO_TCP
               : vs->protocol && !strcmp(vs->protocol, "SCTP") ? IPPROTO_SCTP
                                                               : IPPROTO_UDP;
}

/* keepalived's FMT_VS / FMT_RS: "[addr]:proto:port", "FWM n", "[group]:port". */
static void vs_name(const struct conf_virtual_server *vs, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];

        if (vs->kind == VS_FWMARK)
                snprintf(buf, size, "FWM %u", vs->fwmark);
        else if (vs->kind == VS_GROUP)
                snprintf(buf, size, "[%s]:%u", vs->group ? vs->group : "", vs->port);
        else
                snprintf(buf, size, "[%s]:%s:%u", conf_ip_str(&vs->addr, a, sizeof(a)), proto_word(vs_protocol(vs)),
                         vs->port);
}

/* "[addr]:proto:port" at buf (RS_NAME_MAX bytes), its length with the
 * NUL returned. Put together by hand: a reload names every real server
 * (37,000 in bench/lvs_reload.py), where snprintf was a fifth of the
 * reload's time on the loop. */
#define RS_NAME_MAX (1 + INET6_ADDRSTRLEN + 2 + 4 + 1 + 5 + 1)

static size_t rs_name(const struct ck_vs *v, const struct conf_real_server *rs, char *buf)
{
        const char *proto = proto_word(v->c->kind == VS_FWMARK ? IPPROTO_TCP : vs_protocol(v->c));
        char digits[5];
        size_t n = 0, len, d = 0;
        unsigned port = rs->port;

        buf[n++] = '[';
        conf_ip_str(&rs->addr, buf + n, INET6_ADDRSTRLEN);
        n += strlen(buf + n);
        buf[n++] = ']';
        buf[n++] = ':';
        len = strlen(proto);
        memcpy(buf + n, proto, len);
        n += len;
        buf[n++] = ':';
        do {
                digits[d++] = (char)('0' + port % 10);
                port /= 10;
        } while (port && d < sizeof(digits));
        while (d)
                buf[n++] = digits[--d];
        buf[n++] = '\0';
        return n;
}

static void script_of(const struct conf *c, const struct conf_script *s, const char *what, struct script_cmd *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (s->cmdline && script_cmd_init(ret, c, s, NULL, NULL, what) < 0)
                memset(ret, 0, sizeof(*ret));
}

/* ---- building ----------------------------------------------------------------------------- */

/* notify_up / notify_down, allocated only for a real server that has one. */
static int rs_scripts(struct ck_vs *v, const struct conf *c, const struct conf_real_server *crs, struct ck_rs *rs)
{
        if (!crs->notify_up.cmdline && !crs->notify_down.cmdline)
                return 0;
        if (!(rs->sc = calloc(1, sizeof(*rs->sc))))
                return -ENOMEM;
        notify_queue_init(&rs->sc->nq, &v->e->loop);
        script_of(c, &crs->notify_up, "notify_up", &rs->sc->up);
        script_of(c, &crs->notify_down, "notify_down", &rs->sc->down);
        return 0;
}

static int rs_build(struct ck_vs *v, const struct conf *c, const struct conf_real_server *crs, struct ck_rs *rs)
{
        const struct conf_checker *ck;
        size_t i = 0;

        rs->vs = v;
        rs->c = crs;
        if (rs_scripts(v, c, crs, rs) < 0)
                return -ENOMEM;
        rs->ck = calloc(crs->checkers.count ? crs->checkers.count : 1, sizeof(*rs->ck));
        if (!rs->ck)
                return -ENOMEM;
        CONF_FOREACH(ck, &crs->checkers) {
                struct ck_checker *k = &rs->ck[i++];
                k->rs = rs;
                k->c = ck;
                k->pol = check_policy_of(ck);
                k->file_wd = -1;
                if (ck->type == CHECK_FILE) /* its file decides at once: no retry, no alpha, no timer */
                        k->pol = (struct check_policy){ .delay_loop = CHECK_DEFAULT_DELAY_LOOP };
        }
        rs->nck = i;
        return 0;
}

/* The real servers' names in one block (a name is ~20 bytes; a buffer
 * of CK_NAME_MAX in each would be 100 more per server): written once at
 * the widest a name can be, then trimmed to what they took. */
static int rs_names_build(struct ck_vs *v)
{
        const struct conf_real_server *crs;
        size_t total = 0;
        char *block = malloc(v->nrs ? v->nrs * RS_NAME_MAX : 1), *trimmed;
        const char *p;

        if (!block)
                return -ENOMEM;
        CONF_FOREACH(crs, &v->c->real_servers)
                total += rs_name(v, crs, block + total);
        trimmed = realloc(block, total ? total : 1);
        v->rs_names = trimmed ? trimmed : block;
        p = v->rs_names; /* the names end to end, in the servers' order */
        for (size_t i = 0; i < v->nrs; i++, p += strlen(p) + 1)
                v->rs[i].name = p;
        return 0;
}

static int vs_build(struct check_engine *e, const struct conf *c, const struct conf_virtual_server *cvs,
                    struct ck_vs *v)
{
        const struct conf_real_server *crs;
        size_t n = check_vs_svc_count(c, cvs, 65536), i = 0;

        v->e = e;
        v->c = cvs;
        vs_name(cvs, v->name, sizeof(v->name));
        v->params = check_vs_params_of(cvs, c->global.rs_init_notifies);
        notify_queue_init(&v->nq, &e->loop);
        script_of(c, &cvs->quorum_up, "quorum_up", &v->qup);
        script_of(c, &cvs->quorum_down, "quorum_down", &v->qdown);
        v->svcs = calloc(n ? n : 1, sizeof(*v->svcs));
        v->nrs = cvs->real_servers.count;
        v->rs = calloc(v->nrs ? v->nrs : 1, sizeof(*v->rs));
        v->in = calloc(v->nrs ? v->nrs : 1, sizeof(*v->in));
        v->out = calloc(v->nrs ? v->nrs : 1, sizeof(*v->out));
        if (!v->svcs || !v->rs || !v->in || !v->out || rs_names_build(v) < 0)
                return -ENOMEM;
        v->nsvcs = check_vs_svcs(c, cvs, v->svcs, n);
        if (cvs->has_sorry_server)
                v->sorry = check_sorry_dest_of(cvs);
        CONF_FOREACH(crs, &cvs->real_servers) {
                if (rs_build(v, c, crs, &v->rs[i++]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* ---- one probe, many users (check/probe_key.h) ---------------------------------------------- */

struct check_probe_who ck_who_of(const struct ck_checker *ck)
{
        return (struct check_probe_who){ ck->rs->vs->c, ck->rs->c, ck->c };
}

/* The first user is the lead, pointed to in place: most groups have one
 * user only, and an array of one pointer would cost 32 bytes each. */
static int group_add(struct ck_group *g, struct ck_checker *ck)
{
        struct ck_checker **u;

        if (g->nusers == 0 && ck == g->lead) {
                g->users = &g->lead;
        } else {
                u = g->users == &g->lead ? NULL : g->users;
                if (!(u = realloc(u, (g->nusers + 1) * sizeof(*u))))
                        return -ENOMEM;
                if (g->users == &g->lead)
                        u[0] = g->lead;
                g->users = u;
        }
        g->users[g->nusers++] = ck;
        ck->grp = g;
        return 0;
}

static void group_free(struct ck_group *g)
{
        if (g->users != &g->lead)
                free(g->users);
        free(g);
}

static int group_new(struct check_engine *e, struct ck_checker *ck)
{
        struct ck_group *g = calloc(1, sizeof(*g));

        if (!g)
                return -ENOMEM;
        g->e = e;
        g->lead = ck;
        ck_group_timer_init(g);
        ck->owns_grp = true;
        if (group_add(g, ck) < 0) {
                ck->owns_grp = false;
                ck->grp = NULL;
                free(g);
                return -ENOMEM;
        }
        return 0;
}

/* An open-addressed table of the shareable leads by key hash, only while
 * building: equal hashes are compared in full. */
struct lead_slot {
        uint64_t hash;
        struct ck_checker *lead;
};

static int group_one(struct check_engine *e, struct ck_checker *ck, struct lead_slot *tab, size_t size)
{
        struct check_probe_who w = ck_who_of(ck);
        uint64_t h;
        size_t i;

        if (ck->c->type == CHECK_FILE)
                return 0;
        if (!tab || !check_probe_shareable(&w))
                return group_new(e, ck);
        h = check_probe_key_hash(&w);
        for (i = h % size; tab[i].lead; i = (i + 1) % size) {
                struct check_probe_who lw = ck_who_of(tab[i].lead);
                if (tab[i].hash == h && check_probe_key_equal(&lw, &w))
                        return group_add(tab[i].lead->grp, ck);
        }
        tab[i] = (struct lead_slot){ h, ck };
        return group_new(e, ck);
}

static int ck_groups_build(struct check_engine *e, struct ck_vs *vs, size_t n)
{
        size_t total = 0, size;
        struct lead_slot *tab;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < vs[i].nrs; k++)
                        total += vs[i].rs[k].nck;
        size = 2 * total + 1;
        tab = calloc(size, sizeof(*tab)); /* NULL: every checker probes alone */
        for (size_t i = 0; i < n && r == 0; i++)
                for (size_t k = 0; k < vs[i].nrs && r == 0; k++)
                        for (size_t j = 0; j < vs[i].rs[k].nck && r == 0; j++)
                                r = group_one(e, &vs[i].rs[k].ck[j], tab, size);
        free(tab);
        return r;
}

int ck_model_build(struct check_engine *e, const struct conf *c, struct ck_vs **ret, size_t *ret_n)
{
        const struct conf_virtual_server *cvs;
        size_t n = c->virtual_servers.count, i = 0;
        struct ck_vs *vs = calloc(n ? n : 1, sizeof(*vs));

        if (!vs)
                return -ENOMEM;
        *ret = vs;
        CONF_FOREACH(cvs, &c->virtual_servers) {
                *ret_n = i + 1;
                if (vs_build(e, c, cvs, &vs[i++]) < 0)
                        return -ENOMEM;
        }
        *ret_n = i;
        return ck_groups_build(e, vs, i);
}

/* A group with no user left to feed stops; one that still has some
 * keeps its probe. */
static void group_settle(struct ck_group *g);

void ck_model_stop_checks(struct ck_vs *vs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                for (size_t r = 0; r < vs[i].nrs; r++)
                        for (size_t k = 0; k < vs[i].rs[r].nck; k++)
                                vs[i].rs[r].ck[k].paused = true;
        for (size_t i = 0; i < n; i++)
                for (size_t r = 0; r < vs[i].nrs; r++)
                        for (size_t k = 0; k < vs[i].rs[r].nck; k++)
                                if (vs[i].rs[r].ck[k].grp)
                                        group_settle(vs[i].rs[r].ck[k].grp);
}

/* The timers must be closed and the loop run once before this. */
void ck_model_free(struct ck_vs *vs, size_t n)
{
        for (size_t i = 0; vs && i < n; i++) {
                for (size_t r = 0; r < vs[i].nrs; r++) {
                        for (size_t k = 0; k < vs[i].rs[r].nck; k++) {
                                if (vs[i].rs[r].ck[k].owns_grp)
                                        group_free(vs[i].rs[r].ck[k].grp);
                                free(vs[i].rs[r].ck[k].last_detail);
                        }
                        free(vs[i].rs[r].ck);
                        free(vs[i].rs[r].results_other);
                        if (vs[i].rs[r].sc) {
                                script_cmd_free(&vs[i].rs[r].sc->up);
                                script_cmd_free(&vs[i].rs[r].sc->down);
                                free(vs[i].rs[r].sc);
                        }
                }
                free(vs[i].rs_names);
                script_cmd_free(&vs[i].qup);
                script_cmd_free(&vs[i].qdown);
                free(vs[i].svcs);
                free(vs[i].rs);
                free(vs[i].in);
                free(vs[i].out);
        }
        free(vs);
}

static void close_timers(struct ck_vs *vs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                for (size_t r = 0; r < vs[i].nrs; r++)
                        for (size_t k = 0; k < vs[i].rs[r].nck; k++) {
                                struct ck_checker *ck = &vs[i].rs[r].ck[k];
                                if (ck->owns_grp)
                                        ck_group_timer_stop(ck->grp);
                        }
}

bool ck_model_idle(const struct ck_vs *vs, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (vs[i].nq.running || vs[i].nq.head)
                        return false;
                for (size_t r = 0; r < vs[i].nrs; r++)
                        if (vs[i].rs[r].sc && (vs[i].rs[r].sc->nq.running || vs[i].rs[r].sc->nq.head))
                                return false;
        }
        return true;
}

/* ---- the pool ----------------------------------------------------------------------------- */

/* FILE_CHECK's contributions to the weight (only while not down, as a
 * down real server has no weight to adjust), clamped for IPVS. */
static void ck_rs_add_files(const struct ck_rs *rs, int64_t *weight)
{
        int64_t sum = 0;
        bool any = false;

        for (size_t k = 0; k < rs->nck; k++)
                if (rs->ck[k].c->type == CHECK_FILE && rs->ck[k].st.state != CHECK_DOWN) {
                        any = true;
                        if (__builtin_add_overflow(sum, rs->ck[k].file_delta, &sum))
                                sum = rs->ck[k].file_delta < 0 ? INT64_MIN : INT64_MAX;
                }
        if (any)
                *weight = check_file_weight_apply(*weight, sum);
}

void ck_vs_fill_inputs(struct ck_vs *v)
{
        for (size_t r = 0; r < v->nrs; r++) {
                struct ck_rs *rs = &v->rs[r];
                v->in[r] = check_rs_input_of(rs->c, rs->num_failed == 0);
                if (rs->has_dyn)
                        v->in[r].weight = rs->dyn_weight;
                ck_rs_add_files(rs, &v->in[r].weight);
                ck_admin_fill(rs, &v->in[r]);
        }
}

/* "RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 UP": the real server's name, then its virtual server's. */
static void ck_fifo_write_rs(const struct ck_rs *rs, bool up)
{
        char both[2 * CK_NAME_MAX + 2];

        snprintf(both, sizeof(both), "%s %s", rs->name, rs->vs->name);
        ck_fifo_write(rs->vs->e, NOTIFY_RS, both, up);
}

/* smtp_alert for the quorum: the virtual server's own, else the global
 * one, else off (reference §1.14); real servers' is resolved by
 * conf/validate_lvs.c. */
static bool vs_mails(const struct ck_vs *v)
{
        return v->c->smtp_alert >= 0 ? v->c->smtp_alert > 0 : v->e->conf->global.smtp_alert > 0;
}

static void vs_mail(const struct ck_vs *v, bool up)
{
        const struct conf *c = v->e->conf;
        struct check_alert a;

        if (!vs_mails(v))
                return;
        check_alert_quorum(&a, v->name, up, v->params.quorum, v->params.hysteresis, (long long)v->pool.threshold,
                           (long long)v->pool.weight_sum);
        smtp_alert_send_text(&v->e->loop, c, a.subject, a.body);
}

static void rs_mail(const struct ck_rs *rs, enum conf_checker_type by, bool up)
{
        struct check_alert a;

        if (rs->c->smtp_alert <= 0)
                return;
        check_alert_rs(&a, rs->name, rs->vs->name, by, up);
        smtp_alert_send_text(&rs->vs->e->loop, rs->vs->e->conf, a.subject, a.body);
}

static void run_script(struct notify_queue *q, const struct script_cmd *sc)
{
        if (sc->argv)
                notify_queue_push(q, sc, NULL);
}

static void rs_script(struct ck_rs *rs, bool up)
{
        if (rs->sc)
                run_script(&rs->sc->nq, up ? &rs->sc->up : &rs->sc->down);
}

/* Re-decide the pool after a change of health or weight: the quorum's
 * transition is logged and its script queued; the table follows later. */
void ck_vs_refresh(struct ck_vs *v, bool log_it)
{
        bool was_up = v->pool.quorum_up, sorry_was = v->pool.sorry_active;

        ck_vs_fill_inputs(v);
        check_vs_update(&v->params, was_up, v->in, v->nrs, v->out, &v->pool);
        if (!log_it)
                return;
        if (v->pool.change == CHECK_WENT_UP) {
                log_info("Gained quorum %u+%u=%lld <= %lld for VS %s", v->params.quorum, v->params.hysteresis,
                         (long long)v->pool.threshold, (long long)v->pool.weight_sum, v->name);
                run_script(&v->nq, &v->qup);
                ck_fifo_write(v->e, NOTIFY_VS, v->name, true);
                vs_mail(v, true);
        } else if (v->pool.change == CHECK_WENT_DOWN) {
                log_info("Lost quorum %u-%u=%lld > %lld for VS %s", v->params.quorum, v->params.hysteresis,
                         (long long)v->pool.threshold, (long long)v->pool.weight_sum, v->name);
                run_script(&v->nq, &v->qdown);
                ck_fifo_write(v->e, NOTIFY_VS, v->name, false);
                vs_mail(v, false);
        }
        if (v->pool.sorry_active != sorry_was && v->params.has_sorry_server) {
                char a[INET6_ADDRSTRLEN];
                log_info("%s sorry server [%s]:%u %s VS %s", v->pool.sorry_active ? "Adding" : "Removing",
                         conf_ip_str(&v->sorry.addr, a, sizeof(a)), v->sorry.port,
                         v->pool.sorry_active ? "to" : "from", v->name);
        }
}

/* Stopping with omega, as keepalived: each alive real server's
 * notify_down, FIFO line and mail, then the quorum's. */
void ck_vs_omega(struct ck_vs *v)
{
        struct check_alert a;

        ck_vs_fill_inputs(v);
        check_vs_stop(&v->params, v->pool.quorum_up, v->in, v->nrs, v->out, &v->pool);
        for (size_t r = 0; r < v->nrs; r++) {
                struct ck_rs *rs = &v->rs[r];
                if (!v->out[r].notify_down)
                        continue;
                rs_script(rs, false);
                ck_fifo_write_rs(rs, false);
                if (rs->c->smtp_alert > 0) {
                        check_alert_shutdown(&a, rs->name, v->name);
                        smtp_alert_send_text(&v->e->loop, v->e->conf, a.subject, a.body);
                }
        }
        if (!v->pool.run_quorum_down)
                return;
        run_script(&v->nq, &v->qdown);
        ck_fifo_write(v->e, NOTIFY_VS, v->name, false);
        if (vs_mails(v)) {
                check_alert_shutdown(&a, NULL, v->name);
                smtp_alert_send_text(&v->e->loop, v->e->conf, a.subject, a.body);
        }
}

/* ---- checkers ----------------------------------------------------------------------------- */

/* Probes fall due on a grid of this many ms, so that one wake-up of the
 * loop starts the few that are due together (and one epoll_wait sees
 * their connections) instead of one wake-up each: at 1,000 checks a
 * second spread evenly, waking per check cost a fifth more CPU. A probe
 * starts less than a grid late, and as ck_group_due starts it as of its due
 * time the lateness never adds up: its period stays delay_loop. */
#define CK_TIMER_GRID_MS 4

/* The earliest due time of g's running users; INT64_MAX: none runs. */
static int64_t group_due(const struct ck_group *g)
{
        int64_t due = INT64_MAX;

        for (size_t i = 0; i < g->nusers; i++)
                if (!g->users[i]->paused && g->users[i]->due < due)
                        due = g->users[i]->due;
        return due;
}

static void group_arm(struct ck_group *g)
{
        int64_t due = group_due(g), due_ms, loop_ms;

        if (due == INT64_MAX) {
                ck_group_timer_stop(g);
                return;
        }
        /* libuv counts a timeout from its loop time (the same monotonic
         * clock in ms, read when the loop last woke up, so behind `now`):
         * counted from there to `due` rounded up, the timer fires at the
         * first wake-up at or after due, never before it (counted from
         * `now` it fired early by however long the loop had been busy, and
         * the next probe was early or late by as much) */
        loop_ms = (int64_t)uv_now(&g->e->loop);
        due_ms = due / 1000 + (due % 1000 != 0);
        due_ms += (CK_TIMER_GRID_MS - due_ms % CK_TIMER_GRID_MS) % CK_TIMER_GRID_MS;
        ck_group_timer_start(g, due_ms > loop_ms ? (uint64_t)(due_ms - loop_ms) : 0);
}

static void group_settle(struct ck_group *g)
{
        bool active = false;

        for (size_t i = 0; i < g->nusers && !active; i++)
                active = !g->users[i]->paused;
        if (!active && g->run) {
                check_probe_cancel(g->run);
                g->run = NULL;
        }
        if (!g->run)
                group_arm(g);
}

/* "connect refused" or "HTTP status: 503": the result's name, and what
 * the probe said when it said something. */
static const char *reason(const struct check_decision *d, const struct ck_checker *ck, char *buf, size_t size)
{
        if (ck->last_detail)
                snprintf(buf, size, "%s: %s", check_result_name(d->result), ck->last_detail);
        else
                snprintf(buf, size, "%s", check_result_name(d->result));
        return buf;
}

/* The failure with its reason: keepalived's TCP wording for TCP_CHECK,
 * "HTTP_GET for [10.0.0.2]:tcp:80 failed (HTTP status: 503)." for the
 * others. */
static void log_failure(const struct ck_checker *ck, const struct check_decision *d)
{
        char why[CHECK_DETAIL_MAX + 48];

        if (ck->c->type == CHECK_TCP)
                log_info("TCP connection to %s failed (%s).", ck->rs->name, reason(d, ck, why, sizeof(why)));
        else
                log_info("%s for %s failed (%s).", conf_checker_name(ck->c->type), ck->rs->name,
                         reason(d, ck, why, sizeof(why)));
}

static void log_checker(const struct ck_checker *ck, const struct check_decision *d)
{
        const char *rs = ck->rs->name, *type = conf_checker_name(ck->c->type);

        if (d->change == CHECK_WENT_UP) {
                if (ck->c->type == CHECK_TCP)
                        log_info("TCP connection to %s success.", rs);
                else
                        log_info("%s for %s succeeded.", type, rs);
        } else if (d->change == CHECK_WENT_DOWN) {
                /* the reason first; then keepalived's line, word for word */
                log_failure(ck, d);
                if (d->after_retries)
                        log_info("%s on service %s failed after %u retries.", type, rs, ck->pol.retry);
                else
                        log_info("%s on service %s failed.", type, rs);
        } else if (d->counted && !d->success && (ck->c->log_all_failures || d->retry_index)) {
                log_failure(ck, d);
        } else if (d->result == CHECK_ERROR) {
                log_warn("%s for %s could not run (vigil's side%s%s, not the server's); rescheduling", type, rs,
                         ck->last_detail ? ": " : "", ck_detail(ck));
        }
}

/* by: the type of the checker whose change moved the real server (its
 * mail names it, as keepalived's). */
static void rs_transition(struct ck_rs *rs, enum check_change ch, enum conf_checker_type by)
{
        struct ck_vs *v = rs->vs;
        bool inhibit = rs->c->inhibit_on_failure > 0;

        if (ch == CHECK_SAME)
                return;
        log_info("%s service %s %s VS %s", ch == CHECK_WENT_UP ? (inhibit ? "Enabling" : "Adding")
                                                                : (inhibit ? "Disabling" : "Removing"),
                 rs->name, ch == CHECK_WENT_UP ? "to" : "from", v->name);
        rs_script(rs, ch == CHECK_WENT_UP);
        ck_fifo_write_rs(rs, ch == CHECK_WENT_UP);
        rs_mail(rs, by, ch == CHECK_WENT_UP);
        ck_vs_refresh(v, true);
        ck_table_changed(v->e);
}

static void apply_weight(struct ck_rs *rs, const struct check_decision *d)
{
        if (d->weight_op == CHECK_WEIGHT_KEEP)
                return;
        bool had = rs->has_dyn;
        int64_t before = rs->dyn_weight;
        rs->has_dyn = d->weight_op == CHECK_WEIGHT_SET;
        rs->dyn_weight = d->weight;
        if (had != rs->has_dyn || before != rs->dyn_weight) {
                ck_vs_refresh(rs->vs, true);
                ck_table_changed(rs->vs->e);
        }
}

/* The real server's series (check/metrics.c): its checkers' results by
 * name, and the latency of the probes that fed them. */
static void ck_rs_count(struct ck_rs *rs, const struct check_decision *d, const struct check_probe *p)
{
        enum check_result r = d->result < CHECK_RESULT_COUNT ? d->result : CHECK_ERROR;

        if (r == CHECK_OK)
                rs->results_ok++;
        else if (rs->results_other || (rs->results_other = calloc(CHECK_RESULT_COUNT, sizeof(uint64_t))))
                rs->results_other[r]++; /* (no memory: this one is not counted) */
        rs->latency_sum += p->latency > 0 ? (uint64_t)p->latency : 0;
        rs->latency_count++;
}

struct check_dest ck_rs_dest(const struct ck_rs *rs)
{
        return check_dest_of(rs->vs->c, rs->c);
}

const char *ck_detail(const struct ck_checker *ck)
{
        return ck->last_detail ? ck->last_detail : "";
}

/* Kept as it is when the same text comes again (a server failing the same
 * way every second allocates nothing). Out of memory: no detail. */
void ck_set_detail(struct ck_checker *ck, const char *s)
{
        if (s && s[0] && ck->last_detail && !strcmp(ck->last_detail, s))
                return;
        free(ck->last_detail);
        ck->last_detail = s && s[0] ? strdup(s) : NULL;
}

void ck_checker_feed(struct ck_checker *ck, const struct check_probe *p, int64_t now)
{
        struct check_engine *e = ck->rs->vs->e;
        struct check_decision d = check_decide(&ck->pol, &ck->st, p, now);

        /* decide.c clears a dynamic weight on a script exit of 0, which
         * the MISC probe reports as CHECK_OK: the same rule here */
        if (ck->c->type == CHECK_MISC && p->result == CHECK_OK && d.weight_op == CHECK_WEIGHT_KEEP)
                d.weight_op = CHECK_WEIGHT_CLEAR;
        ck->st = d.next;
        ck->due = d.next_due;
        ck->has_last = true;
        ck->last = d.result;
        ck->last_time = wall_usec();
        ck->last_latency = p->latency;
        ck_set_detail(ck, p->detail);
        e->results[d.result < CHECK_RESULT_COUNT ? d.result : CHECK_ERROR]++;
        ck_rs_count(ck->rs, &d, p);
        log_checker(ck, &d);
        apply_weight(ck->rs, &d);
        if (d.change != CHECK_SAME)
                rs_transition(ck->rs, check_rs_apply(&ck->rs->num_failed, d.change), ck->c->type);
}

/* One probe's result, fed to each of its users that still runs (a
 * suspended virtual server's are skipped), each deciding on its own
 * status so that every virtual server logs and acts as if it had probed. */
static void on_result(void *ctx, const struct check_probe *p)
{
        struct ck_group *g = ctx;
        struct check_engine *e = g->e;
        int64_t now = mono_usec();
        enum conf_checker_type t = g->lead->c->type;

        g->run = NULL;
        e->probes_run++;
        if ((unsigned)t < CK_TYPES) {
                e->latency_sum[t] += p->latency > 0 ? (uint64_t)p->latency : 0;
                e->latency_count[t]++;
        }
        for (size_t i = 0; i < g->nusers; i++)
                if (!g->users[i]->paused) {
                        ck_checker_feed(g->users[i], p, now);
                        e->results_fed++;
                }
        group_arm(g);
        /* no heartbeat per result: at thousands of results a second that is
         * a summary of the whole model and a message to the supervisor each
         * time (the VM benchmark saw it); a transition changes the table,
         * and the table's apply sends one (engine.c), the period the rest */
}

void ck_group_due(struct ck_group *g)
{
        const struct ck_checker *lead = g->lead;
        int64_t now = mono_usec(), due = group_due(g);

        if (g->run)
                return;
        /* The probe starts when it was due, as the cadence counts it
         * (check_next_due): a wake-up late by a busy loop does not shift
         * the next one, nor clump the checks that were due meanwhile. */
        g->run = check_probe_start(g->e->prober, lead->rs->vs->c, lead->rs->c, lead->c, due < now ? due : now,
                                   on_result, g);
        if (!g->run) /* no memory: try again in a second */
                ck_group_timer_start(g, 1000);
}

void ck_vs_resume_checks(struct ck_vs *v, int64_t now)
{
        for (size_t r = 0; r < v->nrs; r++)
                for (size_t k = 0; k < v->rs[r].nck; k++) {
                        v->rs[r].ck[k].paused = false;
                        v->rs[r].ck[k].due = now;
                        if (v->rs[r].ck[k].c->type == CHECK_FILE) /* written to while suspended? */
                                ck_file_eval(&v->rs[r].ck[k], true);
                }
        for (size_t r = 0; r < v->nrs; r++)
                for (size_t k = 0; k < v->rs[r].nck; k++)
                        if (v->rs[r].ck[k].grp && !v->rs[r].ck[k].grp->run)
                                group_arm(v->rs[r].ck[k].grp);
}

/* The kernel's service of v in the table a restarted worker adopted, or
 * NULL: looked up once per virtual server, not per real server (37,000
 * servers times 2,300 services would be a quadratic start). */
static const struct check_table_svc *adopted_svc(const struct check_engine *e, const struct ck_vs *v)
{
        for (size_t i = 0; v->nsvcs && i < e->current.n; i++)
                if (!check_svc_key_cmp(&e->current.svcs[i].svc, &v->svcs[0]))
                        return &e->current.svcs[i];
        return NULL;
}

/* A restarted worker's view of a real server from the table it adopted:
 * 1 serving (a destination with a weight), 0 not, -1 the kernel has no
 * service of the virtual server (start as configured). */
static int adopted_health(const struct check_table_svc *ts, const struct ck_vs *v, size_t r)
{
        struct check_dest want;

        if (!ts)
                return -1;
        want = ck_rs_dest(&v->rs[r]);
        if (v->svcs[0].fwmark)
                want.port = 0;
        else if (!want.port || want.fwd == CHECK_FWD_DR || want.fwd == CHECK_FWD_TUN)
                want.port = v->svcs[0].port;
        for (size_t d = 0; d < ts->ndests; d++)
                if (!check_dest_key_cmp(&ts->dests[d], &want))
                        return ts->dests[d].weight > 0 || v->rs[r].c->weight == 0 ||
                               v->rs[r].admin == CHECK_ADMIN_DRAINED; /* weight 0 by the operator */
        return 0;
}

/* Every checker's first status and due time; the pools as they start.
 * A worker restarted after a crash starts each real server as the table
 * it adopted has it, so that the pool does not change until the checks
 * say so: one serving starts alive (even with alpha), one missing starts
 * down (even without). */
void ck_model_start(struct check_engine *e, int64_t now)
{
        ck_admin_attach(e);
        for (size_t i = 0; i < e->nvs; i++) {
                struct ck_vs *v = &e->vs[i];
                bool adopting = e->opts.restarted && !v->started;
                const struct check_table_svc *ts = adopting ? adopted_svc(e, v) : NULL;
                for (size_t r = 0; r < v->nrs; r++) {
                        struct ck_rs *rs = &v->rs[r];
                        int adopted = adopting ? adopted_health(ts, v, r) : -1;
                        for (size_t k = 0; k < rs->nck; k++) {
                                struct ck_checker *ck = &rs->ck[k];
                                struct check_policy pol = ck->pol;
                                int64_t due;
                                if (ck->started)
                                        continue; /* carried over by a reload */
                                ck->started = true;
                                if (adopted >= 0)
                                        pol.alpha = !adopted;
                                ck->st = check_start(&pol, now, ck_random(e), &due);
                                ck->due = due;
                                if (ck->c->type == CHECK_FILE) /* read at start: no probe, no alpha */
                                        ck_file_eval(ck, false);
                                rs->num_failed += check_state_failed(ck->st.state);
                        }
                }
                ck_vs_fill_inputs(v);
                if (!v->started) {
                        check_vs_start(&v->params, v->in, v->nrs, v->out, &v->pool);
                        for (size_t r = 0; r < v->nrs; r++)
                                if (v->out[r].notify_up)
                                        rs_script(&v->rs[r], true);
                } else
                        ck_vs_refresh(v, true);
                v->started = true;
        }
        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        for (size_t k = 0; k < e->vs[i].rs[r].nck; k++)
                                if (e->vs[i].rs[r].ck[k].owns_grp && !e->vs[i].rs[r].ck[k].grp->run)
                                        group_arm(e->vs[i].rs[r].ck[k].grp);
}

void ck_model_close(struct ck_vs *vs, size_t n)
{
        ck_model_stop_checks(vs, n);
        close_timers(vs, n);
}

void ck_fifo_write(struct check_engine *e, enum notify_kind kind, const char *name, bool up)
{
        struct notify_object o = { kind, name };
        char line[3 * CK_NAME_MAX];
        size_t len = notify_fifo_line(line, sizeof(line), &o, up ? "UP" : "DOWN", 0);

        for (int i = 0; i < 2; i++)
                notify_fifo_write(&e->fifo[i], line, len);
}
