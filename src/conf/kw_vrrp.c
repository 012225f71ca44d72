/* vrrp_script, track_file, vrrp_track_process and vrrp_sync_group blocks,
 * and the helpers the VRRP tables share. */
#include <stddef.h>
#include <string.h>

#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

#define SEC 1000000LL

const char *kw_block_name(struct parser *p, const struct conf_line *ln)
{
        if (ln->ntok < 2) {
                perr(p, ln, 1, "'%s' needs a name: %s NAME { ... }", ln->tok[0].s, ln->tok[0].s);
                return NULL;
        }
        pargs(p, ln, 1, 1);
        return arena_strdup(&p->conf->arena, ln->tok[1].s);
}

void kw_strlist_line(struct parser *p, const struct conf_line *ln, conf_strlist *list)
{
        for (size_t i = 0; i < ln->ntok; i++) {
                struct conf_strlist_item *it = arena_alloc(&p->conf->arena, sizeof(*it));
                it->value = arena_strdup(&p->conf->arena, ln->tok[i].s);
                it->pos = ppos(p, ln, i);
                CONF_LIST_APPEND(list, it);
        }
}

void kw_track_line(struct parser *p, const struct conf_line *ln, conf_track_list *list, int wmin, int wmax,
                   bool allow_reverse)
{
        struct conf_track *t = arena_alloc(&p->conf->arena, sizeof(*t));
        size_t i = 1;

        t->name = arena_strdup(&p->conf->arena, ln->tok[0].s);
        t->reverse = -1;
        t->pos = ppos(p, ln, 0);
        while (i < ln->ntok) {
                if (!strcmp(ln->tok[i].s, "weight")) {
                        int rev = t->reverse;
                        size_t used = read_weight(p, ln, i, wmin, wmax, &t->weight, &rev);
                        t->weight_set = used >= 2;
                        if (rev != t->reverse && !allow_reverse)
                                perr(p, ln, i + 2, "'%s' does not take reverse here", ln->tok[i + 2].s);
                        else
                                t->reverse = rev;
                        i += used;
                } else {
                        perr(p, ln, i, "unexpected '%s' after '%s': entries are NAME [weight W [reverse]]",
                             ln->tok[i].s, ln->tok[0].s);
                        return;
                }
        }
        CONF_LIST_APPEND(list, t);
}

/* ---- vrrp_script -------------------------------------------------------- */

void *kw_open_vrrp_script(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        struct conf_vrrp_script *s;

        if (!name)
                return NULL;
        if (conf_find_vrrp_script(c, name)) {
                perr(p, ln, 1, "vrrp_script '%s' is defined twice; ignoring this one", name);
                return NULL;
        }
        s = arena_alloc(&c->arena, sizeof(*s));
        s->name = name;
        s->interval = SEC;
        s->timeout = TIMER_UNSET;
        s->rise = 1;
        s->fall = 1;
        s->pos = ppos(p, ln, 1);
        CONF_LIST_APPEND(&c->vrrp_scripts, s);
        c->have_vrrp = true;
        return s;
}

#define VS struct conf_vrrp_script

static void kw_script_script(struct parser *p, const struct conf_line *ln, void *obj)
{
        VS *s = obj;

        s->has_script = s->script.cmdline != NULL;
        /* in vrrp_script, words after the command are ignored (not a user) */
        s->script.user = NULL;
        s->script.group = NULL;
}

static void kw_script_interval(struct parser *p, const struct conf_line *ln, void *obj)
{
        VS *s = obj;

        if (s->interval == 0) {
                pwarn(p, ln, 1, "interval 0 is not allowed; using 1 second");
                s->interval = SEC;
        }
}

static void kw_script_timeout(struct parser *p, const struct conf_line *ln, void *obj)
{
        VS *s = obj;

        if (s->timeout == 0) {
                pwarn(p, ln, 1, "timeout 0 is not allowed; using 1 second");
                s->timeout = SEC;
        }
}

