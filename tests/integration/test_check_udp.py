"""UDP_CHECK in the check worker on the host, through the IPVS dry-run
backend: UDP responders in a lab namespace (an echo, one answering the
wrong bytes, a silent one, a closed port, an address nobody has), and the
state and named reason of each real server in `vigilctl status -j`, with
the destinations the worker would remove in its "IPVS (dry run): ..."
lines. Without require_reply silence is success (keepalived's default);
a closed port is down either way, because the ICMP port unreachable comes
back; a server that is gone from its segment is down once ARP gives up
(connect_timeout above ~3 s), as ICMP host unreachable."""
import json
import os
import re
import sys


from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"
VIP6 = "fd31:231::200"
NOBODY = "10.231.0.77"   # on the lab segment, but no host has it

# mode:port ... ; echo answers what it got (and records it in DIR/echo.<port>),
# wrong answers "NOPE", silent reads and says nothing.
RESPONDER = r'''
import os, socket, sys, threading
where = sys.argv[1]
def serve(fam, addr, mode, port):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(65536)
        if mode == "echo":
            with open(os.path.join(where, "echo.%d" % port), "wb") as f:
                f.write(data)
            s.sendto(data, peer)
        elif mode == "wrong":
            s.sendto(b"NOPE", peer)
for spec in sys.argv[2:]:
    mode, port = spec.split(":")
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        threading.Thread(target=serve, args=(fam, addr, mode, int(port)), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
'''

PING_HEX = "50 49 4e 47"  # "PING"


def responder(host, work, *specs):
    p = host.spawn(sys.executable, "-c", RESPONDER, work, *specs)
    assert p.stdout.readline().strip() == "ready"
    return p


def udp_check(body):
    return "    UDP_CHECK {\n      retry 0\n      connect_timeout 1\n" + body + "    }\n"


def real_server(addr, port, checker):
    return f"  real_server {addr} {port} {{\n    weight 1\n{checker}  }}\n"


def service(vip, rss):
    return f"virtual_server {vip} 53 {{\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol UDP\n" + \
        "".join(rss) + "}\n"


def status(d):
    return json.loads(d.ctl("status", "-j").stdout)


def servers(d):
    """(address, port) -> real server, over every virtual server."""
    out = {}
    for vs in status(d)["check"]["virtual_servers"]:
        for rs in vs["real_servers"]:
            out[(rs["address"], rs["port"])] = rs
    return out


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def settled(d, want):
    """Every real server of want has its last_result and health."""
    got = servers(d)
    return all(k in got and got[k]["last_result"] == res and got[k]["health"] == health
               for k, (res, health) in want.items())


