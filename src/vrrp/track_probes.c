#include "vrrp/track_probes.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libgen.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "conf/diff.h"
#include "net/nl.h"

#define PROC_SCAN_MS 1000
#define MAX_PIDWATCH 256

/* An exit of a process that matched a track_process: its pidfd turns
 * readable, and we rescan at once instead of at the next period. */
struct pidwatch {
        uv_poll_t poll;
        pid_t pid;
        int fd;
        bool seen;                      /* matched in the latest scan */
        struct trackers *ts;
        struct pidwatch *next;
};

const char *tracker_kind_name(enum tracker_kind k)
{
        static const char *const names[] = { "script", "interface", "file", "process" };
        return (unsigned)k < 4 ? names[k] : "unknown";
}

static void on_file_event(void *ctx, int wd, const char *name);

void trackers_init(struct trackers *ts, uv_loop_t *loop, const struct conf *c, tracker_changed_fn fn, void *ctx)
{
        memset(ts, 0, sizeof(*ts));
        ts->loop = loop;
        ts->conf = c;
        ts->changed = fn;
        ts->ctx = ctx;
        filewatch_init(&ts->files, on_file_event, ts);
}

static int64_t to_ms(int64_t usec)
{
        int64_t ms = usec / 1000;
        return ms > 0 ? ms : 1;
}

/* Every change goes through here: status shows when it last changed. */
static void tracker_changed(struct tracker *t)
{
        t->changed_wall = wall_usec();
        t->set->changed(t->set->ctx, t);
}

/* ---- vrrp_script ------------------------------------------------------------------- */

/* keepalived's "failed (exited with status 1)", and the other endings. */
static const char *why_failed(const struct spawn_result *r, int code, char *buf, size_t size)
{
        if (r->timed_out)
                snprintf(buf, size, "timed out");
        else if (!r->started)
                snprintf(buf, size, "could not be started");
        else
                track_script_ending(code, r->term_signal, buf, size);
        return buf;
}

static void script_done(void *ctx, const struct spawn_result *r)
{
        struct tracker *t = ctx;
        char cause[64];
        bool ok = spawn_succeeded(r);
        int code = r->term_signal ? 128 + r->term_signal : r->exit_status;

        t->running = false;
        if (t->set->retired) {
                trackers_release(t->set);
                return;
        }
        t->runs++;
        t->timed_out = r->timed_out;
        if (r->timed_out) {
                t->timeouts++;
                log_warn("VRRP_Script(%s) timed_out", t->name);
        } else if (r->started && code != t->last_exit) {
                log_info("Script `%s` now returning %d", t->name, code);
        }
        if (r->started) {
                t->last_exit = code;
                t->last_signal = r->term_signal;
        }
        if (!ok)
                t->failures++;
        if (!track_rf_update(&t->rf, ok))
                return;
        t->up = t->rf.ok;
        t->known = true;
        if (t->up)
                log_info("VRRP_Script(%s) succeeded", t->name);
        else
                log_info("VRRP_Script(%s) failed (%s)", t->name, why_failed(r, code, cause, sizeof(cause)));
        tracker_changed(t);
}

static void script_tick(uv_timer_t *h)
{
        struct tracker *t = h->data;
        const struct conf_vrrp_script *s = t->script;
        int64_t timeout = s->timeout != TIMER_UNSET && s->timeout > 0 ? s->timeout : s->interval;

        if (t->running) {
                t->skipped++;
                log_info("Track script %s is already running, expect idle - skipping run", t->name);
                return;
        }
        t->running = true;
        script_cmd_run(t->set->loop, &t->cmd, NULL, to_ms(timeout), script_done, t);
}

static int script_setup(struct trackers *ts, struct tracker *t)
{
        const struct conf_vrrp_script *s = conf_find_vrrp_script(ts->conf, t->name);
        int r;

        if (!s)
                return -ENOENT;
        t->script = s;
        r = script_cmd_init(&t->cmd, ts->conf, &s->script, s->user, s->group, s->name);
        if (r < 0) {
                /* as keepalived: a disabled script is no tracker at all, so
                 * the instances that name it run without it */
                log_err("Disabling track script %s; the instances tracking it run without it", s->name);
                return r;
        }
        track_rf_init(&t->rf, s->rise, s->fall, s->init_fail);
        t->known = s->init_fail;        /* init_fail: KO until rise successes */
        t->last_exit = -1;
        uv_timer_init(ts->loop, &t->timer);
        t->timer.data = t;
        return 0;
}