static void kw_script_weight(struct parser *p, const struct conf_line *ln, void *obj)
{
        VS *s = obj;
        int rev = 0;

        read_weight(p, ln, 0, -253, 253, &s->weight, &rev);
        s->weight_reverse = rev == 1;
}

static void kw_script_user(struct parser *p, const struct conf_line *ln, void *obj)
{
        VS *s = obj;

        if (!pargs(p, ln, 1, 2))
                return;
        s->user = arena_strdup(&p->conf->arena, ln->tok[1].s);
        s->group = ln->ntok > 2 ? arena_strdup(&p->conf->arena, ln->tok[2].s) : NULL;
}

static const struct kw vrrp_script_kw[] = {
        { .name = "script", .kind = KW_VALUE, .type = T_SCRIPT, .off = offsetof(VS, script), .set_off = -1,
          .fn = kw_script_script },
        { .name = "interval", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(VS, interval), .set_off = -1,
          .min = 0, .max = 86400 * SEC, .fn = kw_script_interval },
        { .name = "timeout", .kind = KW_VALUE, .type = T_TIMER, .off = offsetof(VS, timeout), .set_off = -1,
          .min = 0, .max = 86400 * SEC, .fn = kw_script_timeout },
        KW_FN("weight", kw_script_weight),
        KW_T("rise", T_UINT, VS, rise, 1, 2147483647),
        KW_T("fall", T_UINT, VS, fall, 1, 2147483647),
        KW_FN("user", kw_script_user),
        KW_T("init_fail", T_FLAG, VS, init_fail, 0, 0),
        KW_END,
};
const struct kw_table kw_vrrp_script_table = { "vrrp_script", vrrp_script_kw };

/* ---- track_file ---------------------------------------------------------- */

void *kw_open_track_file(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        struct conf_track_file *f;

        if (!name)
                return NULL;
        if (!strcmp(ln->tok[0].s, "vrrp_track_file"))
                pwarn(p, ln, 0, "'vrrp_track_file' is deprecated; use 'track_file'");
        if (conf_find_track_file(c, name)) {
                perr(p, ln, 1, "track_file '%s' is defined twice; ignoring this one", name);
                return NULL;
        }
        f = arena_alloc(&c->arena, sizeof(*f));
        f->name = name;
        f->weight = 1;
        f->pos = ppos(p, ln, 1);
        return f;
}

void kw_close_track_file(struct parser *p, void *child, void *obj)
{
        struct conf *c = obj;
        struct conf_track_file *f = child;

        if (!f->file) {
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &f->pos, "track_file '%s' has no 'file'; ignoring it", f->name);
                return;
        }
        CONF_LIST_APPEND(&c->track_files, f);
        c->have_vrrp = true;
}

#define TF struct conf_track_file

static void kw_tf_weight(struct parser *p, const struct conf_line *ln, void *obj)
{
        TF *f = obj;
        int rev = 0;

        read_weight(p, ln, 0, -254, 254, &f->weight, &rev);
        f->weight_reverse = rev == 1;
}

static void kw_tf_init_file(struct parser *p, const struct conf_line *ln, void *obj)
{
        TF *f = obj;
        int64_t v;

        f->init_file = true;
        for (size_t i = 1; i < ln->ntok; i++) {
                if (!strcmp(ln->tok[i].s, "overwrite"))
                        f->init_overwrite = true;
                else if (read_int64(p, ln, i, -2147483647LL - 1, 2147483647LL, &v))
                        f->init_value = (long)v;
        }
}

static const struct kw track_file_kw[] = {
        KW_T("file", T_STRING, TF, file, 0, 0),
        KW_FN("weight", kw_tf_weight),
        KW_FN("init_file", kw_tf_init_file),
        KW_END,
};
const struct kw_table kw_track_file_table = { "track_file", track_file_kw };

/* ---- vrrp_track_process ------------------------------------------------------ */

