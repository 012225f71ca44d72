/* tls_session_reuse's table of shares (check/http_sessions.h), over a
 * fake libcurl: one share per server key, kept while a probe holds it,
 * dropped once unused for HTTP_SESSIONS_IDLE_MS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "check/http_sessions.h"

static unsigned made, cleaned;
static int fake_share;

static CURLSH *share_init(void)
{
        made++;
        return (CURLSH *)malloc(1);
}

static CURLSHcode share_setopt(CURLSH *s, CURLSHoption o, ...)
{
        (void)s, (void)o;
        fake_share++;
        return CURLSHE_OK;
}

static CURLSHcode share_cleanup(CURLSH *s)
{
        cleaned++;
        free(s);
        return CURLSHE_OK;
}

static const struct curl_uv_lib lc = { .share_init = share_init, .share_setopt = share_setopt,
                                       .share_cleanup = share_cleanup };

static int reset(void **state)
{
        (void)state;
        http_sessions_clear(&lc);
        made = cleaned = 0;
        return 0;
}

static void test_one_share_per_server(void **state)
{
        /* more servers than libcurl's share holds sessions (8) */
        struct http_session *s[20], *again;
        char key[64];

        (void)state;
        for (int i = 0; i < 20; i++) {
                snprintf(key, sizeof(key), "rs:443:10.0.0.%d:443", i);
                assert_non_null(s[i] = http_session_get(&lc, key, 1000));
                http_session_put(s[i], 1000);
        }
        assert_int_equal(http_sessions_count(), 20);
        for (int i = 0; i < 20; i++)
                for (int j = 0; j < i; j++)
                        assert_ptr_not_equal(http_session_share(s[i]), http_session_share(s[j]));
        again = http_session_get(&lc, "rs:443:10.0.0.7:443", 2000);
        assert_ptr_equal(again, s[7]);
        http_session_put(again, 2000);
        assert_int_equal(made, 20);
}

static void sweep_all(int64_t now)
{
        /* every bucket is looked at within 1024 gets */
        for (int i = 0; i < 1024; i++)
                http_session_put(http_session_get(&lc, "sweeper:443:10.9.9.9:443", now), now);
}

static void test_idle_shares_are_dropped_held_ones_kept(void **state)
{
        struct http_session *held = http_session_get(&lc, "held:443:10.0.0.1:443", 0);
        struct http_session *idle = http_session_get(&lc, "idle:443:10.0.0.2:443", 0);

        (void)state;
        http_session_put(idle, 0);
        sweep_all(HTTP_SESSIONS_IDLE_MS - 1);
        assert_int_equal(http_sessions_count(), 3);
        sweep_all(HTTP_SESSIONS_IDLE_MS);
        /* the idle one is gone, the held one (a probe in flight) stays */
        assert_int_equal(http_sessions_count(), 2);
        assert_int_equal(cleaned, 1);
        http_session_put(held, HTTP_SESSIONS_IDLE_MS);
        http_sessions_clear(&lc);
        assert_int_equal(http_sessions_count(), 0);
        assert_int_equal(cleaned, 3);
}

static void test_a_share_is_asked_for_ssl_sessions(void **state)
{
        (void)state;
        fake_share = 0;
        http_session_put(http_session_get(&lc, "x:443:10.0.0.3:443", 0), 0);
        assert_int_equal(fake_share, 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup(test_one_share_per_server, reset),
                cmocka_unit_test_setup(test_idle_shares_are_dropped_held_ones_kept, reset),
                cmocka_unit_test_setup(test_a_share_is_asked_for_ssl_sessions, reset),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);

        http_sessions_clear(&lc);
        return r;
}
