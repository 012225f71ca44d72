/* What a probe aims at, resolved from the model as keepalived does
 * (keepalived-reference.md §1.12, §6.8), and how its ending is named:
 * connect_ip/connect_port defaults, fwmark services, NAT real servers
 * without a port, IPv6 and link-local scope, bindto/bind_port, timeouts
 * inherited checker <- real server <- virtual server; connect errors at the
 * call (this machine's routing) versus from the network; script endings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "check/probe_addr.h"

#define SEC CHECK_USEC_PER_SEC

struct model {
        struct conf_virtual_server vs;
        struct conf_real_server rs;
        struct conf_checker ck;
};

static void ip(struct conf_ip *ret, const char *s)
{
        assert_true(conf_parse_ip(s, ret));
}

/* An address service 10.0.0.1:80 with a real server 10.0.1.2:8080 and
 * one checker with nothing set, as validation leaves unset fields. */
static void model_init(struct model *m)
{
        memset(m, 0, sizeof(*m));
        m->vs.kind = VS_ADDR;
        ip(&m->vs.addr, "10.0.0.1");
        m->vs.port = 80;
        m->vs.connect_timeout = 5 * SEC;
        m->vs.delay_loop = 60 * SEC;
        ip(&m->rs.addr, "10.0.1.2");
        m->rs.port = 8080;
        m->rs.connect_timeout = TIMER_UNSET;
        m->ck.type = CHECK_TCP;
        m->ck.connect_timeout = TIMER_UNSET;
        m->ck.misc_timeout = TIMER_UNSET;
}

static const struct sockaddr_in *v4(const struct sockaddr_storage *ss)
{
        assert_int_equal(ss->ss_family, AF_INET);
        return (const struct sockaddr_in *)ss;
}

static const struct sockaddr_in6 *v6(const struct sockaddr_storage *ss)
{
        assert_int_equal(ss->ss_family, AF_INET6);
        return (const struct sockaddr_in6 *)ss;
}

static const char *str4(const struct sockaddr_storage *ss, char *buf)
{
        return inet_ntop(AF_INET, &v4(ss)->sin_addr, buf, INET_ADDRSTRLEN);
}

static void test_defaults_to_the_real_server(void **state)
{
        struct model m;
        struct check_probe_target t;
        char b[INET_ADDRSTRLEN];

        (void)state;
        model_init(&m);
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_string_equal(str4(&t.dst, b), "10.0.1.2");
        assert_int_equal(ntohs(v4(&t.dst)->sin_port), 8080);
        assert_int_equal(t.dst_len, sizeof(struct sockaddr_in));
        assert_int_equal(t.src_len, 0);
        assert_null(t.bind_if);
        assert_int_equal(t.fwmark, 0);
        assert_int_equal(t.timeout, 5 * SEC);
}

static void test_connect_ip_and_port_win(void **state)
{
        struct model m;
        struct check_probe_target t;
        char b[INET_ADDRSTRLEN];

        (void)state;
        model_init(&m);
        ip(&m.ck.connect_ip, "192.0.2.7");
        m.ck.connect_port = 9000;
        m.ck.fwmark = 42;
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_string_equal(str4(&t.dst, b), "192.0.2.7");
        assert_int_equal(ntohs(v4(&t.dst)->sin_port), 9000);
        assert_int_equal(t.fwmark, 42);
}

/* A NAT real server written without a port takes the service's. */
static void test_nat_real_server_without_port(void **state)
{
        struct model m;
        struct check_probe_target t;

        (void)state;
        model_init(&m);
        m.rs.port = 0;
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_int_equal(ntohs(v4(&t.dst)->sin_port), 80);
}

/* A fwmark service's real servers have port 0: without connect_port
 * there is nothing to connect to (vigil's side: CHECK_ERROR). */
static void test_fwmark_service_needs_connect_port(void **state)
{
        struct model m;
        struct check_probe_target t;

        (void)state;
        model_init(&m);
        m.vs.kind = VS_FWMARK;
        m.vs.fwmark = 7;
        m.vs.port = 0;
        m.rs.port = 0;
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), -EDESTADDRREQ);
        m.ck.connect_port = 443;
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_int_equal(ntohs(v4(&t.dst)->sin_port), 443);
}

static void test_ipv6_and_link_local(void **state)
{
        struct model m;
        struct check_probe_target t;
        struct in6_addr want;

        (void)state;
        model_init(&m);
        ip(&m.rs.addr, "2001:db8::5");
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        inet_pton(AF_INET6, "2001:db8::5", &want);
        assert_memory_equal(&v6(&t.dst)->sin6_addr, &want, sizeof(want));
        assert_int_equal(ntohs(v6(&t.dst)->sin6_port), 8080);
        assert_int_equal(t.dst_len, sizeof(struct sockaddr_in6));
        assert_false(t.dst_link_local);
        ip(&m.ck.connect_ip, "fe80::1");
        m.ck.bind_if = "eth0";
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_true(t.dst_link_local);
        assert_string_equal(t.bind_if, "eth0");
}

static void test_bindto_and_bind_port(void **state)
{
        struct model m;
        struct check_probe_target t;
        char b[INET_ADDRSTRLEN];

        (void)state;
        model_init(&m);
        ip(&m.ck.bindto, "10.0.1.1");
        m.ck.bind_port = 5000;
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_int_equal(t.src_len, sizeof(struct sockaddr_in));
        assert_string_equal(str4(&t.src, b), "10.0.1.1");
        assert_int_equal(ntohs(v4(&t.src)->sin_port), 5000);
        /* bind_port alone: the wildcard address of the checked family */
        memset(&m.ck.bindto, 0, sizeof(m.ck.bindto));
        ip(&m.rs.addr, "2001:db8::5");
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), 0);
        assert_int_equal(t.src_len, sizeof(struct sockaddr_in6));
        assert_int_equal(ntohs(v6(&t.src)->sin6_port), 5000);
        assert_true(IN6_IS_ADDR_UNSPECIFIED(&v6(&t.src)->sin6_addr));
        /* bindto of the other family */
        ip(&m.ck.bindto, "10.0.1.1");
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), -EAFNOSUPPORT);
}

