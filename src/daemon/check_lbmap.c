/* check/table.h's structs to lb/ipvs_model.h's and back; see check_lbmap.h. */
#include "daemon/check_lbmap.h"

#include <string.h>
#include <sys/socket.h>

/* check_svc's granularity: an IPv4 mask in host order, or an IPv6 prefix
 * length. lb_service's: a prefix length where 0 is the whole address. */
static uint8_t prefix_of(const struct check_svc *s)
{
        unsigned n = 0;

        if (s->af == AF_INET6)
                n = s->netmask >= 128 ? 0 : s->netmask;
        else if (s->netmask != 0xffffffffu)
                for (uint32_t m = s->netmask; m & 0x80000000u; m <<= 1)
                        n++;
        return (uint8_t)n;
}

static uint32_t netmask_of(const struct lb_service *s)
{
        unsigned p = s->netmask_prefix;

        if (s->key.af == AF_INET6)
                return p ? p : 128;
        return !p || p >= 32 ? 0xffffffffu : ~((1u << (32 - p)) - 1);
}

void check_lb_service_of(const struct check_svc *s, struct lb_service *ret)
{
        size_t n = strnlen(s->sched, CHECK_SCHED_LEN - 1);

        memset(ret, 0, sizeof(*ret));
        ret->key.af = s->af;
        ret->key.fwmark = s->fwmark;
        if (!s->fwmark) {
                ret->key.protocol = s->protocol;
                ret->key.addr = s->addr;
                ret->key.port = s->port;
        }
        memcpy(ret->sched, s->sched, n < LB_SCHED_MAX ? n : LB_SCHED_MAX - 1);
        n = strnlen(s->pe_name, CHECK_PE_LEN - 1);
        memcpy(ret->pe_name, s->pe_name, n < LB_PE_MAX ? n : LB_PE_MAX - 1);
        ret->flags = s->flags & LB_SVC_USER_FLAGS & ~(uint32_t)LB_SVC_PERSISTENT;
        if (s->flags & CHECK_SVC_F_PERSISTENT) {
                ret->timeout = s->timeout;
                ret->netmask_prefix = prefix_of(s);
        }
}

void check_lb_dest_of(const struct check_dest *d, struct lb_dest *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->key.addr = d->addr;
        ret->key.port = d->port;
        ret->fwd = (enum lb_fwd)d->fwd;
        ret->weight = d->weight < 0 ? 0 : d->weight > CHECK_WEIGHT_MAX ? (uint32_t)CHECK_WEIGHT_MAX : (uint32_t)d->weight;
        ret->u_thresh = d->u_thresh;
        ret->l_thresh = d->l_thresh;
        if (d->fwd == CHECK_FWD_TUN) {
                ret->tun_type = (enum lb_tun_type)d->tun_type;
                ret->tun_port = d->tun_port;
                ret->tun_flags = d->tun_flags;
        }
}

void check_lb_change_of(const struct check_op *op, struct lb_change *ret)
{
        static const enum lb_op ops[] = {
                [CHECK_OP_ADD_SVC] = LB_ADD_SERVICE, [CHECK_OP_SET_SVC] = LB_EDIT_SERVICE,
                [CHECK_OP_DEL_SVC] = LB_DEL_SERVICE, [CHECK_OP_ADD_DEST] = LB_ADD_DEST,
                [CHECK_OP_SET_DEST] = LB_EDIT_DEST,  [CHECK_OP_DEL_DEST] = LB_DEL_DEST,
        };
        struct lb_service full;

        memset(ret, 0, sizeof(*ret));
        ret->op = ops[op->kind];
        check_lb_service_of(&op->svc, &full);
        if (op->kind == CHECK_OP_ADD_SVC || op->kind == CHECK_OP_SET_SVC)
                ret->svc = full;
        else
                ret->svc.key = full.key;
        if (op->kind == CHECK_OP_ADD_DEST || op->kind == CHECK_OP_SET_DEST) {
                check_lb_dest_of(&op->dest, &ret->dest);
        } else if (op->kind == CHECK_OP_DEL_DEST) {
                ret->dest.key.addr = op->dest.addr;
                ret->dest.key.port = op->dest.port;
        }
}

void check_svc_of_lb(const struct lb_service *s, struct check_svc *ret)
{
        size_t n = strnlen(s->sched, LB_SCHED_MAX - 1);

        memset(ret, 0, sizeof(*ret));
        ret->af = s->key.af;
        ret->fwmark = s->key.fwmark;
        if (!s->key.fwmark) {
                ret->protocol = s->key.protocol;
                ret->addr = s->key.addr;
                ret->port = s->key.port;
        }
        memcpy(ret->sched, s->sched, n < CHECK_SCHED_LEN ? n : CHECK_SCHED_LEN - 1);
        n = strnlen(s->pe_name, LB_PE_MAX - 1);
        memcpy(ret->pe_name, s->pe_name, n < CHECK_PE_LEN ? n : CHECK_PE_LEN - 1);
        ret->flags = s->flags & LB_SVC_USER_FLAGS & ~(uint32_t)LB_SVC_PERSISTENT;
        if (s->timeout) {
                ret->flags |= CHECK_SVC_F_PERSISTENT;
                ret->timeout = s->timeout;
                ret->netmask = netmask_of(s);
        }
}

void check_dest_of_lb(const struct lb_dest *d, struct check_dest *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->addr = d->key.addr;
        ret->port = d->key.port;
        ret->fwd = (enum check_fwd)d->fwd;
        ret->weight = d->weight;
        ret->u_thresh = d->u_thresh;
        ret->l_thresh = d->l_thresh;
        ret->tun_type = (uint8_t)d->tun_type;
        ret->tun_port = d->tun_port;
        ret->tun_flags = d->tun_flags;
}
