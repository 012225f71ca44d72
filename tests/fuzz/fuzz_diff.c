/* libFuzzer target: the reload diff. The input is two configurations split
 * at the first NUL, each parsed (conf_parse on an in-memory file system),
 * then diffed for every kind (conf/diff.c) and planned (vrrp/reload_plan.c).
 * Oracles: a configuration diffed against itself keeps everything; the
 * plan's counts add up to its steps, and every new instance has an entry. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/diff.h"
#include "memfs.h"
#include "vrrp/reload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Far below the parser's default: a fuzzed ~SEQ would otherwise spend
 * seconds generating lines the diff does not need. */
#define FUZZ_MAX_LINES 2000

static struct conf *parse(const char *path)
{
        struct conf_parse_opts o = {
                .fs = &memfs, .config_id = "fuzz", .random_seed = 42,
                .hostname = "fuzzhost", .username = "root", .max_lines = FUZZ_MAX_LINES,
        };
        struct diag_list d;
        struct conf *c;

        diag_list_init(&d);
        c = conf_parse(&o, path, &d);
        diag_list_free(&d);
        return c;
}

/* Two objects of one name (a real_server listed twice) are paired by
 * bsearch in no defined order, so a list with duplicates is not diffed
 * reflexively: conf_diff_named() does not promise it (reported, left for
 * conf/diff.c's owner); the oracle holds for lists of unique names. */
static bool unique_names(const struct conf_diff_kind *k, const void *first)
{
        char a[64], b[64];

        for (const char *o = first; o; o = *(const char *const *)(o + k->next_offset))
                for (const char *p = *(const char *const *)(o + k->next_offset); p;
                     p = *(const char *const *)(p + k->next_offset))
                        if (!strcmp(k->name(o, a, sizeof(a)), k->name(p, b, sizeof(b))))
                                return false;
        return true;
}

static void diff_kind(const struct conf_diff_kind *k, const void *a, const void *b, unsigned nb)
{
        struct conf_diff d;

        if (conf_diff_named(k, a, b, &d) < 0)
                return;
        for (size_t i = 0; i < d.n; i++)
                if (!d.e[i].name || !conf_diff_action_name(d.e[i].action))
                        abort();
        if (a == b && unique_names(k, a))
                for (size_t i = 0; i < d.n; i++)
                        if (d.e[i].action != CONF_DIFF_KEEP)
                                abort();
        if (d.n < nb)
                abort();
        conf_diff_free(&d);
}

static void diff_all(const struct conf *a, const struct conf *b)
{
        diff_kind(&conf_diff_vrrp_instance, a->instances.first, b->instances.first, b->instances.count);
        diff_kind(&conf_diff_sync_group, a->sync_groups.first, b->sync_groups.first,
                  b->sync_groups.count);
        diff_kind(&conf_diff_vrrp_script, a->vrrp_scripts.first, b->vrrp_scripts.first,
                  b->vrrp_scripts.count);
        diff_kind(&conf_diff_track_file, a->track_files.first, b->track_files.first,
                  b->track_files.count);
        diff_kind(&conf_diff_track_process, a->track_processes.first, b->track_processes.first,
                  b->track_processes.count);
        diff_kind(&conf_diff_virtual_server, a->virtual_servers.first, b->virtual_servers.first,
                  b->virtual_servers.count);
        if (a->virtual_servers.first && b->virtual_servers.first)
                diff_kind(&conf_diff_real_server, a->virtual_servers.first->real_servers.first,
                          b->virtual_servers.first->real_servers.first,
                          b->virtual_servers.first->real_servers.count);
        (void)conf_diff_statics_equal(a, b);
}

static void plan(const struct conf *a, const struct conf *b)
{
        struct reload_plan p;
        const struct reload_report *r = &p.counts;
        json_t *j;

        if (reload_plan_make(a, b, &p) < 0)
                return;
        if (r->kept + r->updated + r->restarted + r->added + r->removed != p.n)
                abort();
        if (a == b && unique_names(&conf_diff_vrrp_instance, a->instances.first) && r->kept != p.n)
                abort();
        j = reload_plan_json(&p);
        json_decref(j);
        reload_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct memfs_file files[2];
        const uint8_t *split = memchr(data, 0, size);
        size_t n1 = split ? (size_t)(split - data) : size;
        char *old_text = strndup((const char *)data, n1);
        char *new_text = split ? strndup((const char *)split + 1, size - n1 - 1) : strdup("");
        struct conf *a, *b;

        files[0] = (struct memfs_file){ "/f/old.conf", old_text };
        files[1] = (struct memfs_file){ "/f/new.conf", new_text };
        memfs_set(files, 2);
        a = parse("/f/old.conf");
        b = parse("/f/new.conf");
        if (a && b) {
                diff_all(a, a);
                diff_all(a, b);
                plan(a, a);
                plan(a, b);
        }
        conf_free(a);
        conf_free(b);
        free(old_text);
        free(new_text);
        return 0;
}
