/* Finding a worker's executable (daemon/worker_exec.h). */
#include "daemon/worker_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil-config.h"

/* A regular file root may execute, or -errno. */
static int open_executable(const char *path)
{
        struct stat st;
        int fd = open(path, O_PATH | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR)) {
                close(fd);
                return -EACCES;
        }
        return fd;
}

/* name in the directory vigild runs from; "" if that is unknown. */
static void beside_self(const char *name, char *out, size_t size)
{
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;

        out[0] = '\0';
        if (n <= 0)
                return;
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash && (size_t)(slash - self) + 1 + strlen(name) < size)
                snprintf(out, size, "%.*s/%s", (int)(slash - self), self, name);
}

int worker_exec_open(const char *name, char *where, size_t size)
{
        char beside[PATH_MAX], installed[PATH_MAX];
        int fd_beside = -ENOENT, fd;

        snprintf(installed, sizeof(installed), "%s/%s", VIGIL_LIBEXECDIR, name);
        beside_self(name, beside, sizeof(beside));
        if (beside[0] && strcmp(beside, installed)) {
                fd_beside = open_executable(beside);
                if (fd_beside >= 0) {
                        snprintf(where, size, "%s", beside);
                        return fd_beside;
                }
        }
        fd = open_executable(installed);
        if (fd >= 0) {
                snprintf(where, size, "%s", installed);
                return fd;
        }
        snprintf(where, size, "%s%s%s", beside, beside[0] ? " or " : "", installed);
        /* a file beside vigild that cannot run says more than a missing one */
        return fd_beside == -EACCES ? fd_beside : fd;
}