/* ---- track_file ----------------------------------------------------------------------- */

static long read_value(const char *path)
{
        char buf[64] = "";
        FILE *f = fopen(path, "re");
        long v;

        if (!f)
                return 0;
        if (!fgets(buf, sizeof(buf), f))
                buf[0] = 0;
        fclose(f);
        v = strtol(buf, NULL, 0);
        return v;
}

/* Re-read a file whose directory reported name (NULL: all). */
static void file_changed(struct tracker *t)
{
        long v = read_value(t->file->file);

        if (v == t->value)
                return;
        log_info("Tracked file %s: value %ld (was %ld)", t->name, v, t->value);
        t->value = v;
        tracker_changed(t);
}

/* A file changed in a watched directory (worker/filewatch.c). */
static void on_file_event(void *ctx, int wd, const char *name)
{
        struct trackers *ts = ctx;

        for (struct tracker *t = ts->list; t; t = t->next)
                if (t->kind == TK_FILE && t->wd == wd && !strcmp(name, t->base))
                        file_changed(t);
}

static int file_setup(struct trackers *ts, struct tracker *t)
{
        const struct conf_track_file *f = conf_find_track_file(ts->conf, t->name);

        if (!f)
                return -ENOENT;
        t->file = f;
        if (f->init_file && (f->init_overwrite || access(f->file, F_OK) != 0)) {
                FILE *out = fopen(f->file, "we");
                if (out) {
                        fprintf(out, "%ld\n", f->init_value);
                        fclose(out);
                } else {
                        log_warn("track_file %s: cannot create %s: %s", f->name, f->file, strerror(errno));
                }
        }
        t->value = read_value(f->file);
        t->known = true;
        return 0;
}

static void file_start(struct trackers *ts, struct tracker *t)
{
        char *copy = strdup(t->file->file);
        bool had_fd = filewatch_active(&ts->files);

        if (!copy)
                return;
        snprintf(t->base, sizeof(t->base), "%s", basename(copy));
        free(copy);
        t->wd = filewatch_add(&ts->files, ts->loop, t->file->file);
        if (t->wd < 0 && !had_fd && !filewatch_active(&ts->files))
                log_err("track_file: inotify: %s", strerror(-t->wd));
        else if (t->wd < 0)
                log_err("track_file %s: cannot watch %s: %s", t->name, t->file->file, strerror(-t->wd));
}

/* ---- track_process ---------------------------------------------------------------------- */

static bool read_small(const char *path, char *buf, size_t size, size_t *ret_len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return false;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return false;
        buf[n] = 0;
        *ret_len = (size_t)n;
        return true;
}

static struct pidwatch *pid_watch(struct trackers *ts, pid_t pid, bool *ret_gone);
static void pidwatch_drop(struct trackers *ts, struct pidwatch *w);

static void process_apply(struct tracker *t, bool up)
{
        if (t->known && up == t->up)
                return;
        t->up = up;
        t->known = true;
        log_info("Track process %s: %u running, quorum %s", t->name, t->count, up ? "reached" : "lost");
        tracker_changed(t);
}

/* The delay ran out with the change still there (a change back stops it). */
static void process_delay_done(uv_timer_t *h)
{
        struct tracker *t = h->data;

        process_apply(t, track_proc_quorum(t->proc, t->count));
}

static const char *secs(int64_t usec, char *buf, size_t size)
{
        snprintf(buf, size, "%lld.%03lld s", (long long)(usec / 1000000), (long long)(usec % 1000000 / 1000));
        return buf;
}

/* Every count goes through here: the first is the state at once, the
 * others may wait out fork_delay or terminate_delay (track_proc_step). */
