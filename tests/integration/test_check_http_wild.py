"""HTTP_GET and SSL_GET against the servers users meet in the wild
(wildhttp.py), nginx (plain and TLS) and python's http.server, each in a
lab host: vigild on host 1 with the dry-run IPVS backend and one real
server under one checker. Asserted, as a user reads them: the real
server's state (in or out of the dry-run IPVS table, `health` and
`in_table` in `vigilctl status -j`) and the named reason `last_result`
(check_result_key()), with `last_detail` when the status carries it.

Where keepalived does otherwise (a trickling body never times out, a
chunked body is hashed with its framing, a certificate is never
verified) the case says so; doc/checkers/http-wild.md has the table."""
import json
import re

import pytest

import wildhttp as W
from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"
PORT = 9001
# The vigil extension that verifies the server's certificate against the
# SSL block's `ca` (and its name against sni_name/virtualhost/the address).
TLS_VERIFY = "tls_verify"


def conf(rs_addr, port, checker, root=""):
    return f"""{root}virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {rs_addr} {port} {{
    weight 1
{checker}  }}
}}
"""


def http_get(*url_lines, kind="HTTP_GET", timeout=3, extra=""):
    """A checker with one url block of url_lines, retry 0: the first failed
    probe takes the server out."""
    url = "".join(f"        {line}\n" for line in url_lines)
    return (f"    {kind} {{\n      url {{\n{url}      }}\n      connect_timeout {timeout}\n"
            f"      retry 0\n{extra}    }}\n")


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def add_dest(addr, port):
    return f"add dest TCP {VIP}:80 -> {addr}:{port} masq w1"


def del_dest(addr, port):
    return f"delete dest TCP {VIP}:80 -> {addr}:{port}"


def real_server(d):
    out = d.ctl("status", "-j", check=False).stdout
    try:
        return json.loads(out)["check"]["virtual_servers"][0]["real_servers"][0]
    except (ValueError, KeyError, IndexError):
        return {}


