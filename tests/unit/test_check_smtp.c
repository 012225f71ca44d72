/* SMTP_CHECK: the reply parser and the dialogue of check/smtp_reply.c
 * (every reply form: one line, multi-line, split across reads at every
 * byte, bare LF, no text, garbage, over-long lines, mixed codes), the
 * outcome of each stage (banner 220, HELO 250, QUIT's reply not checked),
 * and the configuration: helo_name's default and the deprecated host { }
 * blocks expanded into extra checkers (conf/validate_lvs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "check/smtp_reply.h"
#include "common/addr.h"
#include "memfs.h"

/* ---- the reply parser -------------------------------------------------------------------- */

static enum smtp_parse parse_all(struct smtp_reply *r, const char *s, size_t *used)
{
        smtp_reply_init(r);
        return smtp_reply_feed(r, s, strlen(s), used);
}

static void test_single_line(void **state)
{
        struct smtp_reply r;
        size_t used;

        (void)state;
        assert_int_equal(parse_all(&r, "220 mx.example.org ESMTP\r\n", &used), SMTP_PARSE_DONE);
        assert_int_equal(r.code, 220);
        assert_string_equal(r.text, "mx.example.org ESMTP");
        assert_int_equal(used, 26);
        /* a bare LF ends a line too; a code with no text is a reply */
        assert_int_equal(parse_all(&r, "250\n", &used), SMTP_PARSE_DONE);
        assert_int_equal(r.code, 250);
        assert_string_equal(r.text, "");
        assert_int_equal(parse_all(&r, "250\r\n", &used), SMTP_PARSE_DONE);
        assert_int_equal(r.code, 250);
}

static void test_multi_line(void **state)
{
        const char *s = "250-mx.example.org Hello\r\n250-SIZE 1000\r\n250 HELP\r\n221 bye\r\n";
        struct smtp_reply r;
        size_t used;

        (void)state;
        assert_int_equal(parse_all(&r, s, &used), SMTP_PARSE_DONE);
        assert_int_equal(r.code, 250);
        assert_string_equal(r.text, "mx.example.org Hello");     /* the first line's text */
        assert_int_equal(used, strlen(s) - strlen("221 bye\r\n"));  /* the next reply is left */
        assert_int_equal(parse_all(&r, "250-a\r\n251 b\r\n", &used), SMTP_PARSE_MALFORMED);
        assert_string_equal(r.why, "the lines of one reply carry different codes");
}

/* Every way of cutting a reply into two reads parses as one read. */
static void test_split_at_every_byte(void **state)
{
        const char *s = "220-first\r\n220-second line\r\n220 last\r\n";
        size_t n = strlen(s);

        (void)state;
        for (size_t cut = 0; cut <= n; cut++) {
                struct smtp_reply r;
                size_t used;
                smtp_reply_init(&r);
                enum smtp_parse p = smtp_reply_feed(&r, s, cut, &used);
                if (cut < n) {
                        assert_int_equal(p, SMTP_PARSE_MORE);
                        assert_int_equal(used, cut);
                        p = smtp_reply_feed(&r, s + cut, n - cut, &used);
                }
                assert_int_equal(p, SMTP_PARSE_DONE);
                assert_int_equal(r.code, 220);
                assert_string_equal(r.text, "first");
        }
}

static void test_garbage(void **state)
{
        static const char *const bad[][2] = {
                { "HTTP/1.1 400 Bad Request\r\n", "not an SMTP reply code" },
                { "22x ok\r\n", "not an SMTP reply code" },
                { "020 ok\r\n", "not an SMTP reply code" },
                { "6xx\r\n", "not an SMTP reply code" },
                { "2200 ok\r\n", "no space or hyphen after the reply code" },
                { "220_ok\r\n", "no space or hyphen after the reply code" },
                { "\r\n", "not an SMTP reply code" },
                { "250-a\r\nxyz\r\n", "not an SMTP reply code" },
        };
        struct smtp_reply r;
        size_t used;

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(parse_all(&r, bad[i][0], &used), SMTP_PARSE_MALFORMED);
                assert_string_equal(r.why, bad[i][1]);
        }
}