def start(host, vigild, conf):
    d = Daemon(host, vigild, conf, args=["--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    return d


def assert_detail(rs, text):
    # the engine's last_detail (issue 15's shared part); asserted where it exists
    if "last_detail" in rs:
        assert text in rs["last_detail"], rs


def test_udp_check_reasons(lab, vigild, work):
    a, b, _ = lab.hosts
    responder(b, work, "echo:9001", "wrong:9002", "silent:9003", "echo:9005")
    rss = [
        real_server(b.ipv4, 9001, udp_check(f"      payload {PING_HEX}\n      require_reply {PING_HEX}\n")),
        real_server(b.ipv4, 9002, udp_check(f"      require_reply {PING_HEX}\n")),
        real_server(b.ipv4, 9003, udp_check("")),
        real_server(b.ipv4, 9013, udp_check("      connect_port 9003\n      require_reply\n")),
        real_server(b.ipv4, 9004, udp_check("")),
        # the default payload, matched by its first bytes ("keep") and an X nibble
        real_server(b.ipv4, 9011, udp_check("      connect_port 9005\n      require_reply 6b 65 6X 70\n"
                                            "      min_reply_length 32\n      max_reply_length 32\n")),
        real_server(b.ipv4, 9021, udp_check("      connect_port 9005\n      require_reply\n"
                                            "      max_reply_length 8\n")),
    ]
    d = start(a, vigild, service(VIP, rss))
    want = {
        (b.ipv4, 9001): ("success", "up"),
        (b.ipv4, 9002): ("probe_failed", "down"),
        (b.ipv4, 9003): ("success", "up"),
        (b.ipv4, 9013): ("no_reply", "down"),
        (b.ipv4, 9004): ("port_unreachable", "down"),
        (b.ipv4, 9011): ("success", "up"),
        (b.ipv4, 9021): ("probe_failed", "down"),
    }
    assert wait_for(lambda: settled(d, want), 20), (servers(d), d.output())
    got = servers(d)
    assert_detail(got[(b.ipv4, 9002)], "reply does not match at byte 0")
    assert_detail(got[(b.ipv4, 9003)], "no reply (success without require_reply)")
    assert_detail(got[(b.ipv4, 9004)], "ICMP port unreachable")
    assert_detail(got[(b.ipv4, 9021)], "reply 32 bytes, max_reply_length 8")
    # the failing ones leave the UDP table, the others stay
    lines = dry_lines(d)
    for port in (9002, 9013, 9004, 9021):
        assert f"delete dest UDP {VIP}:53 -> {b.ipv4}:{port}" in lines, lines
    for port in (9001, 9003, 9011):
        assert f"delete dest UDP {VIP}:53 -> {b.ipv4}:{port}" not in lines, lines
    # what keepalived sends when no payload is set
    with open(os.path.join(work, "echo.9001"), "rb") as f:
        assert f.read() == b"PING"
    with open(os.path.join(work, "echo.9005"), "rb") as f:
        assert f.read() == b"keepalived check - keepalived ch"
    d.stop()


def test_udp_check_ipv6(lab, vigild, work):
    a, b, _ = lab.hosts
    responder(b, work, "echo:9001")
    rss = [
        real_server(b.ipv6, 9001, udp_check(f"      payload {PING_HEX}\n      require_reply {PING_HEX}\n")),
        real_server(b.ipv6, 9004, udp_check("")),
    ]
    d = start(a, vigild, service(VIP6, rss))
    want = {(b.ipv6, 9001): ("success", "up"), (b.ipv6, 9004): ("port_unreachable", "down")}
    assert wait_for(lambda: settled(d, want), 20), (servers(d), d.output())
    assert f"delete dest UDP [{VIP6}]:53 -> [{b.ipv6}]:9004" in dry_lines(d), dry_lines(d)
    d.stop()


def test_udp_server_gone_is_down_and_comes_back(lab, vigild, work):
    """The server stops: a closed port answers ICMP port unreachable and
    the destination goes even without require_reply; started again, it
    comes back. A server whose address nobody answers ARP for is down once
    the kernel gives up (ICMP host unreachable), given connect_timeout
    longer than that."""
    a, b, _ = lab.hosts
    p = responder(b, work, "silent:9003")
    rss = [real_server(b.ipv4, 9003, udp_check("")),
           real_server(NOBODY, 9003, "    UDP_CHECK {\n      retry 0\n      connect_timeout 8\n    }\n")]
    d = start(a, vigild, service(VIP, rss))
    assert wait_for(lambda: settled(d, {(b.ipv4, 9003): ("success", "up")}), 10), (servers(d), d.output())
    os.killpg(p.pid, 9)
    p.wait(timeout=5)
    gone = f"delete dest UDP {VIP}:53 -> {b.ipv4}:9003"
    assert wait_for(lambda: gone in dry_lines(d), 10), d.output()
    assert servers(d)[(b.ipv4, 9003)]["last_result"] == "port_unreachable"
    responder(b, work, "silent:9003")
    back = f"add dest UDP {VIP}:53 -> {b.ipv4}:9003 masq w1"
    assert wait_for(lambda: dry_lines(d).count(back) == 2, 10), d.output()
    # nobody has NOBODY: ARP fails (~3 s), the kernel says host unreachable
    assert wait_for(lambda: settled(d, {(NOBODY, 9003): ("port_unreachable", "down")}), 20), (servers(d), d.output())
    assert_detail(servers(d)[(NOBODY, 9003)], "ICMP host unreachable")
    d.stop()