static void process_update(struct tracker *t, unsigned count)
{
        struct track_proc_step s = track_proc_step(t->proc, t->known, t->up,
                                                   uv_is_active((uv_handle_t *)&t->delay), t->count, count);
        const char *which = s.fork ? "fork_delay" : "terminate_delay";
        char b[32];

        t->count = count;
        switch (s.act) {
        case TRACK_PROC_REPORT:
                uv_timer_stop(&t->delay);
                process_apply(t, s.up);
                break;
        case TRACK_PROC_ARM:
                log_info("Track process %s: %u running, quorum %s once %s %s has passed", t->name, count,
                         s.up ? "reached" : "lost", which, secs(s.delay, b, sizeof(b)));
                t->pending_up = s.up;
                uv_timer_start(&t->delay, process_delay_done, (uint64_t)to_ms(s.delay), 0);
                break;
        case TRACK_PROC_CANCEL:
                log_info("Track process %s: %u running, back within the delay, quorum still %s", t->name, count,
                         t->up ? "reached" : "lost");
                uv_timer_stop(&t->delay);
                break;
        case TRACK_PROC_NONE:
                break;
        }
}

/* A walk of /proc, done a budget of entries per loop iteration so that a
 * host with thousands of processes does not hold the adverts back. */
#define PROC_SCAN_BUDGET 128

struct proc_walk {
        DIR *d;
        unsigned counts[256];
        bool again;             /* a process exited during the walk: walk again after */
};

static bool walk_begin(struct trackers *ts)
{
        struct proc_walk *w = calloc(1, sizeof(*w));

        if (!w || !(w->d = opendir("/proc"))) {
                free(w);
                return false;
        }
        ts->walk = w;
        ts->unwatched = false;
        for (struct pidwatch *p = ts->pids; p; p = p->next)
                p->seen = false;
        return true;
}

/* An exited process whose parent has not reaped it yet keeps its /proc
 * entry, name and command line: it is not running and must not count
 * (nginx's workers, killed with their master, linger so for a while). */
