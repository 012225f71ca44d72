/* UDP_CHECK's judgement of what came back (keepalived-reference.md §1.13,
 * keepalived.conf(5) "UDP healthchecker"). Pure: the checker's reply
 * specification and the datagram's bytes in, a named result and a detail
 * for logs and status out. The probe (probe_udp.c) does the I/O.
 *
 * What keepalived does, and vigil with it:
 * - without require_reply, silence for connect_timeout is success: only an
 *   ICMP error (port, host or network unreachable) fails the check. Any
 *   datagram that arrives is success too, whatever it holds;
 * - with require_reply, a datagram must arrive; its length must lie within
 *   min_reply_length..max_reply_length (0..255 by default), and, when
 *   require_reply gives bytes, the reply must equal them over the shorter
 *   of the two lengths, an X nibble matching anything. So a reply shorter
 *   than the pattern is compared over its own length only (keepalived's
 *   rule; min_reply_length is how a configuration asks for more).
 *
 * Where vigil differs: keepalived checks the lengths only when
 * require_reply gives bytes; its manual says they are checked whenever
 * require_reply is set, and vigil does what the manual says. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/decide.h"
#include "conf/model.h"

/* The datagram keepalived sends when no payload is configured: 32 bytes
 * of the repeated text "keepalived check - " (its manual says "random"; a
 * server written against keepalived may expect exactly these bytes). */
#define UDP_DEFAULT_PAYLOAD_LEN 32
extern const uint8_t udp_default_payload[UDP_DEFAULT_PAYLOAD_LEN];

struct udp_reply_spec {
        bool require_reply;
        const uint8_t *data;            /* the pattern; NULL (len 0): any content */
        const uint8_t *ignore;          /* per pattern byte, the bits an X leaves out; NULL: none */
        size_t len;
        unsigned min_len, max_len;
};

/* The checker's specification (its arrays stay the model's). */
struct udp_reply_spec udp_reply_spec_of(const struct conf_checker *ck);

/* What the probe sends: payload, else keepalived's default. */
const uint8_t *udp_payload_of(const struct conf_checker *ck, size_t *ret_len);

/* A datagram of reply_len bytes arrived; data holds its first `avail`
 * bytes (avail <= reply_len: the probe may read only what the pattern
 * needs). CHECK_OK or CHECK_PROBE_FAILED, with a detail such as
 * "reply 3 bytes, min_reply_length 4" or "reply does not match at byte 2"
 * (bytes counted from 0); detail may be NULL. */
enum check_result udp_reply_judge(const struct udp_reply_spec *s, const uint8_t *data, size_t avail, size_t reply_len,
                                  char *detail, size_t size);

/* How many bytes of a reply udp_reply_judge needs to see. */
size_t udp_reply_needed(const struct udp_reply_spec *s);

/* Nothing arrived within connect_timeout: CHECK_NO_REPLY with
 * require_reply, else CHECK_OK ("no reply (success without
 * require_reply)", keepalived's default). */
enum check_result udp_silence_judge(const struct udp_reply_spec *s, char *detail, size_t size);
