/* A configured script made ready to run: argv as keepalived splits it
 * (reference §2.4), the user, group and supplementary groups resolved once
 * at start-up, and the
 * enable_script_security check repeated before every run, since a script
 * can be replaced while we run. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

#include "common/spawn.h"
#include "conf/model.h"

struct script_cmd {
        char **argv;            /* NULL-terminated, owned */
        struct spawn_user user;
        bool secure_check;      /* enable_script_security and running as root */
        const char *what;       /* for logs: "VRRP_Script(chk)" */
};

/* Build from the configuration; user/group override the script's own
 * (vrrp_script's `user`). extra (NULL-terminated, may be NULL) is appended. */
int script_cmd_init(struct script_cmd *sc, const struct conf *c, const struct conf_script *s, const char *user,
                    const char *group, const char *what);
void script_cmd_free(struct script_cmd *sc);

/* Run with extra arguments appended (NULL-terminated, may be NULL). A refused
 * or failed start is reported through done() like any ending. */
int script_cmd_run(uv_loop_t *loop, const struct script_cmd *sc, const char *const *extra, int64_t timeout_ms,
                   spawn_done_fn done, void *ctx);
