/* PCRE2 through a table of its functions, so that the pure code that
 * compiles and matches url regexes (conf/kw_checkers.c, check/http_verdict.c)
 * does not tie the library to every process. The daemon and vigil-genhash
 * link common/pcre2_lazy.c, which opens libpcre2-8 the first time a
 * configuration has a regex (common/lazylib.h): a VRRP-only vigild never
 * maps it. The tests and fuzzers link common/pcre2_linked.c, the library
 * itself. */
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct pcre2_api {
        __typeof__(pcre2_compile) *compile;
        __typeof__(pcre2_code_free) *code_free;
        __typeof__(pcre2_get_error_message) *get_error_message;
        __typeof__(pcre2_jit_compile) *jit_compile;
        __typeof__(pcre2_jit_stack_create) *jit_stack_create;
        __typeof__(pcre2_jit_stack_assign) *jit_stack_assign;
        __typeof__(pcre2_jit_stack_free) *jit_stack_free;
        __typeof__(pcre2_match_data_create_from_pattern) *match_data_create_from_pattern;
        __typeof__(pcre2_match_context_create) *match_context_create;
        __typeof__(pcre2_match_context_free) *match_context_free;
        __typeof__(pcre2_match_data_free) *match_data_free;
        __typeof__(pcre2_set_offset_limit) *set_offset_limit;
        __typeof__(pcre2_match) *match;
        __typeof__(pcre2_get_ovector_pointer) *get_ovector_pointer;
};

/* The functions, or NULL when the library cannot be loaded (the lazy
 * provider logs why, once). */
const struct pcre2_api *pcre2_api(void);
