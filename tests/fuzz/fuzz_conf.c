/* libFuzzer target: arbitrary bytes as keepalived.conf, plus one included
 * file, through the whole parser (lexer, keyword tables, validators, dump). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/dump.h"
#include "memfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The unit tests' 20,000-line cap (memfs.c's parse_path) lets one fuzzed
 * ~SEQ input spend tens of milliseconds generating lines; 2,000 lines still
 * reach every keyword table and keep the fuzzer's execs/s up. */
#define FUZZ_MAX_LINES 2000

static struct conf *parse(const char *path, struct diag_list *d)
{
        struct conf_parse_opts o = {
                .fs = &memfs, .config_id = "fuzz", .random_seed = 42,
                .hostname = "testhost", .username = "root", .max_lines = FUZZ_MAX_LINES,
        };

        return conf_parse(&o, path, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct memfs_file files[2];
        char *main_text, *inc_text;
        const uint8_t *split = memchr(data, 0, size);
        size_t n1 = split ? (size_t)(split - data) : size;
        struct diag_list d;
        struct conf *c;

        main_text = strndup((const char *)data, n1);
        inc_text = split ? strndup((const char *)split + 1, size - n1 - 1) : strdup("");
        files[0].path = "/f/main.conf";
        files[0].text = main_text;
        files[1].path = "/f/inc.conf";
        files[1].text = inc_text;
        memfs_set(files, 2);
        diag_list_init(&d);
        c = parse("/f/main.conf", &d);
        if (c) {
                char *json = conf_dump_json(c);
                free(json);
                conf_free(c);
        }
        diag_list_free(&d);
        free(main_text);
        free(inc_text);
        return 0;
}
