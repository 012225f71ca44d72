#include "daemon/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file we locked is still the one at path: a daemon that exits
 * removes its file before it closes it, so a lock won on a removed inode
 * would guard nothing. */
static bool still_linked(int fd, const char *path)
{
        struct stat a, b;

        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int pidfile_lock(const char *path, struct pidfile *ret)
{
        for (int attempt = 0; attempt < 3; attempt++) {
                int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
                int err;

                if (fd < 0)
                        return -errno;
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                        err = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
                        close(fd);
                        return err;
                }
                if (!still_linked(fd, path)) {
                        close(fd);
                        continue;
                }
                ret->path = strdup(path);
                if (!ret->path) {
                        close(fd);
                        return -ENOMEM;
                }
                ret->fd = fd;
                return 0;
        }
        return -EAGAIN;
}

int pidfile_write(const struct pidfile *p, pid_t pid)
{
        char buf[32];
        int n = pid ? snprintf(buf, sizeof(buf), "%d\n", (int)pid) : 0;

        if (p->fd < 0)
                return -EBADF;
        if (ftruncate(p->fd, 0) < 0)
                return -errno;
        ssize_t w = pwrite(p->fd, buf, (size_t)n, 0);
        return w == n ? 0 : w < 0 ? -errno : -EIO;
}

void pidfile_release(struct pidfile *p)
{
        if (p->fd < 0)
                return;
        unlink(p->path);
        close(p->fd);
        p->fd = -1;
        free(p->path);
        p->path = NULL;
}
