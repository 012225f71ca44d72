#include "conf/snapshot.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "vigil-snapshot-1"

/* One answer the file system gave: a read or a glob, failures included,
 * so that a missing include warns in the worker exactly as it did. */
struct snap_entry {
        char kind;              /* 'F' read_file, 'G' glob */
        bool included;
        int rc;
        char *key;              /* path or pattern */
        char *data;             /* F: the bytes */
        size_t len;
        char **paths;           /* G: the matches */
        size_t count;
};

struct conf_snapshot {
        const struct conf_fs *real;     /* NULL when replaying */
        struct conf_fs fs;
        char *path, *config_id, *hostname, *username;
        unsigned seed;
        bool all_config;
        uint64_t max_lines;
        struct snap_entry *e;
        size_t n, cap;
};

static char *dup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

static struct snap_entry *add_entry(struct conf_snapshot *s, char kind, const char *key)
{
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 16;
                struct snap_entry *ne = realloc(s->e, cap * sizeof(*ne));
                if (!ne)
                        return NULL;
                s->e = ne;
                s->cap = cap;
        }
        memset(&s->e[s->n], 0, sizeof(s->e[0]));
        s->e[s->n].kind = kind;
        if (!(s->e[s->n].key = strdup(key)))
                return NULL;
        return &s->e[s->n++];
}

static const struct snap_entry *find(const struct conf_snapshot *s, char kind, const char *key, bool included)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->e[i].kind == kind && s->e[i].included == included && !strcmp(s->e[i].key, key))
                        return &s->e[i];
        return NULL;
}

static int copy_out(const char *data, size_t len, char **ret_data, size_t *ret_len)
{
        char *d = malloc(len + 1);

        if (!d)
                return -ENOMEM;
        memcpy(d, data, len);
        d[len] = '\0';
        *ret_data = d;
        *ret_len = len;
        return 0;
}

static int copy_paths(char *const *paths, size_t count, char ***ret_paths, size_t *ret_count)
{
        char **p = calloc(count ? count : 1, sizeof(*p));

        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < count; i++)
                if (!(p[i] = strdup(paths[i]))) {
                        while (i--)
                                free(p[i]);
                        free(p);
                        return -ENOMEM;
                }
        *ret_paths = p;
        *ret_count = count;
        return 0;
}

static int snap_read(void *ctx, const char *path, bool included, char **ret_data, size_t *ret_len)
{
        struct conf_snapshot *s = ctx;
        const struct snap_entry *f = find(s, 'F', path, included);
        struct snap_entry *ne;
        int r;

        if (f) /* the same file read twice reads the same bytes */
                return f->rc < 0 ? f->rc : copy_out(f->data, f->len, ret_data, ret_len);
        if (!s->real)
                return -ENOENT; /* not read at validation: not there for the worker either */
        r = s->real->read_file(s->real->ctx, path, included, ret_data, ret_len);
        if (!(ne = add_entry(s, 'F', path)))
                return r; /* the snapshot is incomplete; conf_snapshot_encode refuses it */
        ne->included = included;
        ne->rc = r < 0 ? r : 0;
        if (r >= 0 && copy_out(*ret_data, *ret_len, &ne->data, &ne->len) < 0)
                ne->rc = -ENOMEM;
        return r;
}

static int snap_glob(void *ctx, const char *pattern, char ***ret_paths, size_t *ret_count)
{
        struct conf_snapshot *s = ctx;
        const struct snap_entry *g = find(s, 'G', pattern, false);
        struct snap_entry *ne;
        int r;

        if (g)
                return g->rc < 0 ? g->rc : copy_paths(g->paths, g->count, ret_paths, ret_count);
        if (!s->real) {
                *ret_paths = NULL;
                *ret_count = 0;
                return 0;
        }
        r = s->real->glob(s->real->ctx, pattern, ret_paths, ret_count);
        if (!(ne = add_entry(s, 'G', pattern)))
                return r;
        ne->rc = r < 0 ? r : 0;
        if (r >= 0 && copy_paths(*ret_paths, *ret_count, &ne->paths, &ne->count) < 0)
                ne->rc = -ENOMEM;
        return r;
}

