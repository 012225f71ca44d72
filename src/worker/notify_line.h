/* What a notification is about, and the notify FIFO line that tells it
 * (reference §5.5 for VRRP, §6.9 for LVS). Pure: the line is built here and
 * written by worker/notify.c, so the formats are unit-tested. */
#pragma once

#include <stddef.h>

enum notify_kind {
        NOTIFY_INSTANCE,        /* a vrrp_instance */
        NOTIFY_GROUP,           /* a vrrp_sync_group */
        NOTIFY_VS,              /* a virtual_server */
        NOTIFY_RS,              /* a real_server */
};

struct notify_object {
        enum notify_kind kind;
        /* INSTANCE/GROUP: the configured name. VS: "[addr]:proto:port",
         * "FWM n" or "[group]:port"; RS: "[addr]:proto:port VS" (§6.9). */
        const char *name;
};

/* The word notify scripts get as their kind argument and the FIFO line
 * starts with: INSTANCE, GROUP, VS, RS. */
const char *notify_kind_word(enum notify_kind k);
/* For mail subjects: Instance, Group, Virtual server, Real server. */
const char *notify_kind_title(enum notify_kind k);

/* Format the FIFO line for o entering state into buf; returns the number of
 * bytes to write, 0 if it does not fit. VRRP lines quote the name and end
 * with the priority (0 for a group): `INSTANCE "VI_1" MASTER 100\n`. LVS
 * lines do not, and keepalived writes their terminating NUL too, which
 * readers of its FIFO may count on: `VS [10.0.0.1]:tcp:80 UP\n\0`. */
size_t notify_fifo_line(char *buf, size_t size, const struct notify_object *o, const char *state, unsigned prio);