static bool is_zombie(const char *pid)
{
        char path[300], stat[512];
        size_t len;
        const char *paren;

        snprintf(path, sizeof(path), "/proc/%s/stat", pid);
        if (!read_small(path, stat, sizeof(stat), &len))
                return true; /* gone already */
        paren = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
        return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

/* A process that matched tracker n: counted if it runs, and watched
 * through a pidfd so that its exit wakes us. One that is a zombie, or
 * reaped before its pidfd could be had, does not count: counting it
 * would hold the quorum until the next periodic scan, a second later. */
static void count_match(struct trackers *ts, unsigned n, const char *pid)
{
        struct pidwatch *w;
        bool gone = false;

        if (is_zombie(pid))
                return;
        w = pid_watch(ts, (pid_t)atoi(pid), &gone);
        if (gone)
                return;
        ts->walk->counts[n]++;
        if (w)
                w->seen = true;
        else
                ts->unwatched = true;
}

static void walk_entry(struct trackers *ts, const char *pid)
{
        char path[300], comm[64], cmd[4096];
        size_t clen = 0, cmdlen = 0;
        bool cmd_read = false;
        unsigned n = 0;

        snprintf(path, sizeof(path), "/proc/%s/comm", pid);
        if (!read_small(path, comm, sizeof(comm), &clen))
                return;
        comm[strcspn(comm, "\n")] = 0;
        for (struct tracker *t = ts->list; t; t = t->next) {
                if (t->kind != TK_PROCESS)
                        continue;
                if (track_proc_uses_cmdline(t->proc) && !cmd_read) {
                        snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
                        if (!read_small(path, cmd, sizeof(cmd), &cmdlen))
                                cmdlen = 0;
                        cmd_read = true;
                }
                if (n < 256 && track_proc_matches(t->proc, comm, cmd, cmdlen))
                        count_match(ts, n, pid);
                n++;
        }
}

/* Up to budget entries; true when the walk reached the end. */
static bool walk_some(struct trackers *ts, unsigned budget)
{
        struct dirent *de;

        for (unsigned k = 0; k < budget; k++) {
                if (!(de = readdir(ts->walk->d)))
                        return true;
                if (isdigit((unsigned char)de->d_name[0]))
                        walk_entry(ts, de->d_name);
        }
        return false;
}

static void walk_abort(struct trackers *ts)
{
        if (!ts->walk)
                return;
        closedir(ts->walk->d);
        free(ts->walk);
        ts->walk = NULL;
}

/* The counts are complete: the trackers take them, and the watches of
 * processes no longer there (or no longer matching) go. */
static bool walk_finish(struct trackers *ts)
{
        struct pidwatch *w = ts->pids, *next;
        bool again = ts->walk->again;
        unsigned n = 0;

        for (struct tracker *t = ts->list; t; t = t->next)
                if (t->kind == TK_PROCESS && n < 256)
                        process_update(t, ts->walk->counts[n++]);
        walk_abort(ts);
        for (; w; w = next) {
                next = w->next;
                if (!w->seen)
                        pidwatch_drop(ts, w);
        }
        return again;
}

static void on_walk_step(uv_timer_t *h)
{
        struct trackers *ts = h->data;

        if (!ts->walk || !walk_some(ts, PROC_SCAN_BUDGET)) {
                if (ts->walk)
                        uv_timer_start(&ts->scan_step, on_walk_step, 0, 0); /* the next loop iteration */
                return;
        }
        if (walk_finish(ts) && walk_begin(ts))
                uv_timer_start(&ts->scan_step, on_walk_step, 0, 0);
}

/* From the loop: a walk that goes on over the next iterations. */
static void scan_processes_bounded(struct trackers *ts)
{
        if (ts->walk) {
                ts->walk->again = true;
                return;
        }
        if (walk_begin(ts))
                on_walk_step(&ts->scan_step);
}

/* At start, before the instances: the whole of /proc at once, so that
 * they start knowing their processes. */
static void scan_processes(struct trackers *ts)
{
        walk_abort(ts);
        if (walk_begin(ts)) {
                walk_some(ts, UINT_MAX);
                walk_finish(ts);
        }
}

static void pidwatch_closed(uv_handle_t *h)
{
        struct pidwatch *w = h->data;

        close(w->fd);
        free(w);
}

static void pidwatch_drop(struct trackers *ts, struct pidwatch *w)
{
        struct pidwatch **pp = &ts->pids;

        while (*pp && *pp != w)
                pp = &(*pp)->next;
        if (*pp)
                *pp = w->next;
        uv_close((uv_handle_t *)&w->poll, pidwatch_closed);
}

/* The periodic scan only looks for processes that appeared. While every
 * process tracker has its quorum, no upper bound, and a pidfd on each of
 * its processes, a new process cannot change anything and an exit wakes
 * us through its pidfd: the scan is skipped. */
static bool scan_needed(const struct trackers *ts)
{
        if (ts->unwatched)
                return true;
        for (const struct tracker *t = ts->list; t; t = t->next)
                if (t->kind == TK_PROCESS && (!t->known || !t->up || t->proc->quorum_max != CONF_QUORUM_UNLIMITED ||
                                              uv_is_active((const uv_handle_t *)&t->delay)))
                        return true;
        return false;
}

static void on_proc_scan(uv_timer_t *h)
{
        struct trackers *ts = h->data;

        if (!scan_needed(ts))
                return;
        scan_processes_bounded(ts);
}

static void on_pid_exit(uv_poll_t *h, int status, int events)
{
        struct pidwatch *w = h->data;
        struct trackers *ts = w->ts;

        (void)status, (void)events;
        pidwatch_drop(ts, w);
        scan_processes_bounded(ts);
        uv_timer_again(&ts->proc_scan);
}

static struct pidwatch *pid_watch(struct trackers *ts, pid_t pid, bool *ret_gone)
{
        struct pidwatch *w;
        unsigned n = 0;
        int fd;

        for (w = ts->pids; w; w = w->next, n++)
                if (w->pid == pid)
                        return w;
        if (n >= MAX_PIDWATCH)
                return NULL;
        fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0) {
                *ret_gone = errno == ESRCH;
                return NULL; /* an old kernel: the periodic scan covers it */
        }
        w = calloc(1, sizeof(*w));
        if (!w) {
                close(fd);
                return NULL;
        }
        w->pid = pid;
        w->fd = fd;
        w->ts = ts;
        uv_poll_init(ts->loop, &w->poll, fd);
        w->poll.data = w;
        uv_poll_start(&w->poll, UV_READABLE, on_pid_exit);
        w->next = ts->pids;
        ts->pids = w;
        return w;
}

