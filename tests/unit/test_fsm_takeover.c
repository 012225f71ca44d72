/* vigil's lower_prio_takeover (fsm.h): a master advertises a new priority at
 * once, and a BACKUP that may preempt takes over in its Skew_Time when the
 * master it follows advertises less than it. Each rule alone on one FSM,
 * then several FSMs on a simulated wire (an advert reaches every other
 * router LATENCY later) for the elections between backups. Every timer
 * value is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fsm_fixtures.h"

#define MS 1000LL
#define V3_INT (100 * MS)
#define V2_INT (1000 * MS)
#define SKEW_100_V3 60937      /* (256 - 100) * 100 ms / 256 */
#define MDI_100_V3 360937      /* 3 * 100 ms + the skew */
#define SKEW_100_V2 609375     /* v2: (256 - 100) * 1 s / 256, whatever the interval */

static struct vrrp_fsm_params params(unsigned version, uint8_t prio, bool takeover)
{
        return (struct vrrp_fsm_params){ .version = version, .priority = prio,
                                         .adver_int = version == 2 ? V2_INT : V3_INT, .down_timer_adverts = 3,
                                         .lower_prio_takeover = takeover };
}


/* An advert from 10.0.0.`host`; src_cmp as seen by 10.0.0.`us`. */
static struct vrrp_rx from(uint8_t host, uint8_t us, uint8_t prio, int64_t adver)
{
        struct vrrp_rx r = { .priority = prio, .adver_int = adver, .src_cmp = (host > us) - (host < us) };

        r.src[0] = 10, r.src[3] = host;
        return r;
}

static void advert(struct vrrp_fsm *f, int64_t now, struct vrrp_rx r)
{
        struct vrrp_actions a = { 0 };

        vrrp_fsm_advert(f, now, &r, &a);
        assert_int_equal(a.n, 0); /* a BACKUP never acts on an advert */
}

/* The timer at `at`; the transition's ACT_STATE, which must be there. */
static struct vrrp_action fire(struct vrrp_fsm *f, int64_t at)
{
        struct vrrp_actions a = { 0 };

        vrrp_fsm_timer(f, at, &a);
        assert_true(a.n > 0);
        assert_int_equal(a.a[a.n - 1].kind, ACT_STATE);
        return a.a[a.n - 1];
}

/* A BACKUP (10.0.0.2, priority 100) that follows the master 10.0.0.1 at
 * 150, heard at T0 + 10 ms. */
static struct vrrp_fsm following(struct vrrp_fsm_params p)
{
        struct vrrp_fsm f = fsm_in_backup(p);

        advert(&f, T0 + 10 * MS, from(1, 2, 150, p.adver_int));
        assert_int_equal(f.down_at, T0 + 10 * MS + vrrp_master_down_interval(&f));
        return f;
}

/* ---- 1. the master advertises a new priority at once ------------------------------------- */

static void test_master_advertises_a_new_priority_at_once(void **state)
{
        struct vrrp_fsm f = fsm_in_master(params(3, 150, true));
        struct vrrp_actions a = { 0 };
        int64_t now = f.adver_at - 40 * MS;

        (void)state;
        vrrp_fsm_set_priority(&f, now, 90, &a);
        assert_int_equal(a.n, 1);
        assert_int_equal(a.a[0].kind, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 90);
        assert_int_equal(f.adver_at, now + V3_INT); /* the cadence restarts from it */
        a.n = 0;
        vrrp_fsm_set_priority(&f, now + MS, 90, &a); /* no change, no advert */
        assert_int_equal(a.n, 0);
        vrrp_fsm_set_priority(&f, now + 2 * MS, 150, &a); /* up again: at once too */
        assert_int_equal(a.n, 1);
        assert_int_equal(a.a[0].priority, 150);
        assert_int_equal(f.adver_at, now + 2 * MS + V3_INT);
        /* a BACKUP has nothing to say */
        f = fsm_in_backup(params(3, 100, true));
        a.n = 0;
        vrrp_fsm_set_priority(&f, T0 + MS, 90, &a);
        assert_int_equal(a.n, 0);
        /* nor an owner, whose priority never moves */
        f = fsm_in_master(params(3, 255, true));
        vrrp_fsm_set_priority(&f, T0 + MS, 90, &a);
        assert_int_equal(a.n, 0);
}

