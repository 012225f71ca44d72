/* The rules of conf/syscheck.c (script security, scripts, interfaces) on an
 * in-memory machine (memfs_sys.c in place of the conf_sys_* edge). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "conf/syscheck.h"
#include "memfs.h"
#include "memfs_sys.h"

#define F(p, u, g, m) { .path = p, .uid = u, .gid = g, .mode = S_IFREG | (m) }
#define D(p, u, g, m) { .path = p, .uid = u, .gid = g, .mode = S_IFDIR | (m) }
#define L(p, to) { .path = p, .mode = S_IFLNK | 0777, .link = to }

static const struct memsys_file machine[] = {
        D("/etc/vigil", 0, 0, 0755),
        F("/etc/vigil/ok.sh", 0, 0, 0755),
        F("/etc/vigil/nobody.sh", 65534, 0, 0755),
        F("/etc/vigil/gw_root.sh", 0, 0, 0775),
        F("/etc/vigil/gw_other.sh", 0, 100, 0775),
        F("/etc/vigil/ww.sh", 0, 0, 0777),
        F("/etc/vigil/noexec.sh", 0, 0, 0644),
        L("/etc/vigil/link_ok.sh", "/etc/vigil/ok.sh"),
        L("/etc/vigil/link_ww.sh", "/etc/vigil/ww.sh"),
        D("/srv/ww", 0, 0, 0777),
        F("/srv/ww/x.sh", 0, 0, 0755),
        L("/srv/ww/link_ok.sh", "/etc/vigil/ok.sh"),
        D("/tmp", 0, 0, 01777),
        F("/tmp/x.sh", 0, 0, 0755),
        D("/home/u/sticky", 1000, 1000, 01777),
        F("/home/u/sticky/x.sh", 0, 0, 0755),
        D("/opt/grp", 0, 0, 0775),
        F("/opt/grp/x.sh", 0, 0, 0755),
        D("/opt/grp_other", 0, 100, 0775),
        F("/opt/grp_other/x.sh", 0, 0, 0755),
        F("/usr/bin/true", 0, 0, 0755),
};

static const char *const no_users[] = { "nobody", NULL };
static const char *const with_ks[] = { "nobody", "keepalived_script", NULL };
static const char *const eth0[] = { "eth0", NULL };

static int setup(void **state)
{
        (void)state;
        memsys_set_files(machine, sizeof(machine) / sizeof(machine[0]));
        memsys_set_users(no_users);
        memsys_set_interfaces(eth0);
        setenv("PATH", "/usr/bin", 1);
        return 0;
}

static bool secure(const char *path)
{
        char why[256];

        return conf_path_is_secure(path, why, sizeof(why));
}

static void test_owner(void **state)
{
        char why[256];

        (void)state;
        assert_true(secure("/etc/vigil/ok.sh"));
        assert_false(conf_path_is_secure("/etc/vigil/nobody.sh", why, sizeof(why)));
        assert_non_null(strstr(why, "owned by uid 65534"));
}

static void test_group_write(void **state)
{
        (void)state;
        assert_true(secure("/etc/vigil/gw_root.sh"));
        assert_false(secure("/etc/vigil/gw_other.sh"));
        assert_true(secure("/opt/grp/x.sh"));
        assert_false(secure("/opt/grp_other/x.sh"));
}

static void test_world_write(void **state)
{
        (void)state;
        assert_false(secure("/etc/vigil/ww.sh"));
        assert_false(secure("/srv/ww/x.sh"));
}

static void test_sticky_dir(void **state)
{
        (void)state;
        /* root-owned with the sticky bit, like /tmp: keepalived allows it */
        assert_true(secure("/tmp/x.sh"));
        /* sticky but owned by a user: that user can replace the script */
        assert_false(secure("/home/u/sticky/x.sh"));
}

static void test_symlinks(void **state)
{
        (void)state;
        assert_true(secure("/etc/vigil/link_ok.sh"));
        assert_false(secure("/etc/vigil/link_ww.sh"));
        /* the real path is what runs: a link in a writable dir to a safe file */
        assert_true(secure("/srv/ww/link_ok.sh"));
}

static void test_missing_file(void **state)
{
        (void)state;
        assert_true(secure("/etc/vigil/missing.sh")); /* reported as missing, not insecure */
}

static struct diag_list d;
static struct conf *c;

static void parse(const char *text)
{
        diag_list_init(&d);
        c = parse_text(text, &d);
        assert_non_null(c);
        conf_check_system(c, &d);
}

static void done(void)
{
        conf_free(c);
        diag_list_free(&d);
}

#define SEC "global_defs {\n enable_script_security\n script_user root\n}\n"
#define INST(iface, extra) \
        "vrrp_instance VI_1 {\n interface " iface "\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n }\n" \
        extra "}\n"
#define SCRIPT(path) "vrrp_script chk {\n script \"" path "\"\n}\n"
#define TRACK " track_script {\n  chk\n }\n"

static void verdict(const char *text, int rc, bool blocks)
{
        parse(text);
        if (diag_exit_code(&d) != rc || diag_blocks_start(&d) != blocks)
                dump_diags(&d);
        assert_int_equal(diag_exit_code(&d), rc);
        assert_int_equal(diag_blocks_start(&d), blocks);
        done();
}

