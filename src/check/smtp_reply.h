/* SMTP_CHECK's side of the dialogue, pure: bytes from the server in,
 * what to do next out (keepalived-reference.md §1.13): read the banner
 * (220), send "HELO <helo_name>", read 250, send QUIT, read its reply
 * (any code: keepalived does not check it). A reply is one or more lines
 * "NNN-text" ... "NNN text" (RFC 5321 §4.2), every line with the same
 * code, ended by CRLF (a bare LF is taken too, as keepalived does). The
 * bytes may come in any number of reads; bytes after a reply belong to
 * the next one. No I/O: check/probe_smtp.c reads, writes and times. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "check/decide.h"

/* A reply line longer than this is not SMTP (RFC 5321 §4.5.3.1.5 allows
 * 512 octets; some servers write more, so there is room). */
#define SMTP_LINE_MAX 2048
/* A whole reply longer than this is not an answer to HELO. */
#define SMTP_REPLY_MAX 65536
/* How much of the reply's first line the detail keeps. */
#define SMTP_TEXT_KEEP 48

enum smtp_parse {
        SMTP_PARSE_MORE,        /* every byte used; the reply is not complete */
        SMTP_PARSE_DONE,        /* a complete reply: code and text are set */
        SMTP_PARSE_MALFORMED,   /* not an SMTP reply: why says what */
};

struct smtp_reply {
        int state;              /* the position within a line (smtp_reply.c) */
        int code;               /* the first line's code; all lines must share it */
        int line_code;          /* the current line's code, digit by digit */
        bool last_line;         /* the current line ends the reply */
        size_t line_len, total;
        char text[SMTP_TEXT_KEEP + 1];  /* the first line's text, printable */
        size_t text_len;
        bool first_line;
        const char *why;        /* SMTP_PARSE_MALFORMED */
};

void smtp_reply_init(struct smtp_reply *r);
/* Feed len bytes; *ret_used says how many belong to this reply (all of
 * them unless DONE or MALFORMED). */
enum smtp_parse smtp_reply_feed(struct smtp_reply *r, const char *buf, size_t len, size_t *ret_used);

enum smtp_stage { SMTP_AT_BANNER, SMTP_AT_HELO, SMTP_AT_QUIT, SMTP_FINISHED };

enum smtp_next {
        SMTP_NEXT_READ,         /* wait for more bytes */
        SMTP_NEXT_SEND,         /* send smtp_dialog_output(), then go on feeding */
        SMTP_NEXT_END,          /* the outcome is decided */
};

struct smtp_outcome {
        enum check_result result;       /* CHECK_OK, CHECK_PROBE_FAILED, CHECK_PROBE_TIMEOUT */
        char detail[CHECK_DETAIL_MAX];  /* "banner 554 go away", "HELO answered 501 ..." */
};

struct smtp_dialog {
        enum smtp_stage stage;
        struct smtp_reply reply;
        char out[SMTP_LINE_MAX];        /* the line to send */
        size_t out_len;
        bool passed;                    /* HELO was answered 250: the server is up */
};

/* helo is the HELO argument (validation gives keepalived's default). */
void smtp_dialog_init(struct smtp_dialog *d, const char *helo);
/* Feed bytes read from the server; *ret_used as smtp_reply_feed. On
 * SMTP_NEXT_SEND the caller sends the output and feeds the rest. */
enum smtp_next smtp_dialog_input(struct smtp_dialog *d, const char *buf, size_t len, size_t *ret_used,
                                 struct smtp_outcome *ret);
/* The line to send after SMTP_NEXT_SEND: "HELO name\r\n" or "QUIT\r\n". */
const char *smtp_dialog_output(const struct smtp_dialog *d, size_t *ret_len);
/* The server closed the connection (err 0) or reset it (a positive
 * errno): a failure, unless HELO was already answered. */
void smtp_dialog_closed(const struct smtp_dialog *d, int err, struct smtp_outcome *ret);
/* connect_timeout passed once connected: CHECK_PROBE_TIMEOUT naming what
 * was awaited, unless HELO was already answered (then the server is up
 * and only its QUIT reply is late). */
void smtp_dialog_timeout(const struct smtp_dialog *d, struct smtp_outcome *ret);
