/* See evpack.h. The packed form is a sequence of (key, value) pairs:
 * key = varint dictionary id; value = a tag byte and its payload. */
#include "daemon/evpack.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum tag { T_STR_ID = 1, T_STR, T_INT, T_REAL, T_TRUE, T_FALSE, T_NULL, T_JSON };

struct buf {
        uint8_t *d;
        size_t len, cap;
        bool bad;
};

struct evpack_block {
        struct evpack_block *next;
        size_t used;
        char bytes[EVPACK_BLOCK - 2 * sizeof(void *)];
};

/* A copy of s (at most EVPACK_DICT_STR bytes) in the dictionary's blocks. */
static char *block_strdup(struct evpack_dict *d, const char *s)
{
        size_t len = strlen(s) + 1;
        struct evpack_block *b = d->blocks;
        char *out;

        if (!b || b->used + len > sizeof(b->bytes)) {
                if (!(b = malloc(sizeof(*b))))
                        return NULL;
                b->next = d->blocks;
                b->used = 0;
                d->blocks = b;
        }
        out = memcpy(b->bytes + b->used, s, len);
        b->used += len;
        return out;
}

void evpack_dict_free(struct evpack_dict *d)
{
        for (struct evpack_block *b = d->blocks, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        free(d->str);
        free(d->slot);
        memset(d, 0, sizeof(*d));
}

static uint32_t str_hash(const char *s)
{
        uint32_t h = 2166136261u;       /* FNV-1a */

        while (*s)
                h = (h ^ (uint8_t)*s++) * 16777619u;
        return h;
}

static int rehash(struct evpack_dict *d)
{
        unsigned n = d->nslot ? d->nslot * 2 : 64;
        uint32_t *slot = calloc(n, sizeof(*slot));

        if (!slot)
                return -1;
        for (unsigned id = 0; id < d->n; id++) {
                unsigned i = str_hash(d->str[id]) & (n - 1);
                while (slot[i])
                        i = (i + 1) & (n - 1);
                slot[i] = id + 1;
        }
        free(d->slot);
        d->slot = slot;
        d->nslot = n;
        return 0;
}

/* The string's id, added if new; -1 when it is not to be (too long, the
 * dictionary full, no memory): the caller stores it whole. */
static long intern(struct evpack_dict *d, const char *s)
{
        unsigned i;

        if (strlen(s) > EVPACK_DICT_STR)
                return -1;
        if (d->nslot) {
                for (i = str_hash(s) & (d->nslot - 1); d->slot[i]; i = (i + 1) & (d->nslot - 1))
                        if (!strcmp(d->str[d->slot[i] - 1], s))
                                return d->slot[i] - 1;
        }
        if (d->n >= EVPACK_DICT_MAX || (2 * (d->n + 1) > d->nslot && rehash(d) < 0))
                return -1;
        if (d->n == d->cap) {
                unsigned cap = d->cap ? d->cap * 2 : 32;
                char **str = realloc(d->str, cap * sizeof(*str));
                if (!str)
                        return -1;
                d->str = str;
                d->cap = cap;
        }
        if (!(d->str[d->n] = block_strdup(d, s)))
                return -1;
        for (i = str_hash(s) & (d->nslot - 1); d->slot[i]; i = (i + 1) & (d->nslot - 1))
                ;
        d->slot[i] = d->n + 1;
        return d->n++;
}

static void put(struct buf *b, const void *p, size_t n)
{
        if (b->bad || !n)
                return;
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n)
                        cap *= 2;
                uint8_t *d = realloc(b->d, cap);
                if (!d) {
                        b->bad = true;
                        return;
                }
                b->d = d;
                b->cap = cap;
        }
        memcpy(b->d + b->len, p, n);
        b->len += n;
}

static void put_varint(struct buf *b, uint64_t v)
{
        uint8_t x[10];
        size_t n = 0;

        do {
                x[n] = (uint8_t)(v & 0x7f);
                v >>= 7;
                x[n] |= v ? 0x80 : 0;
                n++;
        } while (v);
        put(b, x, n);
}

static void put_tag(struct buf *b, enum tag t)
{
        uint8_t x = (uint8_t)t;

        put(b, &x, 1);
}

static void put_whole(struct buf *b, enum tag t, const char *s)
{
        size_t n = strlen(s);

        put_tag(b, t);
        put_varint(b, n);
        put(b, s, n);
}

static void put_json(struct buf *b, json_t *v)
{
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        if (!text) {
                b->bad = true;
                return;
        }
        put_whole(b, T_JSON, text);
        free(text);
}

