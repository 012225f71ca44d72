/* vigilctl: shared between the command line (vigilctl.c) and the
 * renderers of the answers (vigilctl_print.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Per-command options: each command says which it takes. */
enum ctl_opt { OPT_LAST = 1, OPT_SINCE = 2, OPT_COUNT = 4, OPT_CHECK = 8 };

struct command;

/* What the command line asked for. */
struct ctl {
        const char *socket;
        bool json;
        unsigned opts;                  /* enum ctl_opt given */
        long long last, since, count;
        char **args;                    /* the operands after the command name */
        int nargs;
        const struct command *cmd;
};

/* Renderers; each returns the exit code. */
int print_status(json_t *ans);
int print_instance(json_t *ans);
int print_reload(json_t *ans);
int print_vs(json_t *ans);
int print_admin(json_t *ans);
/* The check worker's virtual servers in `status`. */
void print_virtual_servers(json_t *check);
void print_event(json_t *ev);
