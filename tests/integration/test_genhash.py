"""vigil-genhash against keepalived's genhash (Debian's 2.2.7) on the same
URLs, both run from lab host 1 against servers on host 2: the same digest,
printed in the same format (a script that parses genhash's output parses
vigil-genhash's), and the same request on the wire (request line, Host,
User-Agent, Connection), as the wild server logged it.

URLs: python's http.server (a page, a 1 MiB file), nginx plain and TLS (-S),
a name-based virtual host (-V) that serves another page, -P 1.1 and 1.0c,
chunked bodies (the wild server's, nginx's through sub_filter), a
close-delimited body, error pages (genhash hashes them too), -v's verbose
output; and failed fetches, where the two differ on purpose (exit code)."""
import os
import pathlib

import pytest

import wildhttp as W

ROOT = pathlib.Path(__file__).resolve().parents[2]
PORT = 9001


@pytest.fixture(scope="session")
def vigil_genhash():
    path = os.environ.get("VIGIL_GENHASH")
    if not path:
        vigild = os.environ.get("VIGILD")
        base = pathlib.Path(vigild).resolve().parents[1] if vigild else ROOT / "build"
        path = str(base / "src" / "vigil-genhash")   # src/meson.build builds it next to vigild
    assert os.access(path, os.X_OK), f"vigil-genhash not built at {path} (run make)"
    return path


def both(host, tool, addr, port, url, *opts):
    """(keepalived's digest, vigil's digest) for one URL and options."""
    return W.genhash(host, addr, port, url, *opts), W.genhash(host, addr, port, url, *opts, tool=tool)


@pytest.fixture
def servers(lab, work):
    """http.server on 8000, nginx plain on 8080 (with a virtual host
    www.vigil.test serving other pages) and TLS on 8443, on host 2."""
    b = lab.hosts[1]
    root = W.site(work)
    other = W.site(work, "other")
    with open(os.path.join(other, "index.html"), "wb") as f:
        f.write(W.CHANGED)
    certs = W.Certs(work, b.ipv4)
    W.PyHttp(b, root, 8000)
    W.Nginx(b, work, root, 8080, vhosts={W.GOOD_NAME: other})
    W.Nginx(b, work, root, 8443, tls=certs.pair("good"), vhosts={W.GOOD_NAME: other})
    return root


CASES = [
    ("python_page", 8000, "/", [], "index.html"),
    ("python_large", 8000, "/large.bin", [], "large.bin"),
    ("nginx_page", 8080, "/index.html", [], "index.html"),
    ("nginx_large_http11", 8080, "/large.bin", ["-P", "1.1"], "large.bin"),
    ("nginx_tls_large", 8443, "/large.bin", ["-S"], "large.bin"),
    ("nginx_tls_sni_vhost", 8443, "/", ["-S", "-I", "-V", W.GOOD_NAME], None),
    ("nginx_vhost", 8080, "/", ["-V", W.GOOD_NAME], None),
    ("nginx_http10c", 8080, "/", ["-P", "1.0c"], "index.html"),
    # through sub_filter: chunked to 1.1, close-delimited to 1.0
    ("nginx_chunked_http11", 8080, "/chunked/", ["-P", "1.1"], None),
    ("nginx_close_delimited", 8080, "/chunked/", [], "chunked/index.html"),
    ("nginx_verbose", 8080, "/large.bin", ["-v"], "large.bin"),
]


@pytest.mark.parametrize("name,port,url,opts,file", CASES, ids=[c[0] for c in CASES])
def test_same_digest_as_genhash(lab, servers, vigil_genhash, name, port, url, opts, file):
    a, b, _ = lab.hosts
    theirs, ours = both(a, vigil_genhash, b.ipv4, port, url, *opts)
    assert ours == theirs, (name, ours, theirs)
    if file:  # a body sent as it is on disk: its MD5, what md5sum says
        assert theirs == W.file_md5(servers, file)
    if "-V" in opts:  # the virtual host served its own page
        assert theirs == W.md5(W.CHANGED)


