/* The Prometheus endpoint (global_defs `metrics_listen ADDR:PORT`, a vigil
 * extension; off by default). The supervisor renders the text from the
 * worker's status whenever it changes; libmicrohttpd serves the last
 * rendering from its own thread, so a slow scraper never touches the loop. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

struct metrics;

struct prom_out;

/* One worker's series: its kind's renderer over the status it reported. */
struct metrics_part {
        void (*render)(struct prom_out *o, json_t *status);
        json_t *status;                 /* NULL: nothing fresh, nothing rendered */
};

struct metrics_input {
        const struct metrics_part *parts;
        size_t nparts;
        bool worker_running;
        unsigned worker_restarts;
        unsigned reloads, reload_failures;
        bool last_reload_ok;
        double last_reload_time;
};

/* A scrape asks for fresh numbers through this (called on the HTTP
 * thread; it must only wake the loop), then waits up to 250 ms for
 * metrics_update() before serving what it has. */
typedef void (*metrics_wake_fn)(void *ctx);

/* NULL with a logged error if ADDR:PORT is invalid or cannot be bound. */
struct metrics *metrics_start(const char *listen, metrics_wake_fn wake, void *ctx);
void metrics_update(struct metrics *m, const struct metrics_input *in);
void metrics_stop(struct metrics *m);

/* The exposition text for in (malloc'd); exposed for the unit test. */
char *metrics_render(const struct metrics_input *in);
