/* Shared between lexer.c, expand.c and tokens.c; not a public interface. */
#pragma once

#include "conf/lexer.h"

/* A piece of text with the source column of each byte. */
struct ltext {
        char *s;
        int *col;
        size_t len;
        size_t cap;
};

struct definition {
        char *name;
        char **lines;      /* one line, or several for a multi-line definition */
        size_t nlines;
        bool multiline;
        struct definition *next;
};

struct lex_file {
        const char *path;  /* as given (arena) */
        const char *dir;   /* directory of path (arena) */
        struct lex_file *parent;
        int depth;
};

struct lexer {
        struct arena *arena;         /* what outlives the lines: file names, source text */
        struct arena *scratch;       /* what does not: line text, columns, tokens */
        const struct conf_lex_opts *opts;
        struct diag_list *diags;
        struct conf_lines *out;
        struct lex_file *file;       /* file being read */
        struct conf_pos pos;         /* physical line being processed */
        struct definition *defs;
        struct definition *capturing; /* multi-line definition being read */
        unsigned long long rng;
        size_t work;                  /* expansion steps, bounded by the budget */
        size_t bytes;                 /* expanded text processed, bounded too */
        bool over_budget;
        int *ident;                   /* 1, 2, 3...: the columns of an ASCII line's bytes */
        size_t nident;
};

#define LEX_MAX_INCLUDE_DEPTH 32
#define LEX_MAX_EXPANSION_DEPTH 64
#define LEX_MAX_GENERATED_LINES 2000000
#define LEX_MAX_LINE 65536
/* Lines alone do not bound memory: 64 KiB lines reach gigabytes long before
 * the line budget. 16 MiB of expanded text is ~10x a 1,000-instance file. */
#define LEX_MAX_EXPANDED_BYTES (16u << 20)

void ltext_init(struct ltext *t);
void ltext_free(struct ltext *t);
void ltext_push(struct ltext *t, char c, int col);
void ltext_push_str(struct ltext *t, const char *s, size_t n, int col);
void ltext_from(struct ltext *t, const char *s, size_t n, const int *cols);

void lex_error(struct lexer *lx, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void lex_warning(struct lexer *lx, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Comment and blank stripping (keepalived's decomment rules). Returns false
 * after reporting an unterminated quote. */
bool lex_decomment(struct lexer *lx, const struct ltext *in, struct ltext *out);

/* Conditionals, definitions, substitution and sequences; emits finished
 * lines through lex_emit(). */
void lex_process(struct lexer *lx, const struct ltext *t, int depth);
/* Feed a continuation line of a multi-line definition; true if consumed. */
bool lex_continue_definition(struct lexer *lx, const struct ltext *t);
void lex_end_definition(struct lexer *lx);
void lex_free_definitions(struct lexer *lx);

/* Includes, brace splitting and tokenising of a fully expanded line. */
void lex_emit(struct lexer *lx, const struct ltext *t, int depth);

/* Split a logical line into tokens (ordinary keyword rules). */
bool lex_tokenize(struct lexer *lx, struct conf_line *ln, const int *cols);
