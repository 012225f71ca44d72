/* keepalived's dump files, for the exporters and scripts that read them:
 * SIGUSR1 -> keepalived.data, SIGUSR2 -> keepalived.stats, the JSON signal
 * -> keepalived.json, in $TMPDIR (absolute) or /tmp. Each file is written
 * to a temporary name and renamed into place, so a reader never sees half. */
#include "vrrp/dumpfiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "vrrp/status.h"

static void dump_path(const char *name, char *buf, size_t size)
{
        const char *dir = getenv("TMPDIR");

        if (!dir || dir[0] != '/')
                dir = "/tmp";
        snprintf(buf, size, "%s/%s", dir, name);
}

/* Open NAME.tmp; dump_close() renames it to NAME. */
static FILE *dump_open(const char *name, char *path, size_t size)
{
        char tmp[4200];
        FILE *f;

        dump_path(name, path, size);
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        f = fopen(tmp, "we");
        if (!f)
                log_err("cannot write %s: %m", tmp);
        return f;
}

static void dump_close(FILE *f, const char *path)
{
        char tmp[4200];

        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if (fclose(f) != 0 || rename(tmp, path) != 0)
                log_err("cannot write %s: %m", path);
        else
                log_info("wrote %s", path);
}

static const char *auth_name(const struct conf_vrrp_instance *c)
{
        if (!c->auth_pass || c->auth_type == AUTH_NONE)
                return "NONE";
        return c->auth_type == AUTH_PASS ? "SIMPLE_PASSWORD" : "IPSEC_AH";
}

static void data_instance(FILE *f, const struct vrrp_instance *vi)
{
        const struct conf_vrrp_instance *c = vi->c;
        const struct conf_ipaddress *a;
        time_t t = (time_t)(vi->entered_state_wall / 1000000);
        char when[64], ip[INET6_ADDRSTRLEN];
        struct tm tm;

        strftime(when, sizeof(when), "%a %b %e %H:%M:%S", localtime_r(&t, &tm));
        fprintf(f, " VRRP Instance = %s\n", c->name);
        fprintf(f, "   VRRP Version = %u\n", c->version);
        fprintf(f, "   State = %s\n", vrrp_state_name(vi->fsm.state));
        fprintf(f, "   Wantstate = %s\n", vi->fsm.wants_master ? "MASTER" : vrrp_state_name(vi->fsm.state));
        fprintf(f, "   Last transition = %lld.%06lld (%s.%06lld %d)\n", (long long)t,
                (long long)(vi->entered_state_wall % 1000000), when, (long long)(vi->entered_state_wall % 1000000),
                tm.tm_year + 1900);
        fprintf(f, "   Interface = %s\n", vi->ifc->name);
        fprintf(f, "   Virtual Router ID = %u\n", c->virtual_router_id);
        fprintf(f, "   Priority = %u\n", c->priority);
        fprintf(f, "   Effective priority = %u\n", vi->fsm.prio);
        if (c->version == 2)
                fprintf(f, "   Advert interval = %lld sec\n", (long long)(c->advert_int / 1000000));
        else
                fprintf(f, "   Advert interval = %lld milli-sec\n", (long long)(c->advert_int / 1000));
        fprintf(f, "   Preempt = %s\n", c->nopreempt ? "disabled" : "enabled");
        if (c->preempt_delay)
                fprintf(f, "   Preempt delay = %g secs\n", (double)c->preempt_delay / 1e6);
        fprintf(f, "   Authentication type = %s\n", auth_name(c));
        if (c->auth_pass && c->auth_type != AUTH_NONE)
                fprintf(f, "   Password = ********\n");
        fprintf(f, "   Virtual IP (%u):\n", c->virtual_ipaddress.count);
        CONF_FOREACH(a, &c->virtual_ipaddress) {
                bool host = a->prefixlen == (a->addr.family == AF_INET6 ? 128 : 32);
                fprintf(f, "     %s", conf_ip_str(&a->addr, ip, sizeof(ip)));
                if (!host)
                        fprintf(f, "/%u", a->prefixlen);
                fprintf(f, " dev %s scope %s%s\n", a->dev ? a->dev : vi->ifc->name,
                        a->scope == 254 ? "host" : a->scope == 253 ? "link" : "global",
                        vi->addrs_installed ? " set" : "");
        }
        for (unsigned i = 0; i < vi->nrefs; i++)
                fprintf(f, "   Tracked %s = %s weight %d%s\n", tracker_kind_name(vi->refs[i].t->kind),
                        vi->refs[i].t->name, vi->refs[i].weight, vi->refs[i].reverse ? " reverse" : "");
}

