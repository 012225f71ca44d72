/* Health checker blocks: TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK,
 * MISC_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/regex_api.h"
#include "common/strutil.h"

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
        size_t n;
        char *d;

        if (!pargs(p, ln, 1, 1))
                return;
        n = strlen(ln->tok[1].s);
        if ((n != 32 && n != 64) || strspn(ln->tok[1].s, "0123456789abcdefABCDEF") != n) {
                perr(p, ln, 1, "digest must be 32 hexadecimal characters (an MD5 sum, as genhash prints)"
                               " or 64 (a SHA-256 sum, as vigil-genhash --sha256 prints)");
                return;
        }
        if (n == 64)
                pwarn(p, ln, 1, "a SHA-256 digest is a vigil extension: keepalived does not accept this file");
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

static void kw_regex(struct parser *p, const struct conf_line *ln, void *obj)
{
        if (pargs(p, ln, 1, 1))
                ((struct conf_url *)obj)->regex = arena_strdup(&p->conf->arena, ln->tok[1].s);
}

/* keepalived's regex_options names (its man page's list), as PCRE2 bits. */
static const struct { const char *name; uint32_t bit; } regex_opts[] = {
        { "allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS },
        { "alt_bsux", PCRE2_ALT_BSUX },
        { "auto_callout", PCRE2_AUTO_CALLOUT },
        { "caseless", PCRE2_CASELESS },
        { "dollar_endonly", PCRE2_DOLLAR_ENDONLY },
        { "dotall", PCRE2_DOTALL },
        { "dupnames", PCRE2_DUPNAMES },
        { "extended", PCRE2_EXTENDED },
        { "firstline", PCRE2_FIRSTLINE },
        { "match_unset_backref", PCRE2_MATCH_UNSET_BACKREF },
        { "multiline", PCRE2_MULTILINE },
        { "never_ucp", PCRE2_NEVER_UCP },
        { "never_utf", PCRE2_NEVER_UTF },
        { "no_auto_capture", PCRE2_NO_AUTO_CAPTURE },
        { "no_auto_possess", PCRE2_NO_AUTO_POSSESS },
        { "no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR },
        { "no_start_optimize", PCRE2_NO_START_OPTIMIZE },
        { "ucp", PCRE2_UCP },
        { "ungreedy", PCRE2_UNGREEDY },
        { "utf", PCRE2_UTF },
        { "never_backslash_c", PCRE2_NEVER_BACKSLASH_C },
        { "alt_circumflex", PCRE2_ALT_CIRCUMFLEX },
        { "alt_verbnames", PCRE2_ALT_VERBNAMES },
        { "use_offset_limit", PCRE2_USE_OFFSET_LIMIT },
};

static void kw_regex_options(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_url *u = obj;

        if (!pargs(p, ln, 1, -1))
                return;
        for (size_t i = 1; i < ln->ntok; i++) {
                size_t j = 0, n = sizeof(regex_opts) / sizeof(regex_opts[0]);
                while (j < n && strcmp(ln->tok[i].s, regex_opts[j].name))
                        j++;
                if (j == n)
                        perr(p, ln, i, "unknown regex option '%s'", ln->tok[i].s);
                else
                        u->regex_options |= regex_opts[j].bit;
        }
}

static void kw_regex_offset(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_url *u = obj;
        int64_t v;

        if (!pargs(p, ln, 1, 1) || !read_int64(p, ln, 1, 0, INT64_MAX, &v))
                return;
        if (!strcmp(ln->tok[0].s, "regex_min_offset"))
                u->regex_min_offset = (uint64_t)v;
        else
                u->regex_max_offset = (uint64_t)v;
}

static void kw_regex_stack(struct parser *p, const struct conf_line *ln, void *obj)
{
        struct conf_url *u = obj;
        int64_t lo, hi;

        if (!pargs(p, ln, 2, 2) || !read_int64(p, ln, 1, 1, UINT32_MAX, &lo) ||
            !read_int64(p, ln, 2, 1, UINT32_MAX, &hi))
                return;
        if (hi < lo) {
                perr(p, ln, 2, "regex_stack's maximum is below its start");
                return;
        }
        u->regex_stack_start = (uint32_t)lo;
        u->regex_stack_max = (uint32_t)hi;
}

/* A pattern PCRE2 rejects is an error at its line, as keepalived says it
 * at load; the check would otherwise fail forever for a typo. */
static void check_regex(struct parser *p, struct conf_url *u)
{
        const struct pcre2_api *re2 = u->regex ? pcre2_api() : NULL;
        int err;
        PCRE2_SIZE off;
        pcre2_code *re;
        PCRE2_UCHAR msg[128];

        if (!u->regex)
                return;
        if (!re2) {
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &u->pos, "url regex '%s' needs PCRE2 (libpcre2-8), which cannot be loaded",
                         u->regex);
                u->regex = NULL;
                return;
        }
        re = re2->compile((PCRE2_SPTR)u->regex, PCRE2_ZERO_TERMINATED, u->regex_options, &err, &off, NULL);
        if (re) {
                re2->code_free(re);
                return;
        }
        re2->get_error_message(err, msg, sizeof(msg));
        pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &u->pos, "url regex '%s' does not compile at offset %zu: %s",
                 u->regex, (size_t)off, (const char *)msg);
        u->regex = NULL;
}

