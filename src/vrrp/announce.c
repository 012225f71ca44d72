#include "vrrp/announce.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "vrrp/group.h"
#include "worker/smtp.h"

static const char *notify_state(enum vrrp_state s)
{
        return s == VRRP_INIT ? "STOP" : vrrp_state_name(s);
}

static void cmds_init(struct notify_cmds *n, const struct conf *c, const struct conf_notify *cn, const char *what)
{
        const struct conf_script *src[] = { &cn->master, &cn->backup, &cn->fault, &cn->stop, &cn->generic,
                                            &cn->master_rx_lower_pri, &cn->deleted };
        struct script_cmd *dst[] = { &n->master, &n->backup, &n->fault, &n->stop, &n->generic, &n->rx_lower,
                                     &n->deleted };

        for (unsigned i = 0; i < 7; i++)
                if (src[i]->cmdline)
                        script_cmd_init(dst[i], c, src[i], NULL, NULL, what);
}

static struct notify_cmds no_cmds; /* never written: instances without notify share it */

/* Only instances with notify scripts get commands of their own. */
static struct notify_cmds *instance_cmds(const struct conf *c, const struct conf_vrrp_instance *vi)
{
        struct notify_cmds *n;

        if (!vi->notify)
                return &no_cmds;
        if (!(n = calloc(1, sizeof(*n))))
                abort();
        cmds_init(n, c, vi->notify, vi->name);
        return n;
}

static void cmds_free(struct notify_cmds *n)
{
        struct script_cmd *all[] = { &n->master, &n->backup, &n->fault, &n->stop, &n->generic, &n->rx_lower,
                                     &n->deleted };

        for (unsigned i = 0; i < 7; i++)
                script_cmd_free(all[i]);
}

static const struct script_cmd *state_cmd(const struct notify_cmds *n, enum vrrp_state s)
{
        switch (s) {
        case VRRP_MASTER: return &n->master;
        case VRRP_BACKUP: return &n->backup;
        case VRRP_FAULT: return &n->fault;
        case VRRP_INIT: return &n->stop;
        }
        return NULL;
}

static void fifo_line(struct vrrp_events *ev, const struct notify_object *o, const char *what, unsigned prio)
{
        char line[320];
        size_t len = notify_fifo_line(line, sizeof(line), o, what, prio);

        for (int i = 0; i < 2; i++)
                notify_fifo_write(&ev->fifo[i], line, len);
}

/* The order of §5.5: the state's own script, the generic one, the FIFO. */
static void announce_as(struct vrrp_events *ev, struct notify_queue *q, const struct notify_cmds *cmds,
                        const struct script_cmd *own, const struct notify_object *o, const char *state,
                        unsigned prio)
{
        char p[8];
        const char *extra[] = { notify_kind_word(o->kind), o->name, state, p, NULL };

        snprintf(p, sizeof(p), "%u", prio);
        notify_queue_push(q, own, NULL);
        notify_queue_push(q, &cmds->generic, extra);
        fifo_line(ev, o, state, prio);
}

static void announce(struct vrrp_events *ev, struct notify_queue *q, const struct notify_cmds *cmds,
                     const struct notify_object *o, enum vrrp_state s, unsigned prio)
{
        announce_as(ev, q, cmds, state_cmd(cmds, s), o, notify_state(s), prio);
}

static void group_announce(struct vrrp_events *ev, struct vrrp_group *g)
{
        enum vrrp_state s = vrrp_group_state(g);
        const struct notify_object o = { NOTIFY_GROUP, g->c->name };

        if (s == g->state)
                return;
        g->state = s;
        log_info("VRRP_Group(%s) Syncing instances to %s state", g->c->name, vrrp_state_name(s));
        announce(ev, &g->q, &g->cmds, &o, s, 0);
        if (g->c->smtp_alert > 0 || (g->c->smtp_alert < 0 && ev->conf->global.smtp_alert > 0))
                smtp_alert_send(ev->loop, ev->conf, &o, notify_state(s));
}

/* ---- the hook ----------------------------------------------------------------------------- */

