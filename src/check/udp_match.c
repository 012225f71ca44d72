#include "check/udp_match.h"

#include <stdarg.h>
#include <stdio.h>

const uint8_t udp_default_payload[UDP_DEFAULT_PAYLOAD_LEN] = {
        'k', 'e', 'e', 'p', 'a', 'l', 'i', 'v', 'e', 'd', ' ', 'c', 'h', 'e', 'c', 'k',
        ' ', '-', ' ', 'k', 'e', 'e', 'p', 'a', 'l', 'i', 'v', 'e', 'd', ' ', 'c', 'h',
};

struct udp_reply_spec udp_reply_spec_of(const struct conf_checker *ck)
{
        return (struct udp_reply_spec){
                .require_reply = ck->require_reply,
                .data = ck->reply_len ? ck->reply : NULL,
                .ignore = ck->reply_len ? ck->reply_mask : NULL,
                .len = ck->reply ? ck->reply_len : 0,
                .min_len = ck->min_reply_length,
                .max_len = ck->max_reply_length,
        };
}

const uint8_t *udp_payload_of(const struct conf_checker *ck, size_t *ret_len)
{
        if (ck->payload && ck->payload_len) {
                *ret_len = ck->payload_len;
                return ck->payload;
        }
        *ret_len = UDP_DEFAULT_PAYLOAD_LEN;
        return udp_default_payload;
}

static void say(char *detail, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *detail, size_t size, const char *fmt, ...)
{
        va_list ap;

        if (!detail || !size)
                return;
        va_start(ap, fmt);
        vsnprintf(detail, size, fmt, ap);
        va_end(ap);
}

size_t udp_reply_needed(const struct udp_reply_spec *s)
{
        return s->require_reply && s->data ? s->len : 0;
}

enum check_result udp_reply_judge(const struct udp_reply_spec *s, const uint8_t *data, size_t avail, size_t reply_len,
                                  char *detail, size_t size)
{
        size_t n;

        if (!s->require_reply) {
                say(detail, size, "reply %zu bytes", reply_len);
                return CHECK_OK;
        }
        if (reply_len < s->min_len) {
                say(detail, size, "reply %zu bytes, min_reply_length %u", reply_len, s->min_len);
                return CHECK_PROBE_FAILED;
        }
        if (reply_len > s->max_len) {
                say(detail, size, "reply %zu bytes, max_reply_length %u", reply_len, s->max_len);
                return CHECK_PROBE_FAILED;
        }
        n = !s->data ? 0 : s->len < reply_len ? s->len : reply_len;
        if (avail > reply_len)
                avail = reply_len;
        for (size_t i = 0; i < n; i++) {
                uint8_t care = (uint8_t)~(s->ignore ? s->ignore[i] : 0);
                /* a byte the probe did not keep cannot be shown to match */
                if (i >= avail || ((data[i] ^ s->data[i]) & care)) {
                        say(detail, size, "reply does not match at byte %zu", i);
                        return CHECK_PROBE_FAILED;
                }
        }
        say(detail, size, "reply %zu bytes", reply_len);
        return CHECK_OK;
}

enum check_result udp_silence_judge(const struct udp_reply_spec *s, char *detail, size_t size)
{
        say(detail, size, "%s", s->require_reply ? "no reply within connect_timeout"
                                                 : "no reply (success without require_reply)");
        return s->require_reply ? CHECK_NO_REPLY : CHECK_OK;
}
