"""HTTP_GET and SSL_GET in the check worker (issue 15), on the host
through the IPVS dry-run backend: the real server is a python HTTP (or
HTTPS, with a certificate the test makes with the openssl CLI) server in a
lab namespace that records the Host and User-Agent of every request.
Asserted: the destination the worker adds or removes (its "IPVS (dry
run)" lines), the named result in `vigilctl status -j` (`last_result`),
and what the server saw. The odd servers users meet in the wild
(trickling, chunked, resetting ...) are tests/integration/test_check_http_wild.py's."""
import hashlib
import json
import os
import re
import subprocess

import pytest

from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"
BODY = "hello world\n"
MD5 = hashlib.md5(BODY.encode()).hexdigest()
SHA256 = hashlib.sha256(BODY.encode()).hexdigest()

# /ok: BODY; /down: 503; /status: "service status: ok". Every request's
# Host, User-Agent and (TLS) whether the session was resumed go to LOG,
# one line each.
SERVER = r'''
import http.server, ssl, sys
log, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
cert = sys.argv[4] if len(sys.argv) > 4 else None
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            reused = getattr(self.connection, "session_reused", None)
            f.write("%s|%s|%s|%s\n" % (self.path, self.headers.get("Host"), self.headers.get("User-Agent"), reused))
        code, body = {"/ok": (200, b"hello world\n"), "/down": (503, b"maintenance\n"),
                      "/status": (200, b"<p>service status: ok</p>\n")}.get(self.path, (404, b"no\n"))
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer((addr, port), H)
if cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert + ".crt", cert + ".key")
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
print("listening", flush=True)
s.serve_forever()
'''


def serve(host, work, port=8080, cert=None):
    log = os.path.join(work, f"requests-{port}.log")
    args = ["python3", "-c", SERVER, log, host.ipv4, str(port)] + ([cert] if cert else [])
    p = host.spawn(*args)
    assert p.stdout.readline().strip() == "listening", p.stderr.read()
    return log


def requests(log):
    try:
        with open(log) as f:
            return [l.rstrip("\n").split("|")[:3] for l in f]
    except FileNotFoundError:
        return []


def resumed(log):
    """For each TLS request in order: whether its session was resumed."""
    with open(log) as f:
        return [l.rstrip("\n").split("|")[3] == "True" for l in f]


def make_cert(work, name):
    """A self-signed certificate for name (CN and subjectAltName)."""
    base = os.path.join(work, "server")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", base + ".key", "-out", base + ".crt", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name}"], check=True, capture_output=True)
    return base


def conf(rs_host, checker, port=8080, top=""):
    return f"""{top}virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {rs_host.ipv4} {port} {{
    weight 1
    {checker}
  }}
}}
"""


def http_get(url_body, kind="HTTP_GET", extra=""):
    return f"""{kind} {{
      connect_timeout 2
      retry 0
      delay_before_retry 1
{extra}      url {{
{url_body}      }}
    }}"""


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def add_dest(h, port=8080):
    return f"add dest TCP {VIP}:80 -> {h.ipv4}:{port} masq w1"


def del_dest(h, port=8080):
    return f"delete dest TCP {VIP}:80 -> {h.ipv4}:{port}"


def real_server(d):
    st = json.loads(d.ctl("status", "-j").stdout)
    return st["check"]["virtual_servers"][0]["real_servers"][0]


