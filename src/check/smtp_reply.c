/* SMTP replies and SMTP_CHECK's dialogue (smtp_reply.h): a byte-at-a-time
 * parser, so that a reply split across reads at any byte reads the same
 * as one read. */
#include "check/smtp_reply.h"

#include <stdio.h>
#include <string.h>

enum { AT_DIGIT0, AT_DIGIT1, AT_DIGIT2, AT_SEP, AT_TEXT };

void smtp_reply_init(struct smtp_reply *r)
{
        memset(r, 0, sizeof(*r));
        r->state = AT_DIGIT0;
        r->first_line = true;
}

static enum smtp_parse malformed(struct smtp_reply *r, const char *why)
{
        r->why = why;
        return SMTP_PARSE_MALFORMED;
}

static void keep_text(struct smtp_reply *r, char c)
{
        if (!r->first_line || r->text_len >= SMTP_TEXT_KEEP || c == '\r')
                return;
        /* the detail goes to logs and JSON: nothing that could forge a line */
        r->text[r->text_len++] = c >= 0x20 && c < 0x7f ? c : '?';
        r->text[r->text_len] = '\0';
}

/* A line has ended (its LF read). */
static enum smtp_parse line_end(struct smtp_reply *r)
{
        if (r->first_line)
                r->code = r->line_code;
        else if (r->line_code != r->code)
                return malformed(r, "the lines of one reply carry different codes");
        if (r->last_line)
                return SMTP_PARSE_DONE;
        r->first_line = false;
        r->state = AT_DIGIT0;
        r->line_code = 0;
        r->line_len = 0;
        return SMTP_PARSE_MORE;
}

static enum smtp_parse at_digit(struct smtp_reply *r, char c)
{
        if (c < '0' || c > '9' || (r->state == AT_DIGIT0 && (c < '1' || c > '5')))
                return malformed(r, "not an SMTP reply code");
        r->line_code = r->line_code * 10 + (c - '0');
        r->state++;
        return SMTP_PARSE_MORE;
}

static enum smtp_parse one(struct smtp_reply *r, char c)
{
        if (++r->line_len > SMTP_LINE_MAX)
                return malformed(r, "a reply line longer than 2048 bytes");
        if (++r->total > SMTP_REPLY_MAX)
                return malformed(r, "a reply longer than 64 KiB");
        switch (r->state) {
        case AT_DIGIT0:
        case AT_DIGIT1:
        case AT_DIGIT2:
                return at_digit(r, c);
        case AT_SEP:
                if (c == '\n') {
                        r->last_line = true;
                        return line_end(r);
                }
                if (c != ' ' && c != '-' && c != '\r')
                        return malformed(r, "no space or hyphen after the reply code");
                r->last_line = c != '-';
                r->state = AT_TEXT;
                return SMTP_PARSE_MORE;
        default: /* AT_TEXT */
                if (c == '\n')
                        return line_end(r);
                keep_text(r, c);
                return SMTP_PARSE_MORE;
        }
}

enum smtp_parse smtp_reply_feed(struct smtp_reply *r, const char *buf, size_t len, size_t *ret_used)
{
        for (size_t i = 0; i < len; i++) {
                enum smtp_parse p = one(r, buf[i]);
                if (p != SMTP_PARSE_MORE) {
                        *ret_used = i + 1;
                        return p;
                }
        }
        *ret_used = len;
        return SMTP_PARSE_MORE;
}

/* ---- the dialogue ------------------------------------------------------------------ */

void smtp_dialog_init(struct smtp_dialog *d, const char *helo)
{
        memset(d, 0, sizeof(*d));
        d->stage = SMTP_AT_BANNER;
        smtp_reply_init(&d->reply);
        d->out_len = (size_t)snprintf(d->out, sizeof(d->out), "HELO %.*s\r\n", (int)(sizeof(d->out) - 8),
                                      helo && *helo ? helo : "smtpchecker.keepalived.org");
}

