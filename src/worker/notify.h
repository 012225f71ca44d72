/* Notifications of transitions, for every worker: scripts, in order per
 * object, and the notify FIFO lines (reference §5.5, §6.9).
 *
 * The ordering guarantee: each object (a VRRP instance or sync group, a
 * virtual or real server) has its own queue. A notify script for an object
 * starts only after the previous one for the same object has exited or was
 * killed at NOTIFY_TIMEOUT_MS, so a script that sees MASTER then BACKUP sees
 * them in that order. Objects do not wait for each other. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "worker/notify_line.h"
#include "worker/script.h"

#define NOTIFY_TIMEOUT_MS 10000

struct notify_item;

struct notify_queue {
        uv_loop_t *loop;
        struct notify_item *head, *tail;
        bool running;
        uint64_t runs, failures, timeouts;
};

void notify_queue_init(struct notify_queue *q, uv_loop_t *loop);
/* Append a run of sc with extra arguments (copied). */
void notify_queue_push(struct notify_queue *q, const struct script_cmd *sc, const char *const *extra);
/* Drop what has not started yet (shutdown). */
void notify_queue_clear(struct notify_queue *q);

/* A notify FIFO (notify_fifo / vrrp_notify_fifo). */
struct notify_fifo {
        int fd;
        bool created;           /* we made it: remove it at exit */
        char path[256];
};

/* Create (mkfifo 0644) if missing and open it O_RDWR|O_NONBLOCK. */
int notify_fifo_open(struct notify_fifo *f, const char *path);
/* Write len bytes of line (notify_fifo_line()); a full FIFO drops it (as keepalived). */
void notify_fifo_write(struct notify_fifo *f, const char *line, size_t len);
void notify_fifo_close(struct notify_fifo *f);