def start(host, vigild, text):
    d = Daemon(host, vigild, text, args=["--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    return d


def wait_result(d, key, timeout=10):
    assert wait_for(lambda: real_server(d).get("last_result") == key, timeout), (real_server(d), d.output())


def test_http_get_digest_and_virtualhost(lab, vigild, work):
    """Two urls, both passing: the server stays in, and saw keepalived's
    User-Agent and the url's virtualhost (the other url: ip:port)."""
    a, b, _ = lab.hosts
    log = serve(b, work)
    urls = (f"        path /ok\n        digest {MD5}\n      }}\n      url {{\n        path /status\n"
            f"        virtualhost www.example.test\n        regex \"status: (ok|fine)\"\n")
    d = start(a, vigild, conf(b, http_get(urls)))
    assert wait_for(lambda: dry_lines(d).count(add_dest(b)) == 1, 5), d.output()
    wait_result(d, "success")
    seen = requests(log)
    assert ["/ok", f"{b.ipv4}:8080", "KeepAliveClient"] in seen, seen
    assert ["/status", "www.example.test", "KeepAliveClient"] in seen, seen
    assert real_server(d)["health"] == "up"
    assert dry_lines(d).count(del_dest(b)) == 0, dry_lines(d)
    d.stop()


@pytest.mark.parametrize("url_body,result", [
    ("        path /down\n", "http_status"),
    ("        path /ok\n        digest 00000000000000000000000000000000\n", "digest_mismatch"),
    (f"        path /ok\n        digest {'0' * 64}\n", "digest_mismatch"),
    ("        path /status\n        regex \"status: down\"\n", "regex_mismatch"),
    ("        path /status\n        regex \"STATUS: OK\"\n        regex_no_match\n"
     "        regex_options caseless\n", "regex_mismatch"),
], ids=["503", "md5", "sha256", "regex", "regex_no_match"])
def test_http_get_failures_take_the_server_out(lab, vigild, work, url_body, result):
    a, b, _ = lab.hosts
    serve(b, work)
    d = start(a, vigild, conf(b, http_get(url_body)))
    assert wait_for(lambda: dry_lines(d).count(del_dest(b)) == 1, 10), d.output()
    wait_result(d, result)
    assert real_server(d)["health"] == "down"
    d.stop()


def test_http_get_status_code_list_and_sha256(lab, vigild, work):
    """status_code 503 accepts the maintenance page; a SHA-256 digest of
    the body passes (vigil extension)."""
    a, b, _ = lab.hosts
    serve(b, work)
    urls = f"        path /down\n        status_code 200 500-503\n      }}\n      url {{\n        path /ok\n        digest {SHA256}\n"
    d = start(a, vigild, conf(b, http_get(urls)))
    wait_result(d, "success")
    assert dry_lines(d).count(add_dest(b)) == 1 and dry_lines(d).count(del_dest(b)) == 0, dry_lines(d)
    d.stop()


def test_http_get_refused(lab, vigild, work):
    a, b, _ = lab.hosts
    d = start(a, vigild, conf(b, http_get("        path /ok\n")))
    assert wait_for(lambda: dry_lines(d).count(del_dest(b)) == 1, 10), d.output()
    wait_result(d, "connect_refused")
    d.stop()


def test_ssl_get_digest_sni_and_verification(lab, vigild, work):
    """SSL_GET against a TLS server: without verification (keepalived's
    default) the self-signed certificate is fine and the digest is
    checked; with tls_verify against SSL { ca } and the certificate's name
    as SNI it passes; with another name it is tls_failed."""
    a, b, _ = lab.hosts
    cert = make_cert(work, "www.example.test")
    log = serve(b, work, 8443, cert)
    top = f"SSL {{\n  ca {cert}.crt\n}}\n"
    plain = http_get(f"        path /ok\n        digest {MD5}\n", "SSL_GET")
    d = start(a, vigild, conf(b, plain, 8443, top))
    wait_result(d, "success")
    assert dry_lines(d).count(add_dest(b, 8443)) == 1
    assert wait_for(lambda: len(resumed(log)) >= 3, 10)
    d.stop()
    # keepalived's default: a full handshake every time
    assert not any(resumed(log)), resumed(log)
    os.unlink(log)
    good = http_get("        path /ok\n", "SSL_GET",
                    "      virtualhost www.example.test\n      enable_sni\n      tls_verify\n      tls_session_reuse\n")
    d = start(a, vigild, conf(b, good, 8443, top))
    wait_result(d, "success")
    assert ["/ok", "www.example.test", "KeepAliveClient"] in requests(log), requests(log)
    # tls_session_reuse: the later probes resume the first one's session
    assert wait_for(lambda: len(resumed(log)) >= 3, 10)
    d.stop()
    assert not resumed(log)[0] and all(resumed(log)[1:]), resumed(log)
    bad = http_get("        path /ok\n", "SSL_GET", "      virtualhost www.wrong.test\n      enable_sni\n      tls_verify\n")
    d = start(a, vigild, conf(b, bad, 8443, top))
    assert wait_for(lambda: dry_lines(d).count(del_dest(b, 8443)) == 1, 10), d.output()
    wait_result(d, "tls_failed")
    d.stop()


def test_http_get_local_failure_is_a_checker_error(lab, vigild, work):
    """bindto an address this host does not have: vigil's side fails, the
    server stays in the pool, and the log says so in keepalived's words."""
    a, b, _ = lab.hosts
    serve(b, work)
    d = start(a, vigild, conf(b, http_get("        path /ok\n", extra="      bindto 10.231.0.99\n")))
    assert wait_for(lambda: dry_lines(d).count(add_dest(b)) == 1, 5), d.output()
    wait_result(d, "checker_error")
    assert d.wait_log("TCP socket bind failed (Cannot assign requested address). Rescheduling."), d.output()
    assert dry_lines(d).count(del_dest(b)) == 0, dry_lines(d)
    d.stop()
