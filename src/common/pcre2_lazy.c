/* PCRE2 opened the first time a url regex is compiled or matched (the
 * daemon, vigil-genhash): see common/regex_api.h. The names are the
 * library's 8-bit symbols, which pcre2.h's macros stand for. */
#include "common/lazylib.h"
#include "common/regex_api.h"

static struct pcre2_api lazy;

static const struct lazysym pcre2_syms[] = {
        LAZYSYM(struct pcre2_api, compile, "pcre2_compile_8"),
        LAZYSYM(struct pcre2_api, code_free, "pcre2_code_free_8"),
        LAZYSYM(struct pcre2_api, get_error_message, "pcre2_get_error_message_8"),
        LAZYSYM(struct pcre2_api, jit_compile, "pcre2_jit_compile_8"),
        LAZYSYM(struct pcre2_api, jit_stack_create, "pcre2_jit_stack_create_8"),
        LAZYSYM(struct pcre2_api, jit_stack_assign, "pcre2_jit_stack_assign_8"),
        LAZYSYM(struct pcre2_api, jit_stack_free, "pcre2_jit_stack_free_8"),
        LAZYSYM(struct pcre2_api, match_data_create_from_pattern, "pcre2_match_data_create_from_pattern_8"),
        LAZYSYM(struct pcre2_api, match_context_create, "pcre2_match_context_create_8"),
        LAZYSYM(struct pcre2_api, match_context_free, "pcre2_match_context_free_8"),
        LAZYSYM(struct pcre2_api, match_data_free, "pcre2_match_data_free_8"),
        LAZYSYM(struct pcre2_api, set_offset_limit, "pcre2_set_offset_limit_8"),
        LAZYSYM(struct pcre2_api, match, "pcre2_match_8"),
        LAZYSYM(struct pcre2_api, get_ovector_pointer, "pcre2_get_ovector_pointer_8"),
};
static struct lazylib pcre2_lib = LAZYLIB("libpcre2-8.so.0", "url regex", pcre2_syms, lazy);

const struct pcre2_api *pcre2_api(void)
{
        return lazylib_get(&pcre2_lib) ? &lazy : NULL;
}