/* A reload moves the priority inside vrrp_fsm_reconfigure, which has no
 * action; the resume's vrrp_fsm_set_priority sends it. */
static void test_master_advertises_a_reloaded_priority_when_resumed(void **state)
{
        struct vrrp_fsm f = fsm_in_master(params(3, 150, true));
        struct vrrp_fsm_params p = params(3, 80, true);
        struct vrrp_actions a = { 0 };
        int64_t now = f.adver_at - 50 * MS;

        (void)state;
        vrrp_fsm_reconfigure(&f, now, &p, &a);
        assert_int_equal(a.n, 0);
        vrrp_fsm_set_priority(&f, now, 80, &a);
        assert_int_equal(a.n, 1);
        assert_int_equal(a.a[0].priority, 80);
        assert_int_equal(f.adver_at, now + V3_INT);
}

/* Promoted while MASTER (it took over while demoted, at priority 1). */
static void test_promoted_master_advertises_at_once(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(params(3, 200, true));
        struct vrrp_actions a = { 0 };
        int64_t now;

        (void)state;
        vrrp_fsm_demote(&f, T0, true, &a);
        (void)fire(&f, f.down_at);
        assert_int_equal(f.state, VRRP_MASTER);
        now = f.adver_at - 10 * MS;
        a.n = 0;
        vrrp_fsm_demote(&f, now, false, &a);
        assert_int_equal(a.n, 1);
        assert_int_equal(a.a[0].kind, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 200);
        assert_int_equal(f.adver_at, now + V3_INT);
}

/* ---- 2. the backup takes over in Skew_Time ------------------------------------------------ */

static void test_lower_advert_from_the_master_arms_skew_v3(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        int64_t t = T0 + 50 * MS;
        struct vrrp_action st;

        (void)state;
        advert(&f, t, from(1, 2, 90, V3_INT));
        assert_int_equal(f.down_at, t + SKEW_100_V3);
        /* its next lower adverts never postpone it */
        advert(&f, t + 30 * MS, from(1, 2, 90, V3_INT));
        advert(&f, t + 40 * MS, from(1, 2, 80, V3_INT));
        assert_int_equal(f.down_at, t + SKEW_100_V3);
        st = fire(&f, t + SKEW_100_V3);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(st.reason, REASON_LOWER_PRIORITY);
        assert_int_equal(st.peer_priority, 80);
        assert_int_equal(st.own_priority, 100);
        assert_string_equal(vrrp_reason_name(st.reason), "lower_priority");
}

static void test_lower_advert_from_the_master_arms_skew_v2(void **state)
{
        struct vrrp_fsm f = following(params(2, 100, true));
        int64_t t = T0 + 1010 * MS;
        struct vrrp_action st;

        (void)state;
        advert(&f, t, from(1, 2, 90, V2_INT));
        assert_int_equal(f.down_at, t + SKEW_100_V2);
        st = fire(&f, t + SKEW_100_V2);
        assert_int_equal(st.reason, REASON_LOWER_PRIORITY);
        assert_int_equal(st.peer_priority, 90);
}

/* The keyword off: RFC 5798, the advert is discarded and the timer runs
 * out Master_Down_Interval after the last higher advert. */
static void test_keyword_off_keeps_rfc_master_down(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, false));
        struct vrrp_action st;

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        assert_int_equal(f.down_at, T0 + 10 * MS + MDI_100_V3);
        st = fire(&f, f.down_at);
        assert_int_equal(st.reason, REASON_MASTER_DOWN);
}

/* nopreempt: the lower advert is accepted, as RFC 5798 says; no takeover. */
static void test_nopreempt_never_takes_over(void **state)
{
        struct vrrp_fsm_params p = params(3, 100, true);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };

        (void)state;
        p.nopreempt = true;
        f = following(p);
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        assert_int_equal(f.down_at, T0 + 50 * MS + MDI_100_V3);
        vrrp_fsm_timer(&f, T0 + 50 * MS + SKEW_100_V3, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.state, VRRP_BACKUP);
}

/* preempt_delay: lower adverts are accepted for that long after the first
 * one; the first after it starts the Skew_Time. */
