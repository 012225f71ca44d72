/* libFuzzer target: arbitrary bytes as the datagram DNS_CHECK receives
 * (check/dns_msg.c), judged as the reply to the ID its first two bytes
 * carry (so the ID matches and the body is reached). The buffer is
 * exactly the input's size so ASan sees a read past the end. A verdict
 * must agree with the header: NOT_OURS only when short or QR is clear,
 * RCODE exactly when the header's RCODE is not 0. The same bytes, read as
 * a name, either build a query that parses back (QR set) as one answered
 * question, or are refused; read as a type, they name it back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(const uint8_t *msg, size_t size)
{
        uint16_t id = size >= 2 ? (uint16_t)(msg[0] << 8 | msg[1]) : 0;
        struct dns_judgement j = dns_judge_reply(msg, size, id);

        switch (j.verdict) {
        case DNS_NOT_OURS:
                if (size >= DNS_HEADER_LEN && (msg[2] & 0x80))
                        abort();
                if (!j.why)
                        abort();
                break;
        case DNS_RCODE:
                if (size < DNS_HEADER_LEN || !(msg[2] & 0x80) || (msg[3] & 0x0f) != j.rcode || !j.rcode)
                        abort();
                if (!dns_rcode_name(j.rcode))
                        abort();
                break;
        case DNS_ANSWERED:
        case DNS_MALFORMED:
                if (size < DNS_HEADER_LEN || !(msg[2] & 0x80) || (msg[3] & 0x0f))
                        abort();
                if (j.verdict == DNS_MALFORMED && !j.why)
                        abort();
                break;
        }
}

static void check_query(const uint8_t *data, size_t size)
{
        char name[300];
        uint8_t q[DNS_QUERY_MAX];
        size_t len, n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;

        memcpy(name, data, n);
        name[n] = '\0';
        if (dns_type_code(name) && strcasecmp(dns_type_name(dns_type_code(name)), name))
                abort();
        if (dns_build_query(0x5aa5, name, 6, q, sizeof(q), &len) < 0)
                return;
        if (len > DNS_QUERY_MAX || len < DNS_HEADER_LEN + 5)
                abort();
        q[2] |= 0x80;   /* as the server would answer it */
        if (dns_judge_reply(q, len, 0x5aa5).verdict != DNS_ANSWERED)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint8_t *copy = malloc(size ? size : 1);

        if (!copy)
                return 0;
        memcpy(copy, data, size);
        check_reply(copy, size);
        free(copy);
        check_query(data, size);
        return 0;
}
