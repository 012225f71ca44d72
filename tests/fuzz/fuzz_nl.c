/* libFuzzer target: arbitrary bytes as one read from the netlink monitor
 * socket (rtnetlink messages), through the monitor's parse
 * (net/nl_parse.c). The buffer is exactly the input's size so ASan sees a
 * read past a message's end. Every event must be well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/nl_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(void *ctx, const struct nl_event *ev)
{
        (*(unsigned *)ctx)++;
        if (memchr(ev->ifname, 0, sizeof(ev->ifname)) == NULL)
                abort();
        switch (ev->kind) {
        case NL_ADDR_NEW:
        case NL_ADDR_DEL:
                if (ev->ifname[0])
                        abort();
                break;
        case NL_LINK_UP:
        case NL_LINK_DOWN:
        case NL_LINK_DEL:
                if (ev->addr.family != 0)
                        abort();
                break;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* netlink messages are 4-byte aligned: malloc's alignment, as the
         * socket read's stack buffer is */
        void *buf = malloc(size ? size : 1);
        unsigned events = 0;

        memcpy(buf, data, size);
        nl_parse_events(buf, size, check, &events);
        free(buf);
        return 0;
}