static void test_preempt_delay_comes_first(void **state)
{
        struct vrrp_fsm_params p = params(3, 100, true);
        struct vrrp_fsm f;
        struct vrrp_action st;
        int64_t t = T0 + 50 * MS;

        (void)state;
        p.preempt_delay = 1000 * MS;
        f = following(p);
        advert(&f, t, from(1, 2, 90, V3_INT));
        assert_int_equal(f.preempt_at, t + 1000 * MS);
        assert_int_equal(f.down_at, t + MDI_100_V3); /* accepted */
        advert(&f, t + 900 * MS, from(1, 2, 90, V3_INT));
        assert_int_equal(f.down_at, t + 900 * MS + MDI_100_V3);
        advert(&f, t + 1000 * MS, from(1, 2, 90, V3_INT)); /* the delay is over */
        assert_int_equal(f.down_at, t + 1000 * MS + SKEW_100_V3);
        st = fire(&f, f.down_at);
        assert_int_equal(st.reason, REASON_LOWER_PRIORITY);
}

/* An owner in BACKUP (at 254 behind the other owner) keeps RFC 5798. */
static void test_owner_keeps_its_rules(void **state)
{
        struct vrrp_fsm f = fsm_in_master(params(3, 255, true));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx other = from(3, 2, 255, V3_INT);
        struct vrrp_action st;

        (void)state;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &other, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(f.prio, 254);
        advert(&f, T0 + 50 * MS, from(3, 2, 200, V3_INT)); /* no longer an owner: lower */
        assert_int_equal(f.down_at, T0 + 10 * MS + 300 * MS + 781);
        st = fire(&f, f.down_at);
        assert_int_equal(st.reason, REASON_MASTER_DOWN);
}

/* A tie never preempts: whatever the addresses, the advert is accepted. */
static void test_equal_priority_is_accepted_whatever_the_addresses(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_fsm g = fsm_in_backup(params(3, 100, true));

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 100, V3_INT)); /* the master's address is lower */
        assert_int_equal(f.down_at, T0 + 50 * MS + MDI_100_V3);
        advert(&g, T0 + 10 * MS, from(3, 2, 150, V3_INT));
        advert(&g, T0 + 50 * MS, from(3, 2, 100, V3_INT)); /* higher */
        assert_int_equal(g.down_at, T0 + 50 * MS + MDI_100_V3);
        assert_int_equal(f.lower_prio, 0);
        assert_int_equal(g.lower_prio, 0);
}

/* A master whose priority drops but stays above ours changes nothing. */
static void test_master_still_above_changes_nothing(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 120, V3_INT));
        assert_int_equal(f.down_at, T0 + 50 * MS + MDI_100_V3);
        assert_int_equal(f.master_prio, 120);
}

/* Only the master we follow: a lower master heard beside it (a partition
 * healing) is discarded as RFC 5798 says; and before any master is heard
 * there is nobody to follow. */
static void test_only_the_master_we_follow(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_fsm g = fsm_in_backup(params(3, 100, true));
        int64_t before = g.down_at;

        (void)state;
        advert(&f, T0 + 50 * MS, from(4, 2, 90, V3_INT));
        assert_int_equal(f.down_at, T0 + 10 * MS + MDI_100_V3);
        assert_int_equal(fire(&f, f.down_at).reason, REASON_MASTER_DOWN);
        advert(&g, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        assert_int_equal(g.down_at, before);
}

/* The master comes back up before our skew runs out: we follow it again. */
static void test_master_back_up_cancels(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_actions a = { 0 };

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        advert(&f, T0 + 60 * MS, from(1, 2, 150, V3_INT));
        assert_int_equal(f.down_at, T0 + 60 * MS + MDI_100_V3);
        vrrp_fsm_timer(&f, T0 + 50 * MS + SKEW_100_V3, &a);
        assert_int_equal(a.n, 0);
}

/* Our own priority falls to the master's, or we are demoted: no longer
 * above it, so back to Master_Down_Interval from its last higher advert. */
static void test_our_priority_falling_cancels(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_actions a = { 0 };

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        vrrp_fsm_set_priority(&f, T0 + 55 * MS, 110, &a); /* still above: a shorter skew */
        assert_int_equal(f.down_at, T0 + 50 * MS + (256 - 110) * V3_INT / 256);
        vrrp_fsm_set_priority(&f, T0 + 60 * MS, 90, &a);
        assert_int_equal(f.lower_prio, 0);
        assert_int_equal(f.down_at, T0 + 10 * MS + 300 * MS + (256 - 90) * V3_INT / 256);
        f = following(params(3, 100, true));
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        vrrp_fsm_demote(&f, T0 + 60 * MS, true, &a);
        assert_int_equal(f.lower_prio, 0);
        advert(&f, T0 + 70 * MS, from(1, 2, 90, V3_INT)); /* above priority 1: accepted */
        assert_int_equal(f.down_at, T0 + 70 * MS + vrrp_master_down_interval(&f));
        assert_int_equal(a.n, 0);
}

/* A reload that turns the keyword off, or nopreempt on, while the skew
 * runs: back to RFC 5798's deadline. */
static void test_reload_turning_it_off_under_way(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_fsm_params off = params(3, 100, false), nopreempt = params(3, 100, true);
        struct vrrp_actions a = { 0 };

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &f.p, &a); /* the same: kept */
        assert_int_equal(f.down_at, T0 + 50 * MS + SKEW_100_V3);
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &off, &a);
        assert_int_equal(f.down_at, T0 + 10 * MS + MDI_100_V3);
        f = following(params(3, 100, true));
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        nopreempt.nopreempt = true;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &nopreempt, &a);
        assert_int_equal(f.down_at, T0 + 10 * MS + MDI_100_V3);
        assert_int_equal(a.n, 0);
}

