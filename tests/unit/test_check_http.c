/* HTTP_GET / SSL_GET's pure parts: the request keepalived sends
 * (check/http_req.h), the verdict over status, digest and regex
 * (check/http_verdict.h, with libcrypto's MD5 and SHA-256 through
 * check/http_hash.c), and what each libcurl ending means. */
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check/http_hash.h"
#include "check/http_req.h"
#include "check/http_verdict.h"

static struct sockaddr_storage v4(const char *ip, unsigned port)
{
        struct sockaddr_storage ss = { 0 };
        struct sockaddr_in *s = (struct sockaddr_in *)&ss;

        s->sin_family = AF_INET;
        s->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, ip, &s->sin_addr);
        return ss;
}

static struct sockaddr_storage v6(const char *ip, unsigned port)
{
        struct sockaddr_storage ss = { 0 };
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

        s->sin6_family = AF_INET6;
        s->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, ip, &s->sin6_addr);
        return ss;
}

static void test_request_as_keepalived(void **state)
{
        struct sockaddr_storage a = v4("10.0.0.2", 8080), b = v6("2001:db8::2", 443);
        struct http_req rq;

        (void)state;
        /* no virtualhost: Host is ip:port, HTTP/1.0 and no Connection line */
        assert_int_equal(http_req_build(&(struct http_req_in){ .path = "/health", .dst = &a }, &rq), 0);
        assert_string_equal(rq.url, "http://10.0.0.2:8080/health");
        assert_string_equal(rq.host_header, "Host: 10.0.0.2:8080");
        assert_string_equal(rq.connect_to, "10.0.0.2:8080:10.0.0.2:8080");
        assert_false(rq.http11);
        assert_false(rq.conn_close);
        assert_false(rq.tls);
        /* a virtualhost is the whole Host line, as genhash -V sends it */
        assert_int_equal(http_req_build(&(struct http_req_in){ .path = "/", .dst = &a, .vhost = "www.example.com",
                                                               .protocol = "1.0C" },
                                        &rq),
                         0);
        assert_string_equal(rq.host_header, "Host: www.example.com");
        assert_string_equal(rq.url, "http://10.0.0.2:8080/");
        assert_true(rq.conn_close);
        assert_false(rq.http11);
        /* IPv6, TLS with SNI: the URL names the SNI host, connects to the address */
        assert_int_equal(http_req_build(&(struct http_req_in){ .tls = true, .path = "index.html", .dst = &b,
                                                               .sni = "sni.example", .protocol = "1.1" },
                                        &rq),
                         0);
        assert_string_equal(rq.url, "https://sni.example:443/index.html");
        assert_string_equal(rq.host_header, "Host: [2001:db8::2]:443");
        assert_string_equal(rq.connect_to, "sni.example:443:[2001:db8::2]:443");
        assert_true(rq.http11);
        assert_true(rq.conn_close);
        assert_true(rq.tls);
        assert_string_equal(HTTP_USER_AGENT, "User-Agent: KeepAliveClient");
}

static void test_request_limits(void **state)
{
        struct sockaddr_storage a = v4("10.0.0.2", 80), none = { 0 };
        static char path[HTTP_URL_MAX + 10];
        struct http_req rq;

        (void)state;
        memset(path, 'a', sizeof(path) - 1);
        path[0] = '/';
        assert_int_equal(http_req_build(&(struct http_req_in){ .path = path, .dst = &a }, &rq), -ENAMETOOLONG);
        assert_int_equal(http_req_build(&(struct http_req_in){ .path = NULL, .dst = &a }, &rq), -EINVAL);
        assert_int_equal(http_req_build(&(struct http_req_in){ .path = "/", .dst = &none }, &rq), -EINVAL);
}

static void test_status_codes(void **state)
{
        struct conf_url u = { .path = "/" };

        (void)state;
        /* default 200-299 */
        assert_true(http_status_ok(&u, 200));
        assert_true(http_status_ok(&u, 299));
        assert_false(http_status_ok(&u, 199));
        assert_false(http_status_ok(&u, 300));
        assert_false(http_status_ok(&u, 503));
        /* status_code 200 301-302 503: lists and ranges, nothing else */
        u.status[0].lo = u.status[0].hi = 200;
        u.status[1].lo = 301, u.status[1].hi = 302;
        u.status[2].lo = u.status[2].hi = 503;
        u.nstatus = 3;
        assert_true(http_status_ok(&u, 200));
        assert_true(http_status_ok(&u, 302));
        assert_true(http_status_ok(&u, 503));
        assert_false(http_status_ok(&u, 201));
        assert_false(http_status_ok(&u, 303));
}

