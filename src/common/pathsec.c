#include "common/pathsec.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool path_component_is_secure(const char *path, const struct path_info *st, char *why, size_t size)
{
        if (st->uid != 0) {
                snprintf(why, size, "%s is owned by uid %u, not root", path, st->uid);
                return false;
        }
        if (S_ISDIR(st->mode) && (st->mode & S_ISVTX))
                return true;
        if (st->mode & S_IWOTH) {
                snprintf(why, size, "%s is writable by any user", path);
                return false;
        }
        if ((st->mode & S_IWGRP) && st->gid != 0) {
                snprintf(why, size, "%s is writable by group %u", path, st->gid);
                return false;
        }
        return true;
}

bool path_tree_is_secure(char *buf, path_stat_fn stat_fn, char *why, size_t size)
{
        struct path_info st;

        for (;;) {
                if (stat_fn(buf, &st) < 0)
                        return true;
                if (!path_component_is_secure(buf, &st, why, size))
                        return false;
                char *slash = strrchr(buf, '/');
                if (!slash)
                        break;
                if (slash == buf) {
                        if (!buf[1])
                                break;
                        buf[1] = '\0'; /* then "/" itself */
                        continue;
                }
                *slash = '\0';
        }
        return true;
}
