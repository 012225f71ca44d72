/* Probes: one attempt of one checker against one real server, on the
 * check worker's libuv loop (an edge: sockets and child processes).
 * Issue 14 has TCP_CHECK and MISC_CHECK; part 2 adds the others behind the
 * same interface. The caller (check/engine.c) owns scheduling and the
 * decisions (check/decide.h); a probe only says what happened, with a
 * named result, and never blocks the loop.
 *
 * What a probe reads from the model, resolved as keepalived does:
 * connect_ip (default the real server's address), connect_port (default
 * the real server's port; for a fwmark service the checker's own),
 * bindto / bind_port / bind_if, fwmark (SO_MARK on the probe's socket),
 * connect_timeout (TCP: the whole probe) and misc_path / misc_timeout /
 * the script user (MISC). A failure on vigil's side (cannot bind bindto,
 * no route, EMFILE, fork failed) is CHECK_ERROR, never a server failure. */
#pragma once

#include <stdint.h>
#include <uv.h>

#include "check/decide.h"
#include "check/probe_addr.h"
#include "conf/model.h"

struct check_prober;
struct check_probe_run;

/* Called exactly once per started probe, unless it was cancelled first;
 * result->started is the start time given to check_probe_start. */
typedef void (*check_probe_done_fn)(void *ctx, const struct check_probe *result);

/* A prober for the loop: at most max_in_flight probes run at once, the
 * others wait in order (0: no cap). c is the configuration the probes'
 * models belong to (the script user, script security); it may be swapped
 * by check_prober_set_conf on reload. */
int check_prober_open(uv_loop_t *loop, const struct conf *c, unsigned max_in_flight, struct check_prober **ret);
void check_prober_set_conf(struct check_prober *p, const struct conf *c);
/* Cancels every probe still running or waiting (no callback). */
void check_prober_close(struct check_prober *p);

/* Start ck (a checker of rs in vs) at now (monotonic µs); NULL on ENOMEM
 * (the caller retries later). The models must outlive the probe. */
struct check_probe_run *check_probe_start(struct check_prober *p, const struct conf_virtual_server *vs,
                                          const struct conf_real_server *rs, const struct conf_checker *ck,
                                          int64_t now, check_probe_done_fn done, void *ctx);
/* The probe is dropped: its socket closed, its script killed; done is
 * not called. */
void check_probe_cancel(struct check_probe_run *r);

/* Probes running and waiting, for status. */
unsigned check_prober_in_flight(const struct check_prober *p);
unsigned check_prober_waiting(const struct check_prober *p);