/* Feed text in pieces, as a body streams in, and end it. */
static void feed(struct http_body *b, const char *text, size_t piece)
{
        size_t n = strlen(text);

        for (size_t i = 0; i < n; i += piece)
                assert_int_equal(http_body_feed(b, text + i, n - i < piece ? n - i : piece), 0);
        http_body_end(b);
}

static enum check_result judge(const struct conf_url *u, long status, const char *body, char *detail, size_t size)
{
        struct http_body b;
        enum check_result r;

        assert_int_equal(http_body_begin(&b, u, http_hash_ops(), false, false), 0);
        feed(&b, body, 3);
        r = http_verdict(u, status, &b, detail, size);
        http_body_free(&b);
        return r;
}

static void test_digest_md5_and_sha256(void **state)
{
        /* md5sum / sha256sum of "hello world\n" */
        struct conf_url md5 = { .path = "/", .digest = "6f5902ac237024bdd0c176cb93063dc4" };
        struct conf_url sha = { .path = "/",
                                .digest = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447" };
        char detail[CHECK_DETAIL_MAX];
        struct http_body b;

        (void)state;
        assert_non_null(http_hash_ops());
        assert_int_equal(judge(&md5, 200, "hello world\n", detail, sizeof(detail)), CHECK_OK);
        assert_int_equal(judge(&sha, 200, "hello world\n", detail, sizeof(detail)), CHECK_OK);
        assert_int_equal(judge(&md5, 200, "hello world!\n", detail, sizeof(detail)), CHECK_DIGEST_MISMATCH);
        assert_int_equal(strlen(detail), 32); /* the digest received, to paste into the config */
        assert_int_equal(judge(&sha, 200, "", detail, sizeof(detail)), CHECK_DIGEST_MISMATCH);
        assert_string_equal(detail, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        /* the status is judged first */
        assert_int_equal(judge(&md5, 503, "hello world\n", detail, sizeof(detail)), CHECK_HTTP_STATUS);
        assert_string_equal(detail, "503");
        /* genhash: a digest without a url digest */
        assert_int_equal(http_body_begin(&b, NULL, http_hash_ops(), true, false), 0);
        feed(&b, "hello world\n", 5);
        assert_string_equal(b.digest, "6f5902ac237024bdd0c176cb93063dc4");
        http_body_free(&b);
        /* no hash available: a url digest cannot be checked */
        assert_int_equal(http_body_begin(&b, &md5, NULL, false, false), -ENOSYS);
        http_body_free(&b);
}

static void test_regex(void **state)
{
        struct conf_url u = { .path = "/", .regex = "sta+tus: ok" };
        char detail[CHECK_DETAIL_MAX];

        (void)state;
        assert_int_equal(judge(&u, 200, "<p>staaatus: ok</p>", detail, sizeof(detail)), CHECK_OK);
        assert_int_equal(judge(&u, 200, "<p>status: down</p>", detail, sizeof(detail)), CHECK_REGEX_MISMATCH);
        assert_string_equal(detail, "regex did not match");
        /* regex_no_match inverts */
        u.regex_no_match = true;
        assert_int_equal(judge(&u, 200, "<p>status: ok</p>", detail, sizeof(detail)), CHECK_REGEX_MISMATCH);
        assert_int_equal(judge(&u, 200, "<p>status: down</p>", detail, sizeof(detail)), CHECK_OK);
        u.regex_no_match = false;
        /* regex_options caseless */
        assert_int_equal(judge(&u, 200, "STATUS: OK", detail, sizeof(detail)), CHECK_REGEX_MISMATCH);
        u.regex_options = PCRE2_CASELESS;
        assert_int_equal(judge(&u, 200, "STATUS: OK", detail, sizeof(detail)), CHECK_OK);
        /* a status failure comes before the regex */
        assert_int_equal(judge(&u, 500, "status: ok", detail, sizeof(detail)), CHECK_HTTP_STATUS);
}

static void test_regex_offsets(void **state)
{
        struct conf_url u = { .path = "/", .regex = "ok" };
        const uint8_t *body = (const uint8_t *)"0123ok789";

        (void)state;
        assert_true(http_regex_passes(&u, body, 9));
        /* the match may start at regex_min_offset or later */
        u.regex_min_offset = 4;
        assert_true(http_regex_passes(&u, body, 9));
        u.regex_min_offset = 5;
        assert_false(http_regex_passes(&u, body, 9));
        /* and no later than regex_max_offset */
        u.regex_min_offset = 0;
        u.regex_max_offset = 4;
        assert_true(http_regex_passes(&u, body, 9));
        u.regex_max_offset = 3;
        assert_false(http_regex_passes(&u, body, 9));
        /* a min offset beyond the body: no match */
        u.regex_max_offset = 0;
        u.regex_min_offset = 100;
        assert_false(http_regex_passes(&u, body, 9));
        /* a JIT stack of the given sizes still matches */
        u.regex_min_offset = 0;
        u.regex_stack_start = 32768;
        u.regex_stack_max = 65536;
        assert_true(http_regex_passes(&u, body, 9));
        /* a pattern that does not compile never passes */
        u.regex = "(";
        assert_false(http_regex_passes(&u, body, 9));
}

static enum check_result curl_end(CURLcode code, bool connected, int err, bool local)
{
        return http_curl_result(&(struct http_ending){ code, connected, err, local });
}

static void test_curl_endings(void **state)
{
        (void)state;
        assert_int_equal(curl_end(CURLE_COULDNT_CONNECT, false, ECONNREFUSED, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(curl_end(CURLE_COULDNT_CONNECT, false, EHOSTUNREACH, false), CHECK_CONNECT_REFUSED);
        /* accepted, then reset before curl saw the connect complete */
        assert_int_equal(curl_end(CURLE_COULDNT_CONNECT, false, ECONNRESET, false), CHECK_PROBE_FAILED);
        assert_int_equal(curl_end(CURLE_COULDNT_CONNECT, false, EADDRNOTAVAIL, false), CHECK_ERROR);
        assert_int_equal(curl_end(CURLE_COULDNT_CONNECT, false, 0, true), CHECK_ERROR); /* bind, EMFILE */
        assert_int_equal(curl_end(CURLE_OPERATION_TIMEDOUT, false, 0, false), CHECK_CONNECT_TIMEOUT);
        assert_int_equal(curl_end(CURLE_OPERATION_TIMEDOUT, true, 0, false), CHECK_PROBE_TIMEOUT);
        assert_int_equal(curl_end(CURLE_SSL_CONNECT_ERROR, true, 0, false), CHECK_TLS_FAILED);
        assert_int_equal(curl_end(CURLE_PEER_FAILED_VERIFICATION, true, 0, false), CHECK_TLS_FAILED);
        assert_int_equal(curl_end(CURLE_SSL_CERTPROBLEM, true, 0, false), CHECK_ERROR); /* our client cert */
        assert_int_equal(curl_end(CURLE_SSL_CACERT_BADFILE, true, 0, false), CHECK_ERROR);
        assert_int_equal(curl_end(CURLE_PARTIAL_FILE, true, 0, false), CHECK_PROBE_FAILED);
        assert_int_equal(curl_end(CURLE_GOT_NOTHING, true, 0, false), CHECK_PROBE_FAILED);
        assert_int_equal(curl_end(CURLE_RECV_ERROR, true, ECONNRESET, false), CHECK_PROBE_FAILED);
        assert_int_equal(curl_end(CURLE_WEIRD_SERVER_REPLY, true, 0, false), CHECK_PROBE_FAILED);
        assert_int_equal(curl_end(CURLE_RECV_ERROR, false, ECONNRESET, false), CHECK_CONNECT_REFUSED);
        assert_int_equal(curl_end(CURLE_OUT_OF_MEMORY, true, 0, false), CHECK_ERROR);
        assert_int_equal(curl_end(CURLE_WRITE_ERROR, true, 0, false), CHECK_ERROR);
        assert_int_equal(curl_end(CURLE_OK, true, 0, false), CHECK_OK);
        assert_int_equal(curl_end(CURLE_OK, true, 0, true), CHECK_ERROR);
}

static void test_body_kept_for_regex_only(void **state)
{
        struct conf_url plain = { .path = "/" }, re = { .path = "/", .regex = "x" };
        struct http_body b;

        (void)state;
        assert_int_equal(http_body_begin(&b, &plain, NULL, false, false), 0);
        feed(&b, "abcdef", 2);
        assert_null(b.buf);
        assert_int_equal(b.total, 6);
        http_body_free(&b);
        assert_int_equal(http_body_begin(&b, &re, NULL, false, false), 0);
        feed(&b, "abcdef", 4);
        assert_int_equal(b.len, 6);
        assert_memory_equal(b.buf, "abcdef", 6);
        http_body_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_request_as_keepalived),
                cmocka_unit_test(test_request_limits),
                cmocka_unit_test(test_status_codes),
                cmocka_unit_test(test_digest_md5_and_sha256),
                cmocka_unit_test(test_regex),
                cmocka_unit_test(test_regex_offsets),
                cmocka_unit_test(test_curl_endings),
                cmocka_unit_test(test_body_kept_for_regex_only),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
