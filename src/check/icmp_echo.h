/* PING_CHECK's echo codec and the datagram probes' reading of ICMP errors
 * (keepalived-reference.md §1.13). Pure: bytes and errno values in,
 * bytes and named results out; probe_ping.c and probe_udp.c do the I/O.
 *
 * The probe sends from a datagram "ping" socket (socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP), or IPPROTO_ICMPV6): the kernel writes the
 * echo identifier (the socket's own) and hands back only the replies that
 * carry it, ICMP header first, without the IP header. A reply is ours when
 * it is an echo reply with our sequence number and exactly our data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/decide.h"

#define ICMP_ECHO_HDR_LEN 8
/* ping(8)'s default data size. */
#define ICMP_ECHO_DATA_LEN 56

/* The data of one probe: token (what makes this probe's echo its own,
 * e.g. when it started) then a fixed text, len bytes. */
void icmp_echo_data(uint64_t token, uint8_t *buf, size_t len);

/* An echo request (IPv4 type 8, IPv6 type 128, code 0, identifier 0 for
 * the kernel to fill) of seq carrying data, into buf. IPv4's checksum is
 * filled (the bytes are a valid request on any socket); ICMPv6's covers a
 * pseudo header only the kernel knows, so it is left 0 for the kernel.
 * Returns the length, 0 if size is too small. family: AF_INET/AF_INET6. */
size_t icmp_echo_build(int family, uint16_t seq, const uint8_t *data, size_t len, uint8_t *buf, size_t size);

enum icmp_echo_verdict {
        ICMP_ECHO_MATCH,        /* our reply */
        ICMP_ECHO_SHORT,        /* shorter than an ICMP echo header */
        ICMP_ECHO_NOT_REPLY,    /* another ICMP type or code */
        ICMP_ECHO_OTHER_SEQ,    /* an echo reply, but not to this request */
        ICMP_ECHO_OTHER_DATA,   /* our sequence, other data: not our request's answer */
};

/* One datagram read from the ping socket. */
enum icmp_echo_verdict icmp_echo_judge(int family, const uint8_t *pkt, size_t len, uint16_t seq, const uint8_t *data,
                                       size_t dlen);
const char *icmp_echo_verdict_name(enum icmp_echo_verdict v);

/* The 1's complement sum of RFC 1071 over len bytes. */
uint16_t icmp_checksum(const uint8_t *p, size_t len);

/* A datagram probe's error: err is a positive errno from connect()/send()
 * (at_call) or read later from the connected socket, where the kernel
 * leaves what an ICMP error said. Later: port unreachable (ECONNREFUSED),
 * host or network unreachable, admin prohibited, protocol unreachable,
 * host down - the network's answer that the server is not there - are
 * CHECK_PORT_UNREACHABLE, the datagram probes' one name for "ICMP said
 * unreachable" (a datagram has no connection to refuse), with the ICMP
 * meaning as the detail ("ICMP host unreachable"). At the call, no route
 * or a local firewall is this machine's side: CHECK_ERROR, as for
 * TCP_CHECK (check_connect_result). Anything else is CHECK_ERROR. */
enum check_result icmp_error_result(int err, bool at_call, char *detail, size_t size);

/* net.ipv4.ping_group_range (also what ICMPv6 ping sockets obey): text is
 * the sysctl's contents ("1\t0\n": no group may open one). If gid is in
 * the range, 0. Otherwise 1, and out holds the widened range to write:
 * an empty range (low > high) becomes gid..gid, else it stretches to take
 * gid in. -EINVAL if text is not two group ids. */
int icmp_ping_range_widen(const char *text, uint32_t gid, char *out, size_t size);
