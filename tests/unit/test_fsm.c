/* The state machine against RFC 5798 §6.4, keepalived-reference §5.1/§5.10 and
 * the conformance groups of vrrp-protocol.md. Every timer value is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fsm_fixtures.h"
#define MS 1000LL

static struct vrrp_fsm_params v3(uint8_t prio, int64_t adver)
{
        return (struct vrrp_fsm_params){ .version = 3, .priority = prio, .adver_int = adver, .down_timer_adverts = 3 };
}

static struct vrrp_rx rx(uint8_t prio, int64_t adver, int src_cmp)
{
        return (struct vrrp_rx){ .priority = prio, .adver_int = adver, .src_cmp = src_cmp };
}

static void assert_kinds(const struct vrrp_actions *a, unsigned n, ...)
{
        va_list ap;

        assert_int_equal(a->n, n);
        va_start(ap, n);
        for (unsigned i = 0; i < n; i++)
                assert_int_equal(a->a[i].kind, va_arg(ap, int));
        va_end(ap);
}

/* The worked values of vrrp-protocol.md, backup priority 100. */
static void test_timer_formulas(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_fsm_params p2 = { .version = 2, .priority = 100, .adver_int = 1000000, .down_timer_adverts = 3 };

        (void)state;
        vrrp_fsm_init(&f, &p2);
        assert_int_equal(vrrp_skew_time(&f), 609375);
        assert_int_equal(vrrp_master_down_interval(&f), 3609375);
        f = (struct vrrp_fsm){ 0 };
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 3, .priority = 100, .adver_int = 100 * MS });
        assert_int_equal(vrrp_skew_time(&f), 60937);
        assert_int_equal(vrrp_master_down_interval(&f), 360937);
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 3, .priority = 100, .adver_int = 10 * MS });
        assert_int_equal(vrrp_master_down_interval(&f), 36093);
        /* v2 skew does not depend on the interval */
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 2, .priority = 100, .adver_int = 5000000 });
        assert_int_equal(vrrp_skew_time(&f), 609375);
        assert_int_equal(vrrp_master_down_interval(&f), 15609375);
        /* an owner's skew */
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 3, .priority = 255, .adver_int = 1000 * MS });
        assert_int_equal(vrrp_skew_time(&f), 3906);
}

