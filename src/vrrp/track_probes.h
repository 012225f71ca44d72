/* Trackers at run time: vrrp_script runners, tracked interfaces, track_file
 * (inotify on the file's directory) and track_process (a /proc scan, with a
 * pidfd per matching process so that an exit is seen at once). Each tracker
 * reports a change through one callback; the engine then re-evaluates the
 * instances that refer to it (vrrp/track_rules.c does the arithmetic). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "conf/model.h"
#include "vrrp/track_rules.h"
#include "worker/filewatch.h"
#include "worker/script.h"

enum tracker_kind { TK_SCRIPT, TK_IFACE, TK_FILE, TK_PROCESS };

struct trackers;

struct tracker {
        enum tracker_kind kind;
        const char *name;
        bool up;                        /* script OK / interface up / process quorum */
        bool known;                     /* a first result is in (scripts) */
        long value;                     /* track_file */
        int64_t changed_wall;           /* wall-clock µs of the last change of state; 0: none yet */
        struct trackers *set;
        struct tracker *next;
        /* vrrp_script */
        const struct conf_vrrp_script *script;
        struct script_cmd cmd;
        struct track_rf rf;
        uv_timer_t timer;
        bool running;
        int last_exit;          /* the shell's form: 128 + N after signal N */
        int last_signal;        /* the signal that ended the last run, 0 if it exited */
        bool timed_out;                 /* the last run was killed at its timeout */
        uint64_t runs, failures, timeouts, skipped;
        /* track_interface */
        int ifindex;
        /* track_file */
        const struct conf_track_file *file;
        int wd;                         /* inotify watch of its directory */
        char base[256];
        /* track_process */
        const struct conf_track_process *proc;
        unsigned count;
        bool pending_up;                /* state waiting out fork_delay/terminate_delay */
        uv_timer_t delay;
};

/* How an instance (or a sync group, for all its members) refers to one. */
struct tracker_ref {
        struct tracker *t;
        int weight;
        bool reverse;
};

typedef void (*tracker_changed_fn)(void *ctx, struct tracker *t);

struct trackers {
        uv_loop_t *loop;
        const struct conf *conf;
        struct tracker *list;
        tracker_changed_fn changed;
        void *ctx;
        uv_timer_t proc_scan;
        uv_timer_t scan_step;           /* the next part of a bounded /proc walk */
        struct proc_walk *walk;         /* the walk in progress, NULL between walks */
        bool scanning;
        struct pidwatch *pids;
        bool unwatched;                 /* a matching process has no pidfd: keep scanning */
        struct filewatch files;         /* track_file */
        bool retired;                   /* replaced at a reload */
        unsigned closing;
};

void trackers_init(struct trackers *ts, uv_loop_t *loop, const struct conf *c, tracker_changed_fn fn, void *ctx);
/* Resolve a conf_track entry of the given kind to a tracker (created once,
 * shared) and fill ref; -ENOENT if the name is unknown. */
int trackers_ref(struct trackers *ts, enum tracker_kind kind, const struct conf_track *t, struct tracker_ref *ret);
/* Start script timers, file watches and the process scan. */
void trackers_start(struct trackers *ts);
/* A link changed (from the netlink monitor). */
/* A link changed (gone: deleted); ifname may be "" when the event lacks it. */
void trackers_link_event(struct trackers *ts, int ifindex, const char *ifname, bool up, bool gone);
/* Stop timers and process watches (before the loop closes its handles). */
void trackers_stop(struct trackers *ts);
/* Free the trackers, once the loop's handles are closed. */
void trackers_free(struct trackers *ts);

/* Reload: carry over the state of each tracker of `from` that `to` has too
 * (same kind, name and what it watches), so a reload causes no change. */
void trackers_adopt(struct trackers *to, const struct trackers *from);
/* A replaced set: stopped at once, freed (with ts itself) once no script of
 * it is running and its handles are closed. */
void trackers_release(struct trackers *ts);

/* Sum the effects of refs: fault, and the priority delta. */
void trackers_eval(const struct tracker_ref *refs, unsigned n, bool *ret_fault, long *ret_delta);
const char *tracker_kind_name(enum tracker_kind k);
