#include "memfs.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct memfs_file *files;
static size_t nfiles;
static struct memfs_file main_file[1];

void memfs_set(const struct memfs_file *f, size_t n)
{
        files = f;
        nfiles = n;
}

static int mem_read(void *ctx, const char *path, bool included, char **ret, size_t *ret_len)
{
        (void)ctx;
        (void)included;
        for (size_t i = 0; i < nfiles; i++)
                if (!strcmp(files[i].path, path)) {
                        *ret = strdup(files[i].text);
                        *ret_len = strlen(files[i].text);
                        return 0;
                }
        return -ENOENT;
}

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int mem_glob(void *ctx, const char *pattern, char ***ret, size_t *ret_n)
{
        char **v = calloc(nfiles + 1, sizeof(char *));
        size_t n = 0;

        (void)ctx;
        for (size_t i = 0; i < nfiles; i++)
                if (fnmatch(pattern, files[i].path, FNM_PATHNAME) == 0)
                        v[n++] = strdup(files[i].path);
        qsort(v, n, sizeof(char *), cmp);
        *ret = v;
        *ret_n = n;
        return 0;
}

const struct conf_fs memfs = { .read_file = mem_read, .glob = mem_glob };

struct conf *parse_path(const char *path, const char *config_id, struct diag_list *d)
{
        struct conf_parse_opts o = {
                .fs = &memfs,
                .config_id = config_id ? config_id : "testhost",
                .random_seed = 42,
                .hostname = "testhost",
                .username = "root",
                .max_lines = 20000, /* keeps fuzzed ~SEQ inputs fast */
        };

        return conf_parse(&o, path, d);
}

struct conf *parse_text(const char *text, struct diag_list *d)
{
        main_file[0].path = "/etc/vigil/test.conf";
        main_file[0].text = text;
        memfs_set(main_file, 1);
        return parse_path("/etc/vigil/test.conf", NULL, d);
}

const struct diag *find_diag(const struct diag_list *d, const char *needle)
{
        for (size_t i = 0; i < d->count; i++)
                if (strstr(d->items[i].msg, needle))
                        return &d->items[i];
        return NULL;
}

void dump_diags(const struct diag_list *d)
{
        for (size_t i = 0; i < d->count; i++)
                fprintf(stderr, "  %s:%d:%d: %s: %s\n", d->items[i].pos.file ? d->items[i].pos.file : "-",
                        d->items[i].pos.line, d->items[i].pos.col,
                        d->items[i].severity == DIAG_ERROR ? "error" : "warning", d->items[i].msg);
}
