"""Global static_ipaddress and static_routes: installed at the start, swapped
by a reload that changes them, removed at a graceful stop; a request the
kernel refuses is logged with what it was for and counted, and does not stop
the daemon (they go out on the netlink batch channel, not one blocking
request at a time on the VRRP loop)."""
import json

from lab import wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"


def statics(addr, route_via):
    return ("static_ipaddress {\n"
            f"  {addr}/24 dev eth0\n"
            "}\n"
            "static_routes {\n"
            "  10.232.0.0/16 via 10.231.0.1 dev eth0\n"
            f"  10.233.0.0/16 via {route_via}\n"
            "}\n")


def routes(host):
    return host.run("ip", "-4", "route", "show").stdout


def test_statics_installed_swapped_on_reload_and_removed_at_stop(lab, vigild):
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, statics("10.231.9.9", "10.231.0.1") + instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert has_addr(a, "10.231.9.9"), da.output()
    assert wait_for(lambda: "10.232.0.0/16 via 10.231.0.1" in routes(a), 2), routes(a)
    assert "10.233.0.0/16 via 10.231.0.1" in routes(a)

    with open(da.conf, "w") as f:
        f.write(statics("10.231.9.10", "10.231.0.1") + instance(prio=150))
    da.ctl("reload")
    assert wait_for(lambda: has_addr(a, "10.231.9.10"), 3), da.output()
    assert wait_for(lambda: not has_addr(a, "10.231.9.9"), 3), da.output()
    assert "10.232.0.0/16 via 10.231.0.1" in routes(a)
    assert has_addr(a, VIP)

    da.stop()
    assert not has_addr(a, "10.231.9.10")
    assert "10.232.0.0/16" not in routes(a) and "10.233.0.0/16" not in routes(a)


def test_a_refused_static_route_is_logged_and_the_daemon_runs_on(lab, vigild):
    """A gateway on no connected network: the kernel refuses the route. The
    log names the route; the instance still becomes master."""
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, statics("10.231.9.9", "10.99.0.1") + instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert da.wait_log("static_routes: cannot add the route to 10.233.0.0", 3), da.output()
    assert "10.232.0.0/16 via 10.231.0.1" in routes(a)
    st = json.loads(da.ctl("status", "--json").stdout)["status"]["instances"][0]
    assert st["state"] == "MASTER"
    assert da.proc.poll() is None