/* A sync member asks its group once, when the skew runs out; the lower
 * adverts that follow do not ask again. */
static void test_sync_member_asks_its_group_once(void **state)
{
        struct vrrp_fsm_params p = params(3, 100, true);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        int64_t t = T0 + 50 * MS;

        (void)state;
        p.sync_member = true;
        f = following(p);
        advert(&f, t, from(1, 2, 90, V3_INT));
        vrrp_fsm_timer(&f, t + SKEW_100_V3, &a);
        assert_int_equal(a.n, 1);
        assert_int_equal(a.a[0].kind, ACT_WANT_MASTER);
        assert_int_equal(f.state, VRRP_BACKUP);
        advert(&f, t + 70 * MS, from(1, 2, 90, V3_INT));
        assert_int_equal(f.down_at, t + SKEW_100_V3 + MDI_100_V3);
}

/* A priority 0 advert still means Skew_Time, with its own reason. */
static void test_priority_zero_as_before(void **state)
{
        struct vrrp_fsm f = following(params(3, 100, true));
        struct vrrp_action st;

        (void)state;
        advert(&f, T0 + 50 * MS, from(1, 2, 90, V3_INT));
        advert(&f, T0 + 55 * MS, from(1, 2, 0, V3_INT));
        assert_int_equal(f.down_at, T0 + 55 * MS + SKEW_100_V3);
        st = fire(&f, f.down_at);
        assert_int_equal(st.reason, REASON_PRIORITY_ZERO);
}

/* ---- several routers on a wire -------------------------------------------------------------- */

#define LATENCY (1 * MS)
#define MAX_NODES 4
#define MAX_MSGS 256

struct node {
        struct vrrp_fsm f;
        uint8_t host;                   /* 10.0.0.host */
        unsigned became_master;
        enum vrrp_reason last_reason;
        uint8_t peer_priority;
};

struct wire {
        struct node n[MAX_NODES];
        unsigned nn;
        struct { int64_t at; unsigned from; uint8_t prio; } q[MAX_MSGS];
        unsigned nq;
        int64_t now;
        unsigned sent;                  /* adverts, all nodes */
};

static void carry_out(struct wire *w, unsigned i, const struct vrrp_actions *a)
{
        for (unsigned k = 0; k < a->n; k++) {
                if (a->a[k].kind == ACT_SEND_ADVERT) {
                        assert_true(w->nq < MAX_MSGS);
                        w->q[w->nq].at = w->now + LATENCY;
                        w->q[w->nq].from = i;
                        w->q[w->nq++].prio = a->a[k].priority;
                        w->sent++;
                } else if (a->a[k].kind == ACT_STATE) {
                        w->n[i].last_reason = a->a[k].reason;
                        w->n[i].peer_priority = a->a[k].peer_priority;
                        w->n[i].became_master += a->a[k].state == VRRP_MASTER;
                }
        }
}

