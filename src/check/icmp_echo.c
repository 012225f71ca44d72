#include "check/icmp_echo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ECHO_REQUEST_V4 8
#define ECHO_REPLY_V4 0
#define ECHO_REQUEST_V6 128
#define ECHO_REPLY_V6 129

void icmp_echo_data(uint64_t token, uint8_t *buf, size_t len)
{
        static const char text[] = "vigil PING_CHECK ";

        for (size_t i = 0; i < len; i++)
                buf[i] = i < 8 ? (uint8_t)(token >> (56 - 8 * i)) : (uint8_t)text[(i - 8) % (sizeof(text) - 1)];
}

uint16_t icmp_checksum(const uint8_t *p, size_t len)
{
        uint32_t sum = 0;

        for (size_t i = 0; i + 1 < len; i += 2)
                sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (len & 1)
                sum += (uint32_t)p[len - 1] << 8;
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

size_t icmp_echo_build(int family, uint16_t seq, const uint8_t *data, size_t len, uint8_t *buf, size_t size)
{
        if (size < ICMP_ECHO_HDR_LEN || len > size - ICMP_ECHO_HDR_LEN)
                return 0;
        memset(buf, 0, ICMP_ECHO_HDR_LEN);
        buf[0] = family == AF_INET6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4;
        buf[6] = (uint8_t)(seq >> 8);
        buf[7] = (uint8_t)seq;
        if (len)
                memcpy(buf + ICMP_ECHO_HDR_LEN, data, len);
        if (family != AF_INET6) {
                uint16_t sum = icmp_checksum(buf, ICMP_ECHO_HDR_LEN + len);
                buf[2] = (uint8_t)(sum >> 8);
                buf[3] = (uint8_t)sum;
        }
        return ICMP_ECHO_HDR_LEN + len;
}

enum icmp_echo_verdict icmp_echo_judge(int family, const uint8_t *pkt, size_t len, uint16_t seq, const uint8_t *data,
                                       size_t dlen)
{
        if (len < ICMP_ECHO_HDR_LEN)
                return ICMP_ECHO_SHORT;
        if (pkt[0] != (family == AF_INET6 ? ECHO_REPLY_V6 : ECHO_REPLY_V4) || pkt[1] != 0)
                return ICMP_ECHO_NOT_REPLY;
        if ((uint16_t)(pkt[6] << 8 | pkt[7]) != seq)
                return ICMP_ECHO_OTHER_SEQ;
        if (len - ICMP_ECHO_HDR_LEN != dlen || (dlen && memcmp(pkt + ICMP_ECHO_HDR_LEN, data, dlen)))
                return ICMP_ECHO_OTHER_DATA;
        return ICMP_ECHO_MATCH;
}

const char *icmp_echo_verdict_name(enum icmp_echo_verdict v)
{
        switch (v) {
        case ICMP_ECHO_MATCH:
                return "echo reply";
        case ICMP_ECHO_SHORT:
                return "short ICMP packet";
        case ICMP_ECHO_NOT_REPLY:
                return "not an echo reply";
        case ICMP_ECHO_OTHER_SEQ:
                return "echo reply of another sequence";
        case ICMP_ECHO_OTHER_DATA:
                return "echo reply with other data";
        }
        return "?";
}

/* What the kernel makes of an ICMP error on a connected socket
 * (icmp_err_convert, icmpv6_err_convert). */
static const char *icmp_meaning(int err)
{
        switch (err) {
        case ECONNREFUSED:
                return "ICMP port unreachable";
        case EHOSTUNREACH:
                return "ICMP host unreachable";
        case ENETUNREACH:
                return "ICMP network unreachable";
        case ENOPROTOOPT:
                return "ICMP protocol unreachable";
        case EACCES:
                return "ICMP administratively prohibited";
        case EHOSTDOWN:
                return "host down";
        default:
                return NULL;
        }
}

enum check_result icmp_error_result(int err, bool at_call, char *detail, size_t size)
{
        const char *m = icmp_meaning(err);

        if (detail && size)
                snprintf(detail, size, "%s", m && (!at_call || err == ECONNREFUSED) ? m : strerror(err));
        if (!m)
                return CHECK_ERROR;
        return at_call && err != ECONNREFUSED ? CHECK_ERROR : CHECK_PORT_UNREACHABLE;
}

static bool read_gid(const char **p, uint32_t *ret)
{
        char *end;
        unsigned long v;

        while (**p == ' ' || **p == '\t')
                (*p)++;
        if (**p < '0' || **p > '9')
                return false;
        errno = 0;
        v = strtoul(*p, &end, 10);
        if (errno || v > 2147483647UL)
                return false;
        *p = end;
        *ret = (uint32_t)v;
        return true;
}

int icmp_ping_range_widen(const char *text, uint32_t gid, char *out, size_t size)
{
        const char *p = text;
        uint32_t lo, hi;

        if (!read_gid(&p, &lo) || (*p != ' ' && *p != '\t') || !read_gid(&p, &hi))
                return -EINVAL;
        while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
        if (*p)
                return -EINVAL;
        if (lo <= gid && gid <= hi)
                return 0;
        if (lo > hi)
                lo = hi = gid;
        else if (gid < lo)
                lo = gid;
        else
                hi = gid;
        snprintf(out, size, "%u\t%u\n", lo, hi);
        return 1;
}
