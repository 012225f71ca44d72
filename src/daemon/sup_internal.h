/* The supervisor's parts, shared by its files: supervisor.c (the run,
 * reload, signals, systemd, metrics), workers.c (the worker table),
 * control.c (the client socket and the command routing) and
 * events_ring.c (the event history). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "daemon/evpack.h"
#include "daemon/evring.h"
#include "daemon/supervisor.h"

struct sup;
struct prom_out;
struct leftovers;

/* The events kept for `vigilctl events -n N` / `--since SEQ`: the last
 * 1,000, or fewer if they do not fit in 64 KiB (a transition packs into
 * about 40 bytes, and 12 more in the ring). */
#define EVENT_RING 1000
#define EVENT_RING_BYTES (64 * 1024)
#define STOP_GRACE_MS 5000

enum worker_kind_id { WK_VRRP, WK_CHECK, WK_COUNT };

/* What differs between worker kinds. */
struct worker_kind {
        const char *name;               /* "vrrp", "check": VIGIL_WORKER's value and the status key */
        const char *title;              /* "VRRP worker", in the log and the errors */
        void (*render)(struct prom_out *o, json_t *status); /* its metrics series */
        /* NULL: vigild itself (/proc/self/exe); else the name of its own
         * executable, found as daemon/worker_exec.h says */
        const char *executable;
        /* What a dead worker may leave on the host, to remove before a peer
         * takes over (VIPs and VMACs); NULL: nothing (the checker's IPVS
         * table must survive its crash). */
        struct leftovers *(*leftovers_of)(const struct conf *c);
};

extern const struct worker_kind worker_kinds[WK_COUNT];

struct client {
        struct ipc *ch;
        bool events;
        struct sup *s;
        struct client *next;
};

/* A client's request sent to one or several workers; answered once every
 * one of them has replied or died. */
struct fanout {
        struct sup *s;
        struct client *cl;              /* NULL: the client left, or the supervisor asked */
        json_t *client_id;
        json_t *req;                    /* the request as the client sent it */
        json_t *diags;                  /* reload: the supervisor's validation, added to the reply */
        bool reload;                    /* tell systemd READY=1 when it is done */
        bool query;                     /* status/show/dump/scrape: answered from the fresh statuses */
        unsigned left;                  /* replies still awaited */
        json_t *replies[WK_COUNT];      /* NULL: not asked, or the worker died first */
        struct fanout *next;            /* in s->fanouts */
};

/* One request in flight to one worker. */
struct pending {
        json_int_t id;
        struct fanout *fan;
        int snapfd;                     /* reload: the snapshot the worker opens, held until it answers */
        struct pending *next;
};

struct worker_slot {
        const struct worker_kind *kind;
        struct sup *s;
        bool wanted;                    /* the command line and the configuration want it running */
        uv_process_t *proc;
        struct ipc *ch;
        int64_t started;
        unsigned restarts, backoff_s;
        uv_timer_t respawn;
        struct pending *pending;
        json_t *status;                 /* its fresh status, borrowed while a query is answered */
        int64_t last_heartbeat;
        struct { unsigned instances, master, backup, fault; } counts;
        struct leftovers *leftovers;    /* of the running configuration; NULL for none */
        const struct pidfile *pidfile;  /* names the running worker; NULL for none */
        char *env_extra;                /* VRRP: the demoted instances, as VIGIL_DEMOTED_ENV=...; check: the overrides */
        int exec_fd;                    /* kind->executable, opened at its first start; -1 before (and without one) */
        char exec_path[32];             /* what is exec'd: /proc/self/fd/N of exec_fd */
};

struct sup {
        uv_loop_t loop;
        const struct supervisor_opts *o;
        struct worker_slot slot[WK_COUNT];
        int exit_code;
        uv_timer_t kill_timer;
        uv_timer_t orphan_kill;         /* SIGKILL for a dead worker's scripts */
        uv_signal_t chld;               /* reaps them */
        struct metrics *metrics;
        char *metrics_listen;
        uv_async_t scrape;              /* a scrape wants fresh numbers */
        bool ready;
        char last_sd_status[160];
        uv_timer_t watchdog;
        json_int_t seq, next_id;
        struct {
                /* packed (daemon/evpack.h): a thousand jansson objects
                 * would hold about a megabyte, their JSON text 170 KB,
                 * packed about 40 KB and the dictionary of their names;
                 * in one block of EVENT_RING_BYTES (daemon/evring.h) */
                struct evring kept;
                struct evpack_dict dict;
                /* a second after a burst of events (a start, a failover
                 * of every instance), the heap's pages that their JSON
                 * freed go back: glibc keeps them otherwise */
                uv_timer_t trim;
        } ring;
        struct client *clients;
        struct fanout *fanouts;
        int ctl_fd;
        uv_poll_t ctl_poll;
        uv_signal_t sig[3], fwd[4];
        bool stopping;
        int snapfd;                     /* the validated configuration, for every worker spawned */
        struct {
                unsigned count, failed;
                int64_t last_time;
                bool last_ok;
                bool prepared;          /* this reload's workers are parsing its snapshot already */
        } reload;
};

/* supervisor.c */
void sup_refresh_metrics(struct sup *s);
void sup_tell_systemd(struct sup *s);
void sup_notify(const char *msg);
void sup_reload(struct sup *s, struct client *cl, json_t *req);
void sup_reload_check(struct sup *s, struct client *cl, json_t *req);

/* workers.c */
void workers_init(struct sup *s, const struct conf *c);
void workers_free(struct sup *s);
/* Start the wanted slots that are not running (at start, after a reload). */
void workers_start_wanted(struct sup *s);
/* Drop the demoted names nc no longer configures. */
void workers_prune_demoted(struct sup *s, const struct conf *nc);
bool worker_running(const struct worker_slot *w);
unsigned workers_running(const struct sup *s);
/* Send a request to the running workers in mask (1 << kind); the answer
 * goes to cl when all have replied (fanout_done). snapfd (owned; -1 for
 * none) is dup'd for each worker and named to it as /proc/OURPID/fd/N.
 * NULL (snapfd closed) if none of them is running. */
struct fanout *workers_send(struct sup *s, unsigned mask, struct client *cl, json_t *req, int snapfd);
/* The worker table as JSON: [{"kind", "pid", "running", "restarts"}, ...]. */
json_t *workers_json(const struct sup *s);
json_t *worker_json(const struct worker_slot *w);
void workers_stop(struct sup *s, int sig);
void workers_close(struct sup *s);
/* A client went away: its requests are answered to nobody. */
void workers_forget_client(struct sup *s, struct client *cl);

/* control.c */
int control_open(struct sup *s);
void control_close(struct sup *s);
/* Every worker asked has answered (or died): answer the client. */
void fanout_done(struct fanout *f);
/* status/show/dump from the slots' fresh statuses (or without). */
json_t *local_answer(struct sup *s, json_t *req);
json_t *answer(json_t *id, bool ok);

/* lvs_admin.c: the check worker's overrides, kept for its successor */
void lvs_admin_keep(struct worker_slot *w, json_t *set);
/* an inherited VIGIL_LVS_ADMIN_ENV=..., never passed on */
bool lvs_admin_env(const char *env);
/* show-vs: one virtual server of the check worker's status */
json_t *lvs_show_vs(struct sup *s, json_t *req);

/* events_ring.c */
void events_init(struct sup *s);
void events_broadcast(struct sup *s, json_t *ev);
void events_replay(struct sup *s, struct client *cl, json_int_t since, json_int_t last);
void events_free(struct sup *s);
