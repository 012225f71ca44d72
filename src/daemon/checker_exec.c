/* Finding vigil-checker (daemon/checker_exec.h). */
#include "daemon/checker_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil-config.h"

#define CHECKER_NAME "vigil-checker"

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

/* The directory vigild runs from, with "/vigil-checker"; "" if unknown. */
static void beside_self(char *out, size_t size)
{
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash;

        out[0] = '\0';
        if (n <= 0)
                return;
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash && (size_t)(slash - self) + sizeof("/" CHECKER_NAME) <= size)
                snprintf(out, size, "%.*s/%s", (int)(slash - self), self, CHECKER_NAME);
}

int checker_exec_open(char *where, size_t size)
{
        static const char installed[] = VIGIL_LIBEXECDIR "/" CHECKER_NAME;
        char beside[PATH_MAX];
        int fd = -ENOENT, first;

        beside_self(beside, sizeof(beside));
        if (beside[0] && strcmp(beside, installed)) {
                fd = open_executable(beside);
                if (fd >= 0) {
                        snprintf(where, size, "%s", beside);
                        return fd;
                }
        }
        first = fd;
        fd = open_executable(installed);
        if (fd >= 0) {
                snprintf(where, size, "%s", installed);
                return fd;
        }
        snprintf(where, size, "%s%s%s", beside[0] ? beside : "", beside[0] ? " or " : "", installed);
        return first == -EACCES ? first : fd;
}
