/* Word splitting for script-type keywords (notify*, script, misc_path,
 * quorum_up/down, ...), which keepalived re-parses from the raw line:
 * both quote kinds, touching pieces concatenate, and the command word is
 * split again into argv with C-style escapes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"

struct script_words {
        char **word;
        size_t count;
};

/* Outer split of text (escapes kept as written). Returns false and sets
 * *ret_err on an unterminated quote. */
bool script_split_outer(struct arena *a, const char *text, struct script_words *ret,
                        const char **ret_err);
/* argv split of a command word: quotes as above plus \n \t \xHH \nnn \cC. */
bool script_split_argv(struct arena *a, const char *cmd, struct script_words *ret,
                       const char **ret_err);