static struct conf_snapshot *snap_new(void)
{
        struct conf_snapshot *s = calloc(1, sizeof(*s));

        if (s)
                s->fs = (struct conf_fs){ .read_file = snap_read, .glob = snap_glob, .ctx = s };
        return s;
}

struct conf_snapshot *conf_snapshot_record(const struct conf_fs *fs, const struct conf_parse_opts *po,
                                           const char *path)
{
        struct conf_snapshot *s = snap_new();

        if (!s)
                return NULL;
        s->real = fs;
        s->path = strdup(path);
        s->config_id = dup_or_null(po->config_id);
        s->hostname = dup_or_null(po->hostname);
        s->username = dup_or_null(po->username);
        s->seed = po->random_seed;
        s->all_config = po->all_config;
        s->max_lines = po->max_lines;
        if (!s->path) {
                conf_snapshot_free(s);
                return NULL;
        }
        return s;
}

const struct conf_fs *conf_snapshot_fs(struct conf_snapshot *s)
{
        return &s->fs;
}

const char *conf_snapshot_path(const struct conf_snapshot *s)
{
        return s->path;
}

void conf_snapshot_free(struct conf_snapshot *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n; i++) {
                free(s->e[i].key);
                free(s->e[i].data);
                for (size_t k = 0; k < s->e[i].count; k++)
                        free(s->e[i].paths[k]);
                free(s->e[i].paths);
        }
        free(s->e);
        free(s->path);
        free(s->config_id);
        free(s->hostname);
        free(s->username);
        free(s);
}

struct conf *conf_snapshot_parse(struct conf_snapshot *s, const char *(*getenv_fn)(const char *name),
                                 struct diag_list *diags)
{
        struct conf_parse_opts po = { .fs = &s->fs, .config_id = s->config_id, .getenv_fn = getenv_fn,
                                      .random_seed = s->seed, .all_config = s->all_config,
                                      .hostname = s->hostname, .username = s->username,
                                      .max_lines = (size_t)s->max_lines, .no_source_lines = true };

        return conf_parse(&po, s->path, diags);
}

/* ---- the serialised form: little-endian lengths, NULL as length ~0 -------------------------------- */

struct wbuf {
        char *d;
        size_t len, cap;
        bool failed;
};

static void put(struct wbuf *b, const void *p, size_t n)
{
        if (b->failed)
                return;
        if (b->len + n > b->cap) {
                size_t cap = (b->len + n) * 2;
                char *nd = realloc(b->d, cap);
                if (!nd) {
                        b->failed = true;
                        return;
                }
                b->d = nd;
                b->cap = cap;
        }
        memcpy(b->d + b->len, p, n);
        b->len += n;
}

static void put_u32(struct wbuf *b, uint32_t v)
{
        unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                               (unsigned char)(v >> 24) };

        put(b, x, 4);
}

static void put_blob(struct wbuf *b, const char *p, size_t n)
{
        if (!p || n >= UINT32_MAX) {
                put_u32(b, UINT32_MAX);
                return;
        }
        put_u32(b, (uint32_t)n);
        put(b, p, n);
}

static void put_str(struct wbuf *b, const char *s)
{
        put_blob(b, s, s ? strlen(s) : 0);
}