void *kw_open_track_process(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        struct conf_track_process *t;

        if (!name)
                return NULL;
        if (conf_find_track_process(c, name)) {
                perr(p, ln, 1, "vrrp_track_process '%s' is defined twice; ignoring this one", name);
                return NULL;
        }
        t = arena_alloc(&c->arena, sizeof(*t));
        t->name = name;
        t->quorum = 1;
        t->quorum_max = CONF_QUORUM_UNLIMITED;
        t->param_match = -1;
        t->pos = ppos(p, ln, 1);
        return t;
}

void kw_close_track_process(struct parser *p, void *child, void *obj)
{
        struct conf *c = obj;
        struct conf_track_process *t = child;

        if (!t->process) {
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &t->pos, "vrrp_track_process '%s' has no 'process'; ignoring it",
                         t->name);
                return;
        }
        /* keepalived: "0 would mean failure if the matching process were
         * running at all", so the default quorum of 1 gives way */
        if (t->quorum_max == 0)
                t->quorum = 0;
        if (!t->full_command && strchr(t->process, '/') && !t->nparams && t->param_match < 0)
                pdiag_at(p, DIAG_WARNING, DIAG_CONFIG, &t->pos,
                         "vrrp_track_process '%s': process '%s' is compared with the process name, which has no '/'; "
                         "add full_command to match the command's path",
                         t->name, t->process);
        CONF_LIST_APPEND(&c->track_processes, t);
        c->have_vrrp = true;
}

#define TP struct conf_track_process

static void kw_tp_process(struct parser *p, const struct conf_line *ln, void *obj)
{
        TP *t = obj;

        if (!pargs(p, ln, 1, -1))
                return;
        t->process = arena_strdup(&p->conf->arena, ln->tok[1].s);
        t->nparams = (unsigned)(ln->ntok - 2);
        t->params = arena_calloc(&p->conf->arena, t->nparams + 1, sizeof(char *));
        for (unsigned i = 0; i < t->nparams; i++)
                t->params[i] = arena_strdup(&p->conf->arena, ln->tok[i + 2].s);
}

/* Bare: the parameters must match exactly, and with none given the
 * process must have none. keepalived knows no 'exact' word (it ignores the
 * line); vigil takes it as the bare form and says so. */
static void kw_tp_param_match(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const words[] = { "exact", "initial", "partial" };
        TP *t = obj;
        int v = 0;

        if (ln->ntok >= 2 && !read_choice(p, ln, 1, words, 3, false, &v))
                return;
        pargs(p, ln, 0, 1);
        if (ln->ntok >= 2 && v == 0)
                pwarn(p, ln, 1, "keepalived rejects 'param_match exact'; the bare 'param_match' means the same");
        t->param_match = v;
}

/* quorum and quorum_max are checked against each other where they stand,
 * and a value that does not fit is ignored, as keepalived does. */
static void kw_tp_quorum(struct parser *p, const struct conf_line *ln, void *obj)
{
        TP *t = obj;
        int64_t v;

        if (!pargs(p, ln, 1, 1) || !read_int64(p, ln, 1, 1, 65535, &v))
                return;
        if (t->quorum_max != CONF_QUORUM_UNLIMITED && (unsigned)v > t->quorum_max) {
                perr(p, ln, 1, "quorum %u is greater than quorum_max %u; ignoring it", (unsigned)v, t->quorum_max);
                return;
        }
        t->quorum = (unsigned)v;
}

static void kw_tp_quorum_max(struct parser *p, const struct conf_line *ln, void *obj)
{
        TP *t = obj;
        int64_t v;

        if (!pargs(p, ln, 1, 1) || !read_int64(p, ln, 1, 0, 65535, &v))
                return;
        /* 0 ("none may run") lowers the default quorum of 1 at the end */
        if ((unsigned)v < t->quorum && !(v == 0 && t->quorum == 1)) {
                perr(p, ln, 1, "quorum_max %u is less than quorum %u; ignoring it", (unsigned)v, t->quorum);
                return;
        }
        t->quorum_max = (unsigned)v;
}