void vrrp_dump_data(const struct conf *conf, const struct vrrp_instance *inst, unsigned n,
                    const struct vrrp_events *ev)
{
        char path[4096];
        FILE *f = dump_open("keepalived.data", path, sizeof(path));

        if (!f)
                return;
        fprintf(f, "------< Global definitions >------\n");
        fprintf(f, " Network namespace = (default)\n");
        fprintf(f, " Router ID = %s\n", conf->global.router_id ? conf->global.router_id : "(none)");
        fprintf(f, "------< VRRP Topology >------\n");
        for (unsigned i = 0; i < n; i++)
                data_instance(f, &inst[i]);
        fprintf(f, "------< VRRP Sync groups >------\n");
        for (unsigned g = 0; ev && g < ev->ngroups; g++) {
                fprintf(f, " VRRP Sync Group = %s, %s\n", ev->groups[g].c->name, vrrp_state_name(ev->groups[g].state));
                for (unsigned m = 0; m < ev->groups[g].n; m++)
                        fprintf(f, "   monitor = %s\n", ev->groups[g].members[m]->c->name);
        }
        dump_close(f, path);
}

/* The drops counted before an instance is known, under each instance of
 * the interface. A section of the instance, not a block of its own:
 * keepalived's readers (keepalived-exporter) attach every line to the
 * last "VRRP Instance:" and skip the sections they do not know. */
static void stats_iface(FILE *f, const struct vrrp_iface *ifc)
{
        static const struct {
                enum vrrp_decode_result r;
                const char *label;
        } decode[] = {
                { VRRP_DEC_TOO_SHORT, "Too Short" },
                { VRRP_DEC_BAD_VERSION, "Version" },
                { VRRP_DEC_BAD_TYPE, "Invalid Type" },
                { VRRP_DEC_BAD_LENGTH, "Length" },
                { VRRP_DEC_BAD_CHECKSUM, "Checksum" },
                { VRRP_DEC_BAD_INTERVAL, "Advertisement Interval" },
        };

        fprintf(f, "  Interface %s Packet Errors:\n", ifc->name);
        for (size_t k = 0; k < sizeof(decode) / sizeof(decode[0]); k++)
                fprintf(f, "    %s: %llu\n", decode[k].label, (unsigned long long)ifc->rx_errors[decode[k].r]);
        fprintf(f, "    IP Header: %llu\n    Authentication Header: %llu\n    Unknown VRID: %llu\n",
                (unsigned long long)ifc->rx_bad_ip, (unsigned long long)ifc->rx_bad_ah,
                (unsigned long long)ifc->rx_unknown_vrid);
}

static void clear_iface(struct vrrp_iface *ifc)
{
        memset(ifc->rx_errors, 0, sizeof(ifc->rx_errors));
        ifc->rx_bad_ip = ifc->rx_bad_ah = ifc->rx_unknown_vrid = 0;
}

