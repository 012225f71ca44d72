/* PCRE2 linked (the tests and the fuzzers): see common/regex_api.h. */
#include "common/regex_api.h"

static const struct pcre2_api linked = {
        .compile = pcre2_compile,
        .code_free = pcre2_code_free,
        .get_error_message = pcre2_get_error_message,
        .jit_compile = pcre2_jit_compile,
        .jit_stack_create = pcre2_jit_stack_create,
        .jit_stack_assign = pcre2_jit_stack_assign,
        .jit_stack_free = pcre2_jit_stack_free,
        .match_data_create_from_pattern = pcre2_match_data_create_from_pattern,
        .match_context_create = pcre2_match_context_create,
        .match_context_free = pcre2_match_context_free,
        .match_data_free = pcre2_match_data_free,
        .set_offset_limit = pcre2_set_offset_limit,
        .match = pcre2_match,
        .get_ovector_pointer = pcre2_get_ovector_pointer,
};

const struct pcre2_api *pcre2_api(void)
{
        return &linked;
}