static void test_over_long_and_unprintable(void **state)
{
        static char line[SMTP_LINE_MAX + 16];
        struct smtp_reply r;
        size_t used;

        (void)state;
        memcpy(line, "220 ", 4);
        memset(line + 4, 'a', SMTP_LINE_MAX);
        line[SMTP_LINE_MAX + 4] = '\0';
        assert_int_equal(parse_all(&r, line, &used), SMTP_PARSE_MALFORMED);
        assert_string_equal(r.why, "a reply line longer than 2048 bytes");
        /* just under the limit is fine, and only the start of the text is kept */
        memset(line + 4, 'b', SMTP_LINE_MAX - 6);
        memcpy(line + SMTP_LINE_MAX - 2, "\r\n", 3);
        assert_int_equal(parse_all(&r, line, &used), SMTP_PARSE_DONE);
        assert_int_equal(strlen(r.text), SMTP_TEXT_KEEP);
        /* control bytes never reach a log line */
        assert_int_equal(parse_all(&r, "554 no\033[31m\x01 way\r\n", &used), SMTP_PARSE_DONE);
        assert_string_equal(r.text, "no?[31m? way");
}

/* ---- the dialogue ------------------------------------------------------------------------- */

/* Feed the server's bytes (all at once, or a byte at a time), collecting
 * what the client sends. */
static enum smtp_next converse(struct smtp_dialog *d, const char *server, bool bytewise, char *sent, size_t size,
                               struct smtp_outcome *o)
{
        size_t n = strlen(server);
        enum smtp_next next = SMTP_NEXT_READ;

        sent[0] = '\0';
        while (n) {
                size_t used, len;
                next = smtp_dialog_input(d, server, bytewise ? 1 : n, &used, o);
                server += used;
                n -= used;
                if (next == SMTP_NEXT_END)
                        return next;
                if (next == SMTP_NEXT_SEND) {
                        const char *line = smtp_dialog_output(d, &len);
                        strncat(sent, line, size - strlen(sent) - 1);
                }
        }
        return next;
}

static void test_dialogue_passes(void **state)
{
        const char *server = "220 mx ESMTP\r\n250-mx Hello\r\n250 PIPELINING\r\n221 2.0.0 Bye\r\n";
        struct smtp_dialog d;
        struct smtp_outcome o;
        char sent[256];

        (void)state;
        for (int bytewise = 0; bytewise < 2; bytewise++) {
                smtp_dialog_init(&d, "foo.bar.com");
                assert_int_equal(converse(&d, server, bytewise, sent, sizeof(sent), &o), SMTP_NEXT_END);
                assert_int_equal(o.result, CHECK_OK);
                assert_string_equal(sent, "HELO foo.bar.com\r\nQUIT\r\n");
        }
        /* keepalived's default name; QUIT's answer is not checked */
        smtp_dialog_init(&d, NULL);
        assert_int_equal(converse(&d, "220 a\r\n250 b\r\n500 what\r\n", false, sent, sizeof(sent), &o), SMTP_NEXT_END);
        assert_int_equal(o.result, CHECK_OK);
        assert_string_equal(sent, "HELO smtpchecker.keepalived.org\r\nQUIT\r\n");
}

static void test_dialogue_fails(void **state)
{
        static const char *const cases[][3] = {
                { "554 5.3.2 no service here\r\n", "banner 554 5.3.2 no service here", "" },
                { "220 hi\r\n501 5.5.4 Syntax: HELO hostname\r\n", "HELO answered 501 5.5.4 Syntax: HELO hostname",
                  "HELO x\r\n" },
                { "421\r\n", "banner 421", "" },
                { "SSH-2.0-OpenSSH_9.2\r\n", "banner: not an SMTP reply code", "" },
                { "220 hi\r\n250-a\r\n220 b\r\n", "HELO reply: the lines of one reply carry different codes",
                  "HELO x\r\n" },
        };
        struct smtp_dialog d;
        struct smtp_outcome o;
        char sent[256];

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                smtp_dialog_init(&d, "x");
                assert_int_equal(converse(&d, cases[i][0], false, sent, sizeof(sent), &o), SMTP_NEXT_END);
                assert_int_equal(o.result, CHECK_PROBE_FAILED);
                assert_string_equal(o.detail, cases[i][1]);
                assert_string_equal(sent, cases[i][2]);
        }
}

