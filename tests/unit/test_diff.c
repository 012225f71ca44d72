/* The reload diff (conf/diff.c): every field of each kind classified, and
 * the matching of two named lists (add, remove, rename, reorder). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/diff.h"
#include "memfs.h"

#define VI(name, vrid, prio, extra)                                                                              \
        "vrrp_instance " name " {\n interface eth0\n virtual_router_id " #vrid "\n priority " #prio              \
        "\n advert_int 1\n virtual_ipaddress {\n  10.0.0." #vrid "\n }\n" extra "}\n"

static struct conf *parse(const char *text)
{
        struct diag_list d;
        struct conf *c;

        diag_list_init(&d);
        c = parse_text(text, &d);
        diag_list_free(&d);
        assert_non_null(c);
        return c;
}

/* Change one field of a shallow copy so that it no longer compares equal. */
static void perturb(const struct conf_field *f, void *obj)
{
        char *p = (char *)obj + f->offset;
        static struct conf_notify other = { .master = { .cmdline = "/bin/true" } };
        static const char *const strv[] = { "x" };
        static uint8_t bytes[] = { 1 };

        switch (f->type) {
        case CF_BOOL: *(bool *)p = !*(bool *)p; break;
        case CF_INT:
        case CF_ENUM: *(int *)p += 1; break;
        case CF_UINT: *(unsigned *)p += 1; break;
        case CF_U8: *(uint8_t *)p += 1; break;
        case CF_U16: *(uint16_t *)p += 1; break;
        case CF_U32: *(uint32_t *)p += 1; break;
        case CF_I64: *(int64_t *)p += 1; break;
        case CF_LONG: *(long *)p += 1; break;
        case CF_STR: *(const char **)p = *(const char **)p ? NULL : "changed"; break;
        case CF_IP: {
                struct conf_ip *ip = (struct conf_ip *)p;
                if (!ip->family)
                        ip->family = AF_INET;
                ip->u.v4.s_addr ^= 1;
                break;
        }
        case CF_ADDRS:
        case CF_ROUTES:
        case CF_RULES:
        case CF_TRACKS:
        case CF_PEERS:
        case CF_STRLIST:
        case CF_CHECKERS:
        case CF_URLS:
                /* every list starts first, last, count: a different count differs */
                *(unsigned *)(p + 2 * sizeof(void *)) += 1;
                break;
        case CF_SCRIPT: ((struct conf_script *)p)->cmdline = "/bin/changed"; break;
        case CF_NOTIFY_PTR: *(struct conf_notify **)p = &other; break;
        case CF_NOTIFY: ((struct conf_notify *)p)->master.cmdline = "/bin/changed"; break;
        case CF_STRV:
                *(const char *const **)p = strv;
                *(unsigned *)((char *)obj + f->aux) = 1;
                break;
        case CF_BYTES:
                *(uint8_t **)p = bytes;
                *(unsigned *)((char *)obj + f->aux) = 1;
                break;
        case CF_NONE: break;
        }
}

/* Each field, changed alone, gives its table's verdict and names itself. */
static void check_every_field(const struct conf_diff_kind *k, const void *obj, size_t size, size_t members)
{
        void *copy = malloc(size);

        assert_non_null(copy);
        /* model.h's member count: a new member must be classified here */
        assert_int_equal(k->nfields, members);
        for (size_t i = 0; i < k->nfields; i++) {
                const struct conf_field *f = &k->fields[i], *why = NULL;
                for (size_t j = 0; j < i; j++) {
                        assert_int_not_equal(k->fields[j].offset, f->offset);
                        assert_string_not_equal(k->fields[j].name, f->name);
                }
                memcpy(copy, obj, size);
                perturb(f, copy);
                enum conf_diff_action a = conf_diff_classify(k, obj, copy, &why);
                if (f->type == CF_NONE) {
                        assert_int_equal(a, CONF_DIFF_KEEP);
                        continue;
                }
                if (a != f->effect)
                        fail_msg("%s.%s: %s, not %s", k->kind, f->name, conf_diff_action_name(a),
                                 conf_diff_action_name(f->effect));
                /* a count blames its array when that comes first: same cost */
                if (!why || why->effect != f->effect)
                        fail_msg("%s.%s: blamed on %s", k->kind, f->name, why ? why->name : "(none)");
        }
        assert_int_equal(conf_diff_classify(k, obj, obj, NULL), CONF_DIFF_KEEP);
        free(copy);
}

