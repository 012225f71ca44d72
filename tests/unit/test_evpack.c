/* The supervisor's packed event history: what goes in comes back as the
 * same JSON text (keys in order, values exact), names are shared through
 * the dictionary, and bytes that evpack did not write never crash it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/evpack.h"

static char *text(json_t *v)
{
        return json_dumps(v, JSON_COMPACT);
}

/* ev packed and unpacked must print as ev does; returns the packed length. */
static size_t round_trip(struct evpack_dict *d, json_t *ev)
{
        size_t len = 0;
        uint8_t *p = evpack_encode(d, ev, &len);
        json_t *back;
        char *a, *b;

        assert_non_null(p);
        back = evpack_decode(d, p, len);
        assert_non_null(back);
        a = text(ev);
        b = text(back);
        assert_string_equal(a, b);
        free(a);
        free(b);
        free(p);
        json_decref(back);
        return len;
}

static json_t *transition(int i, json_int_t seq)
{
        char name[32];

        snprintf(name, sizeof(name), "VI_%d", i);
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:f}", "event", "transition", "instance", name, "from",
                         "BACKUP", "to", "MASTER", "reason", "master_down_timer", "priority", 150, "seq", seq, "time",
                         1764633600.123456);
}

static void test_every_kind_of_value_comes_back(void **state)
{
        struct evpack_dict d = { 0 };
        json_t *ev = json_pack("{s:s,s:i,s:I,s:f,s:b,s:b,s:n,s:{s:s,s:[i,i]},s:[s]}", "event", "tracker", "small", -3,
                               "big", (json_int_t)INT64_MIN, "real", -0.1, "yes", 1, "no", 0, "none", "nested", "name",
                               "chk", "list", 1, 2, "array", "x");

        (void)state;
        json_object_set_new(ev, "nul", json_stringn("a\0b", 3));
        json_object_set_new(ev, "max", json_integer(INT64_MAX));
        round_trip(&d, ev);
        json_decref(ev);
        ev = json_object();
        round_trip(&d, ev); /* {} */
        json_decref(ev);
        evpack_dict_free(&d);
}

static void test_long_strings_and_a_full_dictionary_are_kept_whole(void **state)
{
        struct evpack_dict d = { 0 };
        char longer[EVPACK_DICT_STR + 40];
        json_t *ev;

        (void)state;
        memset(longer, 'r', sizeof(longer) - 1);
        longer[sizeof(longer) - 1] = 0;
        ev = json_pack("{s:s,s:s}", "reason", longer, longer, "a key longer than the dictionary takes");
        round_trip(&d, ev);
        assert_int_equal(d.n, 2); /* "reason" and the short value; not the long ones */
        json_decref(ev);
        for (int i = 0; i < EVPACK_DICT_MAX + 10; i++) {
                ev = transition(i, i);
                round_trip(&d, ev);
                json_decref(ev);
        }
        assert_int_equal(d.n, EVPACK_DICT_MAX);
        evpack_dict_free(&d);
}

static void test_a_thousand_transitions_pack_to_a_fraction_of_their_text(void **state)
{
        struct evpack_dict d = { 0 };
        size_t packed = 0, json = 0;

        (void)state;
        for (int round = 0; round < 2; round++)
                for (int i = 0; i < 1000; i++) {
                        json_t *ev = transition(i, round * 1000 + i);
                        char *t = text(ev);
                        json += strlen(t);
                        packed += round_trip(&d, ev);
                        free(t);
                        json_decref(ev);
                }
        /* 8 pairs: ids of one byte, a varint seq, a double time */
        assert_true(packed * 4 < json);
        assert_int_equal(d.n, 8 + 1000 + 4); /* keys, names, "transition" "BACKUP" "MASTER" "master_down_timer" */
        evpack_dict_free(&d);
}

static void test_truncated_or_foreign_bytes_are_refused(void **state)
{
        struct evpack_dict d = { 0 };
        json_t *ev = json_pack("{s:s,s:i,s:f,s:[i],s:s}", "event", "x", "n", 300, "t", 1.5, "a", 7, "s",
                               "a string far too long for the dictionary of event names to hold it at all, yes");
        size_t len = 0;
        uint8_t *p = evpack_encode(&d, ev, &len);
        uint8_t junk[64];

        (void)state;
        assert_non_null(p);
        for (size_t n = 0; n < len; n++) {
                json_t *back = evpack_decode(&d, p, n); /* a prefix: a shorter object, or NULL */
                if (back)
                        assert_true(json_object_size(back) < json_object_size(ev));
                json_decref(back);
        }
        srand(7);
        for (int i = 0; i < 20000; i++) {
                size_t n = (size_t)rand() % sizeof(junk);
                for (size_t k = 0; k < n; k++)
                        junk[k] = (uint8_t)rand();
                json_decref(evpack_decode(&d, junk, n));
        }
        free(p);
        json_decref(ev);
        evpack_dict_free(&d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_kind_of_value_comes_back),
                cmocka_unit_test(test_long_strings_and_a_full_dictionary_are_kept_whole),
                cmocka_unit_test(test_a_thousand_transitions_pack_to_a_fraction_of_their_text),
                cmocka_unit_test(test_truncated_or_foreign_bytes_are_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