static void test_dialogue_timeout_and_close(void **state)
{
        struct smtp_dialog d;
        struct smtp_outcome o;
        char sent[64];

        (void)state;
        smtp_dialog_init(&d, "x");
        smtp_dialog_timeout(&d, &o);
        assert_int_equal(o.result, CHECK_PROBE_TIMEOUT);
        assert_string_equal(o.detail, "no banner");
        smtp_dialog_closed(&d, 0, &o);
        assert_int_equal(o.result, CHECK_PROBE_FAILED);
        assert_string_equal(o.detail, "connection closed before the banner");
        /* half a banner is no banner */
        assert_int_equal(converse(&d, "220 mx", false, sent, sizeof(sent), &o), SMTP_NEXT_READ);
        smtp_dialog_timeout(&d, &o);
        assert_string_equal(o.detail, "no banner");
        assert_int_equal(converse(&d, " ok\r\n", false, sent, sizeof(sent), &o), SMTP_NEXT_SEND);
        smtp_dialog_timeout(&d, &o);
        assert_int_equal(o.result, CHECK_PROBE_TIMEOUT);
        assert_string_equal(o.detail, "no answer to HELO");
        smtp_dialog_closed(&d, 104, &o);
        assert_string_equal(o.detail, "connection reset before HELO was answered");
        /* HELO answered: the server is up whatever QUIT gets */
        assert_int_equal(converse(&d, "250 ok\r\n", false, sent, sizeof(sent), &o), SMTP_NEXT_SEND);
        assert_string_equal(sent, "QUIT\r\n");
        smtp_dialog_timeout(&d, &o);
        assert_int_equal(o.result, CHECK_OK);
        smtp_dialog_closed(&d, 0, &o);
        assert_int_equal(o.result, CHECK_OK);
        assert_int_equal(converse(&d, "garbage\r\n", false, sent, sizeof(sent), &o), SMTP_NEXT_END);
        assert_int_equal(o.result, CHECK_OK);
}

/* ---- the configuration -------------------------------------------------------------------- */

#define SMTP_VS(checker)                                                                                    \
        "virtual_server 10.0.0.9 25 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n delay_loop 7\n"             \
        " real_server 10.0.0.20 25 {\n" checker " }\n}\n"

static struct conf *parse(const char *text, struct diag_list *d)
{
        struct conf *c;

        diag_list_init(d);
        c = parse_text(text, d);
        assert_non_null(c);
        assert_int_equal(diag_exit_code(d), 0);
        return c;
}

static void assert_ip(const struct conf_ip *ip, const char *want)
{
        char buf[64];

        assert_string_equal(conf_ip_str(ip, buf, sizeof(buf)), want);
}

static void test_conf_defaults(void **state)
{
        struct diag_list d;
        struct conf *c = parse(SMTP_VS("  SMTP_CHECK {\n  }\n"), &d);
        const struct conf_checker *ck = c->virtual_servers.first->real_servers.first->checkers.first;

        (void)state;
        assert_int_equal(c->virtual_servers.first->real_servers.first->checkers.count, 1);
        assert_string_equal(ck->helo_name, "smtpchecker.keepalived.org");
        assert_ip(&ck->connect_ip, "10.0.0.20");
        assert_int_equal(ck->connect_port, 25);
        assert_int_equal(ck->retry, 1);
        conf_free(c);
        diag_list_free(&d);
        c = parse(SMTP_VS("  SMTP_CHECK {\n   helo_name \"foo.bar.com\"\n  }\n"), &d);
        assert_string_equal(c->virtual_servers.first->real_servers.first->checkers.first->helo_name, "foo.bar.com");
        conf_free(c);
        diag_list_free(&d);
}

/* keepalived 2.2.7 (its -d dump): the SMTP_CHECK stays a checker of its
 * own address, each host is an extra checker after it, with the parent's
 * schedule and helo_name and its own address, port, bindto, timeout. */
