/* The address table the netlink monitor feeds: add, delete, re-add, per
 * interface, growth past its first size and deletion of an interface. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/addrtab.h"

static struct conf_ip ip(const char *s)
{
        struct conf_ip a = { .family = strchr(s, ':') ? AF_INET6 : AF_INET };

        inet_pton(a.family, s, &a.u);
        return a;
}

static void test_add_del_readd(void **state)
{
        struct addrtab t;
        struct conf_ip a = ip("10.0.0.1"), b = ip("2001:db8::1");

        (void)state;
        addrtab_init(&t);
        assert_false(addrtab_has(&t, 2, &a));
        assert_int_equal(addrtab_add(&t, 2, &a), 0);
        assert_int_equal(addrtab_add(&t, 2, &a), 0);
        assert_int_equal(addrtab_add(&t, 2, &b), 0);
        assert_true(addrtab_has(&t, 2, &a));
        assert_false(addrtab_has(&t, 3, &a)); /* per interface */
        addrtab_del(&t, 2, &a);
        assert_false(addrtab_has(&t, 2, &a));
        assert_true(addrtab_has(&t, 2, &b));
        addrtab_add(&t, 2, &a);
        assert_true(addrtab_has(&t, 2, &a));
        assert_int_equal(t.live, 2);
        addrtab_free(&t);
}

static void test_growth_and_iface_delete(void **state)
{
        struct addrtab t;
        char s[32];

        (void)state;
        addrtab_init(&t);
        for (unsigned i = 0; i < 3000; i++) {
                snprintf(s, sizeof(s), "10.%u.%u.1", i / 250, i % 250);
                struct conf_ip a = ip(s);
                assert_int_equal(addrtab_add(&t, 1 + (int)(i % 3), &a), 0);
                if (i % 2)
                        addrtab_del(&t, 1 + (int)(i % 3), &a);
        }
        assert_int_equal(t.live, 1500);
        addrtab_del_iface(&t, 1);
        for (unsigned i = 0; i < 3000; i++) {
                snprintf(s, sizeof(s), "10.%u.%u.1", i / 250, i % 250);
                struct conf_ip a = ip(s);
                bool want = i % 2 == 0 && i % 3 != 0;
                assert_int_equal(addrtab_has(&t, 1 + (int)(i % 3), &a), want);
        }
        addrtab_clear(&t);
        assert_int_equal(t.live, 0);
        addrtab_free(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_add_del_readd),
                cmocka_unit_test(test_growth_and_iface_delete),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
