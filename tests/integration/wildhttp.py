"""HTTP servers as users meet them, for the HTTP_GET/SSL_GET checker and
vigil-genhash tests, each started in a lab host and killed by the lab (by
PID) at teardown:

- Wild: one asyncio process with a listener per behaviour (a port each):
  a well-behaved page, a body trickled one byte a second, no
  Content-Length (close-delimited), a chunked body, 301 and 503, a body
  that changed (wrong digest), accept and never answer, reset (SO_LINGER 0)
  on accept or once the request is read; any of them over TLS with a
  certificate the test made.
- Nginx: nginx with its own -p prefix, pid, error log and conf (never the
  system one), plain and TLS, serving a directory (and a chunked location).
- PyHttp: python's http.server serving a directory.
- Certs: a CA and leaf certificates made with the openssl CLI in the test's
  directory: one whose names match (www.vigil.test and the server's IP),
  one whose names do not (wrong.vigil.test).
"""
import hashlib
import os
import re
import subprocess
import sys

from lab import wait_for

NGINX = "/usr/sbin/nginx"
OPENSSL = "/usr/bin/openssl"
CURL = "/usr/bin/curl"

# What the page behaviours send: a body with a known MD5, and the "changed"
# one the wrong-digest server sends instead.
BODY = b"<html><body>vigil wild server: all is well</body></html>\n"
CHANGED = b"<html><body>vigil wild server: maintenance page</body></html>\n"
TRICKLE = b"0123456789" * 3          # 30 bytes, one a second: 30 s for the body
GOOD_NAME = "www.vigil.test"
WRONG_NAME = "wrong.vigil.test"


def md5(data):
    return hashlib.md5(data).hexdigest()


GENHASH = "/usr/bin/genhash"
HEX32 = re.compile(r"[0-9a-f]{32}")


def parse_digest(out, verbose=False):
    """The digest in genhash's stdout: alone on the only line, or (-v) on
    the line after the "HTML hash final resulting" banner. None if the
    output is not in that format."""
    lines = out.split("\n")
    if not verbose:
        return lines[0] if len(lines) == 2 and lines[1] == "" and HEX32.fullmatch(lines[0]) else None
    for i, line in enumerate(lines[:-1]):
        if re.fullmatch(r"-+\[ HTML hash final resulting \]-+", line) and HEX32.fullmatch(lines[i + 1]):
            return lines[i + 1]
    return None