static void close_url(struct parser *p, void *child, void *obj)
{
        struct conf_url *u = child;

        if (!u->path)
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &u->pos, "url block has no 'path'");
        check_regex(p, u);
        if (u->regex_max_offset && u->regex_max_offset < u->regex_min_offset)
                pdiag_at(p, DIAG_ERROR, DIAG_CONFIG, &u->pos, "url regex_max_offset is below regex_min_offset");
}

/* vigil's TLS extensions: said at config-test time, because keepalived
 * rejects them. */
static void kw_http_extension(struct parser *p, const struct conf_line *ln, void *obj)
{
        (void)obj;
        pwarn(p, ln, 0, "%s is a vigil extension: keepalived does not accept this file", ln->tok[0].s);
}

static const struct kw url_kw[] = {
        KW_T("path", T_STRING, struct conf_url, path, 0, 0),
        KW_FN("digest", kw_digest),
        KW_FN("status_code", kw_status_code),
        KW_T("virtualhost", T_STRING, struct conf_url, virtualhost, 0, 0),
        KW_FN("regex", kw_regex),
        KW_T("regex_no_match", T_BOOL, struct conf_url, regex_no_match, 0, 0),
        KW_FN("regex_options", kw_regex_options),
        KW_FN("regex_min_offset", kw_regex_offset),
        KW_FN("regex_max_offset", kw_regex_offset),
        KW_FN("regex_stack", kw_regex_stack),
        KW_T("tls_compliant", T_BOOL, struct conf_url, tls_compliant, 0, 0),
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

#define HTTP_EXTENSION(n, f) \
        { .name = n, .kind = KW_VALUE, .type = T_BOOL, .off = offsetof(CK, f), .set_off = -1, .fn = kw_http_extension }

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
        KW_T("tls_compliant", T_BOOL, CK, tls_compliant, 0, 0),
        HTTP_EXTENSION("tls_verify", tls_verify),
        HTTP_EXTENSION("tls_session_reuse", tls_session_reuse),
        HTTP_EXTENSION("decode_chunked", decode_chunked),
        KW_END,
};
const struct kw_table kw_http_check_table = { "HTTP_GET/SSL_GET", http_kw };

/* ---- SMTP_CHECK ------------------------------------------------------------------- */

/* The deprecated host { } sub-block: each one becomes an extra checker
 * (conf/validate_lvs.c expands them, with the parent's options). It takes
 * the schedule keywords too, as keepalived's does. */
static void *open_smtp_host(struct parser *p, const struct conf_line *ln, void *obj)
{
        pwarn(p, ln, 0, "SMTP_CHECK 'host' blocks are deprecated; each becomes an extra SMTP_CHECK");
        return new_checker(p, CHECK_SMTP, ppos(p, ln, 0));
}

static void close_smtp_host(struct parser *p, void *child, void *obj)
{
        CK *host = child, *parent = obj;

        CONF_LIST_APPEND(&parent->hosts, host);
}

static const struct kw smtp_host_kw[] = { CONNECTION_KW, SCHEDULE_KW, KW_END };
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

/* keepalived takes the type in any case and, for a type it does not
 * know, says so and keeps the default (SOA): a warning, not an error. */
static void kw_dns_type(struct parser *p, const struct conf_line *ln, void *obj)
{
        static const char *const types[] = { "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY" };
        const char *best;

        if (!pargs(p, ln, 1, 1))
                return;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (!strcasecmp(ln->tok[1].s, types[i])) {
                        ((CK *)obj)->dns_type = types[i];
                        return;
                }
        best = str_closest(ln->tok[1].s, types, sizeof(types) / sizeof(types[0]));
        pwarn(p, ln, 1, "unknown DNS_CHECK type '%s'%s%s%s; using SOA, the default", ln->tok[1].s,
              best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
}

/* "." is the root (keepalived's default); "example.com." is as good as
 * "example.com". A label is 1..63 bytes, a name at most 253 characters. */
static void kw_dns_name(struct parser *p, const struct conf_line *ln, void *obj)
{
        CK *ck = obj;
        const char *s;
        size_t label = 0;

        if (!pargs(p, ln, 1, 1))
                return;
        s = ln->tok[1].s;
        if (strcmp(s, ".") && (strstr(s, "..") || s[0] == '.')) {
                perr(p, ln, 1, "'%s' has an empty label", s);
                return;
        }
        for (const char *c = s; *c; c++) {
                label = *c == '.' ? 0 : label + 1;
                if (label > 63) {
                        perr(p, ln, 1, "'%s' has a label longer than 63 characters", s);
                        return;
                }
        }
        if (strlen(s) > 254 || (strlen(s) == 254 && s[253] != '.')) {
                perr(p, ln, 1, "'%s' is longer than 253 characters", s);
                return;
        }
        ck->dns_name = arena_strdup(&p->conf->arena, s);
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
