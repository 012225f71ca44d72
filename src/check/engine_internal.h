/* The check worker's runtime, shared by its files: engine.c (the loop,
 * start and stop, the IPVS table), sched.c (the checkers' timers and
 * results, the transitions), ctl.c (the supervisor channel: status and
 * reload) and status.c (the status JSON). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "check/admin.h"
#include "check/counters.h"
#include "check/decide.h"
#include "check/leaving.h"
#include "check/engine.h"
#include "check/probe.h"
#include "check/quorum.h"
#include "check/table.h"
#include "common/heap.h"
#include "conf/model.h"
#include "net/addrtab.h"
#include "worker/ctl.h"
#include "worker/filewatch.h"
#include "worker/notify.h"
#include "worker/reloads.h"
#include "worker/script.h"

#define CK_NAME_MAX 128
#define CK_TYPES (CHECK_FILE + 1)

struct ck_rs;
struct ck_vs;
struct check_engine;

/* The probe that one or more checkers share (check/probe_key.h): one
 * timer, one probe in flight, its result fed to each user in turn. At
 * 10,000 real servers every byte here counts 10,000 times (issue 16's
 * memory goal, doc/lvs/memory.md): the fields are ordered to leave no
 * padding, and what most servers never use lives out of line. */
struct ck_group {
        struct check_engine *e;
        struct ck_checker *lead;        /* the probe reads its models */
        struct ck_checker **users;      /* &lead while it is the only one (no allocation) */
        struct check_probe_run *run;    /* the probe in flight */
        struct heap_node timer;         /* in e->timers while armed (group_timer.c) */
        uint32_t nusers;
        bool timer_due;                 /* taken out as due, to fire in this turn */
};

/* The groups' deadlines behind one libuv timer (group_timer.c). */
struct ck_timers {
        uv_timer_t tick;
        struct heap heap;
        int64_t armed;                  /* ms the tick is armed for; INT64_MAX: none */
        uint32_t seq;                   /* arming order within a millisecond */
        bool firing;
        bool armed_now;                 /* a group armed for now while firing */
        struct ck_group **fire;         /* the groups due in this turn */
        size_t nfire, cap;
};

struct ck_checker {
        struct ck_rs *rs;
        const struct conf_checker *c;
        struct ck_group *grp;           /* NULL for FILE_CHECK, which has no probe */
        char *last_detail;              /* what the last probe said (owned); NULL: nothing */
        struct check_policy pol;
        struct check_status st;
        int64_t due;                    /* monotonic µs: when it wants its next probe */
        int64_t last_time;              /* wall clock, µs */
        int64_t last_latency;           /* µs */
        /* FILE_CHECK (check/file_check.c) */
        long file_value;
        int64_t file_delta;             /* added to the real server's weight while not down */
        int file_wd;                    /* the watch of its file's directory; <0: none */
        uint8_t last;                   /* enum check_result, valid with has_last */
        bool has_last;
        bool owns_grp;                  /* frees grp with the model */
        bool paused;                    /* its VS is suspended, or its model stopped */
        bool started;                   /* has its status (start, or carried by a reload) */
};

/* notify_up / notify_down and the queue that runs them in order: only
 * for the real servers that have one of the two. */
struct ck_rs_scripts {
        struct script_cmd up, down;
        struct notify_queue nq;
};

struct ck_rs {
        struct ck_vs *vs;
        const struct conf_real_server *c;
        struct ck_checker *ck;
        size_t nck;
        const char *name;               /* "[10.0.0.2]:tcp:80", in its VS's names */
        struct ck_rs_scripts *sc;       /* NULL: neither script */
        int64_t dyn_weight;             /* MISC_CHECK's dynamic weight, with has_dyn */
        int64_t last_change;            /* wall clock, µs: when its health last changed */
        /* for the metrics: results fed to its checkers (ck_rs_results), and
         * their probes' latency (µs); the counts of the results other than
         * CHECK_OK are allocated at the first of them (a healthy server
         * never has one: 120 bytes saved at each) */
        uint64_t results_ok;
        uint64_t *results_other;        /* CHECK_RESULT_COUNT, or NULL: all 0 */
        uint64_t latency_sum, latency_count;
        uint32_t num_failed;
        enum check_admin_state admin;   /* the operator's override (check/admin.h) */
        bool has_dyn;
        bool seen, seen_alive;          /* for last_change: the health the pool last had */
};

