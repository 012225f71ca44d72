/* An in-memory machine behind the conf_sys_* edge (conf/fs_posix.h), put in
 * place of the real one at link time: files with owner and mode, symlinks,
 * users and interfaces, for the rules of conf/syscheck.c. */
#pragma once

#include <stdbool.h>

struct memsys_file {
        const char *path;
        unsigned uid, gid, mode;  /* mode with its S_IF* type */
        const char *link;         /* a symlink to this path, or NULL */
};

/* Paths not listed are root-owned 0755 directories; the array must stay alive. */
void memsys_set_files(const struct memsys_file *files, unsigned n);
/* NULL-terminated lists; "root" always exists. */
void memsys_set_users(const char *const *users);
void memsys_set_interfaces(const char *const *ifs);
