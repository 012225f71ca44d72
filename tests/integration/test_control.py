"""The operations surface: the supervisor restarting its VRRP worker,
vigilctl status / show / events / demote / promote / reload against a
running pair."""
import json
import os
import signal
import socket as sk
import time
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


def test_status_while_the_worker_is_down_says_so(lab, vigild):
    """A second crash within a minute backs off 1 s; meanwhile status shows no
    instances (their addresses were just removed) and says the worker is not
    running, and show answers with an error instead of a stale copy."""
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    first = d.pid("vrrp")
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: d.pid("vrrp") not in (None, first), 3), d.output()
    os.kill(d.pid("vrrp"), signal.SIGKILL)
    assert wait_for(lambda: "restarting the VRRP worker\n" in d.output(), 3), d.output()
    st = status(d)
    assert st["status"] is None and st["worker"]["running"] is False and st["worker"]["restarts"] == 2
    assert "VRRP worker not running" in d.ctl("status").stdout
    r = d.ctl("show", "instance", "VI_1", check=False)
    assert r.returncode != 0 and "the VRRP worker is not running" in r.stdout + r.stderr
    assert not has_addr(a, VIP)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()             # back after the back-off


def processes_running(argv):
    """PIDs whose command line is exactly argv."""
    want = "\0".join(argv) + "\0"
    out = []
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/cmdline") as f:
                if d.isdigit() and f.read() == want:
                    out.append(int(d))
        except OSError:
            pass
    return out


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def test_scripts_of_a_killed_worker_are_stopped(lab, vigild):
    """keepalived gives scripts PDEATHSIG; vigild's supervisor adopts a
    crashed worker's scripts instead, stops them and reaps them, so a hung
    check does not run on for ever."""
    a, _, _ = lab.hosts
    hang = ["/bin/sleep", "973"]
    conf = ('vrrp_script hang {\n  script "/bin/sleep 973"\n  interval 1\n  timeout 300\n}\n' +
            instance(prio=150, extra="  track_script {\n    hang\n  }\n"))
    d = Daemon(a, vigild, conf)
    assert wait_for(lambda: processes_running(hang), 5), d.output()
    script = processes_running(hang)[0]
    worker = d.pid("vrrp")
    assert parent_of(script) == worker
    os.kill(worker, signal.SIGKILL)
    assert wait_for(lambda: not os.path.exists(f"/proc/{script}"), 5), d.output()   # stopped and reaped
    assert "stopping 1 script the VRRP worker left running" in d.output()
    assert wait_for(lambda: d.pid("vrrp") not in (None, worker), 3), d.output()


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
    assert "master_down_interval" in show and "360.937 ms" in show and "adverts_received" in show
    assert db.ctl("show", "instance", "nope", check=False).returncode == 1


