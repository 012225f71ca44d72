#include "common/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool conf_parse_ip(const char *s, struct conf_ip *ret)
{
        struct conf_ip ip = {0};

        if (inet_pton(AF_INET, s, &ip.u.v4) == 1)
                ip.family = AF_INET;
        else if (inet_pton(AF_INET6, s, &ip.u.v6) == 1)
                ip.family = AF_INET6;
        else
                return false;
        *ret = ip;
        return true;
}

/* glibc's inet_ntop formats an IPv4 address through sprintf; the check
 * worker names every real server at each reload (37,000 of them in the
 * benchmark), where that was a fifth of the reload's time on the loop. */
static bool ipv4_str(struct in_addr a, char *buf, size_t size)
{
        const unsigned char *b = (const unsigned char *)&a.s_addr;
        char tmp[16], *p = tmp;

        for (int i = 0; i < 4; i++) {
                unsigned v = b[i];
                if (v >= 100)
                        *p++ = (char)('0' + v / 100);
                if (v >= 10)
                        *p++ = (char)('0' + v / 10 % 10);
                *p++ = (char)('0' + v % 10);
                *p++ = i < 3 ? '.' : '\0';
        }
        if ((size_t)(p - tmp) > size)
                return false;
        memcpy(buf, tmp, (size_t)(p - tmp));
        return true;
}

const char *conf_ip_str(const struct conf_ip *ip, char *buf, size_t size)
{
        bool ok = ip->family == AF_INET    ? ipv4_str(ip->u.v4, buf, size)
                  : ip->family == AF_INET6 ? inet_ntop(AF_INET6, &ip->u, buf, (socklen_t)size) != NULL
                                           : false;

        if (!ok)
                snprintf(buf, size, "(none)");
        return buf;
}

bool conf_ip_equal(const struct conf_ip *a, const struct conf_ip *b)
{
        if (a->family != b->family)
                return false;
        if (a->family == AF_INET)
                return a->u.v4.s_addr == b->u.v4.s_addr;
        return a->family == 0 || !memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6));
}
