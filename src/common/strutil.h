/* Small string helpers shared by the config language and the tools. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
 * giving up and returning limit+1 once the distance exceeds limit. */
size_t str_edit_distance(const char *a, const char *b, size_t limit);

/* The candidate closest to word, if it is close enough to be a plausible
 * typo (distance ≤ 2, or ≤ a third of the word's length for long words);
 * NULL otherwise. Ties go to the longer shared prefix, then the first. */
const char *str_closest(const char *word, const char *const *candidates, size_t n);

bool str_has_prefix(const char *s, const char *prefix);
/* Inline: the lexer asks it of every byte of the configuration. */
static inline bool str_is_blank_char(char c)
{
        return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}
