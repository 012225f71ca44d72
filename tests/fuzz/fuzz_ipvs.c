/* libFuzzer target: arbitrary bytes as one read of IPVS dump replies
 * (generic netlink) through the edge's walk (sequence 1, port 0 as in
 * the corpus), each message through every parser of lb/ipvs_msg.c. The buffer is exactly the input's size so ASan sees a
 * read past a message's end; the family id is the message's own type so
 * that every message reaches the attribute parse. What parses must be
 * well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "lb/ipvs_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ip(const struct conf_ip *ip)
{
        if (ip->family != AF_INET && ip->family != AF_INET6)
                abort();
}

static void parse_one(const struct nlmsghdr *nlh, void *ctx)
{
        struct lb_service_entry s;
        struct lb_dest_entry d;
        struct lb_info info;
        struct lb_timeouts t;
        uint16_t fam;

        (void)ctx;
        if (ipvs_parse_service(nlh, nlh->nlmsg_type, &s) == 0) {
                if (!s.svc.sched[0] || !memchr(s.svc.sched, 0, sizeof(s.svc.sched)) ||
                    !memchr(s.svc.pe_name, 0, sizeof(s.svc.pe_name)) || (s.svc.flags & ~LB_SVC_USER_FLAGS))
                        abort();
                if (!s.svc.key.fwmark)
                        check_ip(&s.svc.key.addr);
        }
        if (ipvs_parse_dest(nlh, nlh->nlmsg_type, AF_INET, &d) == 0) {
                check_ip(&d.dest.key.addr);
                if ((unsigned)d.dest.fwd > 7 || (unsigned)d.dest.tun_type > LB_TUN_GRE)
                        abort();
        }
        (void)ipvs_parse_info(nlh, nlh->nlmsg_type, &info);
        (void)ipvs_parse_config(nlh, nlh->nlmsg_type, &t);
        (void)ipvs_parse_family(nlh, &fam);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* netlink messages are 4-byte aligned: malloc's alignment, as the
         * socket read's buffer is */
        void *buf = malloc(size ? size : 1);
        memcpy(buf, data, size);
        /* the edge's walk, with the corpus' sequence number and port */
        (void)ipvs_walk_replies(buf, size, 1, 0, parse_one, NULL);
        free(buf);
        return 0;
}
