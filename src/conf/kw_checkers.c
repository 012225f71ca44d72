/* Health checker blocks: TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK,
 * MISC_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf/kw_common.h"
#include "conf/parser.h"
#include "conf/values.h"

#define CK struct conf_checker
#define SEC 1000000LL

static struct conf_checker *new_checker(struct parser *p, enum conf_checker_type type, struct conf_pos pos)
{
        CK *ck = arena_alloc(&p->conf->arena, sizeof(*ck));

        ck->type = type;
        ck->connect_timeout = ck->delay_before_retry = ck->delay_loop = ck->warmup = TIMER_UNSET;
        ck->misc_timeout = TIMER_UNSET;
        ck->retry = -1;
        ck->alpha = -1;
        ck->max_reply_length = 255;
        ck->pos = pos;
        return ck;
}

void *kw_open_checker(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const names[] = { "TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "MISC_CHECK",
                                             "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK" };
        struct conf_real_server *rs = obj;
        enum conf_checker_type type = CHECK_TCP;
        CK *ck;

        pargs(p, ln, 0, 0);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (!strcmp(ln->tok[0].s, names[i]))
                        type = (enum conf_checker_type)i;
        ck = new_checker(p, type, ppos(p, ln, 0));
        if (type != CHECK_MISC && type != CHECK_FILE)
                CONF_LIST_APPEND(&rs->checkers, ck);
        return ck;
}

void kw_close_misc_checker(struct parser *p, void *child, void *obj)
{
        CK *ck = child;

        if (!ck->has_misc_path) {
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &ck->pos, "MISC_CHECK has no misc_path; ignoring it");
                return;
        }
        CONF_LIST_APPEND(&((struct conf_real_server *)obj)->checkers, ck);
}

void kw_close_file_checker(struct parser *p, void *child, void *obj)
{
        CK *ck = child;

        if (!ck->track_file) {
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &ck->pos, "FILE_CHECK has no track_file; ignoring it");
                return;
        }
        CONF_LIST_APPEND(&((struct conf_real_server *)obj)->checkers, ck);
}

static void kw_nb_get_retry(struct parser *p, const struct conf_line *ln, void *obj)
{
        pwarn(p, ln, 0, "'nb_get_retry' is deprecated; use 'retry'");
}

#define CONNECTION_KW                                                                  \
        KW_T("connect_ip", T_IP, CK, connect_ip, 0, 0),                                \
        KW_T("connect_port", T_U16, CK, connect_port, 1, 65535),                        \
        KW_T("bindto", T_IP, CK, bindto, 0, 0),                                         \
        KW_T("bind_port", T_U16, CK, bind_port, 1, 65535),                              \
        KW_T("bind_if", T_STRING, CK, bind_if, 0, 0),                                   \
        KW_T("connect_timeout", T_TIMER, CK, connect_timeout, 1, 86400 * SEC),          \
        KW_T("fwmark", T_U32, CK, fwmark, 0, 4294967295LL)

#define SCHEDULE_KW                                                                    \
        KW_T("retry", T_I64, CK, retry, 0, 4294967295LL),                               \
        KW_T("delay_before_retry", T_TIMER, CK, delay_before_retry, 0, 86400 * SEC),    \
        KW_T("delay_loop", T_TIMER, CK, delay_loop, 1, 86400 * SEC),                    \
        KW_T("warmup", T_TIMER, CK, warmup, 0, 86400 * SEC),                            \
        KW_T("alpha", T_TRIBOOL, CK, alpha, 0, 0),                                      \
        KW_T("log_all_failures", T_BOOL, CK, log_all_failures, 0, 0)

static const struct kw tcp_kw[] = { CONNECTION_KW, SCHEDULE_KW, KW_END };
const struct kw_table kw_tcp_check_table = { "TCP_CHECK", tcp_kw };

static const struct kw ping_kw[] = { CONNECTION_KW, SCHEDULE_KW, KW_END };
const struct kw_table kw_ping_check_table = { "PING_CHECK", ping_kw };

/* ---- HTTP_GET / SSL_GET -------------------------------------------------------- */

static void *open_url(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;
        struct conf_url *u = arena_alloc(&p->conf->arena, sizeof(*u));

        pargs(p, ln, 0, 0);
        u->pos = ppos(p, ln, 0);
        CONF_LIST_APPEND(&ck->url, u);
        return u;
}