def run_check(host, vigild, text, addr, port, want, detail=None, timeout=25):
    """vigild with text; wait for the first probe's result want, then check
    the table and status agree with it."""
    d = Daemon(host, vigild, text, args=["--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    got = wait_for(lambda: real_server(d).get("last_result") not in (None, "", "unknown")
                   and real_server(d), timeout)
    assert got, f"no probe result within {timeout} s: {d.output()}"
    assert got["last_result"] == want, (got, d.output()[-3000:])
    if want == "success":
        assert got["health"] == "up" and got["in_table"] is True, got
        assert dry_lines(d).count(add_dest(addr, port)) == 1, dry_lines(d)
        assert del_dest(addr, port) not in dry_lines(d), dry_lines(d)
    else:
        # up at start (no alpha), so the first failure deletes it
        assert wait_for(lambda: del_dest(addr, port) in dry_lines(d), 5), (dry_lines(d), d.output()[-3000:])
        st = real_server(d)
        assert st["health"] == "down" and st["in_table"] is False, st
        if detail is not None and "last_detail" in st:
            assert detail in st["last_detail"], st
    return d


DIGEST = f"digest {W.md5(W.BODY)}"

# (id, wild mode, url lines, checker extra, expected result, detail fragment)
WILD = [
    ("page", "page", ["path /", DIGEST], "", "success", None),
    # keepalived re-arms connect_timeout per read: this body (30 s) passes there
    ("trickle", "trickle", ["path /"], "", "probe_timeout", None),
    ("no_content_length", "noclen", ["path /", DIGEST], "", "success", None),
    # keepalived hashes a chunked body with its chunk-size lines, and so does
    # vigil by default: the digest keepalived's genhash printed passes, the
    # MD5 of the decoded body does not (unless vigil's decode_chunked)
    ("chunked_genhash_digest", "chunked", ["path /", "digest GENHASH"], "", "success", None),
    ("chunked_http11", "chunked", ["path /", "digest GENHASH"], "      http_protocol 1.1\n", "success", None),
    ("chunked_decoded_digest", "chunked", ["path /", DIGEST], "", "digest_mismatch", None),
    ("chunked_decode_chunked", "chunked", ["path /", DIGEST], "      decode_chunked\n", "success", None),
    ("301_default_status", "301", ["path /"], "", "http_status", "301"),
    ("301_accepted", "301", ["path /", "status_code 301"], "", "success", None),
    ("503", "503", ["path /"], "", "http_status", "503"),
    ("503_in_a_range", "503", ["path /", "status_code 200-299 500-503"], "", "success", None),
    ("wrong_digest", "changed", ["path /", DIGEST], "", "digest_mismatch", None),
    # keepalived also waits connect_timeout for the reply, then fails
    ("never_answers", "silent", ["path /"], "", "probe_timeout", None),
    # The handshake completed, the server then reset: not a refused connect.
    # The RST may reach the prober before libcurl has seen the connection
    # complete; its errno is ECONNRESET then, never ECONNREFUSED (that is the
    # RST to a SYN), so the reason is the same either way.
    ("reset_on_accept", "reset", ["path /"], "", "probe_failed", None),
    ("reset_after_request", "resetreq", ["path /"], "", "probe_failed", None),
]


@pytest.mark.parametrize("name,mode,url,extra,want,detail", WILD, ids=[c[0] for c in WILD])
def test_wild_http_get(lab, vigild, work, name, mode, url, extra, want, detail):
    a, b, _ = lab.hosts
    W.Wild(b, work, (mode, PORT))
    if "digest GENHASH" in url:
        digest = W.genhash(a, b.ipv4, PORT, "/")
        assert digest != W.md5(W.BODY)      # keepalived's: the framing is hashed too
        url = [f"digest {digest}" if u == "digest GENHASH" else u for u in url]
    run_check(a, vigild, conf(b.ipv4, PORT, http_get(*url, extra=extra)), b.ipv4, PORT, want, detail)


def test_nobody_listening_is_connect_refused(lab, vigild, work):
    """The control for reset_on_accept: a RST to the SYN is the refusal."""
    a, b, _ = lab.hosts
    run_check(a, vigild, conf(b.ipv4, PORT, http_get("path /")), b.ipv4, PORT, "connect_refused")


def test_keepalived_request_headers(lab, vigild, work):
    """The probe's request is keepalived's: GET path HTTP/1.0 with its
    User-Agent and Host, so servers that route or log on them see the
    same; virtualhost sets Host."""
    a, b, _ = lab.hosts
    w = W.Wild(b, work, ("page", PORT))
    d = run_check(a, vigild, conf(b.ipv4, PORT, http_get("path /index.html?x=1", DIGEST,
                                                         "virtualhost www.vigil.test")), b.ipv4, PORT, "success")
    d.stop()
    req = w.requests()[0]
    assert req[0] == "GET /index.html?x=1 HTTP/1.0", req
    headers = {h.split(":", 1)[0].lower(): h.split(":", 1)[1].strip() for h in req[1:]}
    assert headers.get("host") == "www.vigil.test", req
    assert headers.get("user-agent") == "KeepAliveClient", req


def test_python_http_server(lab, vigild, work):
    a, b, _ = lab.hosts
    root = W.site(work)
    W.PyHttp(b, root, 8000)
    run_check(a, vigild, conf(b.ipv4, 8000, http_get("path /large.bin", f"digest {W.file_md5(root, 'large.bin')}")),
              b.ipv4, 8000, "success")


def test_nginx_chunked_http11(lab, vigild, work):
    """nginx's /chunked/ answers HTTP/1.1 with a chunked body: the digest a
    keepalived user has in his config is the one genhash -P 1.1 printed."""
    a, b, _ = lab.hosts
    root = W.site(work)
    W.Nginx(b, work, root, 8080)
    digest = W.genhash(a, b.ipv4, 8080, "/chunked/", "-P", "1.1")
    assert digest != W.file_md5(root, "chunked/index.html")
    run_check(a, vigild, conf(b.ipv4, 8080, http_get("path /chunked/", f"digest {digest}",
                                                      extra="      http_protocol 1.1\n")), b.ipv4, 8080, "success")


def test_nginx_chunked_decoded(lab, vigild, work):
    """decode_chunked (vigil extension): the digest is the file's MD5, what
    `curl URL | md5sum` says, however nginx cuts the chunks."""
    a, b, _ = lab.hosts
    root = W.site(work)
    W.Nginx(b, work, root, 8080)
    digest = f"digest {W.file_md5(root, 'chunked/index.html')}"
    run_check(a, vigild, conf(b.ipv4, 8080, http_get("path /chunked/", digest,
                                                      extra="      http_protocol 1.1\n      decode_chunked\n")),
              b.ipv4, 8080, "success")


def test_nginx_close_delimited_http10(lab, vigild, work):
    """The same location to an HTTP/1.0 client: no Content-Length, the body
    ends at the close; its digest is the file's MD5."""
    a, b, _ = lab.hosts
    root = W.site(work)
    W.Nginx(b, work, root, 8080)
    digest = f"digest {W.file_md5(root, 'chunked/index.html')}"
    run_check(a, vigild, conf(b.ipv4, 8080, http_get("path /chunked/", digest)), b.ipv4, 8080, "success")


def test_nginx_missing_page_is_404(lab, vigild, work):
    a, b, _ = lab.hosts
    W.Nginx(b, work, W.site(work), 8080)
    run_check(a, vigild, conf(b.ipv4, 8080, http_get("path /nosuch.html")), b.ipv4, 8080, "http_status", "404")


def test_nginx_tls(lab, vigild, work):
    a, b, _ = lab.hosts
    certs = W.Certs(work, b.ipv4)
    root = W.site(work)
    W.Nginx(b, work, root, 8443, tls=certs.pair("good"))
    run_check(a, vigild, conf(b.ipv4, 8443, http_get("path /large.bin", f"digest {W.file_md5(root, 'large.bin')}",
                                                      kind="SSL_GET")), b.ipv4, 8443, "success")


def ssl_root(certs):
    return f"SSL {{\n  ca {certs.ca}\n}}\n"


# (id, leaf, verify, expected): keepalived never verifies the certificate,
# so a name that does not match passes unless vigil's extension asks.
TLS = [
    ("mismatch_default", "wrong", False, "success"),
    ("mismatch_verified", "wrong", True, "tls_failed"),
    ("match_verified", "good", True, "success"),
]


@pytest.mark.parametrize("name,leaf,verify,want", TLS, ids=[c[0] for c in TLS])
def test_wild_ssl_get_certificate(lab, vigild, work, name, leaf, verify, want):
    a, b, _ = lab.hosts
    certs = W.Certs(work, b.ipv4)
    W.Wild(b, work, ("page", PORT, leaf))
    extra = (f"      {TLS_VERIFY}\n      enable_sni\n      sni_name {W.GOOD_NAME}\n") if verify else ""
    text = conf(b.ipv4, PORT, http_get("path /", DIGEST, kind="SSL_GET", extra=extra),
                root=ssl_root(certs) if verify else "")
    run_check(a, vigild, text, b.ipv4, PORT, want, "certificate" if want == "tls_failed" else None)


def start_tls_probes(lab, vigild, work, extra, probes=3):
    """SSL_GET every second against the wild TLS page; the server's view of
    the first `probes` connections (SNI, resumed) and requests."""
    a, b, _ = lab.hosts
    W.Certs(work, b.ipv4)
    w = W.Wild(b, work, ("page", PORT, "good"))
    d = run_check(a, vigild, conf(b.ipv4, PORT, http_get("path /", DIGEST, kind="SSL_GET", extra=extra)),
                  b.ipv4, PORT, "success")
    assert wait_for(lambda: len(w.tls()) >= probes and len(w.requests()) >= probes, 15), w.output()
    d.stop()
    return w.tls()[:probes], w.requests()[:probes]


@pytest.mark.parametrize("sni", [False, True], ids=["no_sni", "sni_name"])
def test_ssl_get_sni(lab, vigild, work, sni):
    """SNI only with enable_sni (keepalived's default: none), the name from
    sni_name; the Host header stays the one keepalived sends either way."""
    extra = f"      enable_sni\n      sni_name {W.GOOD_NAME}\n" if sni else ""
    tls, reqs = start_tls_probes(lab, vigild, work, extra, probes=1)
    assert tls[0][0] == (W.GOOD_NAME if sni else None), tls
    host = [h for h in reqs[0][1:] if h.lower().startswith("host:")]
    assert host == [f"Host: {lab.hosts[1].ipv4}:{PORT}"], reqs


@pytest.mark.parametrize("reuse", [False, True], ids=["full_handshakes", "tls_session_reuse"])
def test_ssl_get_session_reuse(lab, vigild, work, reuse):
    """keepalived makes a full handshake every probe; with vigil's
    tls_session_reuse the later probes resume the first one's session."""
    tls, _ = start_tls_probes(lab, vigild, work, "      tls_session_reuse\n" if reuse else "")
    resumed = [r for _, r in tls]
    assert resumed[0] is False, tls
    if reuse:
        assert all(resumed[1:]), tls
    else:
        assert not any(resumed), tls
