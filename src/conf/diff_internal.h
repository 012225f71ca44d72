/* Shared by conf/diff.c (the comparison) and conf/diff_kinds.c (the
 * tables): the comparers the tables' list types need. */
#pragma once

#include <stdbool.h>

#include "conf/model.h"

/* The anonymous list types of model.h, named (same layout). */
typedef CONF_LIST(struct conf_checker) conf_checker_list;
typedef CONF_LIST(struct conf_url) conf_url_list;

bool conf_diff_str_eq(const char *a, const char *b);
bool conf_diff_script_eq(const struct conf_script *a, const struct conf_script *b);
bool conf_diff_checkers_eq(const conf_checker_list *a, const conf_checker_list *b);
bool conf_diff_urls_eq(const conf_url_list *a, const conf_url_list *b);
