"""What HTTP_GET/SSL_GET keep between probes (doc/checkers/http.md): libcurl
easy handles are kept and reset, TLS sessions are kept per server with
tls_session_reuse; a reloaded checker's options never ride a kept handle.
On the host through the IPVS dry-run backend; the servers are a python
HTTPS server on several ports that logs, per request, its port, path,
Host and whether the TLS session was resumed."""
import os

from lab import wait_for
from test_check_http import VIP, add_dest, dry_lines, make_cert, start

SERVER = r'''
import http.server, ssl, sys, threading
log, addr, cert, ports = sys.argv[1], sys.argv[2], sys.argv[3], [int(p) for p in sys.argv[4:]]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock, open(log, "a") as f:
            f.write("%d|%s|%s|%s\n" % (self.server.server_port, self.path, self.headers.get("Host"),
                                       getattr(self.connection, "session_reused", None)))
        body = b"hello world\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert + ".crt", cert + ".key")
for p in ports:
    s = http.server.ThreadingHTTPServer((addr, p), H)
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("listening", flush=True)
threading.Event().wait()
'''

NAME = "www.example.test"


def serve_tls(host, work, ports):
    log = os.path.join(work, "tls-requests.log")
    cert = make_cert(work, NAME)
    p = host.spawn("python3", "-c", SERVER, log, host.ipv4, cert, *map(str, ports))
    assert p.stdout.readline().strip() == "listening", p.stderr.read()
    return log, cert


def seen(log):
    """[(port, path, host, resumed)] in order."""
    try:
        with open(log) as f:
            return [(int(a), b, c, d == "True") for a, b, c, d in (l.rstrip("\n").split("|") for l in f)]
    except FileNotFoundError:
        return []


def ssl_conf(host, ports, path="/ok", extra="tls_session_reuse", top=""):
    rs = "".join(f"""  real_server {host.ipv4} {p} {{
    weight 1
    SSL_GET {{
      connect_timeout 2
      retry 0
      virtualhost {NAME}
      {extra}
      url {{
        path {path}
        status_code 200
      }}
    }}
  }}
""" for p in ports)
    return f"{top}virtual_server {VIP} 443 {{\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n{rs}}}\n"


def test_ssl_get_session_reuse_with_more_servers_than_a_share_holds(lab, vigild, work):
    """libcurl's share keeps 8 TLS sessions, least recently used out: one
    share for every checker resumed almost nothing once more than 8
    servers were probed in turn. Each of 12 servers resumes its own
    session from its second probe on."""
    a, b, _ = lab.hosts
    ports = list(range(9441, 9453))
    log, _ = serve_tls(b, work, ports)
    d = start(a, vigild, ssl_conf(b, ports))
    assert wait_for(lambda: all(sum(1 for s in seen(log) if s[0] == p) >= 3 for p in ports), 20), seen(log)
    d.stop()
    for p in ports:
        mine = [s[3] for s in seen(log) if s[0] == p]
        assert not mine[0] and all(mine[1:]), (p, mine)
    assert all(dry_lines(d).count(f"add dest TCP {VIP}:443 -> {b.ipv4}:{p} masq w1") == 1 for p in ports)


def test_a_reloaded_checker_never_rides_a_kept_handle(lab, vigild, work):
    """A kept easy handle is reset before each probe: after a reload that
    turns tls_session_reuse off and changes the url, every probe of the new
    checker asks the new path and makes a full handshake; a reload that
    turns tls_verify on with a CA the certificate does not match fails
    the server (the old settings are not kept either)."""
    a, b, _ = lab.hosts
    port = 9441
    log, _ = serve_tls(b, work, [port])
    d = start(a, vigild, ssl_conf(b, [port]))
    assert wait_for(lambda: sum(1 for s in seen(log) if s[3]) >= 2, 10), seen(log)
    with open(d.conf, "w") as f:
        f.write(ssl_conf(b, [port], "/two", extra=""))
    d.ctl("reload")
    assert wait_for(lambda: sum(1 for s in seen(log) if s[1] == "/two") >= 3, 10), seen(log)
    after = seen(log)[[s[1] for s in seen(log)].index("/two"):]
    assert all(s[1] == "/two" and not s[3] for s in after), after
    os.makedirs(os.path.join(work, "other"))
    other = make_cert(os.path.join(work, "other"), "other.test")
    top = f"SSL {{\n  ca {other}.crt\n}}\n"
    with open(d.conf, "w") as f:
        f.write(ssl_conf(b, [port], "/two", extra="enable_sni\n      tls_verify", top=top))
    d.ctl("reload")
    assert wait_for(lambda: f"delete dest TCP {VIP}:443 -> {b.ipv4}:{port}" in dry_lines(d), 10), d.output()
    assert dry_lines(d).count(add_dest(b, port).replace(":80 ", ":443 ")) == 1, dry_lines(d)
    d.stop()
