/* Watching files for complete updates, with inotify on their directories:
 * a writer's close or a rename into place is one complete update (IN_MODIFY
 * would also report the truncation in between), and watching the directory
 * sees a file that is deleted and created again. One inotify descriptor per
 * watcher, opened at the first watch. Used by track_file, and by FILE_CHECK
 * in the checker. */
#pragma once

#include <stdbool.h>
#include <uv.h>

/* name is the file (in the watched directory) that changed. */
typedef void (*filewatch_fn)(void *ctx, int wd, const char *name);

struct filewatch {
        int fd;                 /* -1 until the first watch */
        uv_poll_t poll;
        filewatch_fn changed;
        void *ctx;
};

void filewatch_init(struct filewatch *fw, filewatch_fn changed, void *ctx);
/* Watch the directory of path; returns the watch descriptor changed() will
 * be given, or -errno. */
int filewatch_add(struct filewatch *fw, uv_loop_t *loop, const char *path);
bool filewatch_active(const struct filewatch *fw);
/* Stop reporting (the descriptor stays until filewatch_free). */
void filewatch_stop(struct filewatch *fw);
/* The poll handle, for the caller to uv_close() with its own callback
 * before filewatch_free(); NULL if no watch was ever added. */
uv_handle_t *filewatch_handle(struct filewatch *fw);
void filewatch_free(struct filewatch *fw);
