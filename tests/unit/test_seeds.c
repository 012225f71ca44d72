/* Our users' configs (tests/configs, from the tutorials they follow):
 * every one behaves as tests/configs/README.md says, and the resolved model
 * carries the values a user would check. Parsed from the real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conf/dump.h"
#include "conf/fs_posix.h"
#include "conf/values.h"
#include "memfs.h"

static struct diag_list d;
static struct conf *c;

static void load(const char *name)
{
        static char path[512];
        struct conf_parse_opts o = { .fs = &conf_fs_posix, .config_id = "lb", .hostname = "lb", .username = "root" };

        snprintf(path, sizeof(path), "%s/%s", SEED_DIR, name);
        diag_list_init(&d);
        c = conf_parse(&o, path, &d);
        assert_non_null(c);
}

static void done(void)
{
        conf_free(c);
        diag_list_free(&d);
}

static json_t *instance0(json_t *root)
{
        return json_array_get(json_object_get(root, "vrrp_instance"), 0);
}

static void assert_json_str(json_t *o, const char *key, const char *want)
{
        json_t *v = json_object_get(o, key);

        assert_non_null(v);
        assert_string_equal(json_string_value(v), want);
}

static void assert_json_int(json_t *o, const char *key, long long want)
{
        json_t *v = json_object_get(o, key);

        assert_non_null(v);
        assert_int_equal(json_integer_value(v), want);
}

static void test_valid_seeds_pass(void **state)
{
        static const char *const valid[] = {
                "000-nginx-backup.conf", "000-nginx-master.conf", "001-global-and-static.conf", "001-lvs-dr.conf",
                "001-nginx-backup.conf", "001-nginx-master.conf", "002-backup.conf", "002-master.conf",
                "003-lb02-final.conf", "003-lb02-nopreempt.conf", "004-backup.conf", "004-master.conf",
        };

        (void)state;
        for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
                load(valid[i]);
                if (diag_count(&d, DIAG_ERROR)) {
                        fprintf(stderr, "%s:\n", valid[i]);
                        dump_diags(&d);
                }
                assert_int_equal(diag_exit_code(&d), 0);
                done();
        }
}

static void test_typo_seeds_fail_with_suggestion(void **state)
{
        const struct diag *x;

        (void)state;
        load("001-vrrip-script-typo.conf");
        x = &d.items[0];
        assert_int_equal(x->severity, DIAG_ERROR);
        assert_int_equal(x->pos.line, 3);
        assert_int_equal(x->pos.col, 1);
        assert_non_null(strstr(x->msg, "did you mean 'vrrp_script'?"));
        assert_int_equal(diag_exit_code(&d), 5);
        done();
        load("001-sync-group-typo.conf");
        x = &d.items[0];
        assert_int_equal(x->pos.line, 3);
        assert_non_null(strstr(x->msg, "did you mean 'vrrp_sync_group'?"));
        assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
        done();
}

static void test_strict_seed_warnings(void **state)
{
        (void)state;
        load("004-master.conf");
        assert_non_null(find_diag(&d, "strict mode does not support authentication"));
        assert_non_null(find_diag(&d, "state MASTER needs priority 255 (the address owner); starting as BACKUP"));
        assert_non_null(find_diag(&d, "vrrp_garp_interval 0 is below the minimum"));
        assert_int_equal(c->instances.first->state, STATE_BACKUP);
        done();
}

static void test_dump_nginx_master(void **state)
{
        json_t *root, *vi, *scr, *auth, *vip;

        (void)state;
        load("000-nginx-master.conf");
        root = conf_to_json(c);
        vi = instance0(root);
        assert_json_str(vi, "state", "MASTER");
        assert_json_int(vi, "priority", 90);
        assert_json_int(vi, "virtual_router_id", 51);
        assert_json_int(vi, "advert_int", 1);
        assert_json_str(vi, "mcast_src_ip", "192.168.110.128");
        auth = json_object_get(vi, "authentication");
        assert_json_str(auth, "auth_type", "PASS");
        assert_json_str(auth, "auth_pass", "1111");
        vip = json_array_get(json_object_get(vi, "virtual_ipaddress"), 0);
        assert_json_str(vip, "address", "192.168.110.138");
        assert_json_int(vip, "prefix", 32);
        assert_json_str(vip, "dev", "eth0");
        scr = json_array_get(json_object_get(root, "vrrp_script"), 0);
        assert_json_str(scr, "name", "chk_nginx");
        assert_json_int(scr, "interval", 2);
        assert_json_int(scr, "weight", -20);
        assert_json_int(scr, "rise", 1);
        assert_json_int(scr, "fall", 1);
        assert_json_str(json_object_get(scr, "script"), "command", "/etc/keepalived/nginx_check.sh");
        assert_json_str(json_object_get(root, "global_defs"), "router_id", "nginx_master");
        json_decref(root);
        done();
}

static void test_dump_strict_and_rise_fall(void **state)
{
        json_t *root, *vi, *scr, *vip;

        (void)state;
        load("004-master.conf");
        root = conf_to_json(c);
        vi = instance0(root);
        assert_json_str(vi, "state", "BACKUP");
        assert_json_int(vi, "priority", 100);
        assert_true(json_is_null(json_object_get(vi, "authentication")));
        assert_true(json_is_false(json_object_get(vi, "accept")));
        vip = json_array_get(json_object_get(vi, "virtual_ipaddress"), 0);
        assert_json_str(vip, "address", "192.168.0.16");
        assert_json_int(vip, "prefix", 24);
        scr = json_array_get(json_object_get(root, "vrrp_script"), 0);
        assert_json_int(scr, "weight", -5);
        assert_json_int(scr, "fall", 2);
        assert_json_int(scr, "rise", 1);
        json_decref(root);
        done();
}

static void test_dump_other_seeds(void **state)
{
        json_t *root, *vi, *scr, *rs, *ck;

        (void)state;
        load("003-lb02-final.conf");
        root = conf_to_json(c);
        scr = json_array_get(json_object_get(root, "vrrp_script"), 0);
        assert_json_int(scr, "interval", 5);
        assert_json_int(scr, "weight", 0); /* no weight: failure means FAULT */
        vi = instance0(root);
        assert_json_int(vi, "virtual_router_id", 50);
        assert_json_int(vi, "priority", 150);
        json_decref(root);
        done();

        load("003-lb02-nopreempt.conf");
        root = conf_to_json(c);
        assert_true(json_is_true(json_object_get(instance0(root), "nopreempt")));
        json_decref(root);
        done();

        load("002-master.conf");
        root = conf_to_json(c);
        assert_json_int(instance0(root), "priority", 200);
        assert_json_str(instance0(root), "interface", "ens33");
        assert_json_int(json_array_get(json_object_get(root, "vrrp_script"), 0), "weight", 2);
        json_decref(root);
        done();

        load("001-global-and-static.conf");
        root = conf_to_json(c);
        assert_json_str(json_array_get(json_object_get(root, "static_ipaddress"), 0), "address", "192.168.1.1");
        assert_json_str(json_array_get(json_object_get(root, "static_routes"), 0), "to", "192.168.2.0/24");
        assert_json_str(json_object_get(root, "global_defs"), "smtp_server", "127.0.0.1");
        json_decref(root);
        done();

        load("001-lvs-dr.conf");
        root = conf_to_json(c);
        rs = json_array_get(json_object_get(json_array_get(json_object_get(root, "virtual_server"), 0), "real_servers"), 0);
        assert_json_int(rs, "weight", 3);
        ck = json_array_get(json_object_get(rs, "checkers"), 0);
        assert_json_str(ck, "type", "HTTP_GET");
        assert_json_int(ck, "retry", 3);
        assert_json_int(ck, "connect_timeout", 10);
        json_decref(root);
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_seeds_pass),
                cmocka_unit_test(test_typo_seeds_fail_with_suggestion),
                cmocka_unit_test(test_strict_seed_warnings),
                cmocka_unit_test(test_dump_nginx_master),
                cmocka_unit_test(test_dump_strict_and_rise_fall),
                cmocka_unit_test(test_dump_other_seeds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
