/* libFuzzer target: arbitrary bytes as a server's side of SMTP_CHECK's
 * dialogue (check/smtp_reply.c). The first byte picks the size of the
 * reads the rest arrives in (1..256 bytes); the dialogue fed that way
 * must end exactly as when fed in one read (same step, same outcome,
 * same detail), send only its HELO and QUIT lines in order, and name an
 * outcome whose detail is printable; a dialogue left open then ends as a
 * close or a timeout says (success only once HELO was answered). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/smtp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
        enum smtp_next next;
        struct smtp_outcome o;
        unsigned sends;
        enum smtp_stage stage;
};

static void check_sent(const struct smtp_dialog *d, unsigned sends)
{
        size_t len;
        const char *line = smtp_dialog_output(d, &len);
        const char *want = sends == 1 ? "HELO fuzz.example\r\n" : "QUIT\r\n";

        if (sends > 2 || len != strlen(want) || memcmp(line, want, len))
                abort();
}

static struct run feed(const char *buf, size_t size, size_t step)
{
        struct smtp_dialog d;
        struct run r = { .next = SMTP_NEXT_READ };
        size_t off = 0;

        smtp_dialog_init(&d, "fuzz.example");
        while (off < size && r.next != SMTP_NEXT_END) {
                size_t n = size - off < step ? size - off : step, used;
                r.next = smtp_dialog_input(&d, buf + off, n, &used, &r.o);
                if (used > n || (r.next == SMTP_NEXT_READ && used != n))
                        abort();
                off += used;
                if (r.next == SMTP_NEXT_SEND)
                        check_sent(&d, ++r.sends);
        }
        r.stage = d.stage;
        if (r.next != SMTP_NEXT_END) {
                struct smtp_outcome closed;
                smtp_dialog_closed(&d, size & 1 ? 104 : 0, &closed);
                if (closed.result != (d.passed ? CHECK_OK : CHECK_PROBE_FAILED))
                        abort();
                smtp_dialog_timeout(&d, &r.o);
                if (r.o.result != CHECK_PROBE_TIMEOUT && !(d.passed && r.o.result == CHECK_OK))
                        abort();
        }
        return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct run whole, pieces;

        if (size < 1)
                return 0;
        whole = feed((const char *)data + 1, size - 1, size);
        pieces = feed((const char *)data + 1, size - 1, (size_t)data[0] + 1);
        if (whole.next != pieces.next || whole.sends != pieces.sends || whole.stage != pieces.stage ||
            whole.o.result != pieces.o.result || strcmp(whole.o.detail, pieces.o.detail))
                abort();
        if (whole.o.result != CHECK_OK && whole.o.result != CHECK_PROBE_FAILED &&
            whole.o.result != CHECK_PROBE_TIMEOUT)
                abort();
        for (const char *c = whole.o.detail; *c; c++)
                if (*c < 0x20 || *c > 0x7e)
                        abort();
        return 0;
}
