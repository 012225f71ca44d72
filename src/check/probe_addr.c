#include "check/probe_addr.h"

#include <errno.h>
#include <string.h>

static int64_t pick(int64_t own, int64_t inherited)
{
        return own != TIMER_UNSET && own > 0 ? own : inherited;
}

int64_t check_connect_timeout_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs,
                                 const struct conf_checker *ck)
{
        return pick(ck->connect_timeout, pick(rs->connect_timeout, pick(vs->connect_timeout, CHECK_DEFAULT_CONNECT_TIMEOUT)));
}

int64_t check_misc_timeout_of(const struct conf_virtual_server *vs, const struct conf_checker *ck)
{
        return pick(ck->misc_timeout, pick(vs->delay_loop, CHECK_DEFAULT_DELAY_LOOP));
}

static socklen_t fill(struct sockaddr_storage *ss, const struct conf_ip *ip, int family, uint16_t port)
{
        memset(ss, 0, sizeof(*ss));
        if (family == AF_INET) {
                struct sockaddr_in *sin = (struct sockaddr_in *)ss;
                sin->sin_family = AF_INET;
                sin->sin_port = htons(port);
                if (ip)
                        sin->sin_addr = ip->u.v4;
                return sizeof(*sin);
        }
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        if (ip)
                sin6->sin6_addr = ip->u.v6;
        return sizeof(*sin6);
}

static uint16_t port_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs,
                        const struct conf_checker *ck)
{
        if (ck->connect_port)
                return ck->connect_port;
        if (rs->port)
                return rs->port;
        return vs->kind == VS_ADDR ? vs->port : 0;
}

int check_probe_target_of(const struct conf_virtual_server *vs, const struct conf_real_server *rs,
                          const struct conf_checker *ck, struct check_probe_target *ret)
{
        const struct conf_ip *dst = ck->connect_ip.family ? &ck->connect_ip : &rs->addr;
        uint16_t port = port_of(vs, rs, ck);

        memset(ret, 0, sizeof(*ret));
        ret->timeout = check_connect_timeout_of(vs, rs, ck);
        ret->fwmark = ck->fwmark;
        ret->bind_if = ck->bind_if && *ck->bind_if ? ck->bind_if : NULL;
        /* PING_CHECK aims at the host: it needs no port */
        if ((dst->family != AF_INET && dst->family != AF_INET6) || (!port && ck->type != CHECK_PING))
                return -EDESTADDRREQ;
        ret->dst_len = fill(&ret->dst, dst, dst->family, port);
        ret->dst_link_local = dst->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&dst->u.v6);
        if (ck->bindto.family && ck->bindto.family != dst->family)
                return -EAFNOSUPPORT;
        if (ck->bindto.family || ck->bind_port)
                ret->src_len = fill(&ret->src, ck->bindto.family ? &ck->bindto : NULL, dst->family, ck->bind_port);
        return 0;
}

enum check_result check_connect_result(int err, bool at_call)
{
        switch (err) {
        case 0:
                return CHECK_OK;
        case ECONNREFUSED:
        case ECONNRESET:
                return CHECK_CONNECT_REFUSED;
        case ETIMEDOUT:
                return CHECK_CONNECT_TIMEOUT;
        case EHOSTUNREACH:
        case ENETUNREACH:
        case EHOSTDOWN:
        case ENONET:
        case EPROTO:
                return at_call ? CHECK_ERROR : CHECK_CONNECT_REFUSED;
        default:
                return CHECK_ERROR;
        }
}

struct check_probe check_misc_result(bool started, bool timed_out, int exit_status, int term_signal)
{
        struct check_probe p = { .result = CHECK_ERROR };

        if (!started)
                return p;
        if (timed_out) {
                p.result = CHECK_SCRIPT_TIMEOUT;
        } else if (term_signal) {
                p.result = CHECK_SCRIPT_EXIT;
                p.exit_status = 1;
        } else if (exit_status == 0) {
                p.result = CHECK_OK;
        } else {
                p.result = CHECK_SCRIPT_EXIT;
                p.exit_status = exit_status & 0xff;
        }
        return p;
}