static void test_init_owner_becomes_master_at_once(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_fsm_params p = v3(255, 100 * MS);
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_init(&f, &p);
        vrrp_fsm_start(&f, T0, false, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_kinds(&a, 4, ACT_SEND_ADVERT, ACT_ADD_ADDRESSES, ACT_GARP, ACT_STATE);
        assert_int_equal(a.a[0].priority, 255);
        assert_int_equal(a.a[3].reason, REASON_STARTUP);
        assert_int_equal(f.adver_at, T0 + 100 * MS);
        assert_int_equal(f.down_at, 0);
}

static void test_init_non_owner_is_backup_even_with_state_master(void **state)
{
        struct vrrp_fsm_params p = v3(150, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };

        (void)state;
        p.want_master = true;
        vrrp_fsm_init(&f, &p);
        vrrp_fsm_start(&f, T0, false, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_kinds(&a, 1, ACT_STATE);
        assert_int_equal(f.down_at, T0 + 300 * MS + (256 - 150) * 100 * MS / 256);
        assert_int_equal(vrrp_fsm_next_deadline(&f), f.down_at);
}

static void test_init_faulty_enters_fault(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_fsm_params p = v3(255, 100 * MS);
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_init(&f, &p);
        vrrp_fsm_start(&f, T0, true, &a);
        assert_int_equal(f.state, VRRP_FAULT);
        assert_kinds(&a, 1, ACT_STATE);
        assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

static void test_backup_master_down_expiry(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_timer(&f, T0 + 360936, &a); /* one µs early: nothing */
        assert_int_equal(a.n, 0);
        assert_int_equal(f.state, VRRP_BACKUP);
        vrrp_fsm_timer(&f, T0 + 360937, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        /* the advert goes out before the addresses are added */
        assert_kinds(&a, 4, ACT_SEND_ADVERT, ACT_ADD_ADDRESSES, ACT_GARP, ACT_STATE);
        assert_int_equal(a.a[0].priority, 100);
        assert_int_equal(a.a[3].reason, REASON_MASTER_DOWN);
        assert_int_equal(f.adver_at, T0 + 360937 + 100 * MS);
}

static void test_backup_higher_and_equal_reset_down_timer_and_learn_interval(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 200 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 50 * MS, &r, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.master_adver_int, 200 * MS);
        assert_int_equal(f.down_at, T0 + 50 * MS + 600 * MS + 156 * 200 * MS / 256);
        r = rx(100, 100 * MS, -1); /* equal priority is accepted too */
        vrrp_fsm_advert(&f, T0 + 80 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 80 * MS + 360937);
        assert_int_equal(f.state, VRRP_BACKUP);
}

static void test_backup_lower_priority_with_and_without_preempt(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(50, 100 * MS, 1);
        int64_t before = f.down_at;

        (void)state;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &r, &a);
        assert_int_equal(f.down_at, before); /* discarded: we will take over */
        p.nopreempt = true;
        f = fsm_in_backup(p);
        vrrp_fsm_advert(&f, T0 + 10 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 10 * MS + 360937); /* accepted */
        assert_int_equal(a.n, 0);
}

static void test_backup_priority_zero_means_skew_time(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(0, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 5 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 5 * MS + 60937);
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[3].reason, REASON_PRIORITY_ZERO);
}

static void test_preempt_delay(void **state)
{
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx low = rx(50, 100 * MS, 1);

        (void)state;
        p.preempt_delay = 1000 * MS;
        f = fsm_in_backup(p);
        vrrp_fsm_advert(&f, T0 + 100 * MS, &low, &a); /* starts the delay, accepted */
        assert_int_equal(f.preempt_at, T0 + 1100 * MS);
        assert_int_equal(f.down_at, T0 + 100 * MS + 360937);
        vrrp_fsm_advert(&f, T0 + 1099 * MS, &low, &a); /* still inside the delay */
        assert_int_equal(f.down_at, T0 + 1099 * MS + 360937);
        vrrp_fsm_advert(&f, T0 + 1100 * MS, &low, &a); /* delay over: ignored */
        assert_int_equal(f.down_at, T0 + 1099 * MS + 360937);
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
}

static void test_master_sends_adverts_on_cadence(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        int64_t t = f.adver_at;
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_timer(&f, t, &a);
        assert_kinds(&a, 1, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 100);
        assert_int_equal(f.adver_at, t + 100 * MS);
        a.n = 0;
        vrrp_fsm_timer(&f, t + 100 * MS + 3 * MS, &a); /* late wake-up keeps the cadence */
        assert_int_equal(f.adver_at, t + 200 * MS);
        a.n = 0;
        vrrp_fsm_timer(&f, t + 900 * MS, &a); /* far behind: restart from now */
        assert_int_equal(f.adver_at, t + 1000 * MS);
}

static void test_master_yields_to_higher_priority(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(200, 50 * MS, -1);
        int64_t now = T0 + 2000 * MS;

        (void)state;
        vrrp_fsm_advert(&f, now, &r, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_kinds(&a, 2, ACT_DEL_ADDRESSES, ACT_STATE);
        assert_int_equal(a.a[1].reason, REASON_HIGHER_PRIORITY);
        assert_int_equal(f.adver_at, 0);
        assert_int_equal(f.down_at, now + 150 * MS + 156 * 50 * MS / 256);
}

static void test_master_higher_prio_send_advert(void **state)
{
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(200, 100 * MS, -1);

        (void)state;
        p.higher_prio_send_advert = true;
        f = fsm_in_master(p);
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &r, &a);
        assert_kinds(&a, 3, ACT_SEND_ADVERT, ACT_DEL_ADDRESSES, ACT_STATE);
}

static void test_master_equal_priority_address_tiebreak(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx lower_ip = rx(100, 100 * MS, -1), higher_ip = rx(100, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &lower_ip, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_kinds(&a, 2, ACT_SEND_ADVERT, ACT_LOWER_PRIO_SEEN);
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 2001 * MS, &higher_ip, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
}

static void test_master_lower_priority(void **state)
{
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_fsm f = fsm_in_master(p);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(50, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &r, &a);
        assert_kinds(&a, 2, ACT_SEND_ADVERT, ACT_LOWER_PRIO_SEEN);
        assert_int_equal(a.a[1].priority, 50);
        p.lower_prio_no_advert = true;
        f = fsm_in_master(p);
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &r, &a);
        assert_kinds(&a, 1, ACT_LOWER_PRIO_SEEN);
        assert_int_equal(f.state, VRRP_MASTER);
}

static void test_master_priority_zero_answers_at_once(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(0, 100 * MS, 1);
        int64_t now = f.adver_at - 40 * MS;

        (void)state;
        vrrp_fsm_advert(&f, now, &r, &a);
        assert_kinds(&a, 1, ACT_SEND_ADVERT);
        assert_int_equal(f.adver_at, now + 100 * MS);
        assert_int_equal(f.state, VRRP_MASTER);
}

static void test_shutdown_in_master_sends_priority_zero(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_stop(&f, T0 + 3000 * MS, &a);
        assert_kinds(&a, 3, ACT_SEND_ADVERT, ACT_DEL_ADDRESSES, ACT_STATE);
        assert_int_equal(a.a[0].priority, 0);
        assert_int_equal(a.a[2].reason, REASON_SHUTDOWN);
        assert_int_equal(f.state, VRRP_INIT);
        assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
        f = fsm_in_backup(v3(100, 100 * MS));
        a.n = 0;
        vrrp_fsm_stop(&f, T0, &a); /* a backup just stops */
        assert_kinds(&a, 1, ACT_STATE);
}

static void test_fault_from_master_and_back(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_set_fault(&f, T0 + 1000 * MS, true, &a);
        assert_int_equal(f.state, VRRP_FAULT);
        assert_kinds(&a, 3, ACT_SEND_ADVERT, ACT_DEL_ADDRESSES, ACT_STATE);
        assert_int_equal(a.a[0].priority, 0);
        assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
        a.n = 0;
        vrrp_fsm_set_fault(&f, T0 + 2000 * MS, true, &a); /* idempotent */
        assert_int_equal(a.n, 0);
        vrrp_fsm_set_fault(&f, T0 + 2000 * MS, false, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(f.down_at, T0 + 2000 * MS + 360937);
        /* an owner leaves FAULT straight into MASTER */
        f = fsm_in_backup(v3(255, 100 * MS));
        vrrp_fsm_set_fault(&f, T0 + 10, true, &a);
        a.n = 0;
        vrrp_fsm_set_fault(&f, T0 + 20, false, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[3].reason, REASON_FAULT_CLEARED);
}

static void test_adverts_ignored_in_fault(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(200, 100 * MS, 1);

        (void)state;
        vrrp_fsm_set_fault(&f, T0, true, &a);
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 1, &r, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.state, VRRP_FAULT);
}

static void test_address_deleted_forces_quick_reelection(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        int64_t now = T0 + 5000 * MS;

        (void)state;
        vrrp_fsm_address_deleted(&f, now, &a);
        assert_kinds(&a, 3, ACT_SEND_ADVERT, ACT_DEL_ADDRESSES, ACT_STATE);
        assert_int_equal(a.a[0].priority, 0);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(f.down_at, now + 60937);
        a.n = 0;
        vrrp_fsm_timer(&f, now + 60937, &a);
        assert_int_equal(f.state, VRRP_MASTER); /* the addresses come back */
}

static void test_priority_change_moves_backup_deadline(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &r, &a);
        vrrp_fsm_set_priority(&f, T0 + 20 * MS, 200, &a);
        assert_int_equal(f.prio, 200);
        assert_int_equal(f.down_at, T0 + 10 * MS + 300 * MS + 56 * 100 * MS / 256);
        /* an owner's priority never moves */
        f = fsm_in_master(v3(255, 100 * MS));
        vrrp_fsm_set_priority(&f, T0, 100, &a);
        assert_int_equal(f.prio, 255);
}

