/* Reading and writing /proc/sys values of this network namespace. */
#pragma once

#include <stddef.h>

/* Write value to /proc/sys/<path>; the old value goes to old (may be NULL). */
int sysctl_swap(const char *path, const char *value, char *old, size_t oldsize);