struct ck_vs {
        struct check_engine *e;
        const struct conf_virtual_server *c;
        struct check_svc *svcs;
        size_t nsvcs;
        struct ck_rs *rs;
        size_t nrs;
        char *rs_names;                 /* every real server's name, end to end */
        struct check_vs_params params;
        struct check_rs_input *in;      /* nrs each, for check/quorum.h */
        struct check_rs_output *out;
        struct check_dest sorry;
        struct check_vs_result pool;
        bool started;
        bool suspended;                 /* ha_suspend, its address not on this host: no checks */
        char name[CK_NAME_MAX];         /* "[10.0.0.1]:tcp:80", "FWM 1", "[group]:80" */
        struct script_cmd qup, qdown;
        struct notify_queue nq;
};

/* A model replaced by a reload, kept until its scripts have ended: the
 * notify queues point into it. */
struct ck_model {
        struct ck_vs *vs;
        size_t nvs;
        struct conf *conf;
        struct ck_model *next;
};

struct nl;

struct check_engine {
        uv_loop_t loop;
        struct conf *conf;
        struct check_conf_loader load;
        struct check_run_opts opts;
        struct ck_vs *vs;
        size_t nvs;
        struct ck_model *retired;
        uv_timer_t free_soon;           /* frees the retired models once their timers have closed */
        struct check_prober *prober;
        struct ck_timers timers;        /* the probe groups' */
        bool ipvs_open;
        struct check_table current;     /* what the kernel has, as far as we know */
        uv_timer_t apply_soon;
        uv_timer_t shutdown;
        int64_t shutdown_until;
        struct wctl ctl;
        uv_signal_t sig_term, sig_int;
        uint64_t results[CHECK_RESULT_COUNT];   /* per user fed */
        uint64_t probes_run, results_fed;       /* one probe may feed several users */
        uint64_t latency_sum[CK_TYPES];         /* µs, per checker type, per probe run */
        uint64_t latency_count[CK_TYPES];
        struct filewatch files;                 /* FILE_CHECK's track_files */
        bool files_open;
        uint64_t rng;
        uint64_t batches, changes, refused;
        struct wreloads reloads;
        struct notify_fifo fifo[2];     /* notify_fifo, lvs_notify_fifo */
        struct script_cmd fifo_script;  /* lvs_notify_fifo_script */
        pid_t fifo_script_pid;
        struct nl *nl, *mon;            /* ha_suspend: the host's addresses (suspend.c) */
        uv_poll_t mon_poll;
        bool mon_open;
        struct addrtab addrs;
        pid_t sup_pid;
        bool sup_gone;
        struct check_admin admin;       /* the operator's overrides, by identity */
        bool admin_loaded;              /* from VIGIL_LVS_ADMIN_ENV, once */
        struct check_counters kc;       /* the kernel's counters, read for a status */
        bool kc_ok;
        struct check_leaving_set leaving;       /* drain_on_remove: removed, still in IPVS at weight 0 */
        uv_timer_t leave_timer;
        int exit_code;
};

/* sched.c */
uint32_t ck_random(struct check_engine *e);
int ck_model_build(struct check_engine *e, const struct conf *c, struct ck_vs **ret, size_t *ret_n);
void ck_model_free(struct ck_vs *vs, size_t n);
void ck_model_start(struct check_engine *e, int64_t now);
void ck_model_stop_checks(struct ck_vs *vs, size_t n);
void ck_vs_refresh(struct ck_vs *v, bool log_it);
void ck_vs_fill_inputs(struct ck_vs *v);
bool ck_model_idle(const struct ck_vs *vs, size_t n);
/* keep the state of the real servers and checkers a reload left unchanged,
 * matched by identity (check/carry.h): how many real servers kept all of
 * it, or -ENOMEM; old_kept[i]: the new model has the old ov[i] */
long ck_model_carry(struct ck_vs *nv, size_t nn, const struct ck_vs *ov, size_t on, bool *old_kept);
void ck_vs_omega(struct ck_vs *v);
/* every checker of v due now (ha_suspend resumes) */
void ck_vs_resume_checks(struct ck_vs *v, int64_t now);
/* stop the checkers and close their timers (the loop frees them) */
void ck_model_close(struct ck_vs *vs, size_t n);

/* The operator's overrides (sched.c, their own functions): */
/* the set on the model (at start and after a reload): loaded once from
 * the supervisor's copy, pruned of what the configuration removed */