static void test_demote_and_promote(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        int64_t now = T0 + 5000 * MS;

        (void)state;
        vrrp_fsm_demote(&f, now, true, &a);
        assert_kinds(&a, 3, ACT_SEND_ADVERT, ACT_DEL_ADDRESSES, ACT_STATE);
        assert_int_equal(a.a[0].priority, 0);
        assert_int_equal(f.state, VRRP_BACKUP);
        /* the backup of last resort: Master_Down_Interval with priority 1's skew */
        assert_int_equal(vrrp_fsm_next_deadline(&f), now + 300 * MS + 255 * 100 * MS / 256);
        vrrp_fsm_demote(&f, now + 1, false, &a);
        assert_int_equal(f.down_at, now + 1 + 360937);
}

static void test_v2_keeps_its_interval(void **state)
{
        struct vrrp_fsm_params p = { .version = 2, .priority = 100, .adver_int = 1000000, .down_timer_adverts = 3 };
        struct vrrp_fsm f = fsm_in_backup(p);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 2000000, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0, &r, &a);
        assert_int_equal(f.master_adver_int, 1000000);
        assert_int_equal(f.down_at, T0 + 3609375);
}

/* Two address owners: the one with the lower address drops to 254, becomes
 * BACKUP and advertises 254; when the other owner goes silent it takes over
 * and is 255 again. The higher address keeps 255 and stays MASTER. */
static void test_two_owners_lower_address_yields_at_254(void **state)
{
        struct vrrp_fsm f, g;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx other = rx(255, 100 * MS, 1), lower = rx(255, 100 * MS, -1);

        (void)state;
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 3, .priority = 255, .adver_int = 100 * MS });
        vrrp_fsm_start(&f, T0, false, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &other, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(f.prio, 254);
        assert_kinds(&a, 2, ACT_DEL_ADDRESSES, ACT_STATE);
        /* down interval with priority 254: 3 * 100 ms + 2 * 100 ms / 256 */
        assert_int_equal(f.down_at, T0 + 10 * MS + 300 * MS + 781);
        a.n = 0;
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(f.prio, 255);
        assert_int_equal(a.a[0].kind, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 255);

        vrrp_fsm_init(&g, &(struct vrrp_fsm_params){ .version = 3, .priority = 255, .adver_int = 100 * MS });
        a.n = 0;
        vrrp_fsm_start(&g, T0, false, &a);
        a.n = 0;
        vrrp_fsm_advert(&g, T0 + 10 * MS, &lower, &a);
        assert_int_equal(g.state, VRRP_MASTER);
        assert_int_equal(g.prio, 255);
}

