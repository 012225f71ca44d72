/* Argument readers: numbers, timers, booleans, addresses, scripts. */
#include "conf/values.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/strutil.h"
#include "conf/tokens.h"

static const char *arg(const struct conf_line *ln, size_t i)
{
        return i < ln->ntok ? ln->tok[i].s : NULL;
}

bool read_int64(struct parser *p, const struct conf_line *ln, size_t i, int64_t min, int64_t max,
                int64_t *ret)
{
        const char *s = arg(ln, i);
        char *end;
        long long v;

        if (!s) {
                perr(p, ln, i, "'%s' is missing a number", ln->tok[0].s);
                return false;
        }
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || end == s || *end) {
                perr(p, ln, i, "'%s' is not a whole number (%s takes %lld..%lld)", s, ln->tok[0].s,
                     (long long)min, (long long)max);
                return false;
        }
        if (v < min || v > max) {
                perr(p, ln, i, "%s %lld is out of range %lld..%lld", ln->tok[0].s, v, (long long)min,
                     (long long)max);
                return false;
        }
        *ret = v;
        return true;
}

static void format_us(int64_t us, char *buf, size_t size)
{
        if (us % 1000000 == 0)
                snprintf(buf, size, "%lld", (long long)(us / 1000000));
        else
                snprintf(buf, size, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));
        /* trim trailing zeros of the fraction */
        char *dot = strchr(buf, '.');
        if (dot) {
                char *e = buf + strlen(buf) - 1;
                while (e > dot && *e == '0')
                        *e-- = '\0';
        }
}

bool read_timer(struct parser *p, const struct conf_line *ln, size_t i, int64_t min_us, int64_t max_us,
                int64_t *ret)
{
        const char *s = arg(ln, i), *c;
        int64_t whole = 0, frac = 0;
        int places = 0, extra_digit = -1;
        char lo[32], hi[32];

        if (!s) {
                perr(p, ln, i, "'%s' is missing a time in seconds", ln->tok[0].s);
                return false;
        }
        c = s;
        if (!isdigit((unsigned char)*c) && !(*c == '.' && isdigit((unsigned char)c[1])))
                goto bad;
        for (; isdigit((unsigned char)*c); c++) {
                whole = whole * 10 + (*c - '0');
                if (whole > 100000000000LL)
                        goto range;
        }
        if (*c == '.') {
                for (c++; isdigit((unsigned char)*c); c++) {
                        if (places < 6) {
                                frac = frac * 10 + (*c - '0');
                                places++;
                        } else if (extra_digit < 0) {
                                extra_digit = *c - '0';
                        }
                }
        }
        if (*c)
                goto bad;
        while (places < 6)
                frac *= 10, places++;
        if (extra_digit >= 0) {
                pwarn(p, ln, i, "%s '%s' has more than 6 decimal places; rounding to the microsecond",
                      ln->tok[0].s, s);
                if (extra_digit >= 5)
                        frac++;
        }
        *ret = whole * 1000000 + frac;
        if (*ret < min_us || *ret > max_us)
                goto range;
        return true;
bad:
        /* the bounds are formatted only for the message: a large file reads
         * tens of thousands of valid timers */
        format_us(min_us, lo, sizeof(lo));
        format_us(max_us, hi, sizeof(hi));
        perr(p, ln, i, "'%s' is not a time in seconds (%s takes %s..%s)", s, ln->tok[0].s, lo, hi);
        return false;
range:
        format_us(min_us, lo, sizeof(lo));
        format_us(max_us, hi, sizeof(hi));
        perr(p, ln, i, "%s %s is out of range %s..%s seconds", ln->tok[0].s, s, lo, hi);
        return false;
}

bool read_bool_opt(struct parser *p, const struct conf_line *ln, size_t i, bool *ret)
{
        static const char *const yes[] = { "yes", "on", "true" };
        static const char *const no[] = { "no", "off", "false" };
        const char *s = arg(ln, i);

        if (!s) {
                *ret = true;
                return true;
        }
        for (size_t k = 0; k < 3; k++) {
                if (!strcmp(s, yes[k])) {
                        *ret = true;
                        return true;
                }
                if (!strcmp(s, no[k])) {
                        *ret = false;
                        return true;
                }
        }
        for (size_t k = 0; k < 3; k++)
                if (!strcasecmp(s, yes[k]) || !strcasecmp(s, no[k])) {
                        perr(p, ln, i, "'%s' must be lowercase: did you mean '%s'?", s,
                             !strcasecmp(s, yes[k]) ? yes[k] : no[k]);
                        return false;
                }
        perr(p, ln, i, "'%s' is not yes/no/on/off/true/false", s);
        return false;
}

bool read_ip(struct parser *p, const struct conf_line *ln, size_t i, struct conf_ip *ret)
{
        const char *s = arg(ln, i);

        if (!s) {
                perr(p, ln, i, "'%s' is missing an IP address", ln->tok[0].s);
                return false;
        }
        if (!conf_parse_ip(s, ret)) {
                perr(p, ln, i, "'%s' is not an IPv4 or IPv6 address", s);
                return false;
        }
        return true;
}