def test_events_are_ordered(lab, vigild):
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    ev = subprocess.Popen([VIGILCTL, "-s", db.socket, "events", "--json", "--count", "2"], stdout=subprocess.PIPE,
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


def adverts(cap, src):
    return [float(t) for t, in cap.fields(f"vrrp && ip.src == {src}", "frame.time_epoch")]


def test_reload_with_the_same_config_is_hitless(lab, vigild):
    """Same file: no transition on either node, and no advert of the master
    is missed through the reload: a missed one shows as a gap of two 0.1 s
    intervals (a late one, on a loaded machine, as a little over one)."""
    a, b, c = lab.hosts
    da, db = pair(lab, vigild)
    cap = Capture(c, "vrrp")
    assert wait_for(lambda: len(adverts(cap, a.ipv4)) >= 5, 3)
    before = da.output().count("Entering"), db.output().count("Entering")
    r = da.ctl("reload", "--json")
    answer = json.loads(r.stdout)
    assert answer["ok"] and answer["instances"]["kept"] == 1, answer
    os.kill(db.pid("main"), signal.SIGHUP)                 # the keepalived way, on the backup
    assert db.wait_log("Reloaded: 1 kept", 3), db.output()
    n = len(adverts(cap, a.ipv4))
    assert wait_for(lambda: len(adverts(cap, a.ipv4)) >= n + 5, 3)
    cap.stop()
    times = adverts(cap, a.ipv4)
    gaps = [t2 - t1 for t1, t2 in zip(times, times[1:])]
    assert max(gaps) < 2 * 0.1, max(gaps)
    assert (da.output().count("Entering"), db.output().count("Entering")) == before
    assert has_addr(a, VIP) and not has_addr(b, VIP)


def test_reload_applies_changes(lab, vigild, tmp_path):
    """A priority change is applied in place (the backup, now higher, takes
    over through an election); a new instance starts; a removed one leaves
    with its addresses and notifies DELETED (notify_deleted)."""
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    log = tmp_path / "notify.log"
    sh = tmp_path / "notify.sh"
    sh.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    sh.chmod(0o755)
    vi2 = f'  notify_deleted "{sh} gone"\n  notify {sh}\n'
    with open(db.conf, "w") as f:
        f.write(instance(prio=200) + instance(name="VI_2", vrid=52, prio=100, vips=("10.231.0.102/24",), extra=vi2))
    answer = json.loads(db.ctl("reload", "--json").stdout)
    assert answer["instances"] == {"kept": 0, "updated": 1, "restarted": 0, "added": 1, "removed": 0}, answer
    assert wait_for(lambda: has_addr(b, VIP), 3), db.output()
    assert wait_for(lambda: not has_addr(a, VIP), 2)
    assert wait_for(lambda: has_addr(b, "10.231.0.102"), 3)
    st = status(db)["status"]["instances"]
    assert [(i["name"], i["base_priority"]) for i in st] == [("VI_1", 200), ("VI_2", 100)]
    with open(db.conf, "w") as f:
        f.write(instance(prio=200))
    answer = json.loads(db.ctl("reload", "--json").stdout)
    assert answer["instances"]["removed"] == 1 and answer["instances"]["kept"] == 1, answer
    assert wait_for(lambda: not has_addr(b, "10.231.0.102"), 2)
    assert has_addr(b, VIP)
    assert wait_for(lambda: log.read_text().splitlines()[-2:] == ["gone", "INSTANCE VI_2 DELETED 100"], 3), \
        log.read_text()


def scrape(host, port=9165):
    from prometheus_client.parser import text_string_to_metric_families
    text = host.run("curl", "-s", f"http://127.0.0.1:{port}/metrics").stdout
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_are_scraped_and_parsed(lab, vigild):
    """metrics_listen: Prometheus text that the official parser reads, with
    keepalived-exporter's names where they exist."""
    a, b, _ = lab.hosts
    glob = "global_defs {\n  metrics_listen 127.0.0.1:9165\n}\n"
    da = Daemon(a, vigild, glob + instance(prio=150, extra='  track_script {\n    chk\n  }\n')
                .replace("vrrp_instance", 'vrrp_script chk {\n  script "/bin/true"\n  interval 0.1\n}\nvrrp_instance', 1))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, instance(prio=100))
    assert db.wait_log("Entering BACKUP STATE")
    labels = (("iname", "VI_1"), ("intf", "eth0"), ("vrid", "51"))
    assert wait_for(lambda: scrape(a).get(("keepalived_advertisements_sent_total", labels), 0) >= 5, 3)
    m = scrape(a)
    assert m[("keepalived_up", ())] == 1
    assert m[("keepalived_vrrp_state", tuple(sorted(labels + (("ip_address", VIP),))))] == 2
    assert m[("vigil_vrrp_base_priority", labels)] == 150
    assert m[("vigil_vrrp_effective_priority", labels)] == 150
    assert m[("keepalived_become_master_total", labels)] == 1
    assert m[("vigil_vrrp_transitions_total", labels)] == 2      # BACKUP, then MASTER
    assert m[("vigil_tracker_up", (("iname", "VI_1"), ("kind", "script"), ("name", "chk")))] == 1
    assert m[("vigil_script_runs_total", (("iname", "VI_1"), ("name", "chk"), ("result", "all")))] >= 1
    assert m[("vigil_vrrp_dropped_adverts_total", tuple(sorted(labels + (("reason", "auth_failure"),))))] == 0
    assert m[("vigil_build_info", (("version", "0.1.0"),))] == 1
    assert m[("vigil_reloads_total", (("result", "ok"),))] == 0
    with open(da.conf, "a") as f:
        f.write("bogus_keyword\n")
    da.ctl("reload", check=False)
    m = scrape(a)
    assert m[("vigil_reloads_total", (("result", "invalid"),))] == 1
    assert m[("vigil_last_reload_success", ())] == 0
    t = subprocess.run([vigild, "-t", "-f", da.conf], capture_output=True, text=True)
    assert "metrics_listen is a vigil extension" in t.stderr


