/* Pid files that are also the single-instance lock, as keepalived uses
 * them: a second daemon started with the same pid file finds the first
 * by the lock, not by the file's existence (a stale file after a crash
 * must not stop a start; a live daemon's file must never be taken over). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct pidfile {
        int fd;                 /* -1: not held */
        char *path;
};

/* Open (create) path and take its lock without waiting. The lock is
 * flock(2): it belongs to the open file, so it survives daemon()'s fork,
 * and the descriptor is close-on-exec, so the worker never holds (or
 * drops) it. 0, -EWOULDBLOCK when another live process holds it, or
 * another -errno. Nothing is written or removed here. */
int pidfile_lock(const char *path, struct pidfile *ret);

/* Replace the content with pid (0: empty the file). */
int pidfile_write(const struct pidfile *p, pid_t pid);

/* Remove the file, which is ours since we hold its lock, and drop it. */
void pidfile_release(struct pidfile *p);
