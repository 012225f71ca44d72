#include "worker/notify_line.h"

#include <stdio.h>

const char *notify_kind_word(enum notify_kind k)
{
        switch (k) {
        case NOTIFY_INSTANCE: return "INSTANCE";
        case NOTIFY_GROUP: return "GROUP";
        case NOTIFY_VS: return "VS";
        case NOTIFY_RS: return "RS";
        }
        return "?";
}

const char *notify_kind_title(enum notify_kind k)
{
        switch (k) {
        case NOTIFY_INSTANCE: return "Instance";
        case NOTIFY_GROUP: return "Group";
        case NOTIFY_VS: return "Virtual server";
        case NOTIFY_RS: return "Real server";
        }
        return "?";
}

size_t notify_fifo_line(char *buf, size_t size, const struct notify_object *o, const char *state, unsigned prio)
{
        int n;

        if (o->kind == NOTIFY_INSTANCE || o->kind == NOTIFY_GROUP)
                n = snprintf(buf, size, "%s \"%s\" %s %u\n", notify_kind_word(o->kind), o->name, state, prio);
        else
                n = snprintf(buf, size, "%s %s %s\n", notify_kind_word(o->kind), o->name, state);
        if (n < 0 || (size_t)n >= size)
                return 0;
        /* the LVS lines' NUL is part of what keepalived writes */
        return (size_t)n + (o->kind == NOTIFY_VS || o->kind == NOTIFY_RS);
}
