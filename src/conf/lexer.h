/* The keepalived.conf line reader: physical lines in, logical lines of
 * positioned tokens out. Handles comments, quotes, braces split anywhere,
 * include (globs, depth and loop protection), @ conditional lines, $NAME
 * definitions with substitution, multi-line definitions and ~SEQ/~LST.
 * Pure: files are reached only through struct conf_fs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "conf/diag.h"

/* How the reader reaches files; the daemon uses the POSIX one, tests an
 * in-memory one. Functions return 0 or a negative errno. */
struct conf_fs {
        /* Whole file into a malloc'd buffer. -EISDIR for directories; for
         * included files, -EPERM when not regular or an execute bit is set. */
        int (*read_file)(void *ctx, const char *path, bool included, char **ret_data, size_t *ret_len);
        /* Paths matching a glob pattern without braces, sorted, as a
         * malloc'd array of malloc'd strings (count 0 if nothing matches). */
        int (*glob)(void *ctx, const char *pattern, char ***ret_paths, size_t *ret_count);
        void *ctx;
};

struct conf_lex_opts {
        const struct conf_fs *fs;
        const char *config_id;                   /* for @ID lines */
        const char *(*getenv_fn)(const char *name); /* for ${_ENV NAME}; may be NULL */
        unsigned random_seed;                    /* for ${_RANDOM} */
        bool all_config;                         /* -e: include problems are errors */
        size_t max_lines;                        /* 0: LEX_MAX_GENERATED_LINES */
        bool no_source_lines;                    /* positions without their line's text */
};

/* 16 bytes, and conf_line 48: a large file has hundreds of thousands of
 * lines, all held until the parse ends. */
struct conf_token {
        const char *s;  /* unquoted text */
        int col;        /* source column, 1-based, in characters */
        uint32_t off : 31; /* byte offset of the token (its opening quote) in the line text */
        bool quoted : 1;
};

struct conf_line {
        struct conf_pos pos;   /* where the line starts in the source */
        const char *text;      /* decommented, substituted text of the logical line */
        struct conf_token *tok;
        int end_col;           /* source column just past the text (the columns of its bytes are
                                * the lexer's only while it tokenizes: they would be 4x the text) */
        uint32_t ntok;
};

struct conf_lines {
        struct conf_line *items;
        size_t count;
        size_t capacity;
        struct conf_pos end;   /* end of the main file, for "missing '}'" */
        /* Line texts, columns and tokens: needed only while parsing, and
         * about thirty times the size of the model built from them. */
        struct arena scratch;
};

/* Read path and everything it includes. File names and source lines (what
 * positions point to) live in a; the lines themselves in ret->scratch, until
 * conf_lines_free().
 * Returns 0, or -ENOENT etc. when the main file cannot be read (a fatal
 * diagnostic has been added). */
int conf_lex(struct arena *a, const struct conf_lex_opts *opts, const char *path,
             struct conf_lines *ret, struct diag_list *diags);
void conf_lines_free(struct conf_lines *l);

/* Position of token i of a line (i may equal ntok: just past the end). */
struct conf_pos conf_line_pos(const struct conf_line *ln, size_t i);