def genhash(host, addr, port, url, *opts, tool=GENHASH):
    """Run keepalived's genhash (or tool, with its options) in host; the digest."""
    r = host.run(tool, "-s", addr, "-p", str(port), "-u", url, *opts, check=False, timeout=30)
    digest = parse_digest(r.stdout, "-v" in opts)
    assert r.returncode == 0 and digest, (tool, opts, r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    return digest


SERVER = r'''
import asyncio, os, socket, ssl, struct, sys
log = open(sys.argv[1], "a", buffering=1)
os.dup2(log.fileno(), 2)
BODY, CHANGED, TRICKLE = (bytes.fromhex(x) for x in sys.argv[2:5])

def head(status, extra, length=None):
    h = "HTTP/1.0 %s\r\nServer: wild\r\nContent-Type: text/html\r\n" % status
    if length is not None:
        h += "Content-Length: %d\r\n" % length
    return (h + extra + "\r\n").encode()

async def request(reader):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = await reader.read(4096)
        if not chunk:
            break
        data += chunk
    head_ = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    log.write("request %s\n" % head_.replace("\r\n", " | "))   # one line a request
    return data

async def page(r, w):
    await request(r)
    w.write(head("200 OK", "", len(BODY)) + BODY)

async def changed(r, w):
    await request(r)
    w.write(head("200 OK", "", len(CHANGED)) + CHANGED)

async def noclen(r, w):
    await request(r)
    w.write(head("200 OK", ""))
    for i in range(0, len(BODY), 7):   # in pieces, then the close ends it
        w.write(BODY[i:i + 7])
        await w.drain()
        await asyncio.sleep(0.01)

async def chunked(r, w):
    await request(r)
    w.write(b"HTTP/1.1 200 OK\r\nServer: wild\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    for i in range(0, len(BODY), 16):
        piece = BODY[i:i + 16]
        w.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        await w.drain()
        await asyncio.sleep(0.01)
    w.write(b"0\r\n\r\n")

async def trickle(r, w):
    await request(r)
    w.write(head("200 OK", "", len(TRICKLE)))
    for i in range(len(TRICKLE)):
        w.write(TRICKLE[i:i + 1])
        await w.drain()
        await asyncio.sleep(1)

def status(code, text):
    body = b"<html><body>%d %s</body></html>\n" % (code, text.encode())
    async def answer(r, w):
        await request(r)
        loc = "Location: http://%s/moved/\r\n" % sys.argv[5] if code == 301 else ""
        w.write(head("%d %s" % (code, text), loc, len(body)) + body)
    return answer

async def silent(r, w):
    await request(r)
    await r.read()          # until the client gives up and closes

async def reset(r, w):
    w.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()

async def reset_after_request(r, w):
    await request(r)
    await reset(r, w)

MODES = {"page": page, "changed": changed, "noclen": noclen, "chunked": chunked, "trickle": trickle,
         "301": status(301, "Moved Permanently"), "503": status(503, "Service Unavailable"),
         "silent": silent, "reset": reset, "resetreq": reset_after_request}

def serving(fn):
    async def handle(r, w):
        tls = w.get_extra_info("ssl_object")
        if tls is not None:   # what the client offered: SNI, a resumed session
            log.write("tls sni=%s resumed=%s\n" % (getattr(tls, "vigil_sni", None) or "-", tls.session_reused))
        try:
            await fn(r, w)
            if not w.transport.is_closing():
                await w.drain()
                w.close()
        except (ConnectionError, ssl.SSLError, OSError) as e:
            log.write("connection: %r\n" % e)
    return handle

def remember_sni(tls, name, ctx):
    tls.vigil_sni = name

async def main():
    servers = []
    for spec in sys.argv[6:]:
        mode, port, *tls = spec.split(":")
        ctx = None
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls[0] + ".crt", tls[0] + ".key")
            ctx.sni_callback = remember_sni
        servers.append(await asyncio.start_server(serving(MODES[mode]), "0.0.0.0", int(port), ssl=ctx,
                                                  reuse_address=True))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))

asyncio.run(main())
'''


class Wild:
    """The wild server in host, one listener per (mode, port[, cert]) spec;
    cert is a Certs leaf name ("good", "wrong") for TLS."""

    def __init__(self, host, work, *specs):
        self.host, self.log = host, os.path.join(work, f"wild-{host.name}.log")
        code = os.path.join(work, "wild.py")
        with open(code, "w") as f:
            f.write(SERVER)
        args = []
        for spec in specs:
            mode, port, *cert = spec
            args.append(f"{mode}:{port}" + (f":{os.path.join(work, cert[0])}" if cert else ""))
        self.proc = host.spawn(sys.executable, code, self.log, BODY.hex(), CHANGED.hex(), TRICKLE.hex(),
                               host.ipv4, *args)
        line = self.proc.stdout.readline().strip()
        assert line == "ready", f"the wild server did not start: {line!r} {self.output()}"

    def requests(self):
        """Each request the server read: [request line, header lines...]."""
        return [l[len("request "):].split(" | ") for l in self.output().splitlines() if l.startswith("request ")]

    def tls(self):
        """Each TLS connection: (SNI name or None, session resumed)."""
        out = []
        for line in self.output().splitlines():
            if line.startswith("tls "):
                f = dict(kv.split("=", 1) for kv in line.split()[1:])
                out.append((None if f["sni"] == "-" else f["sni"], f["resumed"] == "True"))
        return out

    def output(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""


class Certs:
    """A test CA and two leaf certificates it signed, in work: good.{crt,key}
    names GOOD_NAME and ip; wrong.{crt,key} names WRONG_NAME only."""

    def __init__(self, work, ip):
        self.dir = work
        self.ca = os.path.join(work, "ca.crt")
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._ssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                  "-subj", "/CN=vigil test CA")
        for name, sans in (("good", f"DNS:{GOOD_NAME},IP:{ip}"), ("wrong", f"DNS:{WRONG_NAME}")):
            cn = sans.split(",")[0][4:]
            with open(os.path.join(work, name + ".ext"), "w") as f:
                f.write(f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n")
            self._ssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", f"/CN={cn}")
            self._ssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                      "-CAcreateserial", "-days", "2", "-out", name + ".crt", "-extfile", name + ".ext")
        for f in os.listdir(work):
            if f.endswith(".key"):
                os.chmod(os.path.join(work, f), 0o644)  # nginx's workers run as nobody

    def _ssl(self, *args):
        r = subprocess.run([OPENSSL, *args], cwd=self.dir, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr

    def pair(self, name):
        """(certificate, key) of leaf name, for Nginx(tls=...)."""
        return os.path.join(self.dir, name + ".crt"), os.path.join(self.dir, name + ".key")


def curl_ok(host, url, *extra):
    r = host.run(CURL, "-s", "-k", "-o", "/dev/null", "--max-time", "2", *extra, url, check=False)
    return r.returncode == 0


class Nginx:
    """nginx in host with its own prefix (work/nginx-<port>), serving root on
    port, over TLS with tls = (certificate, key) if given, and each
    {server_name: root} of vhosts as a name-based virtual host. /chunked/ is served
    through sub_filter, which drops Content-Length: HTTP/1.1 clients get a
    chunked body, HTTP/1.0 ones a close-delimited one."""

    def __init__(self, host, work, root, port, tls=None, vhosts=None):
        self.host, self.port = host, port
        self.prefix = os.path.join(work, f"nginx-{port}")
        os.makedirs(os.path.join(self.prefix, "logs"), exist_ok=True)
        os.chmod(self.prefix, 0o755)
        ssl = f" ssl;\n    ssl_certificate {tls[0]};\n    ssl_certificate_key {tls[1]}" if tls else ""
        named = "".join(f"  server {{\n    listen {host.ipv4}:{port}{ssl};\n    server_name {name};\n"
                        f"    root {vroot};\n  }}\n" for name, vroot in (vhosts or {}).items())
        conf = os.path.join(self.prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
  access_log {self.prefix}/logs/access.log;
  client_body_temp_path {self.prefix};
  proxy_temp_path {self.prefix};
  fastcgi_temp_path {self.prefix};
  uwsgi_temp_path {self.prefix};
  scgi_temp_path {self.prefix};
  default_type text/plain;
  server {{
    listen {host.ipv4}:{port}{ssl};
    root {root};
    location /chunked/ {{ sub_filter_types *; sub_filter "@@" "@@"; sub_filter_once off; }}
  }}
{named}}}
""")
        self.proc = host.spawn(NGINX, "-p", self.prefix, "-e", f"{self.prefix}/logs/error.log",
                               "-c", conf, "-g", "daemon off;")
        scheme = "https" if tls else "http"
        ok = wait_for(lambda: self.proc.poll() is None and curl_ok(host, f"{scheme}://{host.ipv4}:{port}/"), 10)
        assert ok, f"nginx did not start in {host.name}: {self.proc.poll()} {self.error_log()}"

    def error_log(self):
        try:
            with open(os.path.join(self.prefix, "logs", "error.log")) as f:
                return f.read()
        except OSError:
            return ""


class PyHttp:
    """python -m http.server in host serving root on port."""

    def __init__(self, host, root, port):
        self.proc = host.spawn(sys.executable, "-m", "http.server", "--bind", host.ipv4, "--directory", root,
                               str(port))
        ok = wait_for(lambda: self.proc.poll() is None and curl_ok(host, f"http://{host.ipv4}:{port}/"), 10)
        assert ok, f"http.server did not start in {host.name}: {self.proc.poll()}"


def site(work, name="site"):
    """A document root readable by nginx's workers: index.html (BODY), a
    1 MiB file of pseudo-random bytes, and chunked/index.html."""
    root = os.path.join(work, name)
    os.makedirs(os.path.join(root, "chunked"), exist_ok=True)
    with open(os.path.join(root, "index.html"), "wb") as f:
        f.write(BODY)
    with open(os.path.join(root, "chunked", "index.html"), "wb") as f:
        f.write(BODY * 200)       # > one sub_filter buffer: several chunks
    big = hashlib.sha256(b"vigil").digest()
    with open(os.path.join(root, "large.bin"), "wb") as f:
        block = b"".join(hashlib.sha256(big + bytes([i])).digest() for i in range(256))  # 8 KiB
        f.write(block * 128)      # 1 MiB
    for d, _, files in os.walk(root):
        os.chmod(d, 0o755)
        for n in files:
            os.chmod(os.path.join(d, n), 0o644)
    os.chmod(work, 0o755)
    return root


def file_md5(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        return md5(f.read())
