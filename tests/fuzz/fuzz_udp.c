/* libFuzzer target: UDP_CHECK's reply matcher (check/udp_match.c). The
 * input is a specification and a reply:
 *   byte 0      flags: 1 require_reply, 2 a pattern, 4 X wildcards
 *   bytes 1..4  min_reply_length, max_reply_length (big-endian 16 bits)
 *   byte 5      the pattern's length L
 *   byte 6      how many reply bytes the probe kept (avail), 255: all
 *   L bytes     the pattern, then L bytes of wildcard masks (flag 4)
 *   the rest    the reply
 * Each buffer is exactly its size so ASan sees a read past its end. The
 * verdict is checked against a plain restatement of the rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/udp_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *copy(const uint8_t *p, size_t n)
{
        uint8_t *c = malloc(n ? n : 1);

        if (!c)
                abort();
        if (n)
                memcpy(c, p, n);
        return c;
}

/* What the verdict must be. */
static enum check_result expected(const struct udp_reply_spec *s, const uint8_t *reply, size_t avail, size_t len)
{
        if (!s->require_reply)
                return CHECK_OK;
        if (len < s->min_len || len > s->max_len)
                return CHECK_PROBE_FAILED;
        for (size_t i = 0; s->data && i < s->len && i < len; i++) {
                uint8_t ign = s->ignore ? s->ignore[i] : 0;
                if (i >= avail || ((reply[i] | ign) != (s->data[i] | ign)))
                        return CHECK_PROBE_FAILED;
        }
        return CHECK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct udp_reply_spec s = { 0 };
        char detail[CHECK_DETAIL_MAX];
        size_t plen, avail, rlen;
        uint8_t *pat = NULL, *ign = NULL, *reply;
        enum check_result r;

        if (size < 7)
                return 0;
        uint8_t flags = data[0];
        s.require_reply = flags & 1;
        s.min_len = (unsigned)(data[1] << 8 | data[2]);
        s.max_len = (unsigned)(data[3] << 8 | data[4]);
        plen = data[5];
        avail = data[6] == 255 ? SIZE_MAX : data[6];
        data += 7;
        size -= 7;
        if ((flags & 2) && plen <= size) {
                pat = copy(data, plen);
                s.data = pat;
                s.len = plen;
                data += plen;
                size -= plen;
                if ((flags & 4) && plen <= size) {
                        ign = copy(data, plen);
                        s.ignore = ign;
                        data += plen;
                        size -= plen;
                }
        }
        rlen = size;
        if (avail > rlen)
                avail = rlen;
        reply = copy(data, avail);
        memset(detail, 'x', sizeof(detail));
        r = udp_reply_judge(&s, reply, avail, rlen, detail, sizeof(detail));
        if (r != expected(&s, reply, avail, rlen) || !memchr(detail, 0, sizeof(detail)) || !detail[0])
                abort();
        if (udp_reply_needed(&s) > (s.require_reply ? s.len : 0))
                abort();
        r = udp_silence_judge(&s, detail, sizeof(detail));
        if (r != (s.require_reply ? CHECK_NO_REPLY : CHECK_OK))
                abort();
        free(reply);
        free(pat);
        free(ign);
        return 0;
}
