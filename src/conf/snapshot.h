/* A configuration snapshot: every file the parser read (the main file, its
 * includes, the glob matches, and the failures), with the options that
 * decide how includes and @ lines resolve. The supervisor validates the
 * file through a recording conf_fs, serialises what was read, and the
 * worker parses exactly those bytes through a replaying one: an include
 * edited after the validation cannot reach the worker, and the worker
 * never opens the configuration's files. Pure: bytes in, bytes out. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/lexer.h"
#include "conf/model.h"

struct conf_snapshot;

/* A snapshot that records through fs; its options are copied from po and
 * path. Parse with conf_snapshot_fs() as the options' fs. NULL on ENOMEM. */
struct conf_snapshot *conf_snapshot_record(const struct conf_fs *fs, const struct conf_parse_opts *po,
                                           const char *path);
/* The recording (while parsing) or replaying fs of s. */
const struct conf_fs *conf_snapshot_fs(struct conf_snapshot *s);
void conf_snapshot_free(struct conf_snapshot *s);

/* The serialised form, malloc'd; 0 or -ENOMEM. */
int conf_snapshot_encode(const struct conf_snapshot *s, char **ret_data, size_t *ret_len);
/* A replaying snapshot from an encoded one; 0, -EINVAL or -ENOMEM. */
int conf_snapshot_decode(const char *data, size_t len, struct conf_snapshot **ret);

/* Parse a decoded snapshot with the options it was recorded with: the same
 * model and diagnostics as the validation had (system checks aside). */
struct conf *conf_snapshot_parse(struct conf_snapshot *s, const char *(*getenv_fn)(const char *name),
                                 struct diag_list *diags);
/* The main file's path, as recorded. */
const char *conf_snapshot_path(const struct conf_snapshot *s);
