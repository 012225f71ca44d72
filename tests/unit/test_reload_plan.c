/* The reload plan: what a reload does to each instance, from the two
 * configurations alone (the same function serves reload --check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "memfs.h"
#include "vrrp/reload.h"

#define VI(name, vrid, prio, extra)                                                                              \
        "vrrp_instance " name " {\n interface eth0\n virtual_router_id " #vrid "\n priority " #prio              \
        "\n advert_int 1\n virtual_ipaddress {\n  10.0.0." #vrid "\n }\n" extra "}\n"

static struct conf *oc, *nc;
static struct reload_plan plan;

static void make(const char *old_text, const char *new_text)
{
        struct diag_list d;

        diag_list_init(&d);
        oc = parse_text(old_text, &d);
        diag_list_free(&d);
        diag_list_init(&d);
        nc = parse_text(new_text, &d);
        diag_list_free(&d);
        assert_non_null(oc);
        assert_non_null(nc);
        assert_int_equal(reload_plan_make(oc, nc, &plan), 0);
}

static void done(void)
{
        reload_plan_free(&plan);
        conf_free(oc);
        conf_free(nc);
}

static void expect(unsigned i, const char *name, enum reload_action a)
{
        assert_true(i < plan.n);
        assert_string_equal(plan.steps[i].name, name);
        assert_string_equal(reload_action_name(plan.steps[i].action), reload_action_name(a));
}

static void test_same_file_keeps_everything(void **state)
{
        (void)state;
        make(VI("VI_1", 1, 100, "") VI("VI_2", 2, 100, ""), VI("VI_1", 1, 100, "") VI("VI_2", 2, 100, ""));
        assert_int_equal(plan.n, 2);
        expect(0, "VI_1", RELOAD_KEPT);
        expect(1, "VI_2", RELOAD_KEPT);
        assert_int_equal(plan.counts.kept, 2);
        done();
}

static void test_add_update_remove(void **state)
{
        (void)state;
        make(VI("VI_1", 1, 150, "") VI("VI_2", 2, 100, ""), VI("VI_1", 1, 120, "") VI("VI_3", 3, 100, ""));
        assert_int_equal(plan.n, 3);
        expect(0, "VI_1", RELOAD_UPDATED);
        expect(1, "VI_3", RELOAD_ADDED);
        expect(2, "VI_2", RELOAD_REMOVED);
        assert_int_equal(plan.counts.updated, 1);
        assert_int_equal(plan.counts.added, 1);
        assert_int_equal(plan.counts.removed, 1);
        assert_int_equal(plan.counts.kept + plan.counts.restarted, 0);
        done();
}

static void test_in_place_keys_update_others_restart(void **state)
{
        (void)state;
        make(VI("VI_1", 1, 100, "") VI("VI_2", 2, 100, "") VI("VI_3", 3, 100, ""),
             VI("VI_1", 1, 100, " nopreempt\n") VI("VI_2", 2, 100, " advert_int 2\n")
                     VI("VI_3", 3, 255, ""));
        expect(0, "VI_1", RELOAD_UPDATED);
        expect(1, "VI_2", RELOAD_RESTARTED);  /* a timer: the FSM starts again */
        expect(2, "VI_3", RELOAD_RESTARTED);  /* becomes the address owner */
        assert_int_equal(plan.counts.restarted, 2);
        done();
}

static void test_multicast_group_change_restarts_all(void **state)
{
        (void)state;
        make(VI("VI_1", 1, 100, ""), "global_defs {\n vrrp_mcast_group4 224.0.0.19\n}\n" VI("VI_1", 1, 100, ""));
        expect(0, "VI_1", RELOAD_RESTARTED);
        done();
}

/* The JSON dump leaves these out, so comparing JSON kept the instance
 * running on its old rules; every field is compared now. */
static void test_fields_the_json_dump_left_out_restart(void **state)
{
        (void)state;
        make(VI("VI_1", 1, 100, " virtual_rules {\n  from 10.9.0.0/16 fwmark 5 table 100\n }\n")
                     VI("VI_2", 2, 100, ""),
             VI("VI_1", 1, 100, " virtual_rules {\n  from 10.9.0.0/16 fwmark 6 table 100\n }\n")
                     VI("VI_2", 2, 100, " promote_secondaries\n"));
        expect(0, "VI_1", RELOAD_RESTARTED);
        expect(1, "VI_2", RELOAD_RESTARTED);
        done();
}

static void test_plan_json(void **state)
{
        json_t *j;
        char *s;

        (void)state;
        make(VI("VI_1", 1, 100, "") VI("VI_2", 2, 100, ""), VI("VI_1", 1, 100, ""));
        j = reload_plan_json(&plan);
        s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal(s, "{\"instances\":{\"added\":0,\"kept\":1,\"removed\":1,\"restarted\":0,\"updated\":0},"
                               "\"plan\":[{\"action\":\"kept\",\"instance\":\"VI_1\"},"
                               "{\"action\":\"removed\",\"instance\":\"VI_2\"}]}");
        free(s);
        json_decref(j);
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_same_file_keeps_everything),
                cmocka_unit_test(test_add_update_remove),
                cmocka_unit_test(test_in_place_keys_update_others_restart),
                cmocka_unit_test(test_multicast_group_change_restarts_all),
                cmocka_unit_test(test_plan_json),
                cmocka_unit_test(test_fields_the_json_dump_left_out_restart),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