static const char *stage_word(enum smtp_stage s)
{
        return s == SMTP_AT_BANNER ? "banner" : s == SMTP_AT_HELO ? "HELO answered" : "QUIT answered";
}

static enum smtp_next fail(struct smtp_dialog *d, struct smtp_outcome *ret)
{
        const struct smtp_reply *r = &d->reply;

        ret->result = CHECK_PROBE_FAILED;
        snprintf(ret->detail, sizeof(ret->detail), "%s %d%s%s", stage_word(d->stage), r->code, r->text_len ? " " : "",
                 r->text);
        d->stage = SMTP_FINISHED;
        return SMTP_NEXT_END;
}

static enum smtp_next pass(struct smtp_dialog *d, struct smtp_outcome *ret)
{
        ret->result = CHECK_OK;
        ret->detail[0] = '\0';
        d->stage = SMTP_FINISHED;
        return SMTP_NEXT_END;
}

/* A complete reply at the current stage. */
static enum smtp_next reply_done(struct smtp_dialog *d, struct smtp_outcome *ret)
{
        int code = d->reply.code;

        switch (d->stage) {
        case SMTP_AT_BANNER:
                if (code != 220)
                        return fail(d, ret);
                d->stage = SMTP_AT_HELO;
                break;
        case SMTP_AT_HELO:
                if (code != 250)
                        return fail(d, ret);
                d->passed = true;
                d->stage = SMTP_AT_QUIT;
                memcpy(d->out, "QUIT\r\n", 7);
                d->out_len = 6;
                break;
        case SMTP_AT_QUIT:
        case SMTP_FINISHED:
                return pass(d, ret);    /* whatever QUIT got, as keepalived */
        }
        smtp_reply_init(&d->reply);
        return SMTP_NEXT_SEND;
}

enum smtp_next smtp_dialog_input(struct smtp_dialog *d, const char *buf, size_t len, size_t *ret_used,
                                 struct smtp_outcome *ret)
{
        enum smtp_parse p;

        if (d->stage == SMTP_FINISHED) {
                *ret_used = len;
                return SMTP_NEXT_END;
        }
        p = smtp_reply_feed(&d->reply, buf, len, ret_used);
        if (p == SMTP_PARSE_MORE)
                return SMTP_NEXT_READ;
        if (p == SMTP_PARSE_DONE)
                return reply_done(d, ret);
        if (d->passed)
                return pass(d, ret);
        ret->result = CHECK_PROBE_FAILED;
        snprintf(ret->detail, sizeof(ret->detail), "%s: %s", d->stage == SMTP_AT_BANNER ? "banner" : "HELO reply",
                 d->reply.why);
        d->stage = SMTP_FINISHED;
        return SMTP_NEXT_END;
}

const char *smtp_dialog_output(const struct smtp_dialog *d, size_t *ret_len)
{
        *ret_len = d->out_len;
        return d->out;
}

void smtp_dialog_closed(const struct smtp_dialog *d, int err, struct smtp_outcome *ret)
{
        if (d->passed) {
                ret->result = CHECK_OK;
                ret->detail[0] = '\0';
                return;
        }
        ret->result = CHECK_PROBE_FAILED;
        snprintf(ret->detail, sizeof(ret->detail), "connection %s %s", err ? "reset" : "closed",
                 d->stage == SMTP_AT_BANNER ? "before the banner" : "before HELO was answered");
}

void smtp_dialog_timeout(const struct smtp_dialog *d, struct smtp_outcome *ret)
{
        if (d->passed) {
                ret->result = CHECK_OK;
                ret->detail[0] = '\0';
                return;
        }
        ret->result = CHECK_PROBE_TIMEOUT;
        snprintf(ret->detail, sizeof(ret->detail), "%s", d->stage == SMTP_AT_BANNER ? "no banner" : "no answer to HELO");
}
