/* A virtual server's pool: its quorum, hysteresis and sorry server
 * (keepalived-reference.md §6.5), inhibit_on_failure and the weights
 * (§6.3), and what alpha and omega change at start and stop (§6.2, §6.4).
 * Pure: the real servers' health and weights in; the quorum state, the
 * scripts to run, and per real server whether it belongs in the IPVS table
 * and at what weight, out. No I/O.
 *
 * The rules, with quorum Q and hysteresis H:
 * - the weight sum W adds the effective weight of every alive real server
 *   (a drained one adds nothing: it takes no new connections);
 * - at start the quorum is up iff W >= Q+H, and no script runs;
 * - while down it is gained when W >= Q+H: quorum_up runs;
 * - while up it is lost when W == 0 or W < Q-H: quorum_down runs;
 * - keepalived.conf.quorum (10 servers of weight 1, Q 7, H 2) so gains
 *   quorum at 9 alive servers and loses it at 4;
 * - a lost quorum with a sorry server replaces the pool with the sorry
 *   server at weight 1; without one the pool stays as health has it;
 * - a real server out of service is removed from the table, or kept at
 *   weight 0 with inhibit_on_failure;
 * - one the operator disabled (check/admin.h) is out of the table and
 *   adds nothing, whatever its health and inhibit_on_failure;
 * - a sorry server not in use is removed, or kept at weight 0 with
 *   sorry_server_inhibit.
 * Q and H are taken as conf/validate_lvs.c leaves them (Q reduced to the
 * total weight, H < Q); W == 0 still loses quorum if they are not. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/decide.h"

/* IPVS holds weights as a signed 32-bit value. */
#define CHECK_WEIGHT_MAX 2147483647LL

struct check_rs_input {
        bool alive;                     /* no checker of it is failed */
        int64_t weight;                 /* configured, or MISC_CHECK's dynamic weight */
        bool inhibit_on_failure;
        bool drained;                   /* operator drain: weight 0, not counted */
        bool disabled;                  /* operator disable: out of the table, not counted */
};

struct check_rs_output {
        bool in_table;                  /* a destination in the IPVS service */
        int64_t weight;                 /* its weight, 0..CHECK_WEIGHT_MAX */
        bool notify_up;                 /* start with rs_init_notifies: run notify_up */
        bool notify_down;               /* stop with omega: run notify_down */
};

struct check_vs_params {
        uint32_t quorum;
        uint32_t hysteresis;
        bool has_sorry_server;
        bool sorry_server_inhibit;
        bool omega;                     /* run the down scripts at stop */
        bool rs_init_notifies;          /* run notify_up at start for alive servers */
};

struct check_vs_result {
        int64_t weight_sum;             /* W */
        bool quorum_up;                 /* store this as the quorum state */
        enum check_change change;       /* quorum gained (UP) or lost (DOWN) */
        int64_t threshold;              /* for the log: Q+H on a gain, Q-H on a loss */
        bool run_quorum_up;
        bool run_quorum_down;
        bool sorry_active;              /* the sorry server serves instead of the pool */
        bool sorry_in_table;
        int64_t sorry_weight;
};

/* The effective weight IPVS gets: clamped to 0..CHECK_WEIGHT_MAX. */
int64_t check_rs_weight(int64_t weight);

/* The pool at start: the quorum from W alone, no quorum script; with
 * rs_init_notifies, notify_up for each alive real server. out has n
 * entries, one per rs. */
void check_vs_start(const struct check_vs_params *p, const struct check_rs_input *rs, size_t n,
                    struct check_rs_output *out, struct check_vs_result *ret);

/* The pool after a change of health or weight, from the current quorum
 * state quorum_up. Idempotent: with nothing changed it changes nothing. */
void check_vs_update(const struct check_vs_params *p, bool quorum_up, const struct check_rs_input *rs, size_t n,
                     struct check_rs_output *out, struct check_vs_result *ret);

/* Stopping (shutdown, or the virtual server removed by a reload): with
 * omega, quorum_down runs if the quorum is up and notify_down for each
 * alive real server; without omega nothing runs. The table entries are
 * the same as check_vs_update's: removing the service from IPVS (or
 * keeping it) is the table diff's business (check/table.h). */
void check_vs_stop(const struct check_vs_params *p, bool quorum_up, const struct check_rs_input *rs, size_t n,
                   struct check_rs_output *out, struct check_vs_result *ret);