static const char *field_effect(const struct conf_diff_kind *k, const char *name)
{
        for (size_t i = 0; i < k->nfields; i++)
                if (!strcmp(k->fields[i].name, name))
                        return conf_diff_action_name(k->fields[i].effect);
        return "missing";
}

static void test_every_instance_field_is_classified(void **state)
{
        struct conf *c = parse(VI("VI_1", 1, 100, ""));

        (void)state;
        check_every_field(&conf_diff_vrrp_instance, c->instances.first, sizeof(struct conf_vrrp_instance), 86);
        /* what reload.c has always done in place, and what it restarts */
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "priority"), "update");
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "nopreempt"), "update");
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "notify"), "update");
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "advert_int"), "restart");
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "virtual_ipaddress"), "restart");
        assert_string_equal(field_effect(&conf_diff_vrrp_instance, "interface"), "restart");
        conf_free(c);
}

static void test_every_field_of_the_other_kinds_is_classified(void **state)
{
        struct conf *c = parse("vrrp_script chk {\n script /bin/true\n}\n"
                               "vrrp_track_file tf {\n file /tmp/x\n}\n"
                               "vrrp_track_process tp {\n process sshd\n}\n"
                               VI("VI_1", 1, 100, "") "vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n"
                               "virtual_server 10.1.0.1 80 {\n protocol TCP\n"
                               " real_server 10.1.0.2 80 {\n  TCP_CHECK {\n  }\n }\n}\n");

        (void)state;
        check_every_field(&conf_diff_vrrp_script, c->vrrp_scripts.first, sizeof(struct conf_vrrp_script), 14);
        check_every_field(&conf_diff_track_file, c->track_files.first, sizeof(struct conf_track_file), 9);
        check_every_field(&conf_diff_track_process, c->track_processes.first, sizeof(struct conf_track_process), 15);
        check_every_field(&conf_diff_sync_group, c->sync_groups.first, sizeof(struct conf_sync_group), 12);
        assert_non_null(c->virtual_servers.first);
        check_every_field(&conf_diff_virtual_server, c->virtual_servers.first, sizeof(struct conf_virtual_server), 48);
        check_every_field(&conf_diff_real_server, c->virtual_servers.first->real_servers.first,
                          sizeof(struct conf_real_server), 24);
        conf_free(c);
}

static struct conf_diff diff_of(const struct conf *a, const struct conf *b)
{
        struct conf_diff d;

        assert_int_equal(conf_diff_named(&conf_diff_vrrp_instance, a->instances.first, b->instances.first, &d), 0);
        return d;
}

static void expect(const struct conf_diff *d, size_t i, const char *name, enum conf_diff_action a)
{
        assert_true(i < d->n);
        assert_string_equal(d->e[i].name, name);
        assert_string_equal(conf_diff_action_name(d->e[i].action), conf_diff_action_name(a));
}

