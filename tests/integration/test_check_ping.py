"""PING_CHECK in the check worker on the host, through the IPVS dry-run
backend: ICMP and ICMPv6 echo from a datagram ping socket to a lab host
(success), to an address on the lab segment nobody has (no reply within
connect_timeout; host unreachable once neighbour resolution gives up),
to a host whose link goes down and up again (removed, re-added). The
lab namespaces start with the kernel's net.ipv4.ping_group_range "1 0",
which refuses ping sockets to everybody: the worker widens it once and
says so; where it cannot, each probe is a checker error (vigil's side)
that leaves the server as it was."""
import json
import os
import re
import stat

from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"
NOBODY = "10.231.0.77"
NOBODY6 = "fd31:231::77"


def ping_check(timeout=1):
    return f"    PING_CHECK {{\n      retry 0\n      connect_timeout {timeout}\n    }}\n"


def real_server(addr, checker, port=53):
    return f"  real_server {addr} {port} {{\n    weight 1\n{checker}  }}\n"


def service(rss, vip=VIP):
    return f"virtual_server {vip} 53 {{\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol UDP\n" + \
        "".join(rss) + "}\n"


def status(d):
    return json.loads(d.ctl("status", "-j").stdout)


def servers(d):
    return {rs["address"]: rs for vs in status(d)["check"]["virtual_servers"] for rs in vs["real_servers"]}


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def settled(d, want):
    got = servers(d)
    return all(a in got and got[a]["last_result"] == res and got[a]["health"] == health
               for a, (res, health) in want.items())


def start(host, binary, conf):
    d = Daemon(host, binary, conf, args=["--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    return d


def assert_detail(rs, text):
    # the engine's last_detail (issue 15's shared part); asserted where it exists
    if "last_detail" in rs:
        assert text in rs["last_detail"], rs


def ping_range(host):
    return host.run("sysctl", "-n", "net.ipv4.ping_group_range").stdout.split()


def test_ping_check_reasons(lab, vigild):
    a, b, _ = lab.hosts
    assert ping_range(a) == ["1", "0"]
    rss = [real_server(b.ipv4, ping_check(2)), real_server(NOBODY, ping_check(1)),
           real_server("10.231.0.78", ping_check(8)),
           real_server(b.ipv6, ping_check(2)), real_server(NOBODY6, ping_check(1))]
    d = start(a, vigild, service(rss))
    want = {b.ipv4: ("success", "up"), NOBODY: ("no_reply", "down"), b.ipv6: ("success", "up"),
            NOBODY6: ("no_reply", "down"),
            # given longer than ARP's ~3 s, the kernel's host unreachable comes back
            "10.231.0.78": ("port_unreachable", "down")}
    assert wait_for(lambda: settled(d, want), 25), (servers(d), d.output())
    got = servers(d)
    assert_detail(got[NOBODY], "no echo reply")
    assert_detail(got["10.231.0.78"], "ICMP host unreachable")
    # widened once, for our group (root: 0), and said so
    assert ping_range(a) == ["0", "0"]
    assert d.output().count("ping_group_range widened from '1 0' to '0 0'") == 1, d.output()
    lines = dry_lines(d)
    for gone in (NOBODY, "10.231.0.78"):
        assert f"delete dest UDP {VIP}:53 -> {gone}:53" in lines, lines
    assert f"delete dest UDP {VIP}:53 -> {b.ipv4}:53" not in lines, lines
    d.stop()


def test_ping_check_link_down_and_up(lab, vigild):
    a, b, c = lab.hosts
    d = start(a, vigild, service([real_server(b.ipv4, ping_check(1)), real_server(c.ipv4, ping_check(1))]))
    assert wait_for(lambda: settled(d, {b.ipv4: ("success", "up"), c.ipv4: ("success", "up")}), 10), \
        (servers(d), d.output())
    b.run("ip", "link", "set", "eth0", "down")
    gone = f"delete dest UDP {VIP}:53 -> {b.ipv4}:53"
    assert wait_for(lambda: gone in dry_lines(d), 10), d.output()
    assert servers(d)[b.ipv4]["last_result"] == "no_reply"
    assert servers(d)[c.ipv4]["health"] == "up"
    b.run("ip", "link", "set", "eth0", "up")
    back = f"add dest UDP {VIP}:53 -> {b.ipv4}:53 masq w1"
    assert wait_for(lambda: dry_lines(d).count(back) == 2, 15), d.output()
    d.stop()


def test_ping_socket_refused_is_a_checker_error(lab, vigild, work):
    """/proc/sys read-only for the daemon: ping_group_range stays "1 0",
    every probe is a checker error with the reason in the log, and the
    server is not taken out of the table."""
    a, b, _ = lab.hosts
    wrapper = os.path.join(work, "vigild-ro")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec unshare -m sh -c 'mount --bind -o ro /proc/sys /proc/sys && exec \"$0\" \"$@\"' "
                f"{vigild} \"$@\"\n")
    os.chmod(wrapper, stat.S_IRWXU)
    d = start(a, wrapper, service([real_server(b.ipv4, ping_check(1))]))
    assert wait_for(lambda: servers(d).get(b.ipv4, {}).get("last_result") == "checker_error", 10), \
        (servers(d), d.output())
    out = d.output()
    assert "widening it failed" in out, out
    assert "ping socket refused: group 0 is outside net.ipv4.ping_group_range '1 0'" in out, out
    assert servers(d)[b.ipv4]["health"] != "down"
    assert f"delete dest UDP {VIP}:53 -> {b.ipv4}:53" not in dry_lines(d)
    assert ping_range(a) == ["1", "0"]
    d.stop()