static void test_conf_host_blocks(void **state)
{
        struct diag_list d;
        struct conf *c = parse(SMTP_VS("  SMTP_CHECK {\n   connect_timeout 10\n   retry 2\n   delay_before_retry 5\n"
                                       "   helo_name foo.bar.com\n   connect_ip 10.9.9.9\n"
                                       "   host {\n    connect_ip 10.0.0.20\n    connect_port 25\n    bindto 10.0.0.2\n   }\n"
                                       "   host {\n    connect_ip 10.0.1.11\n    connect_timeout 3\n   }\n"
                                       "   host {\n    connect_port 587\n   }\n"
                                       "  }\n  TCP_CHECK {\n  }\n"),
                               &d);
        const struct conf_real_server *rs = c->virtual_servers.first->real_servers.first;
        const struct conf_checker *ck = rs->checkers.first;
        static const char *const ip[] = { "10.9.9.9", "10.0.0.20", "10.0.1.11", "10.9.9.9" };
        static const uint16_t port[] = { 25, 25, 25, 587 };
        static const int64_t timeout[] = { 10, 10, 3, 10 };

        (void)state;
        assert_int_equal(rs->checkers.count, 5);
        assert_non_null(find_diag(&d, "SMTP_CHECK 'host' blocks are deprecated"));
        for (int i = 0; i < 4; i++, ck = ck->next) {
                assert_int_equal(ck->type, CHECK_SMTP);
                assert_ip(&ck->connect_ip, ip[i]);      /* unset: the parent's connect_ip */
                assert_int_equal(ck->connect_port, port[i]);
                assert_int_equal(ck->connect_timeout, timeout[i] * 1000000);
                assert_int_equal(ck->retry, 2);
                assert_int_equal(ck->delay_before_retry, 5 * 1000000);
                assert_int_equal(ck->delay_loop, 7 * 1000000);
                assert_string_equal(ck->helo_name, "foo.bar.com");
                assert_int_equal(ck->hosts.count, 0);
                assert_int_equal(ck->bindto.family != 0, i == 1);
        }
        assert_int_equal(ck->type, CHECK_TCP);
        assert_ptr_equal(rs->checkers.last, ck);
        assert_null(ck->next);
        conf_free(c);
        diag_list_free(&d);
}

/* Neither the parent nor the host sets an address: both check the real
 * server's (the host on its own port); a schedule keyword inside a host
 * block is the whole checker's, as in keepalived (the last one wins). */
static void test_conf_host_without_address(void **state)
{
        struct diag_list d;
        struct conf *c = parse(SMTP_VS("  SMTP_CHECK {\n   retry 4\n   host {\n    connect_port 2525\n    retry 1\n   }\n"
                                       "   host {\n    delay_loop 3\n   }\n  }\n"),
                               &d);
        const struct conf_real_server *rs = c->virtual_servers.first->real_servers.first;
        const struct conf_checker *ck = rs->checkers.first;
        static const uint16_t port[] = { 25, 2525, 25 };

        (void)state;
        assert_int_equal(d.count, 2);   /* the two deprecation warnings */
        assert_int_equal(rs->checkers.count, 3);
        for (int i = 0; i < 3; i++, ck = ck->next) {
                assert_ip(&ck->connect_ip, "10.0.0.20");
                assert_int_equal(ck->connect_port, port[i]);
                assert_int_equal(ck->retry, 1);
                assert_int_equal(ck->delay_loop, 3 * 1000000);
        }
        assert_null(ck);
        assert_int_equal(rs->checkers.last->connect_port, 25);
        conf_free(c);
        diag_list_free(&d);
}

/* keepalived's own sample passes, host blocks and all: 1, 1 + 3, 1 + 3 checkers. */
static void test_conf_keepalived_sample(void **state)
{
        FILE *f = fopen("/usr/share/doc/keepalived/samples/keepalived.conf.SMTP_CHECK", "r");
        static char text[16384];
        size_t n;
        struct diag_list d;
        struct conf *c;
        const struct conf_real_server *rs;
        unsigned counts[3], i = 0;

        (void)state;
        if (!f)
                skip();
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        c = parse(text, &d);
        CONF_FOREACH(rs, &c->virtual_servers.first->real_servers)
                counts[i++] = rs->checkers.count;
        assert_int_equal(i, 3);
        assert_int_equal(counts[0], 1);
        assert_int_equal(counts[1], 4);
        assert_int_equal(counts[2], 4);
        assert_ip(&c->virtual_servers.first->real_servers.last->checkers.last->connect_ip, "64.233.167.100");
        assert_int_equal(c->virtual_servers.first->real_servers.last->checkers.last->connect_port, 587);
        conf_free(c);
        diag_list_free(&d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_single_line),
                cmocka_unit_test(test_multi_line),
                cmocka_unit_test(test_split_at_every_byte),
                cmocka_unit_test(test_garbage),
                cmocka_unit_test(test_over_long_and_unprintable),
                cmocka_unit_test(test_dialogue_passes),
                cmocka_unit_test(test_dialogue_fails),
                cmocka_unit_test(test_dialogue_timeout_and_close),
                cmocka_unit_test(test_conf_defaults),
                cmocka_unit_test(test_conf_host_blocks),
                cmocka_unit_test(test_conf_host_without_address),
                cmocka_unit_test(test_conf_keepalived_sample),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