static void kw_digest(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_url *u = obj;
        char *d;

        if (!pargs(p, ln, 1, 1))
                return;
        if (strlen(ln->tok[1].s) != 32 || strspn(ln->tok[1].s, "0123456789abcdefABCDEF") != 32) {
                perr(p, ln, 1, "digest must be 32 hexadecimal characters (an MD5 sum, as genhash prints)");
                return;
        }
        d = arena_strdup(&p->conf->arena, ln->tok[1].s);
        for (char *c = d; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        u->digest = d;
}

static void kw_status_code(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_url *u = obj;

        if (!pargs(p, ln, 1, -1))
                return;
        for (size_t i = 1; i < ln->ntok; i++) {
                char *end;
                long lo = strtol(ln->tok[i].s, &end, 10), hi = lo;
                if (*end == '-')
                        hi = strtol(end + 1, &end, 10);
                if (*end || lo < 100 || hi > 599 || hi < lo) {
                        perr(p, ln, i, "'%s' is not a status code or range within 100..599", ln->tok[i].s);
                        return;
                }
                if (u->nstatus >= sizeof(u->status) / sizeof(u->status[0])) {
                        perr(p, ln, i, "too many status codes");
                        return;
                }
                u->status[u->nstatus].lo = (uint16_t)lo;
                u->status[u->nstatus].hi = (uint16_t)hi;
                u->nstatus++;
        }
}

static void close_url(struct parser *p, void *child, void *obj)
{
        struct conf_url *u = child;

        if (!u->path)
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &u->pos, "url block has no 'path'");
}

static const struct kw url_kw[] = {
        KW_T("path", T_STRING, struct conf_url, path, 0, 0),
        KW_FN("digest", kw_digest),
        KW_FN("status_code", kw_status_code),
        KW_T("virtualhost", T_STRING, struct conf_url, virtualhost, 0, 0),
        KW_NS("regex", "vigil is built without PCRE2"),
        KW_NS("regex_no_match", "vigil is built without PCRE2"),
        KW_NS("regex_options", "vigil is built without PCRE2"),
        KW_NS("regex_min_offset", "vigil is built without PCRE2"),
        KW_NS("regex_max_offset", "vigil is built without PCRE2"),
        KW_NS("regex_stack", "vigil is built without PCRE2"),
        KW_NS("tls_compliant", "HTTP_GET and SSL_GET come in LVS part 2"),
        KW_END,
};
const struct kw_table kw_url_table = { "url", url_kw };

static void kw_http_protocol(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const v[] = { "1.0", "1.0C", "1.0c", "1.1" };
        int i;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, v, 4, false, &i))
                ((CK *)obj)->http_protocol = v[i];
}

static const struct kw http_kw[] = {
        CONNECTION_KW,
        SCHEDULE_KW,
        KW_BLOCK("url", &kw_url_table, open_url, close_url),
        { .name = "nb_get_retry", .kind = KW_VALUE, .type = T_I64, .off = offsetof(CK, retry), .set_off = -1,
          .min = 0, .max = 4294967295LL, .fn = kw_nb_get_retry },
        KW_T("virtualhost", T_STRING, CK, virtualhost, 0, 0),
        KW_FN("http_protocol", kw_http_protocol),
        KW_T("fast_recovery", T_BOOL, CK, fast_recovery, 0, 0),
        KW_T("enable_sni", T_BOOL, CK, enable_sni, 0, 0),
        KW_T("sni_name", T_STRING, CK, sni_name, 0, 0),
        KW_NS("tls_compliant", "HTTP_GET and SSL_GET come in LVS part 2"),
        KW_END,
};
const struct kw_table kw_http_check_table = { "HTTP_GET/SSL_GET", http_kw };

/* ---- SMTP_CHECK ------------------------------------------------------------------- */

/* The deprecated host { } sub-block: each one becomes a checker of its own. */
static void *open_smtp_host(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *parent = obj;

        pwarn(p, ln, 0, "SMTP_CHECK 'host' blocks are deprecated; each becomes a separate SMTP_CHECK");
        return new_checker(p, CHECK_SMTP, parent->pos);
}

static void close_smtp_host(struct parser *p, void *child, void *obj)
{
        CK *host = child, *parent = obj;

        CONF_LIST_APPEND(&parent->hosts, host);
}

static const struct kw smtp_host_kw[] = { CONNECTION_KW, KW_END };
const struct kw_table kw_smtp_host_table = { "SMTP_CHECK host", smtp_host_kw };

static const struct kw smtp_kw[] = {
        CONNECTION_KW,
        SCHEDULE_KW,
        KW_T("helo_name", T_STRING, CK, helo_name, 0, 0),
        KW_BLOCK("host", &kw_smtp_host_table, open_smtp_host, close_smtp_host),
        KW_END,
};
const struct kw_table kw_smtp_check_table = { "SMTP_CHECK", smtp_kw };

/* ---- MISC_CHECK ---------------------------------------------------------------------- */

static void kw_misc_path(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;

        ck->has_misc_path = ck->misc_path.cmdline != NULL;
        ck->misc_path.user = ck->misc_path.group = NULL;
}

static void kw_misc_user(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;

        if (!pargs(p, ln, 1, 2))
                return;
        ck->user = arena_strdup(&p->conf->arena, ln->tok[1].s);
        ck->group = ln->ntok > 2 ? arena_strdup(&p->conf->arena, ln->tok[2].s) : NULL;
}

static const struct kw misc_kw[] = {
        SCHEDULE_KW,
        { .name = "misc_path", .kind = KW_VALUE, .type = T_SCRIPT, .off = offsetof(CK, misc_path), .set_off = -1,
          .fn = kw_misc_path },
        KW_T("misc_timeout", T_TIMER, CK, misc_timeout, 1, 86400 * SEC),
        KW_T("misc_dynamic", T_FLAG, CK, misc_dynamic, 0, 0),
        KW_FN("user", kw_misc_user),
        KW_END,
};
const struct kw_table kw_misc_check_table = { "MISC_CHECK", misc_kw };