bool read_ip_drop_prefix(struct parser *p, const struct conf_line *ln, size_t i, const char *what,
                         struct conf_ip *ret)
{
        const char *s = arg(ln, i);
        uint8_t len;

        if (!s || !strchr(s, '/'))
                return read_ip(p, ln, i, ret);
        if (!read_prefix(p, ln, i, ret, &len, NULL))
                return false;
        pwarn(p, ln, i, "'%s': %s takes an address; using it without the prefix length, as keepalived does", s,
              what);
        return true;
}

bool read_prefix(struct parser *p, const struct conf_line *ln, size_t i, struct conf_ip *ret,
                 uint8_t *ret_len, bool *ret_len_given)
{
        const char *s = arg(ln, i), *slash;
        char buf[64];
        struct conf_ip ip;
        long len;
        char *end;

        if (!s)
                return false;
        slash = strchr(s, '/');
        snprintf(buf, sizeof(buf), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
        if (!conf_parse_ip(buf, &ip)) {
                perr(p, ln, i, "'%s' is not an IPv4 or IPv6 address", buf);
                return false;
        }
        len = ip.family == AF_INET ? 32 : 128;
        if (slash) {
                long max = len;
                errno = 0;
                len = strtol(slash + 1, &end, 10);
                if (errno || end == slash + 1 || *end || len < 0 || len > max) {
                        perr(p, ln, i, "'%s' has an invalid prefix length (0..%ld)", s, max);
                        return false;
                }
        }
        *ret = ip;
        *ret_len = (uint8_t)len;
        if (ret_len_given)
                *ret_len_given = slash != NULL;
        return true;
}

size_t read_weight(struct parser *p, const struct conf_line *ln, size_t i, int min, int max,
                   int *ret_weight, int *ret_reverse)
{
        int64_t w;
        size_t used = 1;

        if (!read_int64(p, ln, i + 1, min, max, &w))
                return i + 1 < ln->ntok ? 2 : 1;
        used = 2;
        *ret_weight = (int)w;
        if (i + 2 < ln->ntok) {
                if (!strcmp(ln->tok[i + 2].s, "reverse")) {
                        *ret_reverse = 1;
                        used = 3;
                } else if (!strcmp(ln->tok[i + 2].s, "noreverse")) {
                        *ret_reverse = 0;
                        used = 3;
                }
        }
        return used;
}

bool read_script(struct parser *p, const struct conf_line *ln, struct conf_script *ret)
{
        struct arena *a = &p->conf->arena;
        struct script_words outer, argv;
        const char *err = NULL;
        struct conf_script s = {0};

        if (ret->cmdline) {
                pwarn(p, ln, 0, "'%s' is already set; ignoring this one", ln->tok[0].s);
                return false;
        }
        if (ln->ntok < 2) {
                perr(p, ln, 1, "'%s' is missing the command to run", ln->tok[0].s);
                return false;
        }
        if (!script_split_outer(a, ln->text + ln->tok[1].off, &outer, &err) || outer.count == 0) {
                perr(p, ln, 1, "%s: %s", ln->tok[0].s, err ? err : "no command");
                return false;
        }
        if (!script_split_argv(a, outer.word[0], &argv, &err) || argv.count == 0) {
                perr(p, ln, 1, "%s: %s in the command", ln->tok[0].s, err ? err : "empty command");
                return false;
        }
        s.cmdline = outer.word[0];
        s.argv = argv.word;
        s.argc = (unsigned)argv.count;
        s.user = outer.count > 1 ? outer.word[1] : NULL;
        s.group = outer.count > 2 ? outer.word[2] : NULL;
        s.pos = ppos(p, ln, 1);
        if (outer.count > 3)
                pwarn(p, ln, ln->ntok - 1,
                      "%s takes \"COMMAND ARGS\" [USER [GROUP]]; quote a command with arguments", ln->tok[0].s);
        *ret = s;
        return true;
}

bool read_choice(struct parser *p, const struct conf_line *ln, size_t i, const char *const *words,
                 size_t n, bool nocase, int *ret_index)
{
        const char *s = arg(ln, i), *best;

        if (!s) {
                perr(p, ln, i, "'%s' is missing a value", ln->tok[0].s);
                return false;
        }
        for (size_t k = 0; k < n; k++)
                if (nocase ? !strcasecmp(s, words[k]) : !strcmp(s, words[k])) {
                        *ret_index = (int)k;
                        return true;
                }
        for (size_t k = 0; k < n; k++)
                if (!strcasecmp(s, words[k])) {
                        perr(p, ln, i, "'%s' is not valid for %s; did you mean '%s'? (case matters)", s,
                             ln->tok[0].s, words[k]);
                        return false;
                }
        best = str_closest(s, words, n);
        if (best)
                perr(p, ln, i, "'%s' is not valid for %s; did you mean '%s'?", s, ln->tok[0].s, best);
        else {
                char list[512] = "";
                for (size_t k = 0; k < n; k++) {
                        strncat(list, words[k], sizeof(list) - strlen(list) - 1);
                        if (k + 1 < n)
                                strncat(list, "|", sizeof(list) - strlen(list) - 1);
                }
                perr(p, ln, i, "'%s' is not valid for %s (expected %s)", s, ln->tok[0].s, list);
        }
        return false;
}
