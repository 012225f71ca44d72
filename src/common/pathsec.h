/* enable_script_security's rule for one path, pure: a path is safe to run
 * as root if root owns it and nobody else can write it, nor any directory
 * above it, except a directory with the sticky bit (/tmp), where others
 * cannot replace what root put there. The facts come from the caller's
 * stat function: the configuration test asks conf/fs_posix.c (an in-memory
 * machine in the unit tests), a worker asks the kernel before every run
 * (worker/script.c), since a script can be replaced while we run. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct path_info {
        unsigned uid, gid;
        unsigned mode;          /* st_mode: type and permission bits */
};

/* stat(path) following symlinks; 0 or -errno. */
typedef int (*path_stat_fn)(const char *path, struct path_info *ret);

/* One directory or file on the way; otherwise why says what is wrong. */
bool path_component_is_secure(const char *path, const struct path_info *st, char *why, size_t size);
/* canon (symlinks already resolved; modified) and every directory above it
 * up to "/". A component that cannot be stat'ed counts as safe: a missing
 * script is reported as missing elsewhere. */
bool path_tree_is_secure(char *canon, path_stat_fn stat_fn, char *why, size_t size);