WILD = [
    ("wild_chunked", "chunked", []),
    ("wild_chunked_http11", "chunked", ["-P", "1.1"]),
    ("wild_no_content_length", "noclen", []),
    ("wild_page_vhost_http11", "page", ["-V", W.GOOD_NAME, "-P", "1.1"]),
    ("wild_tls_page_sni", "page", ["-S", "-I", "-V", W.GOOD_NAME]),
    # genhash does not look at the status: the error page's digest
    ("wild_503", "503", []),
    ("wild_301", "301", []),
]


@pytest.mark.parametrize("name,mode,opts", WILD, ids=[c[0] for c in WILD])
def test_same_digest_and_request_on_wild_servers(lab, work, vigil_genhash, name, mode, opts):
    a, b, _ = lab.hosts
    tls = ("good",) if "-S" in opts else ()
    if tls:
        W.Certs(work, b.ipv4)
    w = W.Wild(b, work, (mode, PORT, *tls))
    theirs, ours = both(a, vigil_genhash, b.ipv4, PORT, "/", *opts)
    assert ours == theirs, (name, ours, theirs)
    if mode == "chunked":   # keepalived's genhash hashes the chunk framing too
        assert theirs != W.md5(W.BODY)
    elif mode == "page":
        assert theirs == W.md5(W.BODY)
    theirs_req, ours_req = w.requests()
    assert ours_req[0] == theirs_req[0], (ours_req, theirs_req)   # request line
    for header in ("host", "user-agent", "connection"):
        pick = [[h for h in req[1:] if h.lower().startswith(header + ":")] for req in (theirs_req, ours_req)]
        assert pick[1] == pick[0], (header, ours_req, theirs_req)



FAILURES = [
    ("nobody_listening", None),
    ("reset", "reset"),
    ("never_answers", "silent"),
]


@pytest.mark.parametrize("name,mode", FAILURES, ids=[c[0] for c in FAILURES])
def test_failed_fetch(lab, work, vigil_genhash, name, mode):
    """No digest from either. keepalived's genhash says so on stdout and
    exits 0 (ka#766: scripts cannot tell); vigil-genhash exits 1, with
    libcurl's reason on stderr."""
    a, b, _ = lab.hosts
    if mode:
        W.Wild(b, work, (mode, PORT))
    args = ("-t", "2", "-s", b.ipv4, "-p", str(PORT), "-u", "/")
    theirs = a.run(W.GENHASH, *args, check=False, timeout=30)
    ours = a.run(vigil_genhash, *args, check=False, timeout=30)
    assert theirs.returncode == 0 and not W.HEX32.search(theirs.stdout), theirs
    assert theirs.stdout.strip() in ("Connection failed", "Timeout WEB read", "Read error with"), theirs
    assert ours.returncode == 1 and not W.HEX32.search(ours.stdout), ours
    assert ours.stdout == "Connection failed\n" and ours.stderr.strip(), ours


def test_decode_chunked_digest(lab, work, servers, vigil_genhash):
    """vigil-genhash --decode-chunked prints what decode_chunked expects:
    the decoded body's MD5 (the file's, as md5sum says), where genhash
    prints the framing's."""
    a, b, _ = lab.hosts
    W.Wild(b, work, ("chunked", PORT))
    assert W.genhash(a, b.ipv4, PORT, "/", "--decode-chunked", tool=vigil_genhash) == W.md5(W.BODY)
    nginx = W.genhash(a, b.ipv4, 8080, "/chunked/", "-P", "1.1", "--decode-chunked", tool=vigil_genhash)
    assert nginx == W.file_md5(servers, "chunked/index.html")
    assert W.genhash(a, b.ipv4, 8080, "/chunked/", "-P", "1.1") != nginx
