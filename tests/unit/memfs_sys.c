#include "memfs_sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/fs_posix.h"

static const struct memsys_file *files;
static unsigned nfiles;
static const char *const *users;
static const char *const *ifs;

void memsys_set_files(const struct memsys_file *f, unsigned n)
{
        files = f;
        nfiles = n;
}

void memsys_set_users(const char *const *u)
{
        users = u;
}

void memsys_set_interfaces(const char *const *i)
{
        ifs = i;
}

static const struct memsys_file *find(const char *path)
{
        for (unsigned i = 0; i < nfiles; i++)
                if (!strcmp(files[i].path, path))
                        return &files[i];
        return NULL;
}

/* Whether some listed file lies under path: then path is a directory. */
static bool is_parent(const char *path)
{
        size_t n = strlen(path);

        for (unsigned i = 0; i < nfiles; i++)
                if (!strncmp(files[i].path, path, n) && (files[i].path[n] == '/' || n == 1))
                        return true;
        return false;
}

int conf_sys_realpath(const char *path, char *buf, size_t size)
{
        const struct memsys_file *f = find(path);

        for (int hops = 0; f && f->link && hops < 8; hops++) {
                path = f->link;
                f = find(path);
        }
        if (!f && !is_parent(path))
                return -ENOENT;
        snprintf(buf, size, "%s", path);
        return 0;
}

int conf_sys_stat(const char *path, struct conf_file_info *ret)
{
        const struct memsys_file *f = find(path);

        if (f && f->link)
                return conf_sys_stat(f->link, ret);
        if (!f && !is_parent(path))
                return -ENOENT;
        ret->uid = f ? f->uid : 0;
        ret->gid = f ? f->gid : 0;
        ret->mode = f ? f->mode : (S_IFDIR | 0755);
        return 0;
}

bool conf_sys_executable(const char *path)
{
        struct conf_file_info st;

        return conf_sys_stat(path, &st) == 0 && (st.mode & 0111);
}

static bool listed(const char *const *list, const char *name)
{
        for (; list && *list; list++)
                if (!strcmp(*list, name))
                        return true;
        return false;
}

bool conf_sys_user_exists(const char *name)
{
        return !strcmp(name, "root") || listed(users, name);
}

bool conf_sys_interface_exists(const char *name)
{
        return listed(ifs, name);
}
