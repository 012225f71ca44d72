/* FILE_CHECK (keepalived-reference.md §1.13, §6.3): what the number in a
 * tracked file does to a real server. Pure: the file's bytes, the
 * weights in, a verdict out; check/file_check.c reads and watches. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/model.h"

/* The number a track_file holds, as keepalived reads it: its first line
 * through strtol with base 0 (so "0x10" is 16, "010" is 8), anything
 * unreadable, an empty or a missing file (buf NULL) reads as 0. */
long check_file_value(const char *buf, size_t len);

/* FILE_CHECK's weight and reverse; the track_file block's when the
 * checker gives no weight of its own. */
void check_file_weight_of(const struct conf_checker *ck, const struct conf_track_file *tf, int *ret_weight,
                          bool *ret_reverse);

struct check_file_effect {
        bool down;              /* the file puts the real server down (CHECK_FILE_DOWN) */
        int64_t delta;          /* otherwise added to its weight */
};

/* weight 0: any non-zero value is down. Otherwise value x weight (negated
 * by reverse) is added to the weight; a product at or below INT32_MIN is
 * down, as keepalived has it. The product saturates rather than wraps. */
struct check_file_effect check_file_effect(long value, int weight, bool reverse);

/* The weight IPVS gets: base plus the files' deltas, clamped to
 * 0..INT32_MAX. */
int64_t check_file_weight_apply(int64_t base, int64_t delta_sum);
