"""An instance's macvlan (use_vmac) across its lifecycle: a reload that keeps
the instance keeps the macvlan and the VIP on it; one that removes the
instance deletes the macvlan; one that adds a VMAC instance creates it."""
from lab import wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"
VIP2 = "10.231.0.102"
VM = "  use_vmac\n"


def links(host):
    return host.run("ip", "-o", "link").stdout


def test_reload_keeps_adds_and_removes_vmacs(lab, vigild):
    a, _, _ = lab.hosts
    one = instance(prio=150, extra=VM)
    two = instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24",), extra=VM)
    da = Daemon(a, vigild, one)
    assert wait_for(lambda: has_addr(a, VIP, dev="vrrp.51"), 5), da.output()

    with open(da.conf, "w") as f:
        f.write(one + two)
    da.ctl("reload")
    assert wait_for(lambda: has_addr(a, VIP2, dev="vrrp.52"), 5), da.output()
    assert has_addr(a, VIP, dev="vrrp.51"), "the kept instance lost its VIP on the macvlan"
    assert "00:00:5e:00:01:34" in a.run("ip", "-o", "link", "show", "vrrp.52").stdout

    with open(da.conf, "w") as f:
        f.write(two)
    da.ctl("reload")
    assert wait_for(lambda: "vrrp.51" not in links(a), 5), da.output()
    assert has_addr(a, VIP2, dev="vrrp.52")
    assert not has_addr(a, VIP, dev="vrrp.51")

    da.stop()
    assert "vrrp.52" not in links(a)
    assert da.proc.returncode == 0, da.output()