def test_dump_files_on_usr1_usr2_and_json(lab, vigild, tmp_path):
    """keepalived's files, names and formats, for the exporters that read
    them: the signals go to the main pid, as with keepalived."""
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, instance(prio=150), env={"TMPDIR": str(tmp_path)})
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    main = d.pid("main")
    os.kill(main, signal.SIGUSR1)
    os.kill(main, signal.SIGUSR2)
    os.kill(main, int(subprocess.run([vigild, "--signum=JSON"], capture_output=True, text=True).stdout))
    files = [tmp_path / n for n in ("keepalived.data", "keepalived.stats", "keepalived.json")]
    assert wait_for(lambda: all(f.exists() for f in files), 3), d.output()
    data = files[0].read_text()
    assert "------< VRRP Topology >------" in data and " VRRP Instance = VI_1\n" in data
    assert "   State = MASTER\n" in data and "   Virtual Router ID = 51\n" in data
    assert f"     {VIP}/24 dev eth0 scope global set\n" in data
    stats = files[1].read_text()
    assert stats.startswith("VRRP Instance: VI_1\n  Advertisements:\n    Received: 0\n    Sent: ")
    assert "  Became master: 1\n" in stats and "  Priority Zero:\n" in stats
    js = json.loads(files[2].read_text())
    assert js[0]["data"]["iname"] == "VI_1" and js[0]["data"]["state"] == 2 and js[0]["data"]["vrid"] == 51
    assert js[0]["stats"]["become_master"] == 1 and js[0]["stats"]["advert_sent"] >= 1


IFACE_STATS = ("Too Short", "Version", "Invalid Type", "Length", "Checksum", "Advertisement Interval",
               "IP Header", "Authentication Header", "Unknown VRID")


def stats_section(text, title):
    """{label: value} of one "  TITLE:" section of keepalived.stats."""
    lines = text.splitlines()
    i = lines.index(f"  {title}:")
    out = {}
    for line in lines[i + 1:]:
        if not line.startswith("    "):
            break
        key, val = line.strip().rsplit(": ", 1)
        out[key] = int(val)
    return out


def test_stats_file_shows_every_interface_drop_counter(lab, vigild, tmp_path):
    """SIGUSR2: each instance's block carries the drop counters of its
    interface (bad checksum, unknown VRID, ...), in keepalived's style;
    STATS_CLEAR zeroes them with the rest."""
    from test_diagnosis import inject
    a, _, c = lab.hosts
    d = Daemon(a, vigild, instance(prio=150), env={"TMPDIR": str(tmp_path)})
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    inject(c, prio=200, bad_checksum=True)
    inject(c, vrid=99, prio=200)
    inject(c, vrid=99, prio=200)
    f = tmp_path / "keepalived.stats"
    main = d.pid("main")

    def dumped(sig):
        if f.exists():
            f.unlink()
        os.kill(main, sig)
        assert wait_for(f.exists, 3), d.output()
        return f.read_text()
    assert wait_for(lambda: stats_section(dumped(signal.SIGUSR2), "Interface eth0 Packet Errors")
                    .get("Unknown VRID") == 2, 3), f.read_text()
    text = f.read_text()
    section = stats_section(text, "Interface eth0 Packet Errors")
    assert list(section) == list(IFACE_STATS), text
    assert section["Checksum"] == 1 and section["Unknown VRID"] == 2, text
    assert all(section[k] == 0 for k in IFACE_STATS if k not in ("Checksum", "Unknown VRID")), text
    # the instance's own sections are as keepalived writes them, before it
    assert text.index("  Priority Zero:\n") < text.index("  Interface eth0 Packet Errors:\n")
    clear = int(subprocess.run([vigild, "--signum=STATS_CLEAR"], capture_output=True, text=True).stdout)
    assert stats_section(dumped(clear), "Interface eth0 Packet Errors")["Checksum"] == 1
    assert stats_section(dumped(signal.SIGUSR2), "Interface eth0 Packet Errors") == dict.fromkeys(IFACE_STATS, 0)


