"""Issue 12, "nothing blocks the VRRP loop": a transition's addresses,
routes and rules go to the kernel as one netlink batch and the ACKs come
back on the loop. What the user sees: everything that can be installed is,
and a request the kernel refuses is named in the log with its reason (it
was silent for routes and rules when each waited for its own ACK)."""
import json

from lab import wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"


def test_refused_route_is_logged_and_the_rest_of_the_batch_installed(lab, vigild):
    a, _, _ = lab.hosts
    routes = """  virtual_routes {
    10.99.0.0/24 via 10.232.0.1
    10.98.0.0/24 dev eth0
  }
"""
    conf = "global_defs {\n  metrics_listen 127.0.0.1:9166\n}\n"
    da = Daemon(a, vigild, conf + instance(prio=150, extra=routes, vips=(f"{VIP}/24", "10.231.0.101/24")))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, "10.231.0.101"), 5), da.output()
    assert wait_for(lambda: "10.98.0.0/24" in a.run("ip", "route", "show").stdout, 3), da.output()
    assert da.wait_log("(VI_1) cannot add the route to 10.99.0.0: Network is unreachable", 3), da.output()
    assert "cannot add 10.231.0.10" not in da.output()
    # the refusal is counted where an operator looks: status and metrics
    st = json.loads(da.ctl("status", "--json").stdout)["status"]
    assert st["netlink"]["failed_requests"] == 1, st["netlink"]
    text = a.run("curl", "-s", "--max-time", "5", "http://127.0.0.1:9166/metrics").stdout
    assert "vigil_vrrp_netlink_failed_requests_total 1" in text, text