/* ---- DNS_CHECK -------------------------------------------------------------------------- */

static void kw_dns_type(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const types[] = { "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY" };
        int v;

        if (pargs(p, ln, 1, 1) && read_choice(p, ln, 1, types, 9, false, &v))
                ((CK *)obj)->dns_type = types[v];
}

static void kw_dns_name(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;

        if (!pargs(p, ln, 1, 1))
                return;
        if (strstr(ln->tok[1].s, "..") || ln->tok[1].s[0] == '.') {
                perr(p, ln, 1, "'%s' has an empty label", ln->tok[1].s);
                return;
        }
        ck->dns_name = arena_strdup(&p->conf->arena, ln->tok[1].s);
}

static const struct kw dns_kw[] = {
        CONNECTION_KW,
        SCHEDULE_KW,
        KW_FN("type", kw_dns_type),
        KW_FN("name", kw_dns_name),
        KW_END,
};
const struct kw_table kw_dns_check_table = { "DNS_CHECK", dns_kw };

/* ---- UDP_CHECK ---------------------------------------------------------------------------- */

/* One hex digit, or with wildcards an X (x): -1 if neither; 16 for X. */
static int hex_digit(char c, bool wildcards)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                return (c | 0x20) - 'a' + 10;
        return wildcards && (c | 0x20) == 'x' ? 16 : -1;
}

/* keepalived's free-format hex: each token read two digits a byte, an odd
 * last digit a byte of its own, so "Ab12f 3 456" is AB 12 0F 03 45 06.
 * With wildcards (require_reply) an X digit matches any nibble: ret_mask
 * has its bits set; the data has them 0. */
static bool read_hex(struct parser *p, const struct conf_line *ln, bool wildcards, uint8_t **ret, uint8_t **ret_mask,
                     unsigned *ret_len)
{
        size_t n = 0;
        uint8_t *buf, *mask;

        for (size_t i = 1; i < ln->ntok; i++) {
                for (const char *c = ln->tok[i].s; *c; c++) {
                        if (hex_digit(*c, wildcards) < 0) {
                                perr(p, ln, i, "'%s' is not hexadecimal data%s", ln->tok[i].s,
                                     wildcards ? " (digits and X wildcards)" : "");
                                return false;
                        }
                }
                n += (strlen(ln->tok[i].s) + 1) / 2;
        }
        if (n > 65535) {
                perr(p, ln, 1, "more than 65535 bytes of data");
                return false;
        }
        buf = arena_alloc(&p->conf->arena, n ? n : 1);
        mask = arena_alloc(&p->conf->arena, n ? n : 1);
        n = 0;
        for (size_t i = 1; i < ln->ntok; i++) {
                const char *s = ln->tok[i].s;
                for (size_t k = 0, len = strlen(s); k < len; k += 2, n++) {
                        int hi = k + 1 < len ? hex_digit(s[k], true) : 0, lo = hex_digit(s[k + 1 < len ? k + 1 : k], true);
                        buf[n] = (uint8_t)((hi & 15) << 4 | (lo & 15));
                        mask[n] = (uint8_t)((hi == 16 ? 0xf0 : 0) | (lo == 16 ? 0x0f : 0));
                }
        }
        *ret = buf;
        if (ret_mask)
                *ret_mask = mask;
        *ret_len = (unsigned)n;
        return true;
}

static void kw_payload(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;

        if (pargs(p, ln, 1, -1))
                read_hex(p, ln, false, &ck->payload, NULL, &ck->payload_len);
}

/* require_reply alone: any reply will do; with data, the reply must match it. */
static void kw_require_reply(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;

        ck->require_reply = true;
        if (ln->ntok > 1)
                read_hex(p, ln, true, &ck->reply, &ck->reply_mask, &ck->reply_len);
}

static const struct kw udp_kw[] = {
        CONNECTION_KW,
        SCHEDULE_KW,
        KW_FN("payload", kw_payload),
        KW_FN("require_reply", kw_require_reply),
        KW_T("min_reply_length", T_UINT, CK, min_reply_length, 0, 65535),
        KW_T("max_reply_length", T_UINT, CK, max_reply_length, 0, 65535),
        KW_END,
};
const struct kw_table kw_udp_check_table = { "UDP_CHECK", udp_kw };

/* ---- FILE_CHECK ------------------------------------------------------------------------------ */

static void kw_file_weight(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;
        int rev = 0;

        if (read_weight(p, ln, 0, -2147483647, 2147483647, &ck->file_weight, &rev) >= 2)
                ck->file_weight_set = true;
        ck->file_reverse = rev == 1;
}

static const struct kw file_kw[] = {
        KW_T("track_file", T_STRING, CK, track_file, 0, 0),
        KW_FN("weight", kw_file_weight),
        KW_END,
};
const struct kw_table kw_file_check_table = { "FILE_CHECK", file_kw };
