"""vigil's lower_prio_takeover between two vigild nodes (issue 13): a tracker
drops the master below the backup, the master advertises the new priority
at once, and the backup takes over in its Skew_Time because of that
lower-priority advert, which its transition reason names. With the
keyword off the backup waits for the Master_Down timer (RFC 5798), and
with nopreempt it never takes over. Each test asserts the cause, not a
time."""
import json
import os
import subprocess

import pytest

from lab import wait_for
from vrrp import VIGILCTL, Capture, Daemon, has_addr, instance

VIP = "10.231.0.100"



def tracked(path, prio, advert="0.1", extra="", globals_=""):
    """An instance whose priority a track_file moves: weight 10, so writing
    -6 takes 60 off."""
    g = f"global_defs {{\n{globals_}}}\n" if globals_ else ""
    return (g + f"track_file tf {{\n  file {path}\n  weight 10\n  init_file 0 overwrite\n}}\n"
            + instance(prio=prio, advert=advert, extra=f"  track_file {{\n    tf\n  }}\n{extra}"))


def pair(lab, vigild, work, advert="0.1", b_extra="", b_globals=""):
    """a (150, tracking a file) is MASTER, b (100) BACKUP and following it."""
    a, b, _ = lab.hosts
    path = os.path.join(work, "a.prio")
    da = Daemon(a, vigild, tracked(path, 150, advert))
    assert wait_for(lambda: has_addr(a, VIP), 10), da.output()
    db = Daemon(b, vigild, tracked(os.path.join(work, "b.prio"), 100, advert, b_extra, b_globals))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    # following a: it accepted one of a's adverts
    assert wait_for(lambda: counters(db)["adverts_received"] > 0, 5), db.output()
    return da, db, path


def counters(d):
    return json.loads(d.ctl("show", "instance", "VI_1", "--json").stdout)["instance"]["counters"]


def effective(d):
    return json.loads(d.ctl("status", "--json").stdout)["status"]["instances"][0]["effective_priority"]


def drop(path):
    with open(path, "w") as f:
        f.write("-6\n")                       # 150 - 60 = 90, below b's 100


def last_event(d):
    """`vigilctl events -n 1`: the last event, replayed at once."""
    r = subprocess.run([VIGILCTL, "-s", d.socket, "--json", "events", "-n", "1", "--count", "1"],
                       capture_output=True, text=True, timeout=5)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.splitlines()[0])


def last_transition(d):
    return json.loads(d.ctl("status", "--json").stdout)["status"]["instances"][0]["last_transition"]


def test_backup_takes_over_because_of_the_lower_advert(lab, vigild, work):
    a, b, _ = lab.hosts
    da, db, path = pair(lab, vigild, work)
    drop(path)
    assert da.wait_log("Changing effective priority from 150 to 90", 3), da.output()
    assert wait_for(lambda: has_addr(b, VIP), 3), db.output()
    assert wait_for(lambda: not has_addr(a, VIP), 3), da.output()
    line = f"(VI_1) Master {a.ipv4} advertised lower priority 90, ours 100: taking over after Skew_Time"
    assert db.wait_log(line, 2), db.output()
    assert "Master_Down timer expired" not in db.output()
    ev = last_event(db)
    assert (ev["event"], ev["from"], ev["to"], ev["reason"]) == ("transition", "BACKUP", "MASTER",
                                                                 "lower_priority"), ev
    assert last_transition(db)["reason"] == "lower_priority"
    # the old master yields to b's advert, as RFC 5798 says
    assert da.wait_log(f"Master received advert from {b.ipv4} with higher priority 100, ours 90", 2), da.output()


@pytest.mark.parametrize("where", ["instance", "global_defs"])
def test_keyword_off_waits_for_the_master_down_timer(lab, vigild, work, where):
    b_extra = "  lower_prio_takeover off\n" if where == "instance" else ""
    b_globals = "  vrrp_lower_prio_takeover false\n" if where == "global_defs" else ""
    a, b, _ = lab.hosts
    da, db, path = pair(lab, vigild, work, b_extra=b_extra, b_globals=b_globals)
    drop(path)
    assert wait_for(lambda: has_addr(b, VIP), 3), db.output()
    assert db.wait_log("(VI_1) Receive advertisement timeout (Master_Down timer expired)", 2), db.output()
    assert "advertised lower priority" not in db.output()
    ev = last_event(db)
    assert (ev["to"], ev["reason"]) == ("MASTER", "master_down"), ev


def test_nopreempt_never_takes_over(lab, vigild, work):
    a, b, _ = lab.hosts
    da, db, path = pair(lab, vigild, work, b_extra="  nopreempt\n")
    drop(path)
    assert wait_for(lambda: effective(da) == 90, 3), da.output()
    seen = counters(db)["adverts_received"]
    # twenty more of a's adverts at 90: many Skew_Times and Master_Down_Intervals
    assert wait_for(lambda: counters(db)["adverts_received"] >= seen + 20, 5), db.output()
    assert has_addr(a, VIP) and not has_addr(b, VIP)
    assert last_transition(db)["from"] == "INIT", last_transition(db)
    assert "Entering MASTER STATE" not in db.output()


def test_master_advertises_the_new_priority_at_once(lab, vigild, work):
    """With adverts every second, a's advert at 90 is on the wire before a
    ping a sends as soon as its status shows 90, not at its next tick; and
    it is what b's reason names."""
    a, b, _ = lab.hosts
    da, db, path = pair(lab, vigild, work, advert="1")
    cap = Capture(a, "vrrp or icmp")
    drop(path)
    assert wait_for(lambda: effective(da) == 90, 3), da.output()
    a.run("ping", "-c", "1", "-W", "1", b.ipv4, check=False)
    assert db.wait_log(f"(VI_1) Master {a.ipv4} advertised lower priority 90, ours 100", 5), db.output()
    cap.stop()
    seq = cap.fields(f"(vrrp && ip.src == {a.ipv4}) || (icmp.type == 8 && ip.src == {a.ipv4})", "vrrp.prio",
                     "icmp.type")
    kinds = ["ping" if t == "8" else int(p) for p, t in seq]
    assert 90 in kinds and "ping" in kinds, kinds
    assert kinds.index(90) < kinds.index("ping"), kinds
