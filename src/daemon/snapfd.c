#include "daemon/snapfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *d, size_t len)
{
        size_t off = 0;

        while (off < len) {
                ssize_t n = write(fd, d + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                off += (size_t)n;
        }
        return 0;
}

int snapfd_create(const struct conf_snapshot *s)
{
        char *d;
        size_t len;
        int fd, r = conf_snapshot_encode(s, &d, &len);

        if (r < 0)
                return r;
        fd = memfd_create("vigil-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) {
                free(d);
                return -errno;
        }
        r = write_all(fd, d, len);
        free(d);
        if (!r && fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
                r = -errno;
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

/* The sealed memfd mapped, not copied: the decode copies what it keeps,
 * and a large file's copy would be as many fresh pages to fault in.
 * 1 if it cannot be mapped (the caller reads it instead). */
static int read_mapped(int fd, size_t len, struct conf_snapshot **ret)
{
        void *m = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
        int r;

        if (m == MAP_FAILED)
                return 1;
        r = conf_snapshot_decode(m, len, ret);
        munmap(m, len);
        return r;
}

/* pread: an inherited fd shares its offset with the supervisor's. */
int snapfd_read(int fd, struct conf_snapshot **ret)
{
        struct stat st;
        char *d;
        size_t off = 0;
        int r;

        if (fstat(fd, &st) < 0)
                return -errno;
        if ((r = read_mapped(fd, (size_t)st.st_size, ret)) != 1)
                return r;
        if (!(d = malloc((size_t)st.st_size + 1)))
                return -ENOMEM;
        while (off < (size_t)st.st_size) {
                ssize_t n = pread(fd, d + off, (size_t)st.st_size - off, (off_t)off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        free(d);
                        return n < 0 ? -errno : -EIO;
                }
                off += (size_t)n;
        }
        r = conf_snapshot_decode(d, off, ret);
        free(d);
        return r;
}
