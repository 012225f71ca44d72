"""The operations surface: the supervisor restarting its VRRP worker,
vigilctl status / show / events / demote / promote / reload against a
running pair."""
import json
import os
import signal
import subprocess

from lab import wait_for
from vrrp import VIGILCTL, Capture, Daemon, has_addr, instance

VIP = "10.231.0.100"
SKEW_100 = 0.060937
SLACK = 0.020


def pair(lab, vigild):
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, instance(prio=100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    return da, db


def status(d):
    return json.loads(d.ctl("status", "--json").stdout)


def test_killed_worker_is_restarted_and_the_vip_is_never_on_two_nodes(lab, vigild):
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    old = da.pid("vrrp")
    both = []
    os.kill(old, signal.SIGKILL)
    restarted = wait_for(lambda: da.pid("vrrp") not in (None, old), 1.0)
    # the master comes back within one election; sample for the whole time
    back = wait_for(lambda: both.append(has_addr(a, VIP) and has_addr(b, VIP)) or
                    (has_addr(a, VIP) and not has_addr(b, VIP)), 3)
    assert restarted, da.output()
    assert back, (da.output(), db.output())
    assert not any(both)
    st = status(da)
    assert st["worker"]["restarts"] == 1 and st["worker"]["pid"] == da.pid("vrrp")


def test_status_and_show(lab, vigild):
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    assert wait_for(lambda: (status(da)["status"] or {}).get("instances"), 3)
    vi = status(da)["status"]["instances"][0]
    assert vi["name"] == "VI_1" and vi["state"] == "MASTER"
    assert vi["base_priority"] == 150 and vi["effective_priority"] == 150
    assert vi["vips"] == [VIP + "/24"] and vi["master"] == a.ipv4
    assert vi["last_transition"]["from"] == "BACKUP" and vi["last_transition"]["reason"] == "master_down"
    assert wait_for(lambda: status(db)["status"]["instances"][0]["master"] == a.ipv4, 3)
    table = da.ctl("status").stdout
    assert "VI_1" in table and "MASTER" in table and "150/150" in table and VIP in table
    show = db.ctl("show", "instance", "VI_1").stdout
    assert "master_down_interval_ms" in show and "360.937" in show and "adverts_received" in show
    assert db.ctl("show", "instance", "nope", check=False).returncode == 1


def test_events_are_ordered(lab, vigild):
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    ev = subprocess.Popen([VIGILCTL, "-s", db.socket, "events", "--json", "-n", "2"], stdout=subprocess.PIPE,
                          text=True)
    lab.procs.append(ev)
    assert wait_for(lambda: True, 0.1)
    da.stop()                                   # b: BACKUP -> MASTER
    assert wait_for(lambda: has_addr(b, VIP), 3)
    da = Daemon(a, vigild, instance(prio=150))  # a preempts: b MASTER -> BACKUP
    assert wait_for(lambda: not has_addr(b, VIP), 3)
    out, _ = ev.communicate(timeout=10)
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["from"], e["to"], e["reason"]) for e in events] == [
        ("BACKUP", "MASTER", "priority_zero"), ("MASTER", "BACKUP", "higher_priority")], events
    assert events[0]["seq"] < events[1]["seq"]


def test_demote_hands_over_until_promote(lab, vigild):
    a, b, c = lab.hosts
    da, db = pair(lab, vigild)
    cap = Capture(c, "vrrp or arp")
    assert wait_for(lambda: cap.fields(f"vrrp && ip.src == {a.ipv4}", "frame.number"), 2)
    da.ctl("demote", "VI_1")
    assert wait_for(lambda: has_addr(b, VIP), 2), db.output()
    assert not has_addr(a, VIP)
    # stays moved: a is BACKUP and demoted, even though its priority is higher
    assert not wait_for(lambda: has_addr(a, VIP), 1.0)
    cap.stop()
    prio0 = [float(t) for t, in cap.fields(f"vrrp && ip.src == {a.ipv4} && vrrp.prio == 0", "frame.time_epoch")]
    garp = [float(t) for t, in cap.fields(f"arp.src.proto_ipv4 == {VIP} && eth.src == 02:31:00:00:00:02",
                                           "frame.time_epoch")]
    assert prio0 and garp and 0 <= garp[0] - prio0[0] <= SKEW_100 + SLACK, (prio0, garp)
    assert status(da)["status"]["instances"][0]["demoted"] is True
    da.ctl("promote", "VI_1")
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert da.ctl("demote", "nope", check=False).returncode == 1


def test_invalid_reload_keeps_running_and_reports_the_position(lab, vigild):
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    with open(da.conf, "a") as f:
        f.write("vrrp_instance VI_2 {\n  virtual_router_idd 52\n}\n")
    r = da.ctl("reload", check=False)
    assert r.returncode == 1, r.stdout
    line = len(open(da.conf).read().splitlines()) - 1
    assert f"{da.conf}:{line}:3: error:" in r.stdout and "virtual_router_id" in r.stdout, r.stdout
    assert has_addr(a, VIP) and not has_addr(b, VIP)
    st = status(da)
    assert st["reload"]["failed"] == 1 and st["reload"]["last_ok"] is False
    assert st["status"]["instances"][0]["state"] == "MASTER"
