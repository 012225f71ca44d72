/* FILE_CHECK (keepalived-reference.md §1.13): a real server's health and
 * weight from a track_file's number. The file is read at start, and again
 * whenever a writer closes it or renames it into place (worker/filewatch.h:
 * inotify on its directory, on the check worker's loop); the rule is pure
 * (check/file_rule.h). A FILE_CHECK has no probe and no schedule: its
 * verdict goes through check_decide with no retry, so the real server
 * goes down (CHECK_FILE_DOWN) and comes back on the very write that says
 * so, with the usual log lines, scripts and table change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/engine_internal.h"
#include "check/file_rule.h"
#include "common/clock.h"
#include "common/log.h"

static long read_file(const char *path)
{
        char buf[64];
        size_t n;
        FILE *f = fopen(path, "re");

        if (!f)
                return check_file_value(NULL, 0);
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        return check_file_value(buf, n);
}

static const char *base_of(const char *path, char *buf, size_t size)
{
        const char *slash = strrchr(path, '/');

        snprintf(buf, size, "%s", slash ? slash + 1 : path);
        return buf;
}

void ck_file_eval(struct ck_checker *ck, bool apply)
{
        struct check_engine *e = ck->rs->vs->e;
        const struct conf_track_file *tf = conf_find_track_file(e->conf, ck->c->track_file);
        struct check_probe p = { .result = CHECK_OK };
        struct check_file_effect eff;
        int weight;
        bool reverse, was_down = ck->st.state == CHECK_DOWN;
        long value = tf ? read_file(tf->file) : 0;
        int64_t delta_before = ck->file_delta;

        check_file_weight_of(ck->c, tf, &weight, &reverse);
        eff = check_file_effect(value, weight, reverse);
        /* nothing new: the same value, and the same verdict (a reload may
         * have changed the weight) */
        if (apply && ck->has_last && value == ck->file_value && eff.down == was_down &&
            (eff.down || eff.delta == ck->file_delta))
                return;
        ck->file_value = value;
        ck->file_delta = eff.down ? 0 : eff.delta;
        if (eff.down)
                p.result = CHECK_FILE_DOWN;
        snprintf(p.detail, sizeof(p.detail), "%s: value %ld", ck->c->track_file ? ck->c->track_file : "?", value);
        if (!apply) {
                ck->st.state = eff.down ? CHECK_DOWN : CHECK_UP;
                ck->has_last = true;
                ck->last = p.result;
                ck->last_time = wall_usec();
                ck_set_detail(ck, p.detail);
                return;
        }
        log_info("FILE_CHECK for %s: %s", ck->rs->name, p.detail);
        ck_checker_feed(ck, &p, mono_usec());
        if (ck->file_delta != delta_before && was_down == (ck->st.state == CHECK_DOWN)) {
                ck_vs_refresh(ck->rs->vs, true);
                ck_table_changed(e);
        }
}

static void on_file_event(void *ctx, int wd, const char *name)
{
        struct check_engine *e = ctx;
        char base[256];

        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        for (size_t k = 0; k < e->vs[i].rs[r].nck; k++) {
                                struct ck_checker *ck = &e->vs[i].rs[r].ck[k];
                                const struct conf_track_file *tf;
                                if (ck->c->type != CHECK_FILE || ck->file_wd != wd || ck->paused)
                                        continue;
                                tf = conf_find_track_file(e->conf, ck->c->track_file);
                                if (tf && !strcmp(base_of(tf->file, base, sizeof(base)), name))
                                        ck_file_eval(ck, true);
                        }
        wctl_heartbeat_soon(&e->ctl);
}

/* init_file: create the file (or overwrite it) with its value at start,
 * not at reload, as keepalived does. */
static void init_files(struct check_engine *e)
{
        const struct conf_track_file *tf;

        CONF_FOREACH(tf, &e->conf->track_files) {
                FILE *out;
                if (!tf->init_file || (!tf->init_overwrite && access(tf->file, F_OK) == 0))
                        continue;
                if (!(out = fopen(tf->file, "we"))) {
                        log_warn("track_file %s: cannot create %s: %s", tf->name, tf->file, strerror(errno));
                        continue;
                }
                fprintf(out, "%ld\n", tf->init_value);
                fclose(out);
        }
}

static bool uses_files(const struct check_engine *e)
{
        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        for (size_t k = 0; k < e->vs[i].rs[r].nck; k++)
                                if (e->vs[i].rs[r].ck[k].c->type == CHECK_FILE)
                                        return true;
        return false;
}

static void watch(struct check_engine *e, struct ck_checker *ck)
{
        const struct conf_track_file *tf = conf_find_track_file(e->conf, ck->c->track_file);

        if (!tf)
                return;
        ck->file_wd = filewatch_add(&e->files, &e->loop, tf->file);
        if (ck->file_wd < 0)
                log_err("FILE_CHECK for %s: cannot watch %s: %s", ck->rs->name, tf->file, strerror(-ck->file_wd));
}

void ck_files_start(struct check_engine *e, bool at_start)
{
        if (!uses_files(e))
                return;
        if (at_start)
                init_files(e);
        if (!e->files_open) {
                filewatch_init(&e->files, on_file_event, e);
                e->files_open = true;
        }
        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        for (size_t k = 0; k < e->vs[i].rs[r].nck; k++)
                                if (e->vs[i].rs[r].ck[k].c->type == CHECK_FILE)
                                        watch(e, &e->vs[i].rs[r].ck[k]);
}

/* After a reload: the carried checkers' files may have changed while the
 * configuration was read. */
void ck_files_refresh(struct check_engine *e)
{
        for (size_t i = 0; i < e->nvs; i++)
                for (size_t r = 0; r < e->vs[i].nrs; r++)
                        for (size_t k = 0; k < e->vs[i].rs[r].nck; k++)
                                if (e->vs[i].rs[r].ck[k].c->type == CHECK_FILE && !e->vs[i].rs[r].ck[k].paused)
                                        ck_file_eval(&e->vs[i].rs[r].ck[k], true);
}

/* After the loop closed the watcher's handle. */
void ck_files_free(struct check_engine *e)
{
        if (e->files_open)
                filewatch_free(&e->files);
        e->files_open = false;
}
