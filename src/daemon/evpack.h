/* A compact form of the events the supervisor keeps for `vigilctl events`:
 * a flat JSON object's keys and short string values become numbers in a
 * dictionary shared by all events (instance names, states, reasons repeat
 * endlessly), integers become varints. A thousand transitions of a
 * thousand instances take about a fifth of their JSON text. Pure: bytes
 * in, jansson objects out, and back. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define EVPACK_DICT_MAX 4096    /* distinct strings kept; later ones are stored whole */
#define EVPACK_DICT_STR 64      /* a longer string is stored whole, never in the dictionary */
#define EVPACK_BLOCK 4096

struct evpack_block;

struct evpack_dict {
        char **str;             /* by id, into the blocks */
        unsigned n, cap;
        uint32_t *slot;         /* open addressing: id + 1, 0 free */
        unsigned nslot;
        /* the strings, packed in blocks of EVPACK_BLOCK bytes: a thousand
         * instance names take 10 KB instead of the 32 KB of a malloc each,
         * and leave no holes between the events' transient JSON */
        struct evpack_block *blocks;
};

void evpack_dict_free(struct evpack_dict *d);

/* The packed form of ev, malloc'd, its length in *ret_len; NULL on
 * ENOMEM. A value of another kind (array, object, a long string) is
 * kept as its compact JSON text. */
uint8_t *evpack_encode(struct evpack_dict *d, json_t *ev, size_t *ret_len);

/* The object back (a new reference), or NULL if the bytes are not what
 * evpack_encode wrote with this dictionary. */
json_t *evpack_decode(const struct evpack_dict *d, const uint8_t *p, size_t len);
