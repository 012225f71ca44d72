/* What lb/ipvs.c (netlink) and lb/ipvs_dry.c (the recording backend)
 * share behind lb/ipvs.h. */
#pragma once

#include "lb/ipvs.h"

struct ipvs_nl;
struct ipvs_dry;

struct ipvs {
        struct ipvs_nl *nl;     /* one of the two */
        struct ipvs_dry *dry;
        ipvs_result_cb cb;
        void *ctx;
        unsigned long failed;
};

/* Report one result: the callback, and a failure logged with the
 * request's sequence and what it was for. */
void ipvs_report(struct ipvs *ipvs, uint32_t seq, const struct lb_change *c, int err);

int ipvs_dry_open(struct ipvs_dry **ret);
void ipvs_dry_close(struct ipvs_dry *d);
int ipvs_dry_add(struct ipvs *ipvs, const struct lb_change *c, uint32_t *ret_seq);
int ipvs_dry_send(struct ipvs *ipvs);
int ipvs_dry_dump_services(struct ipvs_dry *d, ipvs_service_cb cb, void *ctx);
int ipvs_dry_dump_dests(struct ipvs_dry *d, const struct lb_service_key *svc, ipvs_dest_cb cb, void *ctx);
int ipvs_dry_get_timeouts(struct ipvs_dry *d, struct lb_timeouts *ret);
const char *ipvs_dry_line(const struct ipvs_dry *d, size_t i);
