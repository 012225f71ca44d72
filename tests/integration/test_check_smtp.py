"""SMTP_CHECK (issue 15) on the host through the IPVS dry-run backend:
real servers in lab namespaces are aiosmtpd (a real SMTP server: banner,
HELO, QUIT), a fake server that refuses with a 554 banner, one that
answers HELO 501, one that accepts and never speaks, one that trickles its
banner, and nothing at all (stopped). Asserted: the real server's health,
the checker's named result in `vigilctl status -j` (`last_result`) and
the dry-run IPVS lines; the deprecated host { } blocks run as extra
checkers next to the SMTP_CHECK's own."""
import json
import os
import re
import signal
import sys

from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"

AIOSMTPD = r"""
import sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
c = Controller(Sink(), hostname=sys.argv[1], port=int(sys.argv[2]), server_hostname="mx.lab")
c.start()
print("listening", flush=True)
while True:
    time.sleep(60)
"""

# A server that writes `banner` (may be empty: silent) on each connection
# and then holds it open, reading whatever comes.
FAKE = r"""
import socket, sys, threading
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
banner = sys.argv[3].encode().replace(b"|", b"\r\n")
print("listening", flush=True)
def serve(c):
    if banner:
        c.sendall(banner)
    while c.recv(512):
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


def spawn(host, code, *args):
    p = host.spawn(sys.executable, "-c", code, *args)
    assert p.stdout.readline().strip() == "listening", p.stderr.read()
    return p


def smtpd(host, port=2525):
    return spawn(host, AIOSMTPD, host.ipv4, str(port))


def fake(host, port, banner):
    return spawn(host, FAKE, host.ipv4, str(port), banner)


def stop(p):
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=5)


def conf(servers, checker_extra=""):
    rs = "".join(f"""  real_server {h.ipv4} {port} {{
    weight 1
    SMTP_CHECK {{
      connect_timeout 1
      retry 0
      helo_name vigil.test
{checker_extra}    }}
  }}
