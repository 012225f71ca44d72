"""vigilctl as an operator uses it: a strict command line, reload --check
and the reload summary, events replayed from the supervisor's history,
FAULT explained in status and show, sync groups and sized columns in the
text status, integer durations in the JSON."""
import json
import re
import subprocess

from lab import wait_for
from vrrp import VIGILCTL, Daemon, has_addr, instance

VIP = "10.231.0.100"
VIP2 = "10.231.0.102"
VIP3 = "10.231.0.103"
SCRIPTS = "global_defs {\n  script_user root\n  enable_script_security\n}\n"


def status(d):
    return json.loads(d.ctl("status", "--json").stdout)


def master(host, vigild, conf):
    d = Daemon(host, vigild, conf)
    assert wait_for(lambda: has_addr(host, VIP), 3), d.output()
    return d


def test_unknown_options_and_operands_are_usage_errors(lab, vigild):
    """Before: `reload --dry-run` reloaded for real and `demote --json X`
    looked for an instance named --json. Now both are parsed strictly."""
    a, _, _ = lab.hosts
    d = master(a, vigild, instance(prio=150))
    for args in (["reload", "--dry-run"], ["status", "extra"], ["status", "--check"], ["events", "--check"],
                 ["demote"], ["demote", "VI_1", "VI_2"], ["show", "VI_1"], ["show", "instance"],
                 ["events", "-n", "2", "--since", "1"], ["events", "-n", "two"], ["frobnicate"], []):
        r = d.ctl(*args, check=False)
        assert r.returncode == 2, (args, r.returncode, r.stdout, r.stderr)
        assert "Usage: vigilctl" in r.stderr and not r.stdout, (args, r.stderr)
    st = status(d)
    assert st["reload"]["count"] == 0, st["reload"]            # --dry-run did not reload
    assert "Reloading" not in d.output() and "Reloaded" not in d.output()
    r = d.ctl("demote", "--json", "NOPE", check=False)         # a global option after the command
    assert r.returncode == 1 and "no vrrp_instance or vrrp_sync_group named 'NOPE'" in json.loads(r.stdout)["error"]
    r = d.ctl("--json", "demote", "VI_1")
    assert json.loads(r.stdout)["ok"] is True
    assert wait_for(lambda: status(d)["status"]["instances"][0]["demoted"], 2)
    assert d.ctl("promote", "VI_1", "-j").returncode == 0
    h = subprocess.run([VIGILCTL, "-h"], capture_output=True, text=True)
    assert h.returncode == 0 and "reload [--check]" in h.stdout and "--count K" in h.stdout


PLAN_TEXT = ["  VI_1: updated in place", "  VI_3: added", "  VI_2: removed"]