static void on_event(void *ctx, struct vrrp_instance *vi, const struct vrrp_action *a)
{
        struct vrrp_events *ev = ctx;
        size_t i = (size_t)(vi - ev->inst);
        struct vrrp_group *g = ev->group_of[i];
        int64_t now = mono_usec();
        const struct notify_object o = { NOTIFY_INSTANCE, vi->c->name };

        if (ev->observer)
                ev->observer(ev->observer_ctx, vi, a);
        if (a->kind == ACT_STATE && a->state == VRRP_INIT && vi->deleting) {
                /* removed by a reload: DELETED with notify_deleted, else FAULT (as keepalived) */
                bool del = conf_instance_notify(vi->c)->notify_deleted;
                announce_as(ev, &ev->queues[i], ev->cmds[i], del ? &ev->cmds[i]->deleted : &ev->cmds[i]->fault,
                            &o, del ? "DELETED" : "FAULT", vi->fsm.prio);
        } else if (a->kind == ACT_STATE) {
                announce(ev, &ev->queues[i], ev->cmds[i], &o, a->state, vi->fsm.prio);
                if (vi->c->smtp_alert > 0)
                        smtp_alert_send(ev->loop, ev->conf, &o, notify_state(a->state));
        } else if (a->kind == ACT_LOWER_PRIO_SEEN) {
                notify_queue_push(&ev->queues[i], &ev->cmds[i]->rx_lower, NULL);
                fifo_line(ev, &o, "MASTER_RX_LOWER_PRI", vi->fsm.prio);
        }
        if (!g || a->state == VRRP_INIT)
                return;
        ev->depth++;
        if (ev->depth == 1)
                vrrp_group_follow(g, vi, a, now);
        ev->depth--;
        if (ev->depth == 0)
                group_announce(ev, g);
}

static void on_priority(void *ctx, struct vrrp_instance *vi)
{
        struct vrrp_events *ev = ctx;
        int npc = vi->c->notify_priority_changes;
        const struct notify_object o = { NOTIFY_INSTANCE, vi->c->name };

        if (npc < 0 ? !ev->conf->global.vrrp_notify_priority_changes : !npc)
                return;
        if (vi->fsm.state == VRRP_MASTER || vi->fsm.state == VRRP_BACKUP)
                fifo_line(ev, &o, vi->fsm.state == VRRP_MASTER ? "MASTER_PRIORITY" : "BACKUP_PRIORITY", vi->fsm.prio);
}

/* ---- set-up ------------------------------------------------------------------------------- */

static int groups_init(struct vrrp_events *ev)
{
        const struct conf_sync_group *cg;
        unsigned k = 0;

        ev->groups = calloc(ev->conf->sync_groups.count + 1, sizeof(*ev->groups));
        if (!ev->groups)
                return -1;
        CONF_FOREACH(cg, &ev->conf->sync_groups) {
                struct vrrp_group *g = &ev->groups[k];
                g->c = cg;
                g->members = calloc(ev->ninst + 1, sizeof(*g->members));
                if (!g->members)
                        return -1;
                for (unsigned i = 0; i < ev->ninst; i++)
                        if (ev->inst[i].c->sync_group && !strcmp(ev->inst[i].c->sync_group, cg->name)) {
                                g->members[g->n++] = &ev->inst[i];
                                ev->group_of[i] = g;
                        }
                notify_queue_init(&g->q, ev->loop);
                cmds_init(&g->cmds, ev->conf, &cg->notify, cg->name);
                k++;
        }
        ev->ngroups = k;
        return 0;
}

static void fifos_open(struct vrrp_events *ev)
{
        const struct conf_script *paths[2] = { &ev->conf->global.notify_fifo, &ev->conf->global.vrrp_notify_fifo };
        const struct conf_script *scripts[2] = { &ev->conf->global.notify_fifo_script,
                                                 &ev->conf->global.vrrp_notify_fifo_script };

        for (int i = 0; i < 2; i++) {
                ev->fifo[i].fd = -1;
                if (!paths[i]->cmdline || (i == 1 && ev->fifo[0].fd >= 0 &&
                                           !strcmp(paths[0]->cmdline, paths[1]->cmdline)))
                        continue;
                int r = notify_fifo_open(&ev->fifo[i], paths[i]->cmdline);
                if (r < 0) {
                        log_err("cannot open notify FIFO %s: %s", paths[i]->cmdline, strerror(-r));
                        continue;
                }
                if (scripts[i]->cmdline)
                        script_cmd_init(&ev->fifo_script[i], ev->conf, scripts[i], NULL, NULL, "notify_fifo_script");
        }
}

