/* The configuration snapshot (conf/snapshot.c): the worker parses exactly
 * the bytes the supervisor validated, includes and @ lines resolved as
 * they were, whatever the files say by the time it parses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/snapshot.h"
#include "memfs.h"

#define MAIN "/etc/vigil/main.conf"
#define INST(prio)                                                                                              \
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " prio                          \
        "\n advert_int 1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n"

static const char main_text[] = "include /etc/vigil/conf.d/*.conf\nglobal_defs {\n@nodeA router_id A\n"
                                "@nodeB router_id B\n}\n";
static struct memfs_file before[] = { { MAIN, main_text }, { "/etc/vigil/conf.d/vi.conf", INST("150") } };
static struct memfs_file after[] = { { MAIN, main_text }, { "/etc/vigil/conf.d/vi.conf", INST("10") },
                                     { "/etc/vigil/conf.d/extra.conf", INST("20") } };

/* Validate before[] as the supervisor does, as config id nodeB; the encoding. */
static void record(char **ret_data, size_t *ret_len)
{
        struct conf_parse_opts po = { .fs = &memfs, .config_id = "nodeB", .random_seed = 7,
                                      .hostname = "nodeB", .username = "root" };
        struct conf_snapshot *s;
        struct diag_list d;
        struct conf *c;

        memfs_set(before, 2);
        s = conf_snapshot_record(&memfs, &po, MAIN);
        assert_non_null(s);
        po.fs = conf_snapshot_fs(s);
        diag_list_init(&d);
        c = conf_parse(&po, MAIN, &d);
        assert_non_null(c);
        if (diag_exit_code(&d))
                dump_diags(&d);
        assert_int_equal(diag_exit_code(&d), 0);
        assert_int_equal(conf_snapshot_encode(s, ret_data, ret_len), 0);
        conf_free(c);
        diag_list_free(&d);
        conf_snapshot_free(s);
}

static struct conf *replay(const char *data, size_t len, struct diag_list *d)
{
        struct conf_snapshot *s = NULL;
        struct conf *c;

        assert_int_equal(conf_snapshot_decode(data, len, &s), 0);
        assert_string_equal(conf_snapshot_path(s), MAIN);
        c = conf_snapshot_parse(s, NULL, d);
        conf_snapshot_free(s);
        return c;
}

/* The include edited (and a new one added) after the validation: the
 * worker still sees the validated priority and no extra instance. */
static void test_edit_after_validation_does_not_reach_the_worker(void **state)
{
        struct diag_list d;
        struct conf *c;
        char *data;
        size_t len;

        (void)state;
        record(&data, &len);
        memfs_set(after, 3);
        diag_list_init(&d);
        c = replay(data, len, &d);
        assert_non_null(c);
        assert_int_equal(diag_exit_code(&d), 0);
        assert_int_equal(c->instances.count, 1);
        assert_int_equal(conf_find_instance(c, "VI_1")->priority, 150);
        assert_string_equal(c->global.router_id, "B"); /* @nodeB, as validated */
        conf_free(c);
        diag_list_free(&d);
        free(data);
}

/* The replay never reaches the file system: with none at all it parses. */
static void test_replay_reads_no_file(void **state)
{
        struct diag_list d;
        struct conf *c;
        char *data;
        size_t len;

        (void)state;
        record(&data, &len);
        memfs_set(NULL, 0);
        diag_list_init(&d);
        c = replay(data, len, &d);
        assert_non_null(c);
        assert_int_equal(c->instances.count, 1);
        conf_free(c);
        diag_list_free(&d);
        free(data);
}

/* A truncated or foreign buffer is refused, not half-parsed. */
static void test_corrupt_snapshot_is_refused(void **state)
{
        struct conf_snapshot *s = NULL;
        char *data;
        size_t len;

        (void)state;
        record(&data, &len);
        for (size_t cut = 0; cut < len; cut += len / 17 + 1)
                assert_int_equal(conf_snapshot_decode(data, cut, &s), -EINVAL);
        data[0] ^= 1;
        assert_int_equal(conf_snapshot_decode(data, len, &s), -EINVAL);
        free(data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_edit_after_validation_does_not_reach_the_worker),
                cmocka_unit_test(test_replay_reads_no_file),
                cmocka_unit_test(test_corrupt_snapshot_is_refused),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