/* delay sets fork_delay and terminate_delay; a later one of those wins. */
static void kw_tp_delay(struct parser *p, const struct conf_line *ln, void *obj)
{
        TP *t = obj;
        int64_t v;

        if (!pargs(p, ln, 1, 1) || !read_timer(p, ln, 1, 1, 3600 * SEC, &v))
                return;
        t->delay = t->fork_delay = t->terminate_delay = v;
}

static void kw_tp_weight(struct parser *p, const struct conf_line *ln, void *obj)
{
        TP *t = obj;
        int rev = 0;

        read_weight(p, ln, 0, -254, 254, &t->weight, &rev);
        t->weight_reverse = rev == 1;
}

static const struct kw track_process_kw[] = {
        KW_FN("process", kw_tp_process),
        KW_FN("param_match", kw_tp_param_match),
        KW_FN("weight", kw_tp_weight),
        KW_FN("quorum", kw_tp_quorum),
        KW_FN("quorum_max", kw_tp_quorum_max),
        KW_FN("delay", kw_tp_delay),
        KW_T("fork_delay", T_TIMER, TP, fork_delay, 1, 3600 * SEC),
        KW_T("terminate_delay", T_TIMER, TP, terminate_delay, 1, 3600 * SEC),
        KW_T("full_command", T_FLAG, TP, full_command, 0, 0),
        KW_END,
};
const struct kw_table kw_track_process_table = { "vrrp_track_process", track_process_kw };

/* ---- vrrp_sync_group ---------------------------------------------------------- */

void *kw_open_sync_group(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf *c = obj;
        const char *name = kw_block_name(p, ln);
        struct conf_sync_group *g;

        if (!name)
                return NULL;
        if (conf_find_sync_group(c, name)) {
                perr(p, ln, 1, "vrrp_sync_group '%s' is defined twice; ignoring this one", name);
                return NULL;
        }
        g = arena_alloc(&c->arena, sizeof(*g));
        g->name = name;
        g->smtp_alert = -1;
        g->notify_priority_changes = -1;
        g->pos = ppos(p, ln, 1);
        CONF_LIST_APPEND(&c->sync_groups, g);
        return g;
}

#define SG struct conf_sync_group

static void sg_group_line(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_strlist_line(p, ln, &((SG *)obj)->group);
}

static void sg_track_interface(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((SG *)obj)->track_interface, -254, 254, true);
}

static void sg_track_script(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((SG *)obj)->track_script, -253, 253, true);
}

static void sg_track_file(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((SG *)obj)->track_file, -254, 254, true);
}

static void sg_track_process(struct parser *p, const struct conf_line *ln, void *obj)
{
        kw_track_line(p, ln, &((SG *)obj)->track_process, -254, 254, true);
}

static const struct kw sync_group_kw[] = {
        KW_LINES("group", sg_group_line),
        KW_T("notify_master", T_SCRIPT, SG, notify.master, 0, 0),
        KW_T("notify_backup", T_SCRIPT, SG, notify.backup, 0, 0),
        KW_T("notify_fault", T_SCRIPT, SG, notify.fault, 0, 0),
        KW_T("notify_stop", T_SCRIPT, SG, notify.stop, 0, 0),
        KW_T("notify", T_SCRIPT, SG, notify.generic, 0, 0),
        KW_T("smtp_alert", T_TRIBOOL, SG, smtp_alert, 0, 0),
        KW_LINES("track_interface", sg_track_interface),
        KW_LINES("track_script", sg_track_script),
        KW_LINES("track_file", sg_track_file),
        KW_LINES("track_process", sg_track_process),
        KW_NS("track_bfd", "BFD is not implemented"),
        KW_T("notify_priority_changes", T_TRIBOOL, SG, notify_priority_changes, 0, 0),
        KW_T("sync_group_tracking_weight", T_FLAG, SG, sync_group_tracking_weight, 0, 0),
        KW_T("global_tracking", T_FLAG, SG, sync_group_tracking_weight, 0, 0),
        KW_END,
};
const struct kw_table kw_sync_group_table = { "vrrp_sync_group", sync_group_kw };
