/* Range-checked readers for keyword arguments. Each reports its own error
 * at the argument's position and returns false, leaving *ret untouched. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/addr.h"
#include "conf/parser.h"

bool read_int64(struct parser *p, const struct conf_line *ln, size_t i, int64_t min, int64_t max,
                int64_t *ret);
/* Decimal seconds with up to 6 places, into microseconds. */
bool read_timer(struct parser *p, const struct conf_line *ln, size_t i, int64_t min_us, int64_t max_us,
                int64_t *ret);
/* yes/no/on/off/true/false, lowercase; a missing argument is true. */
bool read_bool_opt(struct parser *p, const struct conf_line *ln, size_t i, bool *ret);
bool read_ip(struct parser *p, const struct conf_line *ln, size_t i, struct conf_ip *ret);
/* An address where keepalived also takes ADDR/PLEN and drops the prefix
 * (unicast_src_ip, unicast_peer): accepted with a warning. */
bool read_ip_drop_prefix(struct parser *p, const struct conf_line *ln, size_t i, const char *what,
                         struct conf_ip *ret);
/* ADDR[/PLEN]; PLEN defaults to the full length. */
bool read_prefix(struct parser *p, const struct conf_line *ln, size_t i, struct conf_ip *ret,
                 uint8_t *ret_len, bool *ret_len_given);
/* A weight and an optional following reverse/noreverse, from index i
 * ("weight" keyword at i). Returns the number of tokens consumed. */
size_t read_weight(struct parser *p, const struct conf_line *ln, size_t i, int min, int max,
                   int *ret_weight, int *ret_reverse);
/* The script-type keyword on ln: quoted command, optional user and group. */
bool read_script(struct parser *p, const struct conf_line *ln, struct conf_script *ret);

/* One of the given words; suggests the closest on a mismatch. */
bool read_choice(struct parser *p, const struct conf_line *ln, size_t i, const char *const *words,
                 size_t n, bool nocase, int *ret_index);