static void test_no_address(void **state)
{
        struct model m;
        struct check_probe_target t;

        (void)state;
        model_init(&m);
        memset(&m.rs.addr, 0, sizeof(m.rs.addr));
        assert_int_equal(check_probe_target_of(&m.vs, &m.rs, &m.ck, &t), -EDESTADDRREQ);
}

static void test_timeouts_inherit(void **state)
{
        struct model m;

        (void)state;
        model_init(&m);
        assert_int_equal(check_connect_timeout_of(&m.vs, &m.rs, &m.ck), 5 * SEC);
        m.vs.connect_timeout = 7 * SEC;
        assert_int_equal(check_connect_timeout_of(&m.vs, &m.rs, &m.ck), 7 * SEC);
        m.rs.connect_timeout = 3 * SEC;
        assert_int_equal(check_connect_timeout_of(&m.vs, &m.rs, &m.ck), 3 * SEC);
        m.ck.connect_timeout = 2 * SEC;
        assert_int_equal(check_connect_timeout_of(&m.vs, &m.rs, &m.ck), 2 * SEC);
        m.vs.connect_timeout = m.rs.connect_timeout = m.ck.connect_timeout = TIMER_UNSET;
        assert_int_equal(check_connect_timeout_of(&m.vs, &m.rs, &m.ck), CHECK_DEFAULT_CONNECT_TIMEOUT);
        /* misc_timeout: its own, else the virtual server's delay_loop */
        m.ck.type = CHECK_MISC;
        m.vs.delay_loop = 15 * SEC;
        assert_int_equal(check_misc_timeout_of(&m.vs, &m.ck), 15 * SEC);
        m.ck.misc_timeout = 4 * SEC;
        assert_int_equal(check_misc_timeout_of(&m.vs, &m.ck), 4 * SEC);
        m.ck.misc_timeout = TIMER_UNSET;
        m.vs.delay_loop = TIMER_UNSET;
        assert_int_equal(check_misc_timeout_of(&m.vs, &m.ck), CHECK_DEFAULT_DELAY_LOOP);
}

static void test_connect_results(void **state)
{
        (void)state;
        assert_int_equal(check_connect_result(0, true), CHECK_OK);
        assert_int_equal(check_connect_result(0, false), CHECK_OK);
        /* the server's answer, whenever it comes */
        assert_int_equal(check_connect_result(ECONNREFUSED, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(check_connect_result(ECONNREFUSED, true), CHECK_CONNECT_REFUSED);
        assert_int_equal(check_connect_result(ECONNRESET, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(check_connect_result(ETIMEDOUT, false), CHECK_CONNECT_TIMEOUT);
        /* unreachable: from the network later, from our routing table at the call */
        assert_int_equal(check_connect_result(EHOSTUNREACH, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(check_connect_result(ENETUNREACH, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(check_connect_result(EHOSTUNREACH, true), CHECK_ERROR);
        assert_int_equal(check_connect_result(ENETUNREACH, true), CHECK_ERROR);
        /* local trouble */
        assert_int_equal(check_connect_result(EADDRNOTAVAIL, true), CHECK_ERROR);
        assert_int_equal(check_connect_result(EMFILE, true), CHECK_ERROR);
        assert_int_equal(check_connect_result(EINVAL, true), CHECK_ERROR);
        assert_int_equal(check_connect_result(EPERM, false), CHECK_ERROR);
        assert_int_equal(check_connect_result(EACCES, true), CHECK_ERROR);
}

static void test_misc_results(void **state)
{
        struct check_probe p;

        (void)state;
        assert_int_equal(check_misc_result(false, false, 0, 0).result, CHECK_ERROR);
        assert_int_equal(check_misc_result(true, false, 0, 0).result, CHECK_OK);
        p = check_misc_result(true, false, 1, 0);
        assert_int_equal(p.result, CHECK_SCRIPT_EXIT);
        assert_int_equal(p.exit_status, 1);
        p = check_misc_result(true, false, 255, 0);
        assert_int_equal(p.result, CHECK_SCRIPT_EXIT);
        assert_int_equal(p.exit_status, 255);
        /* killed at misc_timeout, whatever it exited with */
        assert_int_equal(check_misc_result(true, true, 0, 15).result, CHECK_SCRIPT_TIMEOUT);
        assert_int_equal(check_misc_result(true, true, 0, 0).result, CHECK_SCRIPT_TIMEOUT);
        /* killed by someone else: a plain failure, never a weight */
        p = check_misc_result(true, false, 0, 9);
        assert_int_equal(p.result, CHECK_SCRIPT_EXIT);
        assert_int_equal(p.exit_status, 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_to_the_real_server),
                cmocka_unit_test(test_connect_ip_and_port_win),
                cmocka_unit_test(test_nat_real_server_without_port),
                cmocka_unit_test(test_fwmark_service_needs_connect_port),
                cmocka_unit_test(test_ipv6_and_link_local),
                cmocka_unit_test(test_bindto_and_bind_port),
                cmocka_unit_test(test_no_address),
                cmocka_unit_test(test_timeouts_inherit),
                cmocka_unit_test(test_connect_results),
                cmocka_unit_test(test_misc_results),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
