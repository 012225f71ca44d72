/* DNS_CHECK's query and the judgement of its reply (dns_msg.h). */
#include "check/dns_msg.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_NAME_MAX 255
#define DNS_LABEL_MAX 63

static const struct {
        const char *name;
        uint16_t code;
} types[] = {
        { "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "MX", 15 },
        { "TXT", 16 }, { "AAAA", 28 }, { "RRSIG", 46 }, { "DNSKEY", 48 },
};

uint16_t dns_type_code(const char *name)
{
        if (!name)
                return 6;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (!strcasecmp(name, types[i].name))
                        return types[i].code;
        return 0;
}

const char *dns_type_name(uint16_t code)
{
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (types[i].code == code)
                        return types[i].name;
        return "?";
}

const char *dns_rcode_name(unsigned rcode)
{
        static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                             "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };

        return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "unassigned";
}

static void put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
        return (uint16_t)(p[0] << 8 | p[1]);
}

/* The name in wire form at out (room for DNS_NAME_MAX bytes); its length. */
static int encode_name(const char *name, uint8_t *out, size_t *ret_len)
{
        size_t n = 0;
        const char *s = name ? name : "";

        if (!strcmp(s, "."))
                s = "";
        while (*s) {
                const char *dot = strchr(s, '.');
                size_t l = dot ? (size_t)(dot - s) : strlen(s);
                if (l == 0 || l > DNS_LABEL_MAX || n + 1 + l + 1 > DNS_NAME_MAX)
                        return -EINVAL;
                out[n++] = (uint8_t)l;
                memcpy(out + n, s, l);
                n += l;
                s += l;
                if (*s == '.')
                        s++;
        }
        out[n++] = 0;
        *ret_len = n;
        return 0;
}

int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size, size_t *ret_len)
{
        uint8_t wire[DNS_NAME_MAX];
        size_t nlen;
        int e = encode_name(name, wire, &nlen);

        if (e < 0)
                return e;
        if (size < DNS_HEADER_LEN + nlen + 4)
                return -ENOSPC;
        memset(buf, 0, DNS_HEADER_LEN);
        put16(buf, id);
        put16(buf + 2, DNS_FLAG_RD);
        put16(buf + 4, 1);
        memcpy(buf + DNS_HEADER_LEN, wire, nlen);
        put16(buf + DNS_HEADER_LEN + nlen, qtype);
        put16(buf + DNS_HEADER_LEN + nlen + 2, DNS_CLASS_IN);
        *ret_len = DNS_HEADER_LEN + nlen + 4;
        return 0;
}

/* ---- the reply ------------------------------------------------------------------------ */

struct walk {
        const uint8_t *msg;
        size_t len, off;
        bool truncated;         /* TC: the message may end early, at any point */
        bool ran_out;           /* the failure is the message's end */
        const char *why;
};

/* Skip the name at w->off (labels, ending in a root label or a pointer).
 * Pointers must point before every earlier jump, so a loop cannot be
 * built; the name's length is capped at 255 as RFC 1035 says. */
static bool skip_name(struct walk *w)
{
        size_t pos = w->off, limit = w->off, total = 0;
        bool jumped = false;

        for (;;) {
                if (pos >= w->len)
                        return (w->why = "a name runs past the end"), (w->ran_out = true), false;
                uint8_t b = w->msg[pos];
                if ((b & 0xc0) == 0xc0) {
                        if (pos + 1 >= w->len)
                                return (w->why = "a name runs past the end"), (w->ran_out = true), false;
                        size_t to = (size_t)((b & 0x3f) << 8 | w->msg[pos + 1]);
                        if (to >= limit)
                                return (w->why = "a compression pointer that does not point back"), false;
                        if (!jumped)
                                w->off = pos + 2;
                        jumped = true;
                        limit = pos = to;
                        continue;
                }
                if (b & 0xc0)
                        return (w->why = "a label of a reserved type"), false;
                total += (size_t)b + 1;
                if (total > DNS_NAME_MAX)
                        return (w->why = "a name longer than 255 bytes"), false;
                if (b == 0) {
                        if (!jumped)
                                w->off = pos + 1;
                        return true;
                }
                pos += (size_t)b + 1;
        }
}

static bool skip(struct walk *w, size_t n)
{
        if (w->off + n > w->len)
                return (w->why = "a record runs past the end"), (w->ran_out = true), false;
        w->off += n;
        return true;
}

/* Walk count entries: questions (name, type, class) or records (name,
 * type, class, TTL, RDLENGTH, RDATA). A truncated (TC) message may stop
 * where it ends: what is there is checked, the rest is not required. */
static bool walk_section(struct walk *w, unsigned count, bool question)
{
        for (unsigned i = 0; i < count; i++) {
                if (w->truncated && w->off >= w->len)
                        return true;
                if (!skip_name(w) || !skip(w, question ? 4 : 10) ||
                    (!question && !skip(w, get16(w->msg + w->off - 2))))
                        return w->truncated && w->ran_out;
        }
        return true;
}

struct dns_judgement dns_judge_reply(const uint8_t *msg, size_t len, uint16_t id)
{
        struct dns_judgement j = { .verdict = DNS_NOT_OURS };
        uint16_t flags;
        struct walk w = { .msg = msg, .len = len, .off = DNS_HEADER_LEN };

        if (len < DNS_HEADER_LEN)
                return (j.why = "shorter than a DNS header"), j;
        if (get16(msg) != id)
                return (j.why = "reply id mismatch"), j;
        flags = get16(msg + 2);
        if (!(flags & DNS_FLAG_QR))
                return (j.why = "QR clear (a query, not a reply)"), j;
        j.rcode = flags & 0x0f;
        j.answers = get16(msg + 6);
        if (j.rcode) {
                j.verdict = DNS_RCODE;
                return j;
        }
        w.truncated = flags & DNS_FLAG_TC;
        if (!walk_section(&w, get16(msg + 4), true) ||
            !walk_section(&w, (unsigned)get16(msg + 6) + get16(msg + 8) + get16(msg + 10), false)) {
                j.verdict = DNS_MALFORMED;
                j.why = w.why;
                return j;
        }
        j.verdict = DNS_ANSWERED;
        return j;
}
