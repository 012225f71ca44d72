/* A reload's carry-over by identity (keepalived-reference.md §6, issue 16):
 * which real server of the new model is which of the old one, and which
 * of its checkers are unchanged. Pure: identities and models in, index
 * maps out; the engine copies the state (check/sched.c).
 *
 * - A virtual server is its name ("[addr]:proto:port", "FWM n",
 *   "[group]:port": address, port and protocol, fwmark or group); a real
 *   server is its name within its virtual server (address and port).
 * - The lookups hash the identities: a reload of n real servers costs
 *   O(n), never the O(n²) of comparing every pair; a server found where
 *   it was (the same file) costs no hash at all.
 * - A checker is carried when an old checker of the same real server is
 *   the same probe on the same schedule (check_probe_key_equal's key, or
 *   for MISC_CHECK and FILE_CHECK their own parameters); each old checker
 *   is carried at most once, in order, so changing one of a real server's
 *   checkers restarts that one only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "check/probe_key.h"

/* One real server's identity: its virtual server's name and its own. */
struct check_carry_id {
        const char *vs;
        const char *rs;
};

struct check_carry_index;

/* An index of ids[0..n) (the old model's); NULL without memory. */
struct check_carry_index *check_carry_index_new(const struct check_carry_id *ids, size_t n);
void check_carry_index_free(struct check_carry_index *ix);

/* The index in the old model of the real server id, or -1. Each old real
 * server is given once: a second identical id (a duplicate) gets -1. */
ssize_t check_carry_take(struct check_carry_index *ix, const struct check_carry_id *id);

/* Whether the old id at is id and not yet given: it is given. The cheap
 * first try of a reload that moved nothing (no hashing at all). */
bool check_carry_take_at(struct check_carry_index *ix, size_t at, const struct check_carry_id *id);

/* The index of an id of the virtual server vs (any of its real
 * servers'), or -1 if none was indexed. */
ssize_t check_carry_find_vs(struct check_carry_index *ix, const char *vs);

/* Whether old and new are the same checker: the same probe (or script,
 * or file) on the same schedule. */
bool check_carry_same_checker(const struct check_probe_who *old, const struct check_probe_who *new_);

/* For each of the nn new checkers of a real server, the index of the old
 * checker it carries (ret_map[i]) or -1 (it restarts). Returns how many
 * are carried. */
size_t check_carry_checkers(const struct check_probe_who *old, size_t on, const struct check_probe_who *new_,
                            size_t nn, ssize_t *ret_map);