void vrrp_dump_stats(struct vrrp_instance *inst, unsigned n, bool clear)
{
        char path[4096];
        FILE *f = dump_open("keepalived.stats", path, sizeof(path));

        if (!f)
                return;
        for (unsigned i = 0; i < n; i++) {
                const struct vrrp_instance_stats *s = &inst[i].st;
                fprintf(f, "VRRP Instance: %s\n", inst[i].c->name);
                fprintf(f, "  Advertisements:\n    Received: %llu\n    Sent: %llu\n",
                        (unsigned long long)s->adverts_rx, (unsigned long long)s->adverts_tx);
                fprintf(f, "  Became master: %llu\n  Released master: %llu\n", (unsigned long long)s->became_master,
                        (unsigned long long)s->released_master);
                fprintf(f, "  Packet Errors:\n    Length: %llu\n    TTL: %llu\n    Invalid Type: %llu\n"
                           "    Advertisement Interval: %llu\n    Address List: %llu\n",
                        (unsigned long long)inst[i].ifc->rx_errors[VRRP_DEC_BAD_LENGTH],
                        (unsigned long long)s->drops[DROP_TTL],
                        (unsigned long long)inst[i].ifc->rx_errors[VRRP_DEC_BAD_TYPE],
                        (unsigned long long)s->drops[DROP_INTERVAL], (unsigned long long)s->addr_list_mismatch);
                fprintf(f, "  Authentication Errors:\n    Invalid Type: %llu\n    Type Mismatch: %llu\n"
                           "    Failure: %llu\n",
                        0ULL, (unsigned long long)s->drops[DROP_AUTH_TYPE],
                        (unsigned long long)(s->drops[DROP_AUTH] + s->drops[DROP_AH_REPLAY]));
                fprintf(f, "  Priority Zero:\n    Received: %llu\n    Sent: %llu\n", (unsigned long long)s->prio0_rx,
                        (unsigned long long)s->prio0_tx);
                stats_iface(f, inst[i].ifc);
        }
        dump_close(f, path);
        if (clear)
                for (unsigned i = 0; i < n; i++) {
                        memset(&inst[i].st, 0, sizeof(inst[i].st));
                        clear_iface(inst[i].ifc);
                }
}

static json_t *json_v1(const struct vrrp_instance *vi)
{
        const struct vrrp_instance_stats *s = &vi->st;
        json_t *status = vrrp_instance_status(vi, false);
        json_t *data = json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:f,s:O,s:b,s:i}", "iname", vi->c->name,
                                 "ifp_ifname", vi->ifc->name, "vrid", vi->c->virtual_router_id, "state",
                                 (int)vi->fsm.state, "wantstate", vi->fsm.wants_master ? 2 : (int)vi->fsm.state,
                                 "base_priority", vi->c->priority, "effective_priority", vi->fsm.prio, "version",
                                 vi->c->version, "adver_int", (double)vi->c->advert_int / 1e6, "last_transition",
                                 (double)vi->entered_state_wall / 1e6, "vips", json_object_get(status, "vips"),
                                 "nopreempt", vi->c->nopreempt, "master_priority", vi->last_master_prio);
        json_t *stats = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "advert_rcvd", (json_int_t)s->adverts_rx,
                                  "advert_sent", (json_int_t)s->adverts_tx, "become_master",
                                  (json_int_t)s->became_master, "release_master", (json_int_t)s->released_master,
                                  "ip_ttl_err", (json_int_t)s->drops[DROP_TTL], "advert_interval_err",
                                  (json_int_t)s->drops[DROP_INTERVAL], "authtype_mismatch",
                                  (json_int_t)s->drops[DROP_AUTH_TYPE], "auth_failure",
                                  (json_int_t)(s->drops[DROP_AUTH] + s->drops[DROP_AH_REPLAY]), "pri_zero_rcvd",
                                  (json_int_t)s->prio0_rx, "pri_zero_sent", (json_int_t)s->prio0_tx);

        json_object_set_new(stats, "addr_list_err", json_integer((json_int_t)s->addr_list_mismatch));
        json_decref(status);
        return json_pack("{s:o,s:o}", "data", data, "stats", stats);
}

void vrrp_dump_json(const struct vrrp_instance *inst, unsigned n)
{
        char path[4096];
        FILE *f = dump_open("keepalived.json", path, sizeof(path));
        json_t *a = json_array();

        if (!f) {
                json_decref(a);
                return;
        }
        for (unsigned i = 0; i < n; i++)
                json_array_append_new(a, json_v1(&inst[i]));
        json_dumpf(a, f, JSON_INDENT(2));
        fputc('\n', f);
        json_decref(a);
        dump_close(f, path);
}
