/* DNS_CHECK's messages, pure (keepalived-reference.md §1.13): the query
 * (one question, RD set, as keepalived sends it) and the judgement of a
 * datagram that came back. keepalived's rule: a reply with our ID, QR set
 * and RCODE 0 is success (no answer records are needed: NOERROR without
 * data is a server that works); any other RCODE is a failure; a datagram
 * with another ID or QR clear is not our reply and waiting goes on, as a
 * resolver does. vigil also walks the reply's sections (names with their
 * compression pointers, every record's length) so that a datagram that is
 * not DNS at all is named a malformed reply rather than taken for a
 * working server. No I/O: check/probe_dns.c sends, receives and times. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_QUERY_MAX 512       /* a name is at most 255 bytes: a query always fits */
#define DNS_CLASS_IN 1

/* The query type of `type`'s name (A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG,
 * DNSKEY; any case); 0 if unknown. NULL is keepalived's default, SOA. */
uint16_t dns_type_code(const char *name);
const char *dns_type_name(uint16_t code);

/* The query for name ("", "." and NULL are the root; a trailing dot is
 * allowed) in buf. 0 and *ret_len, or -EINVAL (an empty label, a label
 * over 63 bytes, a name over 255 bytes) or -ENOSPC. */
int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size, size_t *ret_len);

enum dns_verdict {
        DNS_NOT_OURS,           /* ignore it and keep waiting: why says which */
        DNS_ANSWERED,           /* our reply, RCODE 0 */
        DNS_RCODE,              /* our reply with an error RCODE */
        DNS_MALFORMED,          /* our ID and QR, but not a DNS message: why says where */
};

struct dns_judgement {
        enum dns_verdict verdict;
        unsigned rcode;         /* DNS_RCODE (and DNS_ANSWERED: 0) */
        unsigned answers;       /* ANCOUNT */
        const char *why;        /* DNS_NOT_OURS, DNS_MALFORMED */
};

/* Judge the datagram msg[0..len) as the reply to query id. */
struct dns_judgement dns_judge_reply(const uint8_t *msg, size_t len, uint16_t id);

/* The IANA names of the header's RCODE (0..15): "NOERROR", "FORMERR",
 * "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", ...; "unassigned" for
 * 11..15. */
const char *dns_rcode_name(unsigned rcode);
