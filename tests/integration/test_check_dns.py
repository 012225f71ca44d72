"""DNS_CHECK (issue 15) on the host through the IPVS dry-run backend: a
real DNS server (dnsmasq, in a lab namespace, with a record of its own)
and small python responders that answer SERVFAIL, answer with another ID,
or keep silent; a port nobody listens on answers ICMP port unreachable.
Asserted: the real server's health, the checker's named result in
`vigilctl status -j` (`last_result`) and the dry-run IPVS lines."""
import json
import os
import re
import signal
import sys

from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"

# mode: servfail (RCODE 2 to everything), wrongid (a NOERROR reply with
# another ID), silent (reads and never answers)
RESPONDER = r"""
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
mode = sys.argv[3]
print("listening", flush=True)
while True:
    q, peer = s.recvfrom(512)
    if mode == "silent" or len(q) < 12:
        continue
    qid, = struct.unpack(">H", q[:2])
    if mode == "wrongid":
        qid ^= 0xffff
    rcode = 2 if mode == "servfail" else 0
    s.sendto(struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, 0, 0, 0) + q[12:], peer)
"""


def responder(host, port, mode):
    p = host.spawn(sys.executable, "-c", RESPONDER, host.ipv4, str(port), mode)
    assert p.stdout.readline().strip() == "listening", p.stderr.read()
    return p


def dnsmasq(host, work, port=53):
    """dnsmasq in the foreground, answering www.example.test itself (no
    upstream), with its own pid file."""
    p = host.spawn("sh", "-c", "exec dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts "
                   f"--pid-file={work}/dnsmasq-{host.index}.pid --listen-address={host.ipv4} --bind-interfaces "
                   f"--port={port} --host-record=www.example.test,10.9.9.9 --log-facility=- 2>&1")
    for _ in range(20):
        line = p.stdout.readline()
        if "started" in line or not line:
            break
    assert "started" in line, line
    return p


def stop(p):
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=5)


def conf(servers, checker="type A\n      name www.example.test\n"):
    rs = "".join(f"""  real_server {h.ipv4} {port} {{
    weight 1
    DNS_CHECK {{
      connect_timeout 1
      retry 0
      {checker}    }}
  }}
""" for h, port in servers)
    return f"""virtual_server {VIP} 53 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol UDP
{rs}}}
"""


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def count_in(d, line):
    return dry_lines(d).count(line)


def add_dest(h, port):
    return f"add dest UDP {VIP}:53 -> {h.ipv4}:{port} masq w1"


def del_dest(h, port):
    return f"delete dest UDP {VIP}:53 -> {h.ipv4}:{port}"


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


def test_dns_each_failure_named(lab, vigild, work):
    a, b, c = lab.hosts
    dnsmasq(b, work, 53)
    responder(c, 5301, "servfail")
    responder(c, 5302, "wrongid")
    responder(c, 5303, "silent")
    d = start(a, vigild, conf([(b, 53), (c, 5301), (c, 5302), (c, 5303), (c, 5304)]))
    assert wait_for(lambda: rs_result(d, b, 53) == ("up", "success"), 10), (real_servers(d), d.output())
    want = {5301: "probe_failed", 5302: "probe_failed", 5303: "no_reply", 5304: "port_unreachable"}
    for port, result in want.items():
        assert wait_for(lambda: rs_result(d, c, port) == ("down", result), 10), (port, real_servers(d))
        assert wait_for(lambda: count_in(d, del_dest(c, port)) == 1, 10), dry_lines(d)
    assert count_in(d, add_dest(b, 53)) == 1 and count_in(d, del_dest(b, 53)) == 0, dry_lines(d)
    assert detail(d, c, 5301) in (None, "rcode 2 (SERVFAIL)"), real_servers(d)
    assert detail(d, c, 5302) in (None, "reply id mismatch"), real_servers(d)
    assert detail(d, c, 5304) in (None, "ICMP port unreachable"), real_servers(d)
    d.stop()


def test_dns_server_stopped_and_back(lab, vigild, work):
    a, b, _ = lab.hosts
    p = dnsmasq(b, work, 53)
    d = start(a, vigild, conf([(b, 53)]))
    assert wait_for(lambda: rs_result(d, b, 53) == ("up", "success"), 10), (real_servers(d), d.output())
    assert count_in(d, add_dest(b, 53)) == 1
    stop(p)
    assert wait_for(lambda: count_in(d, del_dest(b, 53)) == 1, 10), d.output()
    assert rs_result(d, b, 53) == ("down", "port_unreachable")
    dnsmasq(b, work, 53)
    assert wait_for(lambda: count_in(d, add_dest(b, 53)) == 2, 10), d.output()
    assert rs_result(d, b, 53) == ("up", "success")
    d.stop()


def test_dns_default_query_is_soa_of_the_root(lab, vigild, work):
    """No type, no name: keepalived's SOA query for "." ; dnsmasq with no
    upstream answers it REFUSED, which is a failure named as such."""
    a, b, _ = lab.hosts
    dnsmasq(b, work, 53)
    d = start(a, vigild, conf([(b, 53)], checker=""))
    assert wait_for(lambda: rs_result(d, b, 53) == ("down", "probe_failed"), 10), (real_servers(d), d.output())
    assert detail(d, b, 53) in (None, "rcode 5 (REFUSED)"), real_servers(d)
    d.stop()