def test_reload_check_shows_the_plan_and_changes_nothing(lab, vigild):
    """One instance's priority changes, one is added, one removed: --check
    lists exactly that and the kernel and the instances stay as they are;
    then reload applies it and prints the same summary."""
    a, _, _ = lab.hosts
    d = master(a, vigild, instance(prio=150) +
               instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24",)))
    assert wait_for(lambda: has_addr(a, VIP2), 3), d.output()
    with open(d.conf, "w") as f:
        f.write(instance(prio=120) + instance(name="VI_3", vrid=53, prio=150, vips=(VIP3 + "/24",)))
    check = d.ctl("reload", "--check")
    lines = check.stdout.splitlines()
    assert [l for l in lines if l.startswith("  ")] == PLAN_TEXT, check.stdout
    assert lines[-1] == ("valid; a reload would do: 0 kept, 1 updated in place, 0 restarted, 1 added, "
                         "1 removed"), check.stdout
    js = json.loads(d.ctl("--json", "reload", "--check").stdout)
    assert js["ok"] and js["check"] and js["diagnostics"] == []
    assert js["plan"] == [{"instance": "VI_1", "action": "updated"}, {"instance": "VI_3", "action": "added"},
                          {"instance": "VI_2", "action": "removed"}], js
    # nothing applied: addresses, priorities, instances, counters
    assert has_addr(a, VIP) and has_addr(a, VIP2) and not has_addr(a, VIP3)
    st = status(d)
    assert [(i["name"], i["base_priority"]) for i in st["status"]["instances"]] == [("VI_1", 150), ("VI_2", 150)]
    assert st["reload"]["count"] == 0 and "Reloaded" not in d.output()
    r = d.ctl("reload")
    lines = r.stdout.splitlines()
    assert [l for l in lines if l.startswith("  ")] == PLAN_TEXT, r.stdout
    assert lines[-1] == "reloaded: 0 kept, 1 updated in place, 0 restarted, 1 added, 1 removed", r.stdout
    assert wait_for(lambda: has_addr(a, VIP3) and not has_addr(a, VIP2), 3), d.output()
    assert [(i["name"], i["base_priority"]) for i in status(d)["status"]["instances"]] == [("VI_1", 120),
                                                                                          ("VI_3", 150)]


def test_reload_check_of_an_invalid_file(lab, vigild):
    a, _, _ = lab.hosts
    d = master(a, vigild, instance(prio=150))
    with open(d.conf, "a") as f:
        f.write("vrrp_instance VI_2 {\n  virtual_router_idd 52\n}\n")
    r = d.ctl("reload", "--check", check=False)
    assert r.returncode == 1, r.stdout
    assert ":3: error:" in r.stdout and "a reload would be refused" in r.stdout, r.stdout
    st = status(d)
    assert st["reload"]["count"] == 0 and st["status"]["instances"][0]["state"] == "MASTER"


def test_events_are_replayed_from_the_history(lab, vigild):
    """After two transitions, `events -n 2 --count 2` prints them at once:
    no new transition is needed. --since SEQ gives those after SEQ."""
    a, b, _ = lab.hosts
    da = master(a, vigild, instance(prio=150))
    db = Daemon(b, vigild, instance(prio=100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    da.stop()                                   # b: BACKUP -> MASTER
    assert wait_for(lambda: has_addr(b, VIP), 3)
    da = Daemon(a, vigild, instance(prio=150))  # a preempts: b MASTER -> BACKUP
    assert wait_for(lambda: not has_addr(b, VIP), 3)
    r = subprocess.run([VIGILCTL, "-s", db.socket, "events", "-n", "2", "--count", "2", "--json"],
                       capture_output=True, text=True, timeout=3)
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(e["from"], e["to"]) for e in events] == [("BACKUP", "MASTER"), ("MASTER", "BACKUP")], events
    first = events[0]["seq"]
    r = subprocess.run([VIGILCTL, "-s", db.socket, "--json", "events", "--since", str(first), "--count", "1"],
                       capture_output=True, text=True, timeout=3)
    assert [json.loads(line)["seq"] for line in r.stdout.splitlines()] == [events[1]["seq"]]
    r = subprocess.run([VIGILCTL, "-s", db.socket, "events", "--since", "0", "--count", "3"],
                       capture_output=True, text=True, timeout=3)
    assert re.search(r"VI_1 BACKUP -> MASTER \(priority_zero\)", r.stdout), r.stdout


def test_fault_and_lowered_priority_are_explained(lab, vigild):
    a, _, _ = lab.hosts
    conf = (SCRIPTS + 'vrrp_script chk_nginx {\n  script "/bin/false"\n  interval 0.1\n  fall 1\n}\n'
            'vrrp_script chk_weighted {\n  script "/bin/false"\n  interval 0.1\n  fall 1\n  weight -20\n}\n'
            'vrrp_script chk_ok {\n  script "/bin/true"\n  interval 0.1\n}\n'
            + instance(prio=150, extra="  track_script {\n    chk_nginx\n    chk_ok\n  }\n")
            + instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24",),
                       extra="  track_script {\n    chk_weighted\n  }\n"))
    d = Daemon(a, vigild, conf)
    assert d.wait_log("Entering FAULT STATE", 3), d.output()
    assert wait_for(lambda: status(d)["status"]["instances"][1]["effective_priority"] == 130, 3)
    vi1, vi2 = status(d)["status"]["instances"]
    assert vi1["state"] == "FAULT"
    assert vi1["fault_reasons"] == [{"kind": "script", "name": "chk_nginx", "detail": "exited with status 1",
                                     "effect": "fault"}], vi1
    assert vi2["fault_reasons"] == [{"kind": "script", "name": "chk_weighted", "detail": "exited with status 1",
                                     "effect": "priority -20"}], vi2
    text = d.ctl("status").stdout
    assert "fault: script chk_nginx: exited with status 1" in text, text
    assert "priority -20: script chk_weighted: exited with status 1" in text, text
    tr = {t["name"]: t for t in vi1["trackers"]}
    assert tr["chk_nginx"]["last_result"] == "exited with status 1" and tr["chk_nginx"]["runs"]["failed"] >= 1
    assert tr["chk_ok"]["last_result"] == "exited with status 0" and tr["chk_ok"]["last_change"] > 0
    show = d.ctl("show", "instance", "VI_1").stdout
    assert re.search(r"script chk_nginx: down, weight 0; last result: exited with status 1; changed \d+s ago",
                     show), show
    assert re.search(r"runs \d+, failed \d+, timed out 0", show), show


def test_sync_groups_and_integer_durations(lab, vigild):
    a, b, _ = lab.hosts
    group = "vrrp_sync_group VG_1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n"
    conf = group + instance(prio=100) + instance(name="VI_2", vrid=52, prio=100, vips=(VIP2 + "/24",))
    d = Daemon(b, vigild, conf)
    assert d.wait_log("Entering BACKUP STATE"), d.output()
    text = d.ctl("status").stdout
    assert re.search(r"^SYNC GROUP\s+STATE\s+MEMBERS$", text, re.M), text
    assert re.search(r"^VG_1\s+(BACKUP|MASTER)\s+VI_1,VI_2$", text, re.M), text
    raw = d.ctl("show", "instance", "VI_1", "--json").stdout
    timers = json.loads(raw)["instance"]["timers"]
    assert timers == {"advert_interval_us": 100000, "master_advert_interval_us": 100000, "skew_time_us": 60937,
                      "master_down_interval_us": 360937}, timers
    assert not re.search(r"\d\.\d{7,}", d.ctl("status", "--json").stdout)   # no float noise in durations
    show = d.ctl("show", "instance", "VI_1").stdout
    assert re.search(r"master_down_interval\s+360\.937 ms", show), show


def test_link_local_master_keeps_the_columns(lab, vigild):
    """An IPv6 master is shown by its link-local address: the columns
    widen to fit it instead of being pushed out of line."""
    a, b, _ = lab.hosts
    vips = ("fd31:231::100/64",)
    da = Daemon(a, vigild, instance(prio=150, vips=vips))
    assert wait_for(lambda: has_addr(a, "fd31:231::100"), 5), da.output()
    db = Daemon(b, vigild, instance(prio=100, vips=vips) +
                instance(name="VI_LONGER_NAME", vrid=52, prio=100, vips=(VIP2 + "/24",)))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    assert wait_for(lambda: (status(db)["status"]["instances"][0]["master"] or "").startswith("fe80::"), 3)
    lines = db.ctl("status").stdout.splitlines()
    head, rows = lines[0], [l for l in lines[1:3]]
    for col in ("STATE", "PRIORITY", "VIPS", "MASTER", "LAST TRANSITION"):
        at = head.index(col)
        for row in rows:
            assert row[at - 1] == " " and row[at] != " ", (col, lines)


def test_metrics_listen_warning_is_logged_once_per_start_and_reload(lab, vigild):
    a, _, _ = lab.hosts
    glob = "global_defs {\n  metrics_listen 127.0.0.1:9166\n}\n"
    d = master(a, vigild, glob + instance(prio=150))
    warning = "metrics_listen is a vigil extension"
    assert d.wait_log("metrics on http://", 3), d.output()
    assert d.output().count(warning) == 1, d.output()
    d.ctl("reload")
    assert d.wait_log("Reloaded: 1 kept", 3), d.output()
    assert d.output().count(warning) == 2, d.output()


def test_version_names_libraries_and_features(vigild):
    r = subprocess.run([vigild, "-v"], capture_output=True, text=True)
    assert r.returncode == 0
    out = r.stdout + r.stderr
    assert re.match(r"vigild v\d+\.\d+\.\d+\n", out), out
    assert re.search(r"libuv \d+\.\d+\.\d+, libmnl \d+\.\d+\.\d+, jansson \d+\.\d+", out), out
    for lib in ("libcurl", "libmicrohttpd", "libnftables", "libcrypto", "libsystemd"):
        assert re.search(lib + r" \d+", out.split("Loaded on demand:")[1]), out
    assert "Features:" in out and "VRRPv3" in out and "VMAC" in out and "NFTABLES" in out
    assert re.search(r"Not yet:.*LVS", out), out


def test_every_kind_of_failing_tracker_is_named(lab, vigild, tmp_path):
    """A timed-out script, a tracked interface that is down, a track_file
    with a non-zero value: each is named with its own detail."""
    a, _, _ = lab.hosts
    a.run("ip", "link", "add", "dum9", "type", "veth", "peer", "name", "dum9p")   # down: never set up
    flag = tmp_path / "flag"
    flag.write_text("3\n")
    conf = (SCRIPTS + 'vrrp_script chk_slow {\n  script "/bin/sleep 5"\n  interval 1\n  timeout 0.2\n  fall 1\n}\n'
            f'vrrp_track_file flag {{\n  file {flag}\n  weight 0\n}}\n'
            + instance(prio=150, extra="  track_script {\n    chk_slow\n  }\n  track_interface {\n    dum9\n  }\n"
                                       "  track_file {\n    flag\n  }\n"))
    d = Daemon(a, vigild, conf)
    assert d.wait_log("Entering FAULT STATE", 3), d.output()

    def reasons():
        return {(r["kind"], r["name"]): (r["detail"], r["effect"])
                for r in status(d)["status"]["instances"][0]["fault_reasons"]}
    assert wait_for(lambda: ("script", "chk_slow") in reasons(), 3), (reasons(), d.output())
    assert reasons() == {("script", "chk_slow"): ("timed out", "fault"), ("interface", "dum9"): ("down", "fault"),
                         ("file", "flag"): ("value 3", "fault")}, reasons()
    text = d.ctl("status").stdout
    assert "fault: script chk_slow: timed out" in text and "fault: interface dum9: down" in text, text
    show = d.ctl("show", "instance", "VI_1").stdout
    assert re.search(r"runs \d+, failed \d+, timed out [1-9]", show), show


def fake_vigild(path, answer):
    """A control socket that answers one request with `answer`; returns the
    thread and a list that receives the request."""
    import socket
    import threading
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    got = []

    def serve():
        conn, _ = srv.accept()
        with conn, conn.makefile("rw") as f:
            got.append(json.loads(f.readline()))
            f.write(json.dumps(dict(answer, id=got[0]["id"])) + "\n")
            f.flush()
        srv.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return t, got


def test_interface_counters_are_rendered_when_the_status_has_them(tmp_path):
    """The worker's per-interface drop counters ("interfaces"), when
    present, appear under the status table and in show instance."""
    sock = str(tmp_path / "ctl.sock")
    vi = {"name": "VI_1", "state": "BACKUP", "base_priority": 100, "effective_priority": 100, "vips": [],
          "master": "fe80::2", "interface": "eth0", "vrid": 51, "version": 3, "fault_reasons": [],
          "last_transition": {"time": 0, "from": "INIT", "reason": "startup"}, "timers": {}, "counters": {},
          "trackers": []}
    ifs = [{"name": "eth0", "counters": {"bad_checksum": 3, "unknown_vrid": 0}},
           {"name": "eth1", "counters": {"bad_checksum": 0}}]
    t, _ = fake_vigild(sock, {"ok": True, "status": {"instances": [vi], "groups": [], "interfaces": ifs},
                              "worker": {"running": True, "pid": 1, "restarts": 0}})
    r = subprocess.run([VIGILCTL, "-s", sock, "status"], capture_output=True, text=True, timeout=5)
    t.join(5)
    assert r.returncode == 0, r.stderr
    assert "  eth0: bad_checksum 3\n" in r.stdout and "  eth1: no drops\n" in r.stdout, r.stdout
    sock2 = str(tmp_path / "ctl2.sock")
    t, got = fake_vigild(sock2, {"ok": True, "instance": vi, "interface": ifs[0]})
    r = subprocess.run([VIGILCTL, "show", "instance", "VI_1", "-s", sock2], capture_output=True, text=True,
                       timeout=5)
    t.join(5)
    assert got[0]["cmd"] == "show" and got[0]["name"] == "VI_1"
    assert "interface eth0: bad_checksum 3\n" in r.stdout, r.stdout
