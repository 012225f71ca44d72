/* vrrp_strict / strict_mode: keepalived's RFC-strict rewrites. Every
 * change to what the file says is reported as a warning naming it. */
#include <string.h>

#include "conf/validate.h"

static void rewrite(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void rewrite(struct diag_list *d, const struct conf_pos *pos, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        diag_addv(d, DIAG_WARNING, DIAG_CONFIG, pos, fmt, ap);
        va_end(ap);
}

static const struct conf_pos *at(const struct conf_vrrp_instance *vi, const struct conf_pos *p)
{
        return p->file ? p : &vi->pos;
}

static void strict_state(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (vi->state == STATE_MASTER && vi->priority != 255) {
                rewrite(d, at(vi, &vi->state_pos),
                        "(%s) strict mode: state MASTER needs priority 255 (the address owner); starting as BACKUP",
                        vi->name);
                vi->state = STATE_BACKUP;
        } else if (vi->state == STATE_BACKUP && vi->priority == 255) {
                rewrite(d, at(vi, &vi->state_pos),
                        "(%s) strict mode: priority 255 is the address owner; starting as MASTER", vi->name);
                vi->state = STATE_MASTER;
        }
        if (vi->priority == 255)
                vi->owner_ignore_adverts = true;
}

static void strict_auth(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (vi->auth_type == AUTH_NONE && !vi->auth_pass)
                return;
        rewrite(d, at(vi, &vi->auth_pos),
                "(%s) strict mode does not support authentication; the authentication block is removed "
                "(peers that still send it will not match)", vi->name);
        vi->auth_type = AUTH_NONE;
        vi->auth_pass = NULL;
}

static void strict_addresses(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        struct conf_ipaddress *first = vi->virtual_ipaddress.first;

        if (vi->no_virtual_ipaddress) {
                rewrite(d, &vi->pos, "(%s) strict mode: no_virtual_ipaddress is not allowed; ignoring it", vi->name);
                vi->no_virtual_ipaddress = false;
        }
        if (!first)
                diag_add(d, DIAG_ERROR, DIAG_FATAL, &vi->pos, "(%s) strict mode needs at least one virtual_ipaddress",
                         vi->name);
        else if (first->addr.family == AF_INET6 && !IN6_IS_ADDR_LINKLOCAL(&first->addr.u.v6))
                diag_add(d, DIAG_ERROR, DIAG_CONFIG, &first->pos,
                         "(%s) strict mode: the first IPv6 virtual_ipaddress must be link-local (fe80::/10)", vi->name);
        /* keepalived 2.2.7's -t accepts it (0) and its start runs unicast */
        if (vi->unicast_peer.count)
                rewrite(d, &vi->unicast_peer.first->pos,
                        "(%s) strict mode: unicast_peer is outside RFC 5798; the adverts are sent unicast, as "
                        "keepalived does", vi->name);
}

static void strict_timers(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (vi->preempt_delay) {
                rewrite(d, at(vi, &vi->preempt_delay_pos), "(%s) strict mode: preempt_delay is ignored", vi->name);
                vi->preempt_delay = 0;
        }
        if (vi->down_timer_adverts != 3) {
                rewrite(d, &vi->pos, "(%s) strict mode: down_timer_adverts %u is reset to 3", vi->name,
                        vi->down_timer_adverts);
                vi->down_timer_adverts = 3;
        }
        if (vi->version == 2 && vi->family == AF_INET6)
                vi->version = 3;
        vi->garp_lower_prio_delay = 0;
        vi->garp_lower_prio_repeat = 0;
        if (vi->lower_prio_no_advert_set && !vi->lower_prio_no_advert)
                rewrite(d, &vi->pos, "(%s) strict mode: lower_prio_no_advert is forced on", vi->name);
        vi->lower_prio_no_advert = true;
        if (vi->higher_prio_send_advert)
                rewrite(d, &vi->pos, "(%s) strict mode: higher_prio_send_advert is forced off", vi->name);
        vi->higher_prio_send_advert = false;
        /* vigil's extension shortens the down timer RFC 5798 asks for */
        if (vi->lower_prio_takeover_set && vi->lower_prio_takeover)
                rewrite(d, &vi->pos, "(%s) strict mode: lower_prio_takeover is forced off", vi->name);
        vi->lower_prio_takeover = false;
        if (vi->vmac_xmit_base) {
                rewrite(d, &vi->pos, "(%s) strict mode: vmac_xmit_base is turned off", vi->name);
                vi->vmac_xmit_base = false;
        }
}

/* Accept mode: no_accept unless the owner; v2 non-owners cannot accept. */
static void strict_accept(struct conf_vrrp_instance *vi, struct diag_list *d)
{
        if (vi->priority == 255) {
                if (vi->accept < 0)
                        vi->accept = 1;
                return;
        }
        if (vi->accept == 1 && vi->version == 2) {
                rewrite(d, at(vi, &vi->accept_pos), "(%s) strict mode: 'accept' is not allowed for a VRRPv2 non-owner; using no_accept",
                        vi->name);
                vi->accept = 0;
        }
        if (vi->accept < 0) {
                rewrite(d, &vi->pos,
                        "(%s) strict mode: no_accept - this node will drop traffic addressed to the virtual IPs "
                        "(they will not answer ping); add 'accept' (VRRPv3) if that is not wanted", vi->name);
                vi->accept = 0;
        }
}

void validate_strict(struct conf *c, struct conf_vrrp_instance *vi, struct diag_list *d)
{
        (void)c;
        strict_state(vi, d);
        strict_auth(vi, d);
        strict_addresses(vi, d);
        strict_timers(vi, d);
        strict_accept(vi, d);
}