static void wire_add(struct wire *w, struct vrrp_fsm_params p, uint8_t host)
{
        struct node *n = &w->n[w->nn];
        struct vrrp_actions a = { 0 };

        *n = (struct node){ .host = host };
        vrrp_fsm_init(&n->f, &p);
        vrrp_fsm_start(&n->f, w->now, false, &a);
        carry_out(w, w->nn++, &a);
}

/* The next instant anything happens, or 0. */
static int64_t next_event(const struct wire *w)
{
        int64_t t = 0;

        for (unsigned i = 0; i < w->nn; i++) {
                int64_t d = vrrp_fsm_next_deadline(&w->n[i].f);
                if (d && (!t || d < t))
                        t = d;
        }
        for (unsigned k = 0; k < w->nq; k++)
                if (!t || w->q[k].at < t)
                        t = w->q[k].at;
        return t;
}

/* Timers due now fire first, then adverts due now arrive: two timers at
 * one instant both fire, as on two machines. */
static void deliver_due(struct wire *w)
{
        unsigned k = 0;

        while (k < w->nq) {
                if (w->q[k].at > w->now) {
                        k++;
                        continue;
                }
                unsigned from_i = w->q[k].from;
                uint8_t prio = w->q[k].prio;
                w->q[k] = w->q[--w->nq];
                for (unsigned i = 0; i < w->nn; i++) {
                        struct vrrp_actions a = { 0 };
                        struct vrrp_rx r;
                        if (i == from_i)
                                continue;
                        r = from(w->n[from_i].host, w->n[i].host, prio, w->n[from_i].f.p.adver_int);
                        vrrp_fsm_advert(&w->n[i].f, w->now, &r, &a);
                        carry_out(w, i, &a);
                }
        }
}

static void run_until(struct wire *w, int64_t until)
{
        for (int64_t t = next_event(w); t && t <= until; t = next_event(w)) {
                w->now = t;
                for (unsigned i = 0; i < w->nn; i++) {
                        struct vrrp_actions a = { 0 };
                        int64_t d = vrrp_fsm_next_deadline(&w->n[i].f);
                        if (d && d <= t)
                                vrrp_fsm_timer(&w->n[i].f, t, &a);
                        carry_out(w, i, &a);
                }
                deliver_due(w);
        }
        w->now = until;
}

static unsigned masters(const struct wire *w)
{
        unsigned m = 0;

        for (unsigned i = 0; i < w->nn; i++)
                m += w->n[i].f.state == VRRP_MASTER;
        return m;
}

/* Node 0 (10.0.0.1, 150) is master over backups of the given priorities
 * (10.0.0.2, .3, ...); then its priority falls to `to`. */
static void elect_then_drop_with(struct wire *w, unsigned version, const uint8_t *prios, unsigned n, uint8_t to,
                                 bool takeover)
{
        int64_t settle = 10 * (version == 2 ? V2_INT : V3_INT);
        struct vrrp_actions a = { 0 };

        memset(w, 0, sizeof(*w));
        w->now = T0;
        wire_add(w, params(version, 150, true), 1);
        for (unsigned i = 0; i < n; i++)
                wire_add(w, params(version, prios[i], takeover), (uint8_t)(2 + i));
        run_until(w, T0 + settle);
        assert_int_equal(w->n[0].f.state, VRRP_MASTER);
        assert_int_equal(masters(w), 1);
        vrrp_fsm_set_priority(&w->n[0].f, w->now, to, &a);
        assert_int_equal(a.n, 1); /* the advert with the new priority, now */
        carry_out(w, 0, &a);
        run_until(w, w->now + settle);
}

static void elect_then_drop(struct wire *w, unsigned version, const uint8_t *prios, unsigned n, uint8_t to)
{
        elect_then_drop_with(w, version, prios, n, to, true);
}

static void test_two_backups_the_best_takes_over(void **state)
{
        static const uint8_t prios[] = { 90, 100 };
        struct wire w;

        (void)state;
        for (unsigned version = 2; version <= 3; version++) {
                elect_then_drop(&w, version, prios, 2, 50);
                assert_int_equal(masters(&w), 1);
                assert_int_equal(w.n[2].f.state, VRRP_MASTER);
                assert_int_equal(w.n[2].became_master, 1);
                assert_int_equal(w.n[2].last_reason, REASON_LOWER_PRIORITY);
                assert_int_equal(w.n[2].peer_priority, 50);
                assert_int_equal(w.n[1].became_master, 0); /* its longer skew never ran out */
                assert_int_equal(w.n[0].f.state, VRRP_BACKUP);
                assert_int_equal(w.n[0].last_reason, REASON_HIGHER_PRIORITY);
        }
}

