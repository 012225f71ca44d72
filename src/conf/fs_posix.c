#include "conf/fs_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int posix_read_file(void *ctx, const char *path, bool included, char **ret_data, size_t *ret_len)
{
        struct stat st;
        char *buf;
        size_t len = 0;
        int fd;

        (void)ctx;
        if (stat(path, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (included && (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))))
                return -EPERM;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        buf = malloc((size_t)st.st_size + 1);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = -errno;
                        free(buf);
                        close(fd);
                        return e;
                }
                if (n == 0 || len + (size_t)n >= (size_t)st.st_size) {
                        len += (size_t)n;
                        break;
                }
                len += (size_t)n;
        }
        close(fd);
        buf[len] = '\0';
        *ret_data = buf;
        *ret_len = len;
        return 0;
}

static int posix_glob(void *ctx, const char *pattern, char ***ret_paths, size_t *ret_count)
{
        glob_t g;
        char **paths;
        size_t n = 0;
        int r;

        (void)ctx;
        r = glob(pattern, GLOB_MARK, NULL, &g);
        if (r == GLOB_NOMATCH) {
                *ret_paths = NULL;
                *ret_count = 0;
                return 0;
        }
        if (r != 0)
                return -EIO;
        paths = calloc(g.gl_pathc + 1, sizeof(char *));
        if (!paths) {
                globfree(&g);
                return -ENOMEM;
        }
        for (size_t i = 0; i < g.gl_pathc; i++) {
                size_t l = strlen(g.gl_pathv[i]);
                if (l && g.gl_pathv[i][l - 1] == '/')
                        continue; /* GLOB_MARK: a directory */
                paths[n++] = strdup(g.gl_pathv[i]);
        }
        globfree(&g);
        *ret_paths = paths;
        *ret_count = n;
        return 0;
}

const struct conf_fs conf_fs_posix = {
        .read_file = posix_read_file,
        .glob = posix_glob,
        .ctx = NULL,
};

int conf_sys_realpath(const char *path, char *buf, size_t size)
{
        char tmp[PATH_MAX];

        if (!realpath(path, tmp))
                return -errno;
        if (strlen(tmp) >= size)
                return -ENAMETOOLONG;
        strcpy(buf, tmp);
        return 0;
}

int conf_sys_stat(const char *path, struct conf_file_info *ret)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        ret->uid = st.st_uid;
        ret->gid = st.st_gid;
        ret->mode = st.st_mode;
        return 0;
}

bool conf_sys_executable(const char *path)
{
        return access(path, X_OK) == 0;
}

bool conf_sys_user_exists(const char *name)
{
        return getpwnam(name) != NULL;
}

bool conf_sys_interface_exists(const char *name)
{
        return if_nametoindex(name) != 0;
}
