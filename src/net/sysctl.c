#include "net/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sysctl_swap(const char *path, const char *value, char *old, size_t oldsize)
{
        char full[256];
        int fd;
        ssize_t n;

        snprintf(full, sizeof(full), "/proc/sys/%s", path);
        fd = open(full, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (old && oldsize) {
                n = read(fd, old, oldsize - 1);
                old[n > 0 ? n : 0] = '\0';
                old[strcspn(old, "\n")] = '\0';
        }
        n = pwrite(fd, value, strlen(value), 0);
        close(fd);
        return n < 0 ? -errno : 0;
}