static void test_verdicts_of_scripts(void **state)
{
        (void)state;
        verdict(SEC SCRIPT("/etc/vigil/ok.sh") INST("eth0", TRACK), 0, false);
        verdict(SEC SCRIPT("/tmp/x.sh") INST("eth0", TRACK), 0, false);
        verdict(SEC SCRIPT("true") INST("eth0", TRACK), 0, false);
        /* disabled, the rest runs: keepalived's -t 5, its start runs */
        verdict(SEC SCRIPT("/etc/vigil/ww.sh") INST("eth0", TRACK), 5, false);
        verdict(SEC SCRIPT("/etc/vigil/nobody.sh") INST("eth0", TRACK), 5, false);
        verdict(SEC SCRIPT("/etc/vigil/missing.sh") INST("eth0", TRACK), 5, false);
        verdict(SCRIPT("/etc/vigil/missing.sh") INST("eth0", TRACK), 5, false);
        /* a not-executable script: a warning, as keepalived's -t */
        verdict(SEC SCRIPT("/etc/vigil/noexec.sh") INST("eth0", TRACK), 0, false);
        /* root scripts without script security: 6, and they still run */
        verdict(SCRIPT("/etc/vigil/ok.sh") INST("eth0", TRACK), 6, false);
        verdict(INST("eth0", " notify_master /etc/vigil/ok.sh\n"), 6, false);
        /* an insecure notify script: warned about and disabled, -t 0 as keepalived */
        verdict(SEC INST("eth0", " notify_master /etc/vigil/ww.sh\n"), 0, false);
}

static void test_security_without_a_script_user(void **state)
{
        struct conf_script_info info;

        (void)state;
        parse("global_defs {\n enable_script_security\n}\n" SCRIPT("/etc/vigil/ok.sh") INST("eth0", TRACK));
        assert_int_equal(conf_script_check(c, &c->vrrp_scripts.first->script, NULL, &info),
                         CONF_SCRIPT_NO_DEFAULT_USER);
        assert_int_equal(diag_exit_code(&d), 5);
        assert_false(diag_blocks_start(&d));
        assert_non_null(find_diag(&d, "no keepalived_script user and no script_user; the script is disabled"));
        done();
        /* with keepalived_script the script runs as that user, not root */
        memsys_set_users(with_ks);
        parse("global_defs {\n enable_script_security\n}\n" SCRIPT("/etc/vigil/ww.sh") INST("eth0", TRACK));
        assert_int_equal(conf_script_check(c, &c->vrrp_scripts.first->script, NULL, &info), CONF_SCRIPT_OK);
        assert_string_equal(info.user, "keepalived_script");
        assert_int_equal(diag_exit_code(&d), 0);
        done();
        memsys_set_users(no_users);
        /* without script security keepalived falls back to root */
        parse(SCRIPT("/etc/vigil/ok.sh") INST("eth0", TRACK));
        assert_int_equal(conf_script_check(c, &c->vrrp_scripts.first->script, NULL, &info), CONF_SCRIPT_OK);
        assert_true(info.as_root);
        done();
}

static void test_unknown_script_user(void **state)
{
        (void)state;
        verdict("vrrp_script chk {\n script /etc/vigil/ok.sh\n user nosuchuser\n}\n" INST("eth0", TRACK), 5, false);
}

static void test_interfaces(void **state)
{
        (void)state;
        verdict(INST("eth0", ""), 0, false);
        verdict(INST("nosuchif0", ""), 5, true);
        verdict(INST("eth0", " track_interface {\n  nosuchif1\n }\n"), 5, true);
        verdict("global_defs {\n dynamic_interfaces\n}\n" INST("nosuchif0", ""), 0, false);
        /* keepalived stops at the missing interface before script security: 5;
         * any other error with root scripts: 6 (both refuse the start) */
        verdict(SCRIPT("/etc/vigil/ok.sh") INST("nosuchif0", TRACK), 5, true);
        verdict(SCRIPT("/etc/vigil/ok.sh") INST("eth0", " track_interface {\n  nosuchif1\n }\n" TRACK), 5, true);
        verdict(SCRIPT("/etc/vigil/ok.sh") INST("eth0", " priority 300\n" TRACK), 6, true);
        parse("global_defs {\n dynamic_interfaces\n}\n" INST("nosuchif0", ""));
        assert_non_null(find_diag(&d, "stays in FAULT until the interface appears"));
        done();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_owner),
                cmocka_unit_test(test_group_write),
                cmocka_unit_test(test_world_write),
                cmocka_unit_test(test_sticky_dir),
                cmocka_unit_test(test_symlinks),
                cmocka_unit_test(test_missing_file),
                cmocka_unit_test(test_verdicts_of_scripts),
                cmocka_unit_test(test_security_without_a_script_user),
                cmocka_unit_test(test_unknown_script_user),
                cmocka_unit_test(test_interfaces),
        };

        return cmocka_run_group_tests(tests, setup, NULL);
}
