"""Demoting one member of a sync group does nothing useful: the member hands
over, then the group pulls it back as master within an advert. vigilctl
refuses it and names the group to demote instead."""
from lab import wait_for
from vrrp import Daemon, has_addr
from test_runtime import VIP, VIP2, group_conf, instances


def test_demoting_a_sync_group_member_is_refused(lab, vigild):
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, group_conf(150))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    db = Daemon(b, vigild, group_conf(100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    mark = len(da.output())
    for cmd in ("demote", "promote"):
        r = da.ctl(cmd, "VI_1", check=False)
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert f"VI_1 is in sync group VG_1; {cmd} the group" in r.stdout + r.stderr, (r.stdout, r.stderr)
    # nothing happened: A stays master of both, nobody is demoted, no election
    assert all(vi["state"] == "MASTER" and vi["demoted"] is False for vi in instances(da).values()), instances(da)
    assert not wait_for(lambda: "Entering" in da.output()[mark:] or "demoted" in da.output()[mark:], 1.0), \
        da.output()[mark:]
    assert has_addr(a, VIP) and has_addr(a, VIP2)
    # the group itself is still the unit that can be demoted
    da.ctl("demote", "VG_1")
    assert wait_for(lambda: has_addr(b, VIP) and has_addr(b, VIP2), 3), db.output()
    assert "(VI_1) demoted by the operator" in da.output()