int vrrp_events_init(struct vrrp_events *ev, uv_loop_t *loop, const struct conf *c, struct vrrp_instance *inst,
                     unsigned ninst)
{
        memset(ev, 0, sizeof(*ev));
        ev->loop = loop;
        ev->conf = c;
        ev->inst = inst;
        ev->ninst = ninst;
        ev->queues = calloc(ninst + 1, sizeof(*ev->queues));
        ev->cmds = calloc(ninst + 1, sizeof(*ev->cmds));
        ev->group_of = calloc(ninst + 1, sizeof(*ev->group_of));
        if (!ev->queues || !ev->cmds || !ev->group_of || groups_init(ev) < 0)
                return -1;
        for (unsigned i = 0; i < ninst; i++) {
                notify_queue_init(&ev->queues[i], loop);
                ev->cmds[i] = instance_cmds(c, inst[i].c);
                inst[i].on_event = on_event;
                inst[i].on_priority = on_priority;
                inst[i].event_ctx = ev;
        }
        fifos_open(ev);
        return 0;
}

static void fifo_script_ended(void *ctx, const struct spawn_result *r)
{
        const struct script_cmd *sc = ctx;

        if (!r->started || (!r->term_signal && r->exit_status))
                log_warn("notify FIFO script '%s' ended (status %d)", sc->argv ? sc->argv[0] : "?", r->exit_status);
}

void vrrp_events_start(struct vrrp_events *ev)
{
        for (int i = 0; i < 2; i++) {
                const char *extra[] = { ev->fifo[i].path, NULL };
                if (ev->fifo_script[i].argv)
                        ev->fifo_script_pid[i] = script_cmd_run(ev->loop, &ev->fifo_script[i], extra, 0,
                                                                fifo_script_ended, &ev->fifo_script[i]);
        }
}

void vrrp_events_succeed(struct vrrp_events *next, struct vrrp_events *old)
{
        for (int i = 0; i < 2; i++) {
                if (old->fifo[i].created && !strcmp(old->fifo[i].path, next->fifo[i].path)) {
                        next->fifo[i].created = true;
                        old->fifo[i].created = false;
                }
                if (old->fifo_script_pid[i] > 0)
                        kill(old->fifo_script_pid[i], SIGTERM);
                old->fifo_script_pid[i] = 0;
        }
        for (unsigned g = 0; g < next->ngroups; g++)
                for (unsigned k = 0; k < old->ngroups; k++)
                        if (!strcmp(next->groups[g].c->name, old->groups[k].c->name))
                                next->groups[g].state = old->groups[k].state;
        next->observer = old->observer;
        next->observer_ctx = old->observer_ctx;
}

bool vrrp_events_idle(const struct vrrp_events *ev)
{
        if (smtp_alert_pending())
                return false; /* the STOP mails: they ran on the pool before, and exit waited for them */
        for (unsigned i = 0; i < ev->ninst; i++)
                if (ev->queues[i].running)
                        return false;
        for (unsigned i = 0; i < ev->ngroups; i++)
                if (ev->groups[i].q.running)
                        return false;
        return true;
}

void vrrp_events_free(struct vrrp_events *ev)
{
        for (unsigned i = 0; i < ev->ninst && ev->queues && ev->cmds; i++) {
                notify_queue_clear(&ev->queues[i]);
                if (ev->cmds[i] && ev->cmds[i] != &no_cmds) {
                        cmds_free(ev->cmds[i]);
                        free(ev->cmds[i]);
                }
        }
        for (unsigned i = 0; i < ev->ngroups; i++) {
                notify_queue_clear(&ev->groups[i].q);
                cmds_free(&ev->groups[i].cmds);
                free(ev->groups[i].members);
        }
        for (int i = 0; i < 2; i++) {
                notify_fifo_close(&ev->fifo[i]);
                script_cmd_free(&ev->fifo_script[i]);
        }
        free(ev->groups);
        free(ev->queues);
        free(ev->cmds);
        free(ev->group_of);
}