void ck_admin_attach(struct check_engine *e);
/* an override on a real server's pool input, and its health's time */
void ck_admin_fill(struct ck_rs *rs, struct check_rs_input *in);
/* set one, re-decide its pool and apply the table now */
int ck_admin_apply(struct ck_rs *rs, enum check_admin_state st);
/* the set as the supervisor keeps it: [[state, vs, rs], ...] */
json_t *ck_admin_json(const struct check_engine *e);

/* A transition's FIFO line (reference §6.9) in each open notify FIFO. */
void ck_fifo_write(struct check_engine *e, enum notify_kind kind, const char *name, bool up);

/* Its destination as configured (built when needed: kept for each real
 * server it was 56 bytes). */
struct check_dest ck_rs_dest(const struct ck_rs *rs);
/* Who a checker probes for, as probe_key.h compares it. */
struct check_probe_who ck_who_of(const struct ck_checker *ck);

/* How many results r its checkers were fed. */
static inline uint64_t ck_rs_results(const struct ck_rs *rs, enum check_result r)
{
        return r == CHECK_OK ? rs->results_ok : rs->results_other ? rs->results_other[r] : 0;
}

/* The checker's last detail, "" for none; set from s ("" or NULL: none). */
const char *ck_detail(const struct ck_checker *ck);
void ck_set_detail(struct ck_checker *ck, const char *s);

/* One checker fed one result at now: its decision, log lines and
 * transitions; its next due time is stored. */
void ck_checker_feed(struct ck_checker *ck, const struct check_probe *p, int64_t now);

/* group_timer.c: a group's timer, libuv's semantics (ms from the loop's
 * time; starting again replaces the deadline) without a handle each */
void ck_timers_init(struct ck_timers *t, uv_loop_t *loop);
/* After the loop has closed the tick (uv_walk at the engine's end). */
void ck_timers_free(struct ck_timers *t);
void ck_timers_tick(uv_timer_t *h);
void ck_group_timer_init(struct ck_group *g);
void ck_group_timer_start(struct ck_group *g, uint64_t ms);
void ck_group_timer_stop(struct ck_group *g);
/* sched.c: a group's deadline has come (start its probe) */
void ck_group_due(struct ck_group *g);

/* file_check.c: FILE_CHECK's files, watched on the loop */
/* Read every FILE_CHECK's file and watch its directory; at_start: the
 * track_files' init_file first. */
void ck_files_start(struct check_engine *e, bool at_start);
/* The file's verdict as a checker result, applied (used at start before
 * the pools are decided, with apply false: the state only). */
void ck_file_eval(struct ck_checker *ck, bool apply);
/* Re-read every FILE_CHECK's file and apply what changed (after a reload). */
void ck_files_refresh(struct check_engine *e);
/* After the loop has closed the watcher's handle. */
void ck_files_free(struct check_engine *e);

/* suspend.c: ha_suspend */
void ck_suspend_sync(struct check_engine *e);
void ck_suspend_apply(struct check_engine *e);
void ck_suspend_close(struct check_engine *e);

/* engine.c */
void ck_table_changed(struct check_engine *e);
int ck_table_apply(struct check_engine *e, const struct check_table *release);
int ck_engine_swap(struct check_engine *e, struct conf *nc, json_t **ret_report);
void ck_retired_sweep_soon(struct check_engine *e);

/* leaving_run.c: drain_on_remove (check/leaving.h) */
void ck_leaving_init(struct check_engine *e);
/* At a reload, before the old model (e->vs) closes: the servers nc removes
 * from a VS that drains start leaving; those put back are carried back. */
void ck_leaving_reload(struct check_engine *e, const struct conf *nc, struct ck_vs *nv, size_t nn);
/* The leaving servers added to the desired table, at weight 0. */
int ck_leaving_extend(const struct check_engine *e, struct check_table *want);
/* Whether a leaving server still points into the retired model. */
bool ck_leaving_holds(const struct check_engine *e, const struct ck_vs *model);
json_t *ck_leaving_json(const struct check_engine *e, const struct ck_vs *v);
void ck_leaving_free(struct check_engine *e);
/* sched.c: what a real server of the old model gives the same one of the
 * new (its checkers' state, its history); whether all its checkers were kept */
bool ck_rs_carry(struct ck_rs *n, const struct ck_rs *o);

/* ctl.c */
void ck_ctl_attach(struct check_engine *e, int fd);
void ck_ctl_detach(struct check_engine *e);

/* status.c */
json_t *ck_status(const struct check_engine *e);
json_t *ck_summary(const struct check_engine *e);
const char *ck_svc_str(const struct check_svc *s, char *buf, size_t size);