static void test_three_backups_the_best_takes_over(void **state)
{
        static const uint8_t prios[] = { 80, 100, 90 };
        struct wire w;

        (void)state;
        for (unsigned version = 2; version <= 3; version++) {
                elect_then_drop(&w, version, prios, 3, 20);
                assert_int_equal(masters(&w), 1);
                assert_int_equal(w.n[2].f.state, VRRP_MASTER);
                assert_int_equal(w.n[2].last_reason, REASON_LOWER_PRIORITY);
                assert_int_equal(w.n[1].became_master + w.n[3].became_master, 0);
        }
}

/* Equal backups: both skews run out at once, and the tie-break between the
 * two masters leaves the higher address, as after a priority 0 advert. */
static void test_equal_backups_tie_break_by_address(void **state)
{
        static const uint8_t prios[] = { 100, 100 };
        struct wire w;

        (void)state;
        for (unsigned version = 2; version <= 3; version++) {
                elect_then_drop(&w, version, prios, 2, 50);
                assert_int_equal(masters(&w), 1);
                assert_int_equal(w.n[2].f.state, VRRP_MASTER); /* 10.0.0.3 */
                assert_int_equal(w.n[1].became_master, 1);
                assert_int_equal(w.n[1].f.state, VRRP_BACKUP);
                assert_int_equal(w.n[1].last_reason, REASON_HIGHER_PRIORITY);
        }
}

/* The keyword off on the backups: the same winner, by RFC 5798's timer. */
static void test_keyword_off_the_best_takes_over_at_master_down(void **state)
{
        static const uint8_t prios[] = { 90, 100 };
        struct wire w;

        (void)state;
        elect_then_drop_with(&w, 3, prios, 2, 50, false);
        assert_int_equal(masters(&w), 1);
        assert_int_equal(w.n[2].f.state, VRRP_MASTER);
        assert_int_equal(w.n[2].last_reason, REASON_MASTER_DOWN);
        assert_int_equal(w.n[1].became_master, 0);
}

/* The master drops, but not below the backups: nothing moves. */
static void test_drop_staying_above_moves_nothing(void **state)
{
        static const uint8_t prios[] = { 90, 100 };
        struct wire w;

        (void)state;
        elect_then_drop(&w, 3, prios, 2, 110);
        assert_int_equal(w.n[0].f.state, VRRP_MASTER);
        assert_int_equal(w.n[1].became_master + w.n[2].became_master, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_master_advertises_a_new_priority_at_once),
                cmocka_unit_test(test_master_advertises_a_reloaded_priority_when_resumed),
                cmocka_unit_test(test_promoted_master_advertises_at_once),
                cmocka_unit_test(test_lower_advert_from_the_master_arms_skew_v3),
                cmocka_unit_test(test_lower_advert_from_the_master_arms_skew_v2),
                cmocka_unit_test(test_keyword_off_keeps_rfc_master_down),
                cmocka_unit_test(test_nopreempt_never_takes_over),
                cmocka_unit_test(test_preempt_delay_comes_first),
                cmocka_unit_test(test_owner_keeps_its_rules),
                cmocka_unit_test(test_equal_priority_is_accepted_whatever_the_addresses),
                cmocka_unit_test(test_master_still_above_changes_nothing),
                cmocka_unit_test(test_only_the_master_we_follow),
                cmocka_unit_test(test_master_back_up_cancels),
                cmocka_unit_test(test_our_priority_falling_cancels),
                cmocka_unit_test(test_reload_turning_it_off_under_way),
                cmocka_unit_test(test_sync_member_asks_its_group_once),
                cmocka_unit_test(test_priority_zero_as_before),
                cmocka_unit_test(test_two_backups_the_best_takes_over),
                cmocka_unit_test(test_three_backups_the_best_takes_over),
                cmocka_unit_test(test_equal_backups_tie_break_by_address),
                cmocka_unit_test(test_keyword_off_the_best_takes_over_at_master_down),
                cmocka_unit_test(test_drop_staying_above_moves_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
