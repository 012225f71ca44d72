/* An in-memory struct conf_fs for tests: a handful of named files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/diag.h"
#include "conf/lexer.h"
#include "conf/model.h"

struct memfs_file {
        const char *path;
        const char *text;
};

/* Files are used until the next memfs_set; the array must stay alive. */
void memfs_set(const struct memfs_file *files, size_t n);
extern const struct conf_fs memfs;

/* Parse text as the only file, /etc/vigil/test.conf. */
struct conf *parse_text(const char *text, struct diag_list *d);
struct conf *parse_path(const char *path, const char *config_id, struct diag_list *d);

/* The first diagnostic whose message contains needle, or NULL. */
const struct diag *find_diag(const struct diag_list *d, const char *needle);
/* Print the list (for failing tests). */
void dump_diags(const struct diag_list *d);
