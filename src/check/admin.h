/* The operator's overrides of real servers (`vigilctl drain|enable|disable
 * VS RS`): pure, no I/O. An override names its real server by identity,
 * the virtual server's name as status prints it ("[10.0.0.1]:tcp:80",
 * "FWM 1", "[group]:80") and the real server's ("[10.0.0.2]:tcp:80"), so
 * that a reload keeping both keeps it and one removing either drops it.
 *
 * The rules (check/quorum.h applies them to the pool):
 * - active: the checked state, nothing overridden (no entry is kept);
 * - drained: in the table at weight 0 while its checks pass (no new
 *   connections, the existing ones finish); its weight is not counted
 *   for the quorum; a server whose checks fail stays out as it would;
 * - disabled: out of the table whatever its checks say, not counted.
 * The checkers go on in every state, so enable returns at once to what
 * the checks say. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/quorum.h"

/* The supervisor hands a restarted check worker the set in this variable
 * (JSON: [[state, vs, rs], ...]). */
#define VIGIL_LVS_ADMIN_ENV "VIGIL_LVS_ADMIN"
#define CHECK_ADMIN_NAME 128

enum check_admin_state { CHECK_ADMIN_ACTIVE, CHECK_ADMIN_DRAINED, CHECK_ADMIN_DISABLED };

struct check_admin_entry {
        char vs[CHECK_ADMIN_NAME];
        char rs[CHECK_ADMIN_NAME];
        enum check_admin_state state;
};

struct check_admin {
        struct check_admin_entry *v;
        size_t n;
};

/* "active", "drained", "disabled". */
const char *check_admin_state_name(enum check_admin_state s);
/* The state a command leads to: "drain", "enable" (and its alias
 * "undrain"), "disable"; -EINVAL for any other. */
int check_admin_state_of_cmd(const char *cmd);
/* The state a name means ("active", ...); -EINVAL for any other. */
int check_admin_state_of_name(const char *name);

/* Set vs/rs's state (active removes the entry). 0, -ENAMETOOLONG, -ENOMEM. */
int check_admin_set(struct check_admin *a, const char *vs, const char *rs, enum check_admin_state st);
enum check_admin_state check_admin_get(const struct check_admin *a, const char *vs, const char *rs);
/* Keep only the entries exists() says are still configured; dropped()
 * (may be NULL) hears each one removed. Returns how many went. */
size_t check_admin_prune(struct check_admin *a, bool (*exists)(void *ctx, const char *vs, const char *rs),
                         void (*dropped)(void *ctx, const struct check_admin_entry *en), void *ctx);
void check_admin_free(struct check_admin *a);

/* An override on the pool's input for its real server. */
void check_admin_input(enum check_admin_state st, struct check_rs_input *in);

/* Whether the operator's query names the virtual server: its name exactly
 * ("[10.0.0.1]:tcp:80"), one of its services ("10.0.0.1:80", "FWM 1"),
 * "fwmark N", its address and port without the protocol ("[10.0.0.1]:80"),
 * or the group name of a virtual_server_group (group may be NULL). */
bool check_admin_vs_match(const char *query, const char *name, const char *const *svcs, size_t nsvcs,
                          const char *group);
/* Whether the query names the real server of name ("[10.0.0.2]:tcp:80")
 * at addr/port: its name, "10.0.0.2:80", "[10.0.0.2]:80", or "10.0.0.2"
 * (the caller refuses an address that names several). */
bool check_admin_rs_match(const char *query, const char *name, const char *addr, unsigned port);