def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""
    path = str(tmp_path / "notify")
    srv = sk.socket(sk.AF_UNIX, sk.SOCK_DGRAM)
    srv.bind(path)
    srv.settimeout(0.2)
    return path, srv


def test_systemd_notifications(lab, vigild, tmp_path):
    """Type=notify: READY=1 with a STATUS line once the worker reports,
    RELOADING=1 then READY=1 around a reload, WATCHDOG=1 while the worker
    lives, STOPPING=1 at the end."""
    a, _, _ = lab.hosts
    path, srv = notify_socket(tmp_path)
    got = []

    def until(text, seconds):
        def poll():
            try:
                got.append(srv.recv(4096).decode())
            except sk.timeout:
                pass
            return any(text in m for m in got)
        return wait_for(poll, seconds, interval=0)

    try:
        d = Daemon(a, vigild, instance(prio=150), env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})
        assert until("READY=1", 3), got
        ready = next(m for m in got if "READY=1" in m)
        assert "STATUS=1 instances:" in ready
        assert until("STATUS=1 instances: 1 MASTER, 0 BACKUP, 0 FAULT", 3), got
        assert until("WATCHDOG=1", 2), got
        got.clear()
        d.ctl("reload")
        assert until("RELOADING=1", 2) and until("READY=1", 2), got
        assert got.index(next(m for m in got if "RELOADING=1" in m)) < got.index(
            next(m for m in got if m.startswith("READY=1")))
        d.stop()
        assert until("STOPPING=1", 2), got
    finally:
        srv.close()


def test_watchdog_is_fed_through_a_quiet_period(lab, vigild, tmp_path):
    """With nothing happening, the worker's heartbeats keep the watchdog fed:
    no gap between WATCHDOG=1 reaches WatchdogSec, or systemd would restart a
    healthy service."""
    a, _, _ = lab.hosts
    path, srv = notify_socket(tmp_path)
    feeds = []

    def collect():
        try:
            if "WATCHDOG=1" in srv.recv(4096).decode():
                feeds.append(time.monotonic())
        except sk.timeout:
            pass
        return False

    try:
        d = Daemon(a, vigild, instance(prio=150), env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
        assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
        wait_for(collect, 7, interval=0)          # a window longer than a heartbeat gap could hide in
        assert len(feeds) >= 4, feeds
        gaps = [b - a for a, b in zip(feeds, feeds[1:])]
        assert max(gaps) < 2.0, gaps
        d.stop()
    finally:
        srv.close()


def test_worker_stops_cleanly_when_the_supervisor_dies(lab, vigild):
    """PDEATHSIG: a worker left alone stops gracefully (priority 0, its
    addresses removed) instead of running unsupervised."""
    a, b, _ = lab.hosts
    da, db = pair(lab, vigild)
    worker = da.pid("vrrp")
    os.kill(da.pid("main"), signal.SIGKILL)
    assert wait_for(lambda: not os.path.exists(f"/proc/{worker}"), 3)
    assert not has_addr(a, VIP)
    assert wait_for(lambda: has_addr(b, VIP), 2)
