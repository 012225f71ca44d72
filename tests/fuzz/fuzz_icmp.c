/* libFuzzer target: PING_CHECK's echo codec and the sysctl range reader
 * (check/icmp_echo.c). The input is read three ways:
 *   - as a datagram from a ping socket (byte 0: family, bytes 1-2: our
 *     sequence, bytes 3-10: our token, the rest the packet): the verdict
 *     must agree with a plain restatement of the rule;
 *   - as echo data: the request built from it, turned into its reply,
 *     must be judged ours, and IPv4's checksum must verify;
 *   - as the text of net.ipv4.ping_group_range (with a gid from byte 0):
 *     a widened range must take the gid in and keep the old one.
 * Buffers are exactly their size so ASan sees a read past their end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/icmp_echo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge(const uint8_t *data, size_t size)
{
        uint8_t want[ICMP_ECHO_DATA_LEN];
        int fam = data[0] & 1 ? AF_INET6 : AF_INET;
        uint16_t seq = (uint16_t)(data[1] << 8 | data[2]);
        uint64_t token = 0;
        size_t n = size - 11;
        uint8_t *pkt = malloc(n ? n : 1);
        enum icmp_echo_verdict v, e;

        if (!pkt)
                abort();
        for (int i = 3; i < 11; i++)
                token = token << 8 | data[i];
        icmp_echo_data(token, want, sizeof(want));
        memcpy(pkt, data + 11, n);
        v = icmp_echo_judge(fam, pkt, n, seq, want, sizeof(want));
        if (n < ICMP_ECHO_HDR_LEN)
                e = ICMP_ECHO_SHORT;
        else if (pkt[0] != (fam == AF_INET6 ? 129 : 0) || pkt[1])
                e = ICMP_ECHO_NOT_REPLY;
        else if (pkt[6] != (seq >> 8) || pkt[7] != (seq & 0xff))
                e = ICMP_ECHO_OTHER_SEQ;
        else if (n != ICMP_ECHO_HDR_LEN + sizeof(want) || memcmp(pkt + ICMP_ECHO_HDR_LEN, want, sizeof(want)))
                e = ICMP_ECHO_OTHER_DATA;
        else
                e = ICMP_ECHO_MATCH;
        if (v != e || !icmp_echo_verdict_name(v))
                abort();
        free(pkt);
}

static void roundtrip(const uint8_t *data, size_t size)
{
        int fam = data[0] & 1 ? AF_INET6 : AF_INET;
        uint16_t seq = (uint16_t)(data[1] << 8 | data[2]);
        size_t dlen = size > 512 ? 512 : size;
        uint8_t *buf = malloc(ICMP_ECHO_HDR_LEN + dlen);
        size_t n;

        if (!buf)
                abort();
        n = icmp_echo_build(fam, seq, data, dlen, buf, ICMP_ECHO_HDR_LEN + dlen);
        if (n != ICMP_ECHO_HDR_LEN + dlen)
                abort();
        if (fam == AF_INET && icmp_checksum(buf, n) != 0)
                abort();
        if (icmp_echo_build(fam, seq, data, dlen, buf, ICMP_ECHO_HDR_LEN + dlen - 1) != 0)
                abort();
        n = icmp_echo_build(fam, seq, data, dlen, buf, ICMP_ECHO_HDR_LEN + dlen);
        buf[0] = fam == AF_INET6 ? 129 : 0;
        if (icmp_echo_judge(fam, buf, n, seq, data, dlen) != ICMP_ECHO_MATCH)
                abort();
        free(buf);
}

static void range(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1), out[32];
        uint32_t gid = data[0] & 0x80 ? (uint32_t)data[0] << 20 : data[0], lo, hi;
        unsigned long a, b;
        int r;

        if (!text)
                abort();
        memcpy(text, data, size);
        text[size] = 0;
        r = icmp_ping_range_widen(text, gid, out, sizeof(out));
        if (r == 1) {
                if (sscanf(out, "%u\t%u\n", &lo, &hi) != 2 || lo > gid || gid > hi)
                        abort();
                /* a range that held groups still holds them */
                if (sscanf(text, "%lu %lu", &a, &b) == 2 && a <= b && (lo > a || hi < b))
                        abort();
        } else if (r != 0 && r != -EINVAL) {
                abort();
        }
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char d[CHECK_DETAIL_MAX];

        if (size < 11)
                return 0;
        judge(data, size);
        roundtrip(data, size);
        range(data, size);
        (void)icmp_error_result(data[0], data[1] & 1, d, sizeof(d));
        if (!memchr(d, 0, sizeof(d)))
                abort();
        return 0;
}
