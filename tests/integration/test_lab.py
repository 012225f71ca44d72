"""The lab itself: hosts reach each other over IPv4 and IPv6, and teardown
leaves nothing behind."""
import subprocess

from lab import Lab


def test_hosts_reach_each_other_ipv4_and_ipv6(lab):
    a, b, c = lab.hosts
    for src, dst in ((a, b), (b, c), (c, a)):
        r = src.run("ping", "-c", "1", "-W", "2", dst.ipv4, check=False)
        assert r.returncode == 0, r.stdout + r.stderr
        r = src.run("ping", "-6", "-c", "1", "-W", "2", dst.ipv6, check=False)
        assert r.returncode == 0, r.stdout + r.stderr


def test_addresses_are_on_eth0(lab):
    out = lab.hosts[1].run("ip", "-o", "addr", "show", "dev", "eth0").stdout
    assert lab.hosts[1].ipv4 + "/24" in out
    assert lab.hosts[1].ipv6 + "/64" in out


def test_teardown_removes_namespaces_and_processes():
    lab = Lab(2)
    names = list(lab.names)
    p = lab.hosts[0].spawn("sleep", "60")
    lab.close()
    assert p.poll() is not None
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for name in names:
        assert name not in listed
