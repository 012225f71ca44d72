/* The real file system behind struct conf_fs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/lexer.h"

extern const struct conf_fs conf_fs_posix;

/* The system facts the configuration checks (conf/syscheck.c) stand on,
 * kept here so that the rules themselves are pure and a unit test can put
 * an in-memory machine in their place at link time (tests/unit/memfs_sys.c). */
struct conf_file_info {
        unsigned uid, gid;
        unsigned mode; /* st_mode: type and permission bits */
};

/* The canonical path (symlinks resolved) into buf; 0 or -errno. */
int conf_sys_realpath(const char *path, char *buf, size_t size);
/* stat (following symlinks); 0 or -errno. */
int conf_sys_stat(const char *path, struct conf_file_info *ret);
/* Whether this process could execute path. */
bool conf_sys_executable(const char *path);
bool conf_sys_user_exists(const char *name);
bool conf_sys_interface_exists(const char *name);
