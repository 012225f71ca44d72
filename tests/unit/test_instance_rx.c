/* The receive policy of an instance (vrrp/instance.c vrrp_instance_receive)
 * on link-time fakes of its sockets (tests/fakes/): each kind of bad
 * advert is dropped and counted under the drop name status and metrics
 * show (bad_ttl, auth_type_mismatch, auth_failure, interval_mismatch,
 * bad_version), a good one is counted as received, and priorities decide
 * the state: a master yields to a higher priority and answers a lower one
 * with its own advert. A wrong VRID never reaches an instance (the
 * interface's by_vrid table drops it in the engine), so it is not here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "fakes.h"
#include "memfs.h"
#include "vrrp/instance.h"

#define CONF(state, auth)                                                                                    \
        "vrrp_instance VI_1 {\n state " state "\n interface eth0\n virtual_router_id 51\n priority 100\n"    \
        " advert_int 1\n" auth " virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
#define PASS " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n"

struct fixture {
        struct conf *c;
        struct vrrp_iface ifc;
        struct vrrp_instance vi;
        uint8_t vip[4];
};

static struct fixture fx;

static void make(const char *text)
{
        struct diag_list d;

        memset(&fx, 0, sizeof(fx));
        fake_reset();
        diag_list_init(&d);
        fx.c = parse_text(text, &d);
        diag_list_free(&d);
        assert_non_null(fx.c);
        assert_non_null(fx.c->instances.first);
        strcpy(fx.ifc.name, "eth0");
        fx.ifc.info.ifindex = 2;
        fx.ifc.info.up = true;
        fx.ifc.info.has_v4 = true;
        inet_pton(AF_INET, "192.168.0.2", &fx.ifc.info.primary4);
        assert_int_equal(vrrp_instance_setup(&fx.vi, fx.c, fx.c->instances.first, &fx.ifc, NULL), 0);
        vrrp_instance_start(&fx.vi, 1000000);
        inet_pton(AF_INET, "10.0.0.1", fx.vip);
}

static void done(void)
{
        vrrp_instance_close(&fx.vi);
        conf_free(fx.c);
}

/* A well-formed v2 advert from src at now to the VRRP group, as the
 * socket layer hands it over. */
static void receive_from(const char *src, int64_t now, int ttl, uint8_t priority, uint8_t auth_type,
                         const char *pass, uint16_t adver_int, uint8_t version)
{
        struct vrrp_sock_rx rx = { .ttl = ttl };
        struct vrrp_advert adv = {
                .version = version, .type = 1, .vrid = 51, .priority = priority, .naddr = 1,
                .auth_type = auth_type, .adver_int = adver_int, .addrs = fx.vip,
        };

        rx.src.family = rx.dst.family = AF_INET;
        inet_pton(AF_INET, src, &rx.src.u.v4);
        inet_pton(AF_INET, "224.0.0.18", &rx.dst.u.v4);
        if (pass)
                vrrp_auth_pad(pass, adv.auth_data);
        vrrp_instance_receive(&fx.vi, now, &rx, &adv, VRRP_CSUM_PLAIN);
}

/* From 192.168.0.3 at 2 s. */
static void receive(int ttl, uint8_t priority, uint8_t auth_type, const char *pass, uint16_t adver_int,
                    uint8_t version)
{
        receive_from("192.168.0.3", 2000000, ttl, priority, auth_type, pass, adver_int, version);
}

static uint64_t drops(const char *name)
{
        for (int d = 0; d < DROP_N; d++)
                if (!strcmp(vrrp_drop_name((enum vrrp_drop)d), name))
                        return fx.vi.st.drops[d];
        fail_msg("no drop named %s", name);
        return 0;
}

static uint64_t all_drops(void)
{
        uint64_t n = 0;

        for (int d = 0; d < DROP_N; d++)
                n += fx.vi.st.drops[d];
        return n;
}

static void test_each_drop_in_its_counter(void **state)
{
        (void)state;
        make(CONF("BACKUP", PASS));
        receive(64, 150, VRRP_AUTH_PASS, "secret", 1, 2);
        assert_int_equal(drops("bad_ttl"), 1);
        receive(255, 150, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_int_equal(drops("auth_type_mismatch"), 1);
        receive(255, 150, VRRP_AUTH_PASS, "wrong", 1, 2);
        assert_int_equal(drops("auth_failure"), 1);
        receive(255, 150, VRRP_AUTH_PASS, "secret", 3, 2);
        assert_int_equal(drops("interval_mismatch"), 1);
        receive(255, 150, VRRP_AUTH_PASS, "secret", 100, 3);
        assert_int_equal(drops("bad_version"), 1);
        assert_int_equal(all_drops(), 5); /* one each, nothing counted twice */
        assert_int_equal(fx.vi.st.adverts_rx, 0);
        receive(255, 150, VRRP_AUTH_PASS, "secret", 1, 2);
        assert_int_equal(fx.vi.st.adverts_rx, 1);
        assert_int_equal(all_drops(), 5);
        done();
}

static void test_priority_zero_is_counted(void **state)
{
        (void)state;
        make(CONF("BACKUP", ""));
        receive(255, 0, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_int_equal(fx.vi.st.prio0_rx, 1);
        assert_int_equal(fx.vi.st.adverts_rx, 1);
        done();
}

static void test_master_yields_to_higher_answers_lower(void **state)
{
        unsigned sent;

        (void)state;
        make(CONF("MASTER", ""));
        vrrp_instance_tick(&fx.vi, 10 * 1000000); /* the master-down timer has run out */
        assert_string_equal(vrrp_state_name(fx.vi.cur_state), "MASTER");
        sent = fake.adverts_sent;
        receive(255, 50, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_string_equal(vrrp_state_name(fx.vi.cur_state), "MASTER");
        assert_true(fake.adverts_sent > sent); /* a lower priority is answered at once */
        receive(255, 150, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_string_equal(vrrp_state_name(fx.vi.cur_state), "BACKUP");
        assert_int_equal(fx.vi.st.released_master, 1);
        assert_int_equal(fx.vi.st.adverts_rx, 2);
        done();
}

/* lower_prio_takeover tells senders apart by address: a lower advert from
 * another router changes nothing, one from the master we follow starts the
 * Skew_Time (v2: 156/256 s at priority 100) and names the cause. */
static void test_lower_priority_takeover_follows_the_sender(void **state)
{
        (void)state;
        make(CONF("BACKUP", ""));
        receive_from("192.168.0.3", 2000000, 255, 150, VRRP_AUTH_NONE, NULL, 1, 2);
        receive_from("192.168.0.4", 2100000, 255, 90, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_int_equal(fx.vi.fsm.lower_prio, 0);
        assert_int_equal(fx.vi.fsm.down_at, 2000000 + 3609375);
        receive_from("192.168.0.3", 2200000, 255, 90, VRRP_AUTH_NONE, NULL, 1, 2);
        assert_int_equal(fx.vi.fsm.lower_prio, 90);
        assert_int_equal(fx.vi.fsm.down_at, 2200000 + 609375);
        vrrp_instance_tick(&fx.vi, 2200000 + 609375);
        assert_string_equal(vrrp_state_name(fx.vi.cur_state), "MASTER");
        assert_string_equal(vrrp_reason_name(fx.vi.last_reason), "lower_priority");
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_each_drop_in_its_counter),
                cmocka_unit_test(test_priority_zero_is_counted),
                cmocka_unit_test(test_master_yields_to_higher_answers_lower),
                cmocka_unit_test(test_lower_priority_takeover_follows_the_sender),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