static void put_value(struct buf *b, struct evpack_dict *d, json_t *v)
{
        long id;
        double r;

        switch (json_typeof(v)) {
        case JSON_STRING:
                if (strlen(json_string_value(v)) != json_string_length(v))
                        break;
                if ((id = intern(d, json_string_value(v))) >= 0) {
                        put_tag(b, T_STR_ID);
                        put_varint(b, (uint64_t)id);
                } else {
                        put_whole(b, T_STR, json_string_value(v));
                }
                return;
        case JSON_INTEGER: {
                int64_t i = json_integer_value(v);
                put_tag(b, T_INT);
                put_varint(b, ((uint64_t)i << 1) ^ (uint64_t)(i >> 63)); /* zigzag */
                return;
        }
        case JSON_REAL:
                r = json_real_value(v);
                put_tag(b, T_REAL);
                put(b, &r, sizeof(r));
                return;
        case JSON_TRUE:
                put_tag(b, T_TRUE);
                return;
        case JSON_FALSE:
                put_tag(b, T_FALSE);
                return;
        case JSON_NULL:
                put_tag(b, T_NULL);
                return;
        case JSON_OBJECT:
        case JSON_ARRAY:
                break;
        }
        put_json(b, v); /* nested, or a string with a NUL */
}

uint8_t *evpack_encode(struct evpack_dict *d, json_t *ev, size_t *ret_len)
{
        struct buf b = { 0 };
        const char *key;
        json_t *v;

        json_object_foreach(ev, key, v) {
                long id = intern(d, key);
                if (id < 0) {
                        put_varint(&b, 0);      /* id 0 + 1 reserved: a whole key follows */
                        put_whole(&b, T_STR, key);
                } else {
                        put_varint(&b, (uint64_t)id + 1);
                }
                put_value(&b, d, v);
        }
        if (b.bad || (!b.d && !(b.d = malloc(1)))) { /* {}: no pairs, still a buffer */
                free(b.d);
                return NULL;
        }
        *ret_len = b.len;
        if (b.cap > b.len) { /* a thousand of them are kept: no slack */
                uint8_t *exact = realloc(b.d, b.len ? b.len : 1);
                if (exact)
                        b.d = exact;
        }
        return b.d;
}

/* ---- decoding ------------------------------------------------------------- */

struct rd {
        const uint8_t *p, *end;
};

static bool get_varint(struct rd *r, uint64_t *v)
{
        *v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
                if (r->p >= r->end)
                        return false;
                uint8_t x = *r->p++;
                *v |= (uint64_t)(x & 0x7f) << shift;
                if (!(x & 0x80))
                        return true;
        }
        return false;
}

/* A whole string (tag already read) as a new json string, or a parsed
 * JSON text. */
static json_t *get_whole(struct rd *r, bool as_json)
{
        uint64_t n;
        json_t *v;

        if (!get_varint(r, &n) || n > (uint64_t)(r->end - r->p))
                return NULL;
        v = as_json ? json_loadb((const char *)r->p, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL)
                    : json_stringn((const char *)r->p, (size_t)n);
        r->p += n;
        return v;
}

static const char *dict_str(const struct evpack_dict *d, uint64_t id)
{
        return id < d->n ? d->str[id] : NULL;
}

static json_t *get_value(const struct evpack_dict *d, struct rd *r)
{
        uint64_t u;
        double x;

        if (r->p >= r->end)
                return NULL;
        switch (*r->p++) {
        case T_STR_ID:
                return get_varint(r, &u) && dict_str(d, u) ? json_string(dict_str(d, u)) : NULL;
        case T_STR:
                return get_whole(r, false);
        case T_INT:
                if (!get_varint(r, &u))
                        return NULL;
                return json_integer((json_int_t)((u >> 1) ^ (~(u & 1) + 1)));
        case T_REAL:
                if ((size_t)(r->end - r->p) < sizeof(x))
                        return NULL;
                memcpy(&x, r->p, sizeof(x));
                r->p += sizeof(x);
                return json_real(x);
        case T_TRUE:
                return json_true();
        case T_FALSE:
                return json_false();
        case T_NULL:
                return json_null();
        case T_JSON:
                return get_whole(r, true);
        default:
                return NULL;
        }
}

/* A pair's key: a dictionary id + 1, or 0 and the key whole. */
static json_t *get_key(const struct evpack_dict *d, struct rd *r)
{
        uint64_t id;

        if (!get_varint(r, &id))
                return NULL;
        if (id)
                return dict_str(d, id - 1) ? json_string(dict_str(d, id - 1)) : NULL;
        if (r->p >= r->end || *r->p++ != T_STR)
                return NULL;
        return get_whole(r, false);
}

json_t *evpack_decode(const struct evpack_dict *d, const uint8_t *p, size_t len)
{
        struct rd r = { p, p + len };
        json_t *ev = json_object();

        while (ev && r.p < r.end) {
                json_t *k = get_key(d, &r), *v = k ? get_value(d, &r) : NULL;
                if (!v || json_object_set_new(ev, json_string_value(k), v) < 0) {
                        json_decref(ev);
                        ev = NULL;
                }
                json_decref(k);
        }
        return ev;
}