/* A sync member's expired down timer asks instead of acting, and re-arms;
 * the group then moves it with vrrp_fsm_sync_master(). A better advert
 * withdraws the wish. */
static void test_sync_member_asks_the_group(void **state)
{
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx better = rx(200, 100 * MS, 1);
        int64_t due;

        (void)state;
        p.sync_member = true;
        f = fsm_in_backup(p);
        due = f.down_at;
        vrrp_fsm_timer(&f, due, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_true(f.wants_master);
        assert_kinds(&a, 1, ACT_WANT_MASTER);
        assert_int_equal(f.down_at, due + 360937);
        a.n = 0;
        vrrp_fsm_advert(&f, due + 10 * MS, &better, &a);
        assert_false(f.wants_master);
        a.n = 0;
        vrrp_fsm_sync_master(&f, due + 20 * MS, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[a.n - 1].reason, REASON_SYNC);
        a.n = 0;
        vrrp_fsm_sync_backup(&f, due + 30 * MS, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_kinds(&a, 2, ACT_DEL_ADDRESSES, ACT_STATE);
        /* a faulty member is not forced up */
        a.n = 0;
        vrrp_fsm_set_fault(&f, due + 40 * MS, true, &a);
        a.n = 0;
        vrrp_fsm_sync_master(&f, due + 50 * MS, &a);
        assert_int_equal(f.state, VRRP_FAULT);
        assert_int_equal(a.n, 0);
}

/* ---- why: the actions carry what the glue logs (issue 11) ---------------- */

static const struct vrrp_action *state_action(const struct vrrp_actions *a)
{
        for (unsigned i = 0; i < a->n; i++)
                if (a->a[i].kind == ACT_STATE)
                        return &a->a[i];
        fail_msg("no ACT_STATE among %u actions", a->n);
        return &a->a[0]; /* not reached: fail_msg does not return */
}

static void test_why_master_yields_carries_both_priorities(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx higher = rx(150, 100 * MS, -1), same = rx(100, 100 * MS, 1);
        const struct vrrp_action *st;

        (void)state;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &higher, &a);
        st = state_action(&a);
        assert_int_equal(st->state, VRRP_BACKUP);
        assert_int_equal(st->reason, REASON_HIGHER_PRIORITY);
        assert_int_equal(st->peer_priority, 150);
        assert_int_equal(st->own_priority, 100);
        /* equal priority, higher address: the glue tells the two apart by the priorities */
        f = fsm_in_master(v3(100, 100 * MS));
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &same, &a);
        st = state_action(&a);
        assert_int_equal(st->reason, REASON_HIGHER_PRIORITY);
        assert_int_equal(st->peer_priority, 100);
        assert_int_equal(st->own_priority, 100);
}

static void test_why_owner_conflict_reports_the_priority_it_lost_with(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx other = rx(255, 100 * MS, 1);
        const struct vrrp_action *st;

        (void)state;
        vrrp_fsm_init(&f, &(struct vrrp_fsm_params){ .version = 3, .priority = 255, .adver_int = 100 * MS });
        vrrp_fsm_start(&f, T0, false, &a);
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &other, &a);
        st = state_action(&a);
        assert_int_equal(st->peer_priority, 255);
        assert_int_equal(st->own_priority, 255);
        assert_int_equal(f.prio, 254);
}

static void test_why_lower_priority_seen_carries_both_priorities(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx lower = rx(50, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 2000 * MS, &lower, &a);
        assert_kinds(&a, 2, ACT_SEND_ADVERT, ACT_LOWER_PRIO_SEEN);
        assert_int_equal(a.a[1].peer_priority, 50);
        assert_int_equal(a.a[1].own_priority, 100);
}

static void test_why_timer_and_fault_reasons_carry_our_priority(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_actions a = { 0 };
        struct vrrp_rx zero = rx(0, 100 * MS, 1);
        const struct vrrp_action *st;

        (void)state;
        vrrp_fsm_timer(&f, f.down_at, &a);
        st = state_action(&a);
        assert_int_equal(st->reason, REASON_MASTER_DOWN);
        assert_int_equal(st->own_priority, 100);
        assert_int_equal(st->peer_priority, 0);
        f = fsm_in_backup(v3(90, 100 * MS));
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 5 * MS, &zero, &a);
        vrrp_fsm_timer(&f, f.down_at, &a);
        st = state_action(&a);
        assert_int_equal(st->reason, REASON_PRIORITY_ZERO);
        assert_int_equal(st->own_priority, 90);
        a.n = 0;
        vrrp_fsm_set_fault(&f, T0 + 1000 * MS, true, &a);
        st = state_action(&a);
        assert_int_equal(st->state, VRRP_FAULT);
        assert_int_equal(st->reason, REASON_FAULT);
        a.n = 0;
        vrrp_fsm_set_fault(&f, T0 + 2000 * MS, false, &a);
        assert_int_equal(state_action(&a)->reason, REASON_FAULT_CLEARED);
}
/* ---- demote: the backup of last resort (issue 11) ------------------------------------------ */

