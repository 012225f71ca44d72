/* Between the prober (probe.c) and the probes of each type (probe_tcp.c,
 * probe_misc.c, probe_http.c, probe_smtp.c, probe_dns.c, probe_udp.c,
 * probe_ping.c; FILE_CHECK is no probe: check/sched.c watches its file),
 * and the socket helpers they share (probe_sock.c). A run is freed when nothing holds it any more: the
 * prober's own reference (dropped when it reports or is cancelled), each
 * open libuv handle, and a script whose ending has not been reported. */
#pragma once

#include <sys/types.h>

#include "check/probe.h"
#include "worker/script.h"

struct check_probe_run {
        struct check_prober *p;         /* NULL once reported or cancelled */
        struct check_probe_run *prev, *next;
        bool running;                   /* in p's running list, else waiting */
        const struct conf_virtual_server *vs;
        const struct conf_real_server *rs;
        const struct conf_checker *ck;
        int64_t started;
        check_probe_done_fn done;
        void *ctx;
        unsigned holds;
        uv_timer_t timer;               /* the whole probe's timeout, or an early report */
        bool timer_open;
        bool grace;                     /* the timeout waited once for a ready socket */
        uv_timer_cb on_timeout;         /* the probe type's, once the timeout stands */
        int poll_events;                /* what poll watches for (UV_READABLE/UV_WRITABLE) */
        enum check_result early;        /* what the early report says */
        int64_t dispatched;             /* µs: when it left the queue (latency counts from here) */
        void *priv;                     /* a probe type's own state; its stop() lets go of it */
        /* TCP_CHECK */
        uv_poll_t poll;
        bool poll_open;
        int fd;
        /* MISC_CHECK */
        pid_t pid;                      /* >0 while the script runs */
};

uv_loop_t *probe_loop(const struct check_probe_run *r);
/* The configuration's root SSL block (SSL_GET), while the probe runs. */
const struct conf_ssl *probe_ssl(const struct check_probe_run *r);
/* The checker's script made ready once per configuration; NULL if it
 * cannot run (said once, when it was made ready). */
const struct script_cmd *probe_script(struct check_probe_run *r);

/* The ending, reported from a loop callback; ignored once cancelled. */
void probe_report(struct check_probe_run *r, const struct check_probe *res);
/* Report result on the next loop turn (a failure found while starting). */
void probe_report_later(struct check_probe_run *r, enum check_result result);
void probe_hold(struct check_probe_run *r);
void probe_release(struct check_probe_run *r);
/* uv_close callback for handles embedded in a run. */
void probe_handle_closed(uv_handle_t *h);

/* Report result with a detail (printf-style; NULL: none) from a loop
 * callback; the latency is filled in by the prober. */
void probe_finish(struct check_probe_run *r, enum check_result result, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* A probe type. start: the ending always comes through probe_report /
 * probe_finish, from the loop (probe_report_later for a failure found
 * while starting). stop: close what is open, kill what runs, free priv;
 * no report follows. stop is called once, after the report or on cancel. */
struct probe_ops {
        void (*start)(struct check_probe_run *r);
        void (*stop)(struct check_probe_run *r);
};
extern const struct probe_ops probe_tcp_ops, probe_misc_ops, probe_http_ops, probe_smtp_ops, probe_dns_ops,
        probe_udp_ops, probe_ping_ops;

/* ---- probe_sock.c: what every socket probe does the same way ---- */

/* keepalived's "[ip]:tcp:port" (proto "tcp", "udp", "icmp"), so that
 * users grep the same way. */
const char *probe_dst_str(const struct check_probe_run *r, const char *proto, char *buf, size_t size);
/* A failure on vigil's side, logged with keepalived's wording:
 * "<CHECKER> to <dst>: <what> (<strerror>). Rescheduling." */
void probe_local_failure(struct check_probe_run *r, const char *what, int err);
/* r->fd: a non-blocking socket of t's family and this type and protocol,
 * with fwmark, bind_if, the IPv6 scope and bindto/bind_port applied.
 * 0, or -1 once the failure is logged (the caller reports CHECK_ERROR). */
int probe_sock_open(struct check_probe_run *r, struct check_probe_target *t, int type, int protocol);
/* Watch r->fd with r->poll (holding r while it is open). 0 or -errno. */
int probe_poll_start(struct check_probe_run *r, int events, uv_poll_cb cb);
/* Arm the whole probe's timeout from now (not from the loop's last
 * wake-up). */
void probe_timeout_start(struct check_probe_run *r, int64_t usec, uv_timer_cb cb);
/* check_probe_target_of failed with err: logged as vigil's side and
 * reported (CHECK_ERROR) on the next loop turn. */
void probe_target_failed(struct check_probe_run *r, int err);
/* A zeroed state of size bytes for a probe, or NULL once "out of memory"
 * is logged and CHECK_ERROR reported. */
void *probe_priv_new(struct check_probe_run *r, size_t size);
/* Datagram probes (UDP, PING): keep every ICMP error as the connected
 * socket's pending error (IP_RECVERR), and report a connect()/send()
 * that failed at the call. */
int probe_want_icmp_errors(int fd, int family);
void probe_fail_at_call(struct check_probe_run *r, const char *what, int err);
/* Close r->poll and r->fd, whichever are open. */
void probe_sock_close(struct check_probe_run *r);