int conf_snapshot_encode(const struct conf_snapshot *s, char **ret_data, size_t *ret_len)
{
        struct wbuf b = { 0 };

        put(&b, MAGIC, sizeof(MAGIC));
        put_str(&b, s->path);
        put_str(&b, s->config_id);
        put_str(&b, s->hostname);
        put_str(&b, s->username);
        put_u32(&b, s->seed);
        put_u32(&b, s->all_config);
        put_u32(&b, (uint32_t)s->max_lines);
        put_u32(&b, (uint32_t)s->n);
        for (size_t i = 0; i < s->n; i++) {
                const struct snap_entry *e = &s->e[i];
                b.failed |= e->rc == -ENOMEM; /* a recording that lost bytes is not what was validated */
                put_u32(&b, (uint32_t)e->kind | (uint32_t)e->included << 8);
                put_u32(&b, (uint32_t)-e->rc);
                put_str(&b, e->key);
                if (e->kind == 'F') {
                        put_blob(&b, e->data, e->len);
                        continue;
                }
                put_u32(&b, (uint32_t)e->count);
                for (size_t k = 0; k < e->count; k++)
                        put_str(&b, e->paths[k]);
        }
        if (b.failed) {
                free(b.d);
                return -ENOMEM;
        }
        *ret_data = b.d;
        *ret_len = b.len;
        return 0;
}

struct rbuf {
        const unsigned char *p;
        size_t left;
        bool bad;
};

static uint32_t get_u32(struct rbuf *r)
{
        uint32_t v;

        if (r->left < 4) {
                r->bad = true;
                return 0;
        }
        v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
        r->p += 4;
        r->left -= 4;
        return v;
}

/* A malloc'd, NUL-terminated copy; NULL for a NULL (or on error, with r->bad). */
static char *get_blob(struct rbuf *r, size_t *ret_len)
{
        uint32_t n = get_u32(r);
        char *d;

        if (r->bad || n == UINT32_MAX)
                return NULL;
        if (n > r->left || !(d = malloc((size_t)n + 1))) {
                r->bad = true;
                return NULL;
        }
        memcpy(d, r->p, n);
        d[n] = '\0';
        r->p += n;
        r->left -= n;
        if (ret_len)
                *ret_len = n;
        return d;
}

static void get_entry(struct rbuf *r, struct conf_snapshot *s)
{
        uint32_t kind = get_u32(r), rc = get_u32(r);
        char *key = get_blob(r, NULL);
        struct snap_entry *e = key && !r->bad ? add_entry(s, (char)(kind & 0xff), key) : NULL;

        free(key);
        if (!e || (e->kind != 'F' && e->kind != 'G') || rc > 4095) {
                r->bad = true;
                return;
        }
        e->included = (kind >> 8) & 1;
        e->rc = -(int)rc;
        if (e->kind == 'F') {
                e->data = get_blob(r, &e->len);
                r->bad |= !e->rc && !e->data;
                return;
        }
        e->count = get_u32(r);
        if (r->bad || e->count > r->left / 4 || !(e->paths = calloc(e->count ? e->count : 1, sizeof(char *)))) {
                e->count = 0;
                r->bad = true;
                return;
        }
        for (size_t k = 0; k < e->count; k++)
                r->bad |= !(e->paths[k] = get_blob(r, NULL));
}

int conf_snapshot_decode(const char *data, size_t len, struct conf_snapshot **ret)
{
        struct rbuf r = { (const unsigned char *)data, len, false };
        struct conf_snapshot *s;
        uint32_t n;

        if (len < sizeof(MAGIC) || memcmp(data, MAGIC, sizeof(MAGIC)))
                return -EINVAL;
        if (!(s = snap_new()))
                return -ENOMEM;
        r.p += sizeof(MAGIC);
        r.left -= sizeof(MAGIC);
        s->path = get_blob(&r, NULL);
        s->config_id = get_blob(&r, NULL);
        s->hostname = get_blob(&r, NULL);
        s->username = get_blob(&r, NULL);
        s->seed = get_u32(&r);
        s->all_config = get_u32(&r) != 0;
        s->max_lines = get_u32(&r);
        n = get_u32(&r);
        for (uint32_t i = 0; i < n && !r.bad; i++)
                get_entry(&r, s);
        if (r.bad || !s->path || r.left) {
                conf_snapshot_free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}
