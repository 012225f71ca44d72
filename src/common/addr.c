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

const char *conf_ip_str(const struct conf_ip *ip, char *buf, size_t size)
{
        if (!ip->family || !inet_ntop(ip->family, &ip->u, buf, (socklen_t)size))
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