static int process_setup(struct trackers *ts, struct tracker *t)
{
        const struct conf_track_process *p = conf_find_track_process(ts->conf, t->name);

        if (!p)
                return -ENOENT;
        t->proc = p;
        uv_timer_init(ts->loop, &t->delay);
        t->delay.data = t;
        return 0;
}

/* ---- the set ----------------------------------------------------------------------------- */

static int iface_setup(struct tracker *t)
{
        struct iface_info info;

        if (iface_lookup(t->name, &info) < 0) {
                t->ifindex = 0;
                t->up = false;
        } else {
                t->ifindex = info.ifindex;
                t->up = info.up;
        }
        t->known = true;
        return 0;
}

static void ref_weight(const struct tracker *t, const struct conf_track *c, struct tracker_ref *ret)
{
        int weight = 0;
        bool reverse = false;

        if (t->kind == TK_SCRIPT)
                weight = t->script->weight, reverse = t->script->weight_reverse;
        else if (t->kind == TK_FILE)
                weight = t->file->weight, reverse = t->file->weight_reverse;
        else if (t->kind == TK_PROCESS)
                weight = t->proc->weight, reverse = t->proc->weight_reverse;
        if (c->weight_set)
                weight = c->weight;
        if (c->reverse >= 0)
                reverse = c->reverse == 1;
        ret->weight = weight;
        ret->reverse = reverse;
}

int trackers_ref(struct trackers *ts, enum tracker_kind kind, const struct conf_track *c, struct tracker_ref *ret)
{
        struct tracker *t;
        int r = 0;

        for (t = ts->list; t; t = t->next)
                if (t->kind == kind && !strcmp(t->name, c->name))
                        break;
        if (!t) {
                t = calloc(1, sizeof(*t));
                if (!t)
                        return -ENOMEM;
                t->kind = kind;
                t->name = c->name;
                t->set = ts;
                switch (kind) {
                case TK_SCRIPT: r = script_setup(ts, t); break;
                case TK_IFACE: r = iface_setup(t); break;
                case TK_FILE: r = file_setup(ts, t); break;
                case TK_PROCESS: r = process_setup(ts, t); break;
                }
                if (r < 0) {
                        free(t);
                        return r;
                }
                t->next = ts->list;
                ts->list = t;
        }
        ret->t = t;
        ref_weight(t, c, ret);
        return 0;
}

void trackers_start(struct trackers *ts)
{
        bool procs = false;

        for (struct tracker *t = ts->list; t; t = t->next) {
                if (t->kind == TK_SCRIPT)
                        uv_timer_start(&t->timer, script_tick, 0, (uint64_t)to_ms(t->script->interval));
                else if (t->kind == TK_FILE)
                        file_start(ts, t);
                else if (t->kind == TK_PROCESS)
                        procs = true;
        }
        if (procs) {
                uv_timer_init(ts->loop, &ts->proc_scan);
                ts->proc_scan.data = ts;
                uv_timer_init(ts->loop, &ts->scan_step);
                ts->scan_step.data = ts;
                ts->scanning = true;
                scan_processes(ts);
                uv_timer_start(&ts->proc_scan, on_proc_scan, PROC_SCAN_MS, PROC_SCAN_MS);
        }
}

/* Known by index, or by name: an interface deleted and created again comes
 * back under a new index, and the tracker must follow it there. */
static bool link_is_tracked(const struct tracker *t, int ifindex, const char *ifname)
{
        return t->kind == TK_IFACE && ((ifindex && t->ifindex == ifindex) || (ifname[0] && !strcmp(t->name, ifname)));
}

void trackers_link_event(struct trackers *ts, int ifindex, const char *ifname, bool up, bool gone)
{
        for (struct tracker *t = ts->list; t; t = t->next) {
                if (!link_is_tracked(t, ifindex, ifname))
                        continue;
                t->ifindex = gone ? 0 : ifindex; /* a later interface may be given the old index */
                if (t->up == up)
                        continue;
                t->up = up;
                log_info("Tracked interface %s is %s", t->name, up ? "up" : "down");
                tracker_changed(t);
        }
}

