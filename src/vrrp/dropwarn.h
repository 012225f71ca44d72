/* Dropped adverts are never silent: the first drop of each reason from each
 * sender is a warning (without -D), in keepalived's words where it has them
 * ("(VI_1) received a 0 auth, expecting 1!"); repeats are summarised at most
 * once a minute ("... 57 more from 10.0.0.2 in the last 60 s"). The decision
 * is vrrp/droplog's; this is the wording and the tables' storage. */
#pragma once

#include <stdint.h>

#include "vrrp/instance.h"

/* After vrrp_instance_receive's policy checks rejected an advert. */
void dropwarn_instance(struct vrrp_instance *vi, int64_t now, const struct vrrp_sock_rx *rx,
                       const struct vrrp_advert *adv, enum vrrp_drop why);

/* Interface-level drops in the engine's dispatch, before an instance is
 * known. decode: the decoder's verdict, or VRRP_DEC_OK for bad_ip/bad_ah
 * (rx says which). The VRID byte, if the message has one, names the
 * instance the advert was meant for. */
void dropwarn_iface(struct vrrp_iface *ifc, int fam, int64_t now, const struct vrrp_sock_rx *rx,
                    enum vrrp_decode_result decode);

/* Free the tables (the instance or interface is going away). */
void dropwarn_free_instance(struct vrrp_instance *vi);
void dropwarn_free_iface(struct vrrp_iface *ifc);
