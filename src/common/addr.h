/* An IPv4 or IPv6 address, as the configuration gives it and the runtime
 * uses it. Kept apart from the parser so that runtime code and its tests
 * need none of conf/ to print or compare an address. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct conf_ip {
        int family;             /* AF_INET or AF_INET6; 0 when unset */
        union {
                struct in_addr v4;
                struct in6_addr v6;
        } u;
};

/* A literal address (no prefix, no name lookup); false if s is neither. */
bool conf_parse_ip(const char *s, struct conf_ip *ret);
/* Format into buf (INET6_ADDRSTRLEN bytes is enough); "(none)" when unset. */
const char *conf_ip_str(const struct conf_ip *ip, char *buf, size_t size);
bool conf_ip_equal(const struct conf_ip *a, const struct conf_ip *b);
