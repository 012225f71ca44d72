/* One checker's decision; see decide.h for the rules and for where vigil's
 * retry differs from keepalived's. */
#include "check/decide.h"

struct check_status check_start(const struct check_policy *pol, int64_t now, uint32_t random, int64_t *ret_due)
{
        struct check_status st = { .state = pol->alpha ? CHECK_DOWN : CHECK_UNKNOWN, .failures = 0 };
        /* A double holds any warmup (≤ a day in µs) exactly, and
         * UINT32_MAX / UINT32_MAX is exactly 1, so the spread covers
         * [0, warmup] end to end. */
        double frac = (double)random / (double)UINT32_MAX;
        int64_t spread = pol->warmup > 0 ? (int64_t)((double)pol->warmup * frac) : 0;

        *ret_due = now + CHECK_BOOTSTRAP_DELAY + spread;
        return st;
}

bool check_state_failed(enum check_state s)
{
        return s == CHECK_DOWN;
}

/* A script's exit status, as keepalived's MISC_CHECK reads it (§6.6). */
static bool script_success(const struct check_policy *pol, int status, struct check_decision *d)
{
        if (status == 0) {
                d->weight_op = CHECK_WEIGHT_CLEAR;
                return true;
        }
        if (status >= 2 && status <= 255 && pol->misc_dynamic) {
                d->weight_op = CHECK_WEIGHT_SET;
                d->weight = status - 2;
                return true;
        }
        return false;
}

static void on_success(struct check_decision *d, const struct check_status *cur)
{
        d->next.failures = 0;
        d->next.state = CHECK_UP;
        /* From UNKNOWN the server was already counted alive: only a DOWN
         * checker coming back is a change. */
        if (cur->state == CHECK_DOWN)
                d->change = CHECK_WENT_UP;
}

static void on_failure(const struct check_policy *pol, struct check_decision *d, const struct check_status *cur)
{
        if (cur->state == CHECK_DOWN) {
                d->next = *cur;
                return;
        }
        if (cur->failures < pol->retry) {
                d->next.state = cur->state;
                d->next.failures = cur->failures + 1;
                d->retry_index = d->next.failures;
                return;
        }
        d->next.state = CHECK_DOWN;
        d->next.failures = 0;
        d->change = CHECK_WENT_DOWN;
        d->after_retries = pol->retry > 0;
        /* The dynamic weight dies with the server's health. */
        d->weight_op = CHECK_WEIGHT_CLEAR;
}

struct check_decision check_decide(const struct check_policy *pol, const struct check_status *cur,
                                   const struct check_probe *probe, int64_t now)
{
        struct check_decision d = { .next = *cur, .change = CHECK_SAME, .result = probe->result,
                                    .counted = probe->result != CHECK_ERROR, .weight_op = CHECK_WEIGHT_KEEP };
        bool retrying;

        if (probe->result == CHECK_OK)
                d.success = true;
        else if (probe->result == CHECK_SCRIPT_EXIT)
                d.success = script_success(pol, probe->exit_status, &d);
        if (d.counted) {
                if (d.success)
                        on_success(&d, cur);
                else
                        on_failure(pol, &d, cur);
        }
        /* A failure short of DOWN is retried sooner; everything else,
         * including vigil's own errors, waits the ordinary delay_loop
         * (an error in the middle of retries keeps the retry pace). */
        retrying = d.next.state != CHECK_DOWN && d.next.failures > 0;
        d.next_due = check_next_due(probe->started, now, retrying ? pol->delay_before_retry : pol->delay_loop);
        return d;
}

int64_t check_next_due(int64_t started, int64_t now, int64_t wait)
{
        /* Counted from the end, every probe's own duration would add to the
         * period (at load, when ends are seen late, half a second a round in
         * the VM benchmark); counted from the start alone, a server that
         * holds its probe for longer than the wait would be probed back to
         * back. A start in the future (a clock that is not monotonic, a
         * caller's mistake) counts from now. */
        if (started > now || now - started > wait)
                return now + wait;
        return started + wait;
}

enum check_change check_rs_apply(uint32_t *num_failed, enum check_change checker_change)
{
        switch (checker_change) {
        case CHECK_WENT_DOWN:
                return ++*num_failed == 1 ? CHECK_WENT_DOWN : CHECK_SAME;
        case CHECK_WENT_UP:
                if (*num_failed == 0)
                        return CHECK_SAME;
                return --*num_failed == 0 ? CHECK_WENT_UP : CHECK_SAME;
        case CHECK_SAME:
                break;
        }
        return CHECK_SAME;
}

static const char *const result_names[CHECK_RESULT_COUNT][2] = {
        [CHECK_OK] = { "success", "success" },
        [CHECK_CONNECT_REFUSED] = { "connect refused", "connect_refused" },
        [CHECK_CONNECT_TIMEOUT] = { "connect timeout", "connect_timeout" },
        [CHECK_PROBE_TIMEOUT] = { "probe timeout", "probe_timeout" },
        [CHECK_PROBE_FAILED] = { "probe failed", "probe_failed" },
        [CHECK_TLS_FAILED] = { "TLS handshake failed", "tls_failed" },
        [CHECK_HTTP_STATUS] = { "HTTP status", "http_status" },
        [CHECK_DIGEST_MISMATCH] = { "digest mismatch", "digest_mismatch" },
        [CHECK_REGEX_MISMATCH] = { "regex did not match", "regex_mismatch" },
        [CHECK_NO_REPLY] = { "no reply", "no_reply" },
        [CHECK_PORT_UNREACHABLE] = { "ICMP port unreachable", "port_unreachable" },
        [CHECK_FILE_DOWN] = { "track_file down", "file_down" },
        [CHECK_SCRIPT_EXIT] = { "script exit", "script_exit" },
        [CHECK_SCRIPT_TIMEOUT] = { "script timed out", "script_timeout" },
        [CHECK_ERROR] = { "checker error", "checker_error" },
};

const char *check_result_name(enum check_result r)
{
        return (unsigned)r < CHECK_RESULT_COUNT ? result_names[r][0] : "unknown";
}

const char *check_result_key(enum check_result r)
{
        return (unsigned)r < CHECK_RESULT_COUNT ? result_names[r][1] : "unknown";
}

const char *check_state_name(enum check_state s)
{
        switch (s) {
        case CHECK_UNKNOWN:
                return "unknown";
        case CHECK_UP:
                return "up";
        case CHECK_DOWN:
                return "down";
        }
        return "unknown";
}