""" for h, port in servers)
    return f"""virtual_server {VIP} 25 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
{rs}}}
"""


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def add_dest(h, port):
    return f"add dest TCP {VIP}:25 -> {h.ipv4}:{port} masq w1"


def del_dest(h, port):
    return f"delete dest TCP {VIP}:25 -> {h.ipv4}:{port}"


def real_servers(d):
    st = json.loads(d.ctl("status", "-j").stdout)["check"]["virtual_servers"][0]
    return {(r["address"], r["port"]): r for r in st["real_servers"]}


def rs_result(d, h, port):
    r = real_servers(d).get((h.ipv4, port))
    return r and (r["health"], r["last_result"])


def detail(d, h, port):
    """The failure's detail (last_detail), once the engine reports it; None
    before that (issue 15's engine helper adds it to the status)."""
    r = real_servers(d).get((h.ipv4, port)) or {}
    return r.get("last_detail") or next((c["last_detail"] for c in r.get("checkers", []) if c.get("last_detail")),
                                        None)


def start(host, vigild, text):
    d = Daemon(host, vigild, text, args=["--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    return d


def test_smtp_up_down_and_each_failure_named(lab, vigild):
    a, b, c = lab.hosts
    good = smtpd(b, 2525)
    fake(c, 2526, "554 5.3.2 no service here|")
    fake(c, 2527, "")
    d = start(a, vigild, conf([(b, 2525), (c, 2526), (c, 2527), (c, 2528)]))
    # aiosmtpd answers banner and HELO: in the pool, and it stays there
    assert wait_for(lambda: rs_result(d, b, 2525) == ("up", "success"), 10), (real_servers(d), d.output())
    assert count_in(d, add_dest(b, 2525)) == 1
    # a 554 banner, a silent server, nothing listening: each named
    assert wait_for(lambda: rs_result(d, c, 2526) == ("down", "probe_failed"), 10), real_servers(d)
    assert wait_for(lambda: rs_result(d, c, 2527) == ("down", "probe_timeout"), 10), real_servers(d)
    assert wait_for(lambda: rs_result(d, c, 2528) == ("down", "connect_refused"), 10), real_servers(d)
    for port in (2526, 2527, 2528):
        assert wait_for(lambda: count_in(d, del_dest(c, port)) == 1, 10), dry_lines(d)
    assert detail(d, c, 2526) in (None, "banner 554 5.3.2 no service here"), real_servers(d)
    assert detail(d, c, 2527) in (None, "no banner"), real_servers(d)
    # the SMTP server stops: out of the pool; back once it answers again
    stop(good)
    assert wait_for(lambda: count_in(d, del_dest(b, 2525)) == 1, 10), d.output()
    assert rs_result(d, b, 2525) == ("down", "connect_refused")
    smtpd(b, 2525)
    assert wait_for(lambda: count_in(d, add_dest(b, 2525)) == 2, 10), d.output()
    assert rs_result(d, b, 2525) == ("up", "success")
    d.stop()


def count_in(d, line):
    return dry_lines(d).count(line)


def test_smtp_helo_refused(lab, vigild):
    a, b, _ = lab.hosts
    # a banner, then 501 to HELO (a server that wants another name)
    srv = spawn(b, FAKE.replace("    while c.recv(512):\n        pass\n",
                                "    c.recv(512)\n    c.sendall(b'501 5.5.4 Syntax: HELO hostname\\r\\n')\n"
                                "    while c.recv(512):\n        pass\n"),
                b.ipv4, "2525", "220 mx ESMTP|")
    d = start(a, vigild, conf([(b, 2525)]))
    assert wait_for(lambda: rs_result(d, b, 2525) == ("down", "probe_failed"), 10), (real_servers(d), d.output())
    assert wait_for(lambda: count_in(d, del_dest(b, 2525)) == 1, 10), dry_lines(d)
    assert detail(d, b, 2525) in (None, "HELO answered 501 5.5.4 Syntax: HELO hostname"), real_servers(d)
    stop(srv)
    d.stop()


# The banner a byte every 0.25 s: every read comes well within a second,
# the whole banner does not.
TRICKLE = r"""
import socket, sys, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
print("listening", flush=True)
def serve(c):
    try:
        for b in b"220 a very slow banner\r\n":
            c.sendall(bytes([b]))
            time.sleep(0.25)
        while c.recv(512):
            pass
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


def test_smtp_trickling_banner_times_out(lab, vigild):
    """connect_timeout bounds the whole conversation: a server trickling
    its banner (keepalived, timing each read, waits for it forever) is
    probe_timeout."""
    a, b, _ = lab.hosts
    spawn(b, TRICKLE, b.ipv4, "2525")
    d = start(a, vigild, conf([(b, 2525)]))
    assert wait_for(lambda: rs_result(d, b, 2525) == ("down", "probe_timeout"), 10), (real_servers(d), d.output())
    assert wait_for(lambda: count_in(d, del_dest(b, 2525)) == 1, 10), dry_lines(d)
    assert detail(d, b, 2525) in (None, "no banner"), real_servers(d)
    d.stop()


def test_smtp_host_blocks_are_extra_checkers(lab, vigild):
    """keepalived's deprecated host { } blocks, as keepalived 2.2.7 runs
    them: the SMTP_CHECK still checks its own address (the real server's)
    and each host is an extra checker with the parent's schedule; the real
    server is up only while every one of them passes."""
    a, b, c = lab.hosts
    pb = smtpd(b, 2525)
    smtpd(c, 2525)
    pc2 = smtpd(c, 2526)
    text = f"""virtual_server {VIP} 25 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {b.ipv4} 2525 {{
    weight 1
    SMTP_CHECK {{
      connect_timeout 1
      retry 0
      host {{
        connect_ip {c.ipv4}
      }}
      host {{
        connect_ip {c.ipv4}
        connect_port 2526
      }}
    }}
  }}
}}
"""
    d = start(a, vigild, text)

    def checkers():
        r = real_servers(d).get((b.ipv4, 2525))
        return r and [ck["last_result"] for ck in r["checkers"]]

    assert wait_for(lambda: checkers() == ["success"] * 3, 10), (real_servers(d), d.output())
    assert rs_result(d, b, 2525) == ("up", "success")
    # the table follows the last result on the next turn of the loop: a status
    # read in between has every checker up and the destination not yet added
    assert wait_for(lambda: count_in(d, add_dest(b, 2525)) == 1, 10), dry_lines(d)
    # the parent's own address fails: the real server leaves the pool
    stop(pb)
    assert wait_for(lambda: checkers() == ["connect_refused", "success", "success"], 10), real_servers(d)
    assert wait_for(lambda: count_in(d, del_dest(b, 2525)) == 1, 10), dry_lines(d)
    pb = smtpd(b, 2525)
    assert wait_for(lambda: count_in(d, add_dest(b, 2525)) == 2, 10), d.output()
    # so does the second host's
    stop(pc2)
    assert wait_for(lambda: checkers() == ["success", "success", "connect_refused"], 10), real_servers(d)
    assert wait_for(lambda: count_in(d, del_dest(b, 2525)) == 2, 10), dry_lines(d)
    d.stop()