void trackers_stop(struct trackers *ts)
{
        for (struct tracker *t = ts->list; t; t = t->next)
                if (t->kind == TK_SCRIPT)
                        uv_timer_stop(&t->timer);
        if (ts->scanning) {
                uv_timer_stop(&ts->proc_scan);
                uv_timer_stop(&ts->scan_step);
        }
        walk_abort(ts);
        while (ts->pids)
                pidwatch_drop(ts, ts->pids);
        filewatch_stop(&ts->files);
}

void trackers_free(struct trackers *ts)
{
        struct tracker *t = ts->list, *next;

        for (; t; t = next) {
                next = t->next;
                if (t->kind == TK_SCRIPT)
                        script_cmd_free(&t->cmd);
                free(t);
        }
        ts->list = NULL;
        filewatch_free(&ts->files);
}

/* ---- reload ------------------------------------------------------------------------------ */

/* Its state carries over unless a field conf/diff.c's table marks as
 * restarting it changed (a weight does not: the references apply it). */
static bool same_config(const struct tracker *a, const struct tracker *b)
{
        switch (a->kind) {
        case TK_SCRIPT: return conf_diff_classify(&conf_diff_vrrp_script, a->script, b->script, NULL) != CONF_DIFF_RESTART;
        case TK_IFACE: return true;
        case TK_FILE: return conf_diff_classify(&conf_diff_track_file, a->file, b->file, NULL) != CONF_DIFF_RESTART;
        case TK_PROCESS: return conf_diff_classify(&conf_diff_track_process, a->proc, b->proc, NULL) != CONF_DIFF_RESTART;
        }
        return false;
}

void trackers_adopt(struct trackers *to, const struct trackers *from)
{
        for (struct tracker *t = to->list; t; t = t->next)
                for (const struct tracker *o = from->list; o; o = o->next) {
                        if (o->kind != t->kind || strcmp(o->name, t->name) || !same_config(o, t))
                                continue;
                        t->up = o->up;
                        t->known = o->known;
                        t->value = o->value;
                        t->rf = o->rf;
                        t->last_exit = o->last_exit, t->last_signal = o->last_signal;
                        t->runs = o->runs, t->failures = o->failures;
                        t->timeouts = o->timeouts, t->skipped = o->skipped;
                        t->count = o->count;
                        t->timed_out = o->timed_out, t->changed_wall = o->changed_wall;
                        break;
                }
}

static void drop_ref(struct trackers *ts)
{
        if (--ts->closing == 0) {
                trackers_free(ts);
                free(ts);
        }
}

static void handle_closed(uv_handle_t *h)
{
        drop_ref(h->data);
}

static void close_handle(struct trackers *ts, uv_handle_t *h)
{
        if (!h->loop || uv_is_closing(h))
                return;
        h->data = ts;
        ts->closing++;
        uv_close(h, handle_closed);
}

void trackers_release(struct trackers *ts)
{
        if (!ts->retired)
                trackers_stop(ts);
        ts->retired = true;
        for (struct tracker *t = ts->list; t; t = t->next)
                if (t->running)
                        return; /* its script_done comes back here */
        ts->closing = 1; /* held until every close is queued */
        for (struct tracker *t = ts->list; t; t = t->next) {
                if (t->kind == TK_SCRIPT)
                        close_handle(ts, (uv_handle_t *)&t->timer);
                if (t->kind == TK_PROCESS)
                        close_handle(ts, (uv_handle_t *)&t->delay);
        }
        if (ts->scanning) {
                close_handle(ts, (uv_handle_t *)&ts->proc_scan);
                close_handle(ts, (uv_handle_t *)&ts->scan_step);
        }
        if (filewatch_handle(&ts->files))
                close_handle(ts, filewatch_handle(&ts->files));
        drop_ref(ts);
}

void trackers_eval(const struct tracker_ref *refs, unsigned n, bool *ret_fault, long *ret_delta)
{
        bool fault = false;
        long delta = 0;

        for (unsigned i = 0; i < n; i++) {
                const struct tracker *t = refs[i].t;
                struct track_effect e;
                if (!t->known)
                        continue; /* a script with no result yet weighs nothing */
                e = t->kind == TK_FILE ? track_effect_file(t->value, refs[i].weight, refs[i].reverse)
                                       : track_effect_bool(t->up, refs[i].weight, refs[i].reverse);
                fault |= e.fault;
                delta += e.delta;
        }
        *ret_fault = fault;
        *ret_delta = delta;
}
