/* Whether two checkers can run as one probe; see probe_key.h for what the
 * key holds and why MISC_CHECK and FILE_CHECK never share. */
#include "check/probe_key.h"

#include <string.h>

#include "check/conf_map.h"
#include "check/probe_addr.h"

static bool str_eq(const char *a, const char *b)
{
        return !strcmp(a ? a : "", b ? b : "");
}

static bool bytes_eq(const uint8_t *a, unsigned alen, const uint8_t *b, unsigned blen)
{
        return alen == blen && (!alen || !memcmp(a, b, alen));
}

/* What makes a checker unshareable before its target is resolved. */
static bool shareable_kind(const struct check_probe_who *w)
{
        if (w->ck->type == CHECK_MISC || w->ck->type == CHECK_FILE)
                return false;
        /* host blocks are expanded into checkers of their own by validation;
         * an unvalidated parent still holding them is not a single probe */
        return !(w->ck->type == CHECK_SMTP && w->ck->hosts.count);
}

bool check_probe_shareable(const struct check_probe_who *w)
{
        struct check_probe_target t;

        return shareable_kind(w) && check_probe_target_of(w->vs, w->rs, w->ck, &t) == 0;
}

static bool target_eq(const struct check_probe_target *a, const struct check_probe_target *b)
{
        return a->dst_len == b->dst_len && !memcmp(&a->dst, &b->dst, a->dst_len) && a->src_len == b->src_len &&
               (!a->src_len || !memcmp(&a->src, &b->src, a->src_len)) && str_eq(a->bind_if, b->bind_if) &&
               a->dst_link_local == b->dst_link_local && a->fwmark == b->fwmark && a->timeout == b->timeout;
}

static bool policy_eq(const struct check_policy *a, const struct check_policy *b)
{
        return a->retry == b->retry && a->delay_before_retry == b->delay_before_retry &&
               a->delay_loop == b->delay_loop && a->warmup == b->warmup && a->alpha == b->alpha &&
               a->misc_dynamic == b->misc_dynamic;
}

static bool url_eq(const struct conf_url *a, const struct conf_url *b)
{
        if (!str_eq(a->path, b->path) || !str_eq(a->digest, b->digest) || !str_eq(a->virtualhost, b->virtualhost) ||
            a->nstatus != b->nstatus || !str_eq(a->regex, b->regex) || a->regex_no_match != b->regex_no_match ||
            a->regex_options != b->regex_options || a->regex_min_offset != b->regex_min_offset ||
            a->regex_max_offset != b->regex_max_offset || a->regex_stack_start != b->regex_stack_start ||
            a->regex_stack_max != b->regex_stack_max || a->tls_compliant != b->tls_compliant)
                return false;
        for (unsigned i = 0; i < a->nstatus && i < 16; i++)
                if (a->status[i].lo != b->status[i].lo || a->status[i].hi != b->status[i].hi)
                        return false;
        return true;
}

static bool urls_eq(const struct conf_checker *a, const struct conf_checker *b)
{
        const struct conf_url *ua = a->url.first, *ub = b->url.first;

        for (; ua && ub; ua = ua->next, ub = ub->next)
                if (!url_eq(ua, ub))
                        return false;
        return !ua && !ub;
}

/* The Host an HTTP probe sends when a url gives none: the checker's,
 * else the real server's, else the virtual server's virtualhost. */
static const char *vhost_of(const struct check_probe_who *w)
{
        return w->ck->virtualhost ? w->ck->virtualhost : w->rs->virtualhost ? w->rs->virtualhost : w->vs->virtualhost;
}

/* The parameters of each type's own probe. */
static bool params_eq(const struct check_probe_who *wa, const struct check_probe_who *wb)
{
        const struct conf_checker *a = wa->ck, *b = wb->ck;

        switch (a->type) {
        case CHECK_HTTP:
        case CHECK_SSL:
                return urls_eq(a, b) && str_eq(vhost_of(wa), vhost_of(wb)) &&
                       str_eq(a->http_protocol, b->http_protocol) && a->fast_recovery == b->fast_recovery &&
                       a->enable_sni == b->enable_sni && str_eq(a->sni_name, b->sni_name) &&
                       a->tls_compliant == b->tls_compliant && a->tls_verify == b->tls_verify &&
                       a->tls_session_reuse == b->tls_session_reuse && a->decode_chunked == b->decode_chunked;
        case CHECK_SMTP:
                return str_eq(a->helo_name, b->helo_name);
        case CHECK_DNS:
                return str_eq(a->dns_type, b->dns_type) && str_eq(a->dns_name, b->dns_name);
        case CHECK_UDP:
                return bytes_eq(a->payload, a->payload_len, b->payload, b->payload_len) &&
                       a->require_reply == b->require_reply &&
                       bytes_eq(a->reply, a->reply_len, b->reply, b->reply_len) &&
                       a->min_reply_length == b->min_reply_length && a->max_reply_length == b->max_reply_length;
        case CHECK_TCP:
        case CHECK_PING:
                return true;
        case CHECK_MISC:
        case CHECK_FILE:
                break;
        }
        return false;
}

bool check_probe_key_equal(const struct check_probe_who *a, const struct check_probe_who *b)
{
        struct check_probe_target ta, tb;
        struct check_policy pa, pb;

        /* each target resolved once: a reload compares every checker of
         * 37,000 real servers this way, twice */
        if (a->ck->type != b->ck->type || !shareable_kind(a) || !shareable_kind(b) ||
            check_probe_target_of(a->vs, a->rs, a->ck, &ta) < 0 || check_probe_target_of(b->vs, b->rs, b->ck, &tb) < 0)
                return false;
        pa = check_policy_of(a->ck);
        pb = check_policy_of(b->ck);
        return target_eq(&ta, &tb) && policy_eq(&pa, &pb) && params_eq(a, b);
}

/* FNV-1a: the hash only spreads the lookup; equality decides. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
        const unsigned char *b = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ b[i]) * 1099511628211ULL;
        return h;
}

uint64_t check_probe_key_hash(const struct check_probe_who *w)
{
        struct check_probe_target t;
        uint64_t h = 14695981039346656037ULL;
        int type = (int)w->ck->type;

        (void)check_probe_target_of(w->vs, w->rs, w->ck, &t);
        h = mix(h, &type, sizeof(type));
        h = mix(h, &t.dst, t.dst_len);
        h = mix(h, &t.timeout, sizeof(t.timeout));
        return mix(h, &t.fwmark, sizeof(t.fwmark));
}