#define DEMOTED_MDI (300 * MS + 255 * 100 * MS / 256) /* Master_Down_Interval at priority 1, 100 ms */

static struct vrrp_fsm demoted_backup(uint8_t prio)
{
        struct vrrp_fsm f = fsm_in_backup(v3(prio, 100 * MS));
        struct vrrp_actions a = { 0 };

        vrrp_fsm_demote(&f, T0, true, &a);
        assert_int_equal(a.n, 0);
        return f;
}

static void test_demoted_backup_takes_over_when_nobody_is_master(void **state)
{
        struct vrrp_fsm f = demoted_backup(100);
        struct vrrp_actions a = { 0 };

        (void)state;
        assert_int_equal(vrrp_skew_time(&f), 255 * 100 * MS / 256);
        assert_int_equal(f.down_at, T0 + DEMOTED_MDI);
        vrrp_fsm_timer(&f, T0 + DEMOTED_MDI - 1, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        vrrp_fsm_timer(&f, T0 + DEMOTED_MDI, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_kinds(&a, 4, ACT_SEND_ADVERT, ACT_ADD_ADDRESSES, ACT_GARP, ACT_STATE);
        assert_int_equal(a.a[0].priority, 1); /* advertises nothing better than any peer */
        assert_int_equal(a.a[3].reason, REASON_DEMOTED_TAKEOVER);
        assert_string_equal(vrrp_reason_name(REASON_DEMOTED_TAKEOVER), "master_down_while_demoted");
        assert_true(f.demoted);
}

static void test_demoted_backup_follows_any_master(void **state)
{
        struct vrrp_fsm f = demoted_backup(200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx low = rx(50, 100 * MS, -1);

        (void)state;
        /* a lower priority would be preempted; demoted, it is followed */
        vrrp_fsm_advert(&f, T0 + 10 * MS, &low, &a);
        assert_int_equal(f.down_at, T0 + 10 * MS + DEMOTED_MDI);
        assert_int_equal(f.master_prio, 50);
        vrrp_fsm_timer(&f, T0 + 10 * MS + DEMOTED_MDI - 1, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(a.n, 0);
}

static void test_demoted_backup_after_priority_zero_waits_the_lowest_skew(void **state)
{
        struct vrrp_fsm f = demoted_backup(200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx stop = rx(0, 100 * MS, 1);

        (void)state;
        vrrp_fsm_advert(&f, T0 + 10 * MS, &stop, &a);
        assert_int_equal(f.down_at, T0 + 10 * MS + 255 * 100 * MS / 256);
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[a.n - 1].reason, REASON_DEMOTED_TAKEOVER);
}

static void test_demoted_master_yields_to_any_peer(void **state)
{
        struct vrrp_fsm f = demoted_backup(200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx lowest = rx(1, 100 * MS, -1), stop = rx(0, 100 * MS, 1);

        (void)state;
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        a.n = 0;
        vrrp_fsm_timer(&f, f.adver_at, &a);
        assert_kinds(&a, 1, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 1);
        /* priority 0 is nobody: answered, kept */
        a.n = 0;
        vrrp_fsm_advert(&f, f.adver_at - 1, &stop, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[0].priority, 1);
        /* priority 2 wins: a real router is there (a tie at 1: see the demoted pair test) */
        lowest.priority = 2;
        a.n = 0;
        vrrp_fsm_advert(&f, T0 + 1000 * MS, &lowest, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(a.a[a.n - 1].reason, REASON_HIGHER_PRIORITY);
        assert_int_equal(f.down_at, T0 + 1000 * MS + DEMOTED_MDI);
}

static void test_promoted_master_advertises_its_priority(void **state)
{
        struct vrrp_fsm f = demoted_backup(200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx low = rx(100, 100 * MS, 1);

        (void)state;
        vrrp_fsm_timer(&f, f.down_at, &a);
        a.n = 0;
        vrrp_fsm_demote(&f, T0 + 1000 * MS, false, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        vrrp_fsm_timer(&f, f.adver_at, &a);
        assert_int_equal(a.a[a.n - 1].priority, 200);
        a.n = 0;
        vrrp_fsm_advert(&f, f.adver_at - 1, &low, &a);
        assert_int_equal(f.state, VRRP_MASTER);
}

static void test_demoted_sync_member_goes_with_the_group_after_its_timer(void **state)
{
        struct vrrp_fsm_params p = v3(150, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };

        (void)state;
        p.sync_member = true;
        f = fsm_in_backup(p);
        vrrp_fsm_demote(&f, T0, true, &a);
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_true(f.wants_master);
        assert_kinds(&a, 1, ACT_WANT_MASTER);
        a.n = 0;
        vrrp_fsm_sync_master(&f, T0 + DEMOTED_MDI + 1, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[a.n - 1].reason, REASON_DEMOTED_TAKEOVER);
}

static void test_demoted_owner_starts_as_backup(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_fsm_params p = v3(255, 100 * MS);
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_init(&f, &p);
        vrrp_fsm_demote(&f, T0, true, &a); /* as the worker does before the start after a restart */
        vrrp_fsm_start(&f, T0, false, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(f.down_at, T0 + DEMOTED_MDI);
}

/* Two demoted masters (both advertise 1): the normal tie-break by source
 * address, so one keeps MASTER and the other yields, instead of both
 * yielding to each other's advert and taking over again (a flap). */
static void test_two_demoted_masters_tie_break_by_address(void **state)
{
        struct vrrp_fsm f = demoted_backup(200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx lower = rx(1, 100 * MS, -1), higher = rx(1, 100 * MS, 1);

        (void)state;
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        /* the other demoted router has the lower address: we stay and answer */
        a.n = 0;
        vrrp_fsm_advert(&f, f.adver_at - 1, &lower, &a);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(a.a[0].kind, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 1);
        /* it has the higher address: it wins the tie */
        a.n = 0;
        vrrp_fsm_advert(&f, f.adver_at - 1, &higher, &a);
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(a.a[a.n - 1].reason, REASON_HIGHER_PRIORITY);
}

/* ---- reconfigure: each parameter's effect in each state ---------------------------------- */

static struct vrrp_fsm_params with_prio(struct vrrp_fsm_params p, uint8_t prio)
{
        p.priority = prio;
        return p;
}

/* A BACKUP hearing a master at 150 once, at T0 + 50 ms. */
static struct vrrp_fsm backup_hearing_150(struct vrrp_fsm_params p)
{
        struct vrrp_fsm f = fsm_in_backup(p);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 100 * MS, 1);

        vrrp_fsm_advert(&f, T0 + 50 * MS, &r, &a);
        assert_int_equal(f.last_rx, T0 + 50 * MS);
        return f;
}

static void test_reconfigure_backup_priority_above_master_preempts(void **state)
{
        struct vrrp_fsm f = backup_hearing_150(v3(100, 100 * MS));
        struct vrrp_fsm_params p = with_prio(f.p, 200);
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 100 * MS, 1);

        (void)state;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &p, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.prio, 200);
        assert_int_equal(f.state, VRRP_BACKUP);
        /* the skew is the new priority's, from the last advert heard */
        assert_int_equal(f.down_at, T0 + 50 * MS + vrrp_master_down_interval(&f));
        /* the master's next advert is discarded: it no longer holds us back */
        vrrp_fsm_advert(&f, T0 + 150 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 50 * MS + vrrp_master_down_interval(&f));
        vrrp_fsm_timer(&f, f.down_at, &a);
        assert_int_equal(f.state, VRRP_MASTER);
}

static void test_reconfigure_backup_priority_above_master_nopreempt_stays(void **state)
{
        struct vrrp_fsm_params p = v3(100, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 100 * MS, 1);

        (void)state;
        p.nopreempt = true;
        f = backup_hearing_150(p);
        p.priority = 200;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &p, &a);
        vrrp_fsm_advert(&f, T0 + 150 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 150 * MS + vrrp_master_down_interval(&f));
        assert_int_equal(f.state, VRRP_BACKUP);
        assert_int_equal(a.n, 0);
}

static void test_reconfigure_enabling_preemption_lets_backup_take_over(void **state)
{
        struct vrrp_fsm_params p = v3(200, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };
        struct vrrp_rx r = rx(150, 100 * MS, 1);

        (void)state;
        p.nopreempt = true;
        f = backup_hearing_150(p);
        p.nopreempt = false;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &p, &a);
        assert_int_equal(a.n, 0);
        vrrp_fsm_advert(&f, T0 + 150 * MS, &r, &a);
        assert_int_equal(f.down_at, T0 + 50 * MS + vrrp_master_down_interval(&f)); /* discarded */
}

static void test_reconfigure_backup_priority_keeps_tracker_delta(void **state)
{
        struct vrrp_fsm f = fsm_in_backup(v3(100, 100 * MS));
        struct vrrp_fsm_params p = with_prio(f.p, 120);
        struct vrrp_actions a = { 0 };
        int64_t start_mdi, down;

        (void)state;
        vrrp_fsm_set_priority(&f, T0, 90, &a); /* a tracker took 10 off */
        start_mdi = vrrp_master_down_interval(&f);
        down = f.down_at;
        vrrp_fsm_reconfigure(&f, T0 + 10 * MS, &p, &a);
        assert_int_equal(f.prio, 110);
        /* never heard a master: the timer keeps its start, with the new skew */
        assert_int_equal(f.down_at, down + vrrp_master_down_interval(&f) - start_mdi);
        p.priority = 255;
        vrrp_fsm_reconfigure(&f, T0 + 10 * MS, &p, &a);
        assert_int_equal(f.prio, 255);
        assert_int_equal(a.n, 0);
}

static void test_reconfigure_master_priority_goes_out_with_next_advert(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_fsm_params p = with_prio(f.p, 120);
        struct vrrp_actions a = { 0 };
        int64_t next = f.adver_at;

        (void)state;
        vrrp_fsm_reconfigure(&f, next - 10 * MS, &p, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.state, VRRP_MASTER);
        assert_int_equal(f.adver_at, next);
        vrrp_fsm_timer(&f, next, &a);
        assert_kinds(&a, 1, ACT_SEND_ADVERT);
        assert_int_equal(a.a[0].priority, 120);
}

static void test_reconfigure_master_advert_interval_rearms(void **state)
{
        struct vrrp_fsm f = fsm_in_master(v3(100, 100 * MS));
        struct vrrp_fsm_params p = f.p;
        struct vrrp_actions a = { 0 };
        int64_t now = f.adver_at - 30 * MS;

        (void)state;
        p.adver_int = 1000 * MS;
        vrrp_fsm_reconfigure(&f, now, &p, &a);
        assert_int_equal(a.n, 0);
        assert_int_equal(f.adver_at, now + 1000 * MS);
        assert_int_equal(f.master_adver_int, 1000 * MS);
        vrrp_fsm_timer(&f, f.adver_at, &a);
        assert_int_equal(f.adver_at, now + 2000 * MS);
}

static void test_reconfigure_backup_advert_interval(void **state)
{
        struct vrrp_fsm f = backup_hearing_150(v3(100, 100 * MS));
        struct vrrp_fsm_params p = f.p;
        struct vrrp_actions a = { 0 };
        struct vrrp_fsm g;

        (void)state;
        /* v3: the master's advertised interval rules while we hear it */
        p.adver_int = 1000 * MS;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &p, &a);
        assert_int_equal(f.master_adver_int, 100 * MS);
        assert_int_equal(f.down_at, T0 + 50 * MS + vrrp_master_down_interval(&f));
        /* before any advert, ours */
        g = fsm_in_backup(v3(100, 100 * MS));
        vrrp_fsm_reconfigure(&g, T0 + 10 * MS, &p, &a);
        assert_int_equal(g.master_adver_int, 1000 * MS);
        assert_int_equal(g.down_at, T0 + vrrp_master_down_interval(&g));
        assert_int_equal(a.n, 0);
}

static void test_reconfigure_v2_backup_uses_its_own_interval(void **state)
{
        struct vrrp_fsm_params p = { .version = 2, .priority = 100, .adver_int = USEC_PER_SEC, .down_timer_adverts = 3 };
        struct vrrp_fsm f = fsm_in_backup(p);
        struct vrrp_actions a = { 0 };

        (void)state;
        p.adver_int = 2 * USEC_PER_SEC;
        vrrp_fsm_reconfigure(&f, T0, &p, &a);
        assert_int_equal(f.master_adver_int, 2 * USEC_PER_SEC);
        assert_int_equal(f.down_at, T0 + 6 * USEC_PER_SEC + 609375);
}

static void test_reconfigure_preempt_delay_under_way(void **state)
{
        struct vrrp_fsm_params p = v3(200, 100 * MS);
        struct vrrp_fsm f;
        struct vrrp_actions a = { 0 };

        (void)state;
        p.preempt_delay = 10 * USEC_PER_SEC;
        f = backup_hearing_150(p); /* lower than us: the hold-off starts */
        assert_int_equal(f.preempt_at, T0 + 50 * MS + 10 * USEC_PER_SEC);
        p.preempt_delay = 4 * USEC_PER_SEC;
        vrrp_fsm_reconfigure(&f, T0 + 60 * MS, &p, &a);
        assert_int_equal(f.preempt_at, T0 + 50 * MS + 4 * USEC_PER_SEC);
        p.preempt_delay = 0;
        vrrp_fsm_reconfigure(&f, T0 + 70 * MS, &p, &a);
        assert_int_equal(f.preempt_at, 0);
        assert_int_equal(a.n, 0);
}

static void test_reconfigure_in_init_and_fault_only_stores(void **state)
{
        struct vrrp_fsm f;
        struct vrrp_fsm_params p = v3(100, 100 * MS), q = v3(150, 200 * MS);
        struct vrrp_actions a = { 0 };

        (void)state;
        vrrp_fsm_init(&f, &p);
        vrrp_fsm_reconfigure(&f, T0, &q, &a);
        assert_int_equal(f.state, VRRP_INIT);
        assert_int_equal(f.prio, 150);
        assert_int_equal(f.down_at, 0);
        assert_int_equal(f.adver_at, 0);
        vrrp_fsm_start(&f, T0, true, &a);
        assert_int_equal(f.state, VRRP_FAULT);
        a.n = 0;
        vrrp_fsm_reconfigure(&f, T0, &p, &a);
        assert_int_equal(f.state, VRRP_FAULT);
        assert_int_equal(f.prio, 100);
        assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
        assert_int_equal(a.n, 0);
}

static void test_reconfigure_same_parameters_changes_nothing(void **state)
{
        struct vrrp_fsm f = backup_hearing_150(v3(100, 100 * MS)), g;
        struct vrrp_fsm_params p = f.p;
        struct vrrp_actions a = { 0 };

        (void)state;
        p.lower_prio_no_advert = true; /* stored only */
        g = f;
        vrrp_fsm_reconfigure(&f, T0 + 70 * MS, &p, &a);
        g.p.lower_prio_no_advert = true;
        assert_memory_equal(&f, &g, sizeof(f));
        assert_int_equal(a.n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_timer_formulas),
                cmocka_unit_test(test_init_owner_becomes_master_at_once),
                cmocka_unit_test(test_init_non_owner_is_backup_even_with_state_master),
                cmocka_unit_test(test_init_faulty_enters_fault),
                cmocka_unit_test(test_backup_master_down_expiry),
                cmocka_unit_test(test_backup_higher_and_equal_reset_down_timer_and_learn_interval),
                cmocka_unit_test(test_backup_lower_priority_with_and_without_preempt),
                cmocka_unit_test(test_backup_priority_zero_means_skew_time),
                cmocka_unit_test(test_preempt_delay),
                cmocka_unit_test(test_master_sends_adverts_on_cadence),
                cmocka_unit_test(test_master_yields_to_higher_priority),
                cmocka_unit_test(test_master_higher_prio_send_advert),
                cmocka_unit_test(test_master_equal_priority_address_tiebreak),
                cmocka_unit_test(test_master_lower_priority),
                cmocka_unit_test(test_master_priority_zero_answers_at_once),
                cmocka_unit_test(test_shutdown_in_master_sends_priority_zero),
                cmocka_unit_test(test_fault_from_master_and_back),
                cmocka_unit_test(test_adverts_ignored_in_fault),
                cmocka_unit_test(test_address_deleted_forces_quick_reelection),
                cmocka_unit_test(test_priority_change_moves_backup_deadline),
                cmocka_unit_test(test_demote_and_promote),
                cmocka_unit_test(test_v2_keeps_its_interval),
                cmocka_unit_test(test_two_owners_lower_address_yields_at_254),
                cmocka_unit_test(test_sync_member_asks_the_group),
                cmocka_unit_test(test_why_master_yields_carries_both_priorities),
                cmocka_unit_test(test_why_owner_conflict_reports_the_priority_it_lost_with),
                cmocka_unit_test(test_why_lower_priority_seen_carries_both_priorities),
                cmocka_unit_test(test_why_timer_and_fault_reasons_carry_our_priority),
                /* demote */
                cmocka_unit_test(test_demoted_backup_takes_over_when_nobody_is_master),
                cmocka_unit_test(test_demoted_backup_follows_any_master),
                cmocka_unit_test(test_demoted_backup_after_priority_zero_waits_the_lowest_skew),
                cmocka_unit_test(test_demoted_master_yields_to_any_peer),
                cmocka_unit_test(test_promoted_master_advertises_its_priority),
                cmocka_unit_test(test_demoted_sync_member_goes_with_the_group_after_its_timer),
                cmocka_unit_test(test_demoted_owner_starts_as_backup),
                cmocka_unit_test(test_two_demoted_masters_tie_break_by_address),
                /* reconfigure */
                cmocka_unit_test(test_reconfigure_backup_priority_above_master_preempts),
                cmocka_unit_test(test_reconfigure_backup_priority_above_master_nopreempt_stays),
                cmocka_unit_test(test_reconfigure_enabling_preemption_lets_backup_take_over),
                cmocka_unit_test(test_reconfigure_backup_priority_keeps_tracker_delta),
                cmocka_unit_test(test_reconfigure_master_priority_goes_out_with_next_advert),
                cmocka_unit_test(test_reconfigure_master_advert_interval_rearms),
                cmocka_unit_test(test_reconfigure_backup_advert_interval),
                cmocka_unit_test(test_reconfigure_v2_backup_uses_its_own_interval),
                cmocka_unit_test(test_reconfigure_preempt_delay_under_way),
                cmocka_unit_test(test_reconfigure_in_init_and_fault_only_stores),
                cmocka_unit_test(test_reconfigure_same_parameters_changes_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