static void test_add_and_remove(void **state)
{
        struct conf *a = parse(VI("VI_1", 1, 100, "") VI("VI_2", 2, 100, ""));
        struct conf *b = parse(VI("VI_1", 1, 100, "") VI("VI_3", 3, 100, ""));
        struct conf_diff d = diff_of(a, b);

        (void)state;
        assert_int_equal(d.n, 3);
        expect(&d, 0, "VI_1", CONF_DIFF_KEEP);
        expect(&d, 1, "VI_3", CONF_DIFF_ADD);
        assert_null(d.e[1].old_obj);
        expect(&d, 2, "VI_2", CONF_DIFF_REMOVE);
        assert_null(d.e[2].new_obj);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

static void test_rename_is_remove_and_add(void **state)
{
        struct conf *a = parse(VI("OLD", 1, 100, ""));
        struct conf *b = parse(VI("NEW", 1, 100, ""));
        struct conf_diff d = diff_of(a, b);

        (void)state;
        assert_int_equal(d.n, 2);
        expect(&d, 0, "NEW", CONF_DIFF_ADD);
        expect(&d, 1, "OLD", CONF_DIFF_REMOVE);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

static void test_order_change_keeps(void **state)
{
        struct conf *a = parse(VI("A", 1, 100, "") VI("B", 2, 100, "") VI("C", 3, 100, ""));
        struct conf *b = parse(VI("C", 3, 100, "") VI("A", 1, 100, "") VI("B", 2, 100, ""));
        struct conf_diff d = diff_of(a, b);

        (void)state;
        assert_int_equal(d.n, 3);
        expect(&d, 0, "C", CONF_DIFF_KEEP);
        expect(&d, 1, "A", CONF_DIFF_KEEP);
        expect(&d, 2, "B", CONF_DIFF_KEEP);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

static void test_owner_change_restarts(void **state)
{
        struct conf *a = parse(VI("A", 1, 254, "") VI("B", 2, 100, ""));
        struct conf *b = parse(VI("A", 1, 255, "") VI("B", 2, 200, ""));
        struct conf_diff d = diff_of(a, b);

        (void)state;
        expect(&d, 0, "A", CONF_DIFF_RESTART);
        expect(&d, 1, "B", CONF_DIFF_UPDATE);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

static void test_empty_lists(void **state)
{
        struct conf *a = parse(VI("A", 1, 100, ""));
        struct conf_diff d;

        (void)state;
        assert_int_equal(conf_diff_named(&conf_diff_vrrp_instance, NULL, NULL, &d), 0);
        assert_int_equal(d.n, 0);
        conf_diff_free(&d);
        assert_int_equal(conf_diff_named(&conf_diff_vrrp_instance, a->instances.first, NULL, &d), 0);
        expect(&d, 0, "A", CONF_DIFF_REMOVE);
        conf_diff_free(&d);
        conf_free(a);
}

#define VS(port, body) "virtual_server 10.1.0.1 " #port " {\n protocol TCP\n" body "}\n"
#define RS(port, body) " real_server 10.1.0.2 " #port " {\n" body " }\n"

/* Not applied yet: the check worker will use these verdicts. */
static void test_virtual_and_real_servers(void **state)
{
        struct conf *a = parse(VS(80, " lb_algo rr\n" RS(80, "  weight 1\n") RS(81, "")) VS(443, RS(1, "")));
        struct conf *b = parse(VS(80, " lb_algo wrr\n" RS(80, "  weight 2\n") RS(82, "")) VS(444, RS(1, "")));
        const struct conf_virtual_server *va = a->virtual_servers.first, *vb = b->virtual_servers.first;
        struct conf_diff d;

        (void)state;
        assert_int_equal(conf_diff_named(&conf_diff_virtual_server, va, vb, &d), 0);
        assert_int_equal(d.n, 3);
        expect(&d, 0, "10.1.0.1:80/TCP", CONF_DIFF_UPDATE);
        expect(&d, 1, "10.1.0.1:444/TCP", CONF_DIFF_ADD);
        expect(&d, 2, "10.1.0.1:443/TCP", CONF_DIFF_REMOVE);
        conf_diff_free(&d);
        assert_int_equal(conf_diff_named(&conf_diff_real_server, va->real_servers.first, vb->real_servers.first, &d), 0);
        assert_int_equal(d.n, 3);
        expect(&d, 0, "10.1.0.2:80", CONF_DIFF_UPDATE);
        expect(&d, 1, "10.1.0.2:82", CONF_DIFF_ADD);
        expect(&d, 2, "10.1.0.2:81", CONF_DIFF_REMOVE);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

static void test_vrrp_script_weight_updates_interval_restarts(void **state)
{
        struct conf *a = parse("vrrp_script s1 {\n script /bin/true\n weight 10\n}\n"
                               "vrrp_script s2 {\n script /bin/true\n interval 1\n}\n");
        struct conf *b = parse("vrrp_script s1 {\n script /bin/true\n weight 20\n}\n"
                               "vrrp_script s2 {\n script /bin/true\n interval 2\n}\n");
        struct conf_diff d;

        (void)state;
        assert_int_equal(conf_diff_named(&conf_diff_vrrp_script, a->vrrp_scripts.first, b->vrrp_scripts.first, &d), 0);
        expect(&d, 0, "s1", CONF_DIFF_UPDATE);
        expect(&d, 1, "s2", CONF_DIFF_RESTART);
        conf_diff_free(&d);
        conf_free(a);
        conf_free(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_instance_field_is_classified),
                cmocka_unit_test(test_every_field_of_the_other_kinds_is_classified),
                cmocka_unit_test(test_add_and_remove),
                cmocka_unit_test(test_rename_is_remove_and_add),
                cmocka_unit_test(test_order_change_keeps),
                cmocka_unit_test(test_owner_change_restarts),
                cmocka_unit_test(test_empty_lists),
                cmocka_unit_test(test_virtual_and_real_servers),
                cmocka_unit_test(test_vrrp_script_weight_updates_interval_restarts),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
