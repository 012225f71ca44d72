"""Runtime defects of issue 11: one daemon per pid file, demote as the
backup of last resort, vrrp_strict across reloads, and interfaces that
appear after the start (dynamic_interfaces)."""
import json
import os
import signal
import subprocess

from lab import run, wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"


def status(d):
    return json.loads(d.ctl("status", "--json").stdout)


def second_start(d, vigild, timeout=10, main_pid=None, fork=False):
    """vigild again, in the same host, with d's files: pid files, control
    socket and configuration. Returns (exit code, output)."""
    cmd = [vigild, "-l", "-D", "-f", d.conf, "-p", main_pid or os.path.join(d.dir, "main.pid"),
           "-r", os.path.join(d.dir, "vrrp.pid"), "-c", os.path.join(d.dir, "check.pid"),
           "--control-socket", d.socket] + ([] if fork else ["-n"])
    p = subprocess.Popen(["ip", "netns", "exec", d.host.name, *cmd], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    d.host.lab.procs.append(p)  # killed at teardown if it does not exit
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "(still running)"
    return p.returncode, out


def files_of(d):
    """What a second daemon must leave alone: its pid files (content and
    inode) and its control socket."""
    out = {}
    for name in ("main.pid", "vrrp.pid", "ctl.sock"):
        p = os.path.join(d.dir, name)
        st = os.stat(p)
        out[name] = (st.st_ino, open(p).read() if name.endswith(".pid") else None)
    return out


def test_second_daemon_with_the_same_pid_file_exits_and_touches_nothing(lab, vigild):
    """keepalived 2.2.7, measured: a second start with the same -p/-r pid
    files logs 'daemon is already running' and exits 0, foreground or not."""
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert wait_for(lambda: da.pid("vrrp"), 2), da.output()
    before, log_before = files_of(da), da.output()
    rc, out = second_start(da, vigild)
    assert rc == 0, out
    assert "daemon is already running" in out, out
    assert "Entering" not in out and "VRRP worker started" not in out, out
    assert files_of(da) == before
    assert da.proc.poll() is None and has_addr(a, VIP)
    assert status(da)["status"]["instances"][0]["state"] == "MASTER"
    # A saw nothing: no address removed under it, no new election
    assert not wait_for(lambda: da.output() != log_before and
                        ("was removed" in da.output()[len(log_before):] or
                         "Entering" in da.output()[len(log_before):]), 1.0), da.output()
    # and B's exit left the files for A to remove at its own stop
    da.stop()
    assert not os.path.exists(os.path.join(da.dir, "main.pid"))
    assert not os.path.exists(os.path.join(da.dir, "vrrp.pid"))


def test_second_daemon_with_only_the_vrrp_pid_file_or_forking_exits_too(lab, vigild):
    """keepalived checks every pid file of the processes it would run: the
    same -r with another -p is the same daemon. Without -n the verdict
    comes before the fork, so the caller sees it."""
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert wait_for(lambda: da.pid("vrrp"), 2), da.output()
    before = files_of(da)
    other = os.path.join(da.dir, "other.pid")
    rc, out = second_start(da, vigild, main_pid=other)
    assert rc == 0 and "daemon is already running" in out and "vrrp.pid" in out, out
    assert not os.path.exists(other)  # it removes the file it created
    rc, out = second_start(da, vigild, fork=True)
    assert rc == 0 and "daemon is already running" in out, out
    assert files_of(da) == before and has_addr(a, VIP) and da.proc.poll() is None


def test_a_stale_pid_file_does_not_stop_a_start(lab, vigild):
    """The lock, not the file's existence, says a daemon runs: a file left
    by a crash (nobody holds its lock) is taken over."""
    a, _, _ = lab.hosts
    d0 = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), d0.output()
    d0.kill()
    assert os.path.exists(os.path.join(d0.dir, "main.pid"))
    a.run("ip", "addr", "del", VIP + "/24", "dev", "eth0", check=False)
    d1 = Daemon(a, vigild, instance(prio=150), args=("-p", os.path.join(d0.dir, "main.pid"),
                                                     "-r", os.path.join(d0.dir, "vrrp.pid")))
    assert wait_for(lambda: has_addr(a, VIP), 3), d1.output()
    assert d1.proc.poll() is None


STRICT = "global_defs {\n  vrrp_strict\n}\n"
VIP2 = "10.231.0.101"


def dropped(host, addr):
    """ping from host to addr gets no answer (one try, 1 s)."""
    return host.run("ping", "-c", "1", "-W", "1", addr, check=False).returncode != 0


def test_reload_adding_a_strict_instance_keeps_the_masters_drop_set(lab, vigild):
    """vrrp_strict (no_accept): the kept master's VIP still drops traffic
    after a reload that adds an instance; the added one's VIP drops too."""
    a, _, c = lab.hosts
    da = Daemon(a, vigild, STRICT + instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 5), da.output()
    assert dropped(c, VIP) and not dropped(c, a.ipv4)
    with open(da.conf, "a") as f:
        f.write(instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24",)))
    da.ctl("reload")
    assert wait_for(lambda: has_addr(a, VIP2), 5), da.output()
    assert has_addr(a, VIP)
    vips = a.run("nft", "list", "set", "ip", "vigil", "vips").stdout
    assert VIP in vips and VIP2 in vips, vips
    assert dropped(c, VIP), "the kept master's VIP accepts traffic after the reload"
    assert dropped(c, VIP2)
    da.stop()
    assert "vigil" not in a.run("nft", "list", "tables").stdout


def group_conf(prio):
    """VG_1: VI_1 (VIP) and VI_2 (VIP2), 100 ms adverts."""
    return ("vrrp_sync_group VG_1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n" +
            instance(name="VI_1", vrid=51, prio=prio) +
            instance(name="VI_2", vrid=52, prio=prio, vips=(VIP2 + "/24",)))


def instances(d):
    return {vi["name"]: vi for vi in status(d)["status"]["instances"]}


def demoted_pair(lab, vigild):
    """A (priority 150) master of VG_1, then demoted: B (100) takes over."""
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, group_conf(150))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    db = Daemon(b, vigild, group_conf(100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    da.ctl("demote", "VG_1")
    assert wait_for(lambda: has_addr(b, VIP) and has_addr(b, VIP2), 3), db.output()
    assert not has_addr(a, VIP) and not has_addr(a, VIP2)
    assert wait_for(lambda: all(vi["master"] == b.ipv4 for vi in instances(da).values()), 2), instances(da)
    return da, db


def test_demoted_group_takes_over_when_the_master_dies_and_yields_when_it_returns(lab, vigild):
    a, b, _ = lab.hosts
    da, db = demoted_pair(lab, vigild)
    mark = len(da.output())
    db.kill()  # a crash: no priority-0 advert
    for cidr in (VIP + "/24", VIP2 + "/24"):
        b.run("ip", "addr", "del", cidr, "dev", "eth0", check=False)
    # Master_Down_Interval at priority 1 is about 0.4 s here
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()[mark:]
    log = da.output()[mark:]
    assert "(VI_1) no master for Master_Down_Interval; taking over although demoted" in log, log
    assert "(VI_2) no master for Master_Down_Interval; taking over although demoted" in log, log
    vis = instances(da)
    for vi in vis.values():
        assert vi["state"] == "MASTER" and vi["demoted"] is True, vi
        assert vi["master"] == a.ipv4, vi  # no longer the dead B
        assert vi["last_transition"]["reason"] == "master_down_while_demoted", vi
    # B comes back with its lower priority: the demoted master yields to it
    db2 = Daemon(b, vigild, group_conf(100))
    assert wait_for(lambda: has_addr(b, VIP) and has_addr(b, VIP2), 5), (db2.output(), da.output())
    assert wait_for(lambda: not has_addr(a, VIP) and not has_addr(a, VIP2), 2), da.output()
    assert all(vi["state"] == "BACKUP" for vi in instances(da).values())


def test_status_forgets_a_master_that_resigned(lab, vigild):
    """B stops gracefully (priority 0): A's status no longer names B, and
    A takes over although demoted."""
    a, b, _ = lab.hosts
    da, db = demoted_pair(lab, vigild)
    db.stop()
    assert wait_for(lambda: all(vi["master"] != b.ipv4 for vi in instances(da).values()), 3), instances(da)
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()


def test_demote_survives_a_worker_crash(lab, vigild):
    a, b, _ = lab.hosts
    da, db = demoted_pair(lab, vigild)
    old = da.pid("vrrp")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: da.pid("vrrp") not in (None, old), 3), da.output()
    assert da.wait_log("(VI_1) still demoted by the operator", 3), da.output()
    assert wait_for(lambda: len(instances(da)) == 2, 3), da.output()
    assert all(vi["demoted"] is True for vi in instances(da).values()), instances(da)
    # priority 150 against B's 100, yet it does not preempt
    assert not wait_for(lambda: has_addr(a, VIP) or has_addr(a, VIP2), 1.5), da.output()
    assert has_addr(b, VIP) and has_addr(b, VIP2)
    assert all(vi["state"] == "BACKUP" for vi in instances(da).values())


def test_demote_survives_a_reload_until_promote(lab, vigild):
    a, b, _ = lab.hosts
    da, db = demoted_pair(lab, vigild)
    # VI_1 is kept; VI_2 gets another VIP, which restarts it: both stay demoted
    with open(da.conf, "w") as f:
        f.write("vrrp_sync_group VG_1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n" +
                instance(name="VI_1", vrid=51, prio=150) +
                instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24", "10.231.0.102/24")))
    da.ctl("reload")
    assert da.wait_log("Reloaded: 1 kept, 0 updated in place, 1 restarted", 3), da.output()
    assert all(vi["demoted"] is True for vi in instances(da).values()), instances(da)
    assert not wait_for(lambda: has_addr(a, VIP) or has_addr(a, VIP2), 1.0), da.output()
    da.ctl("promote", "VG_1")
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    assert all(vi["demoted"] is False for vi in instances(da).values()), instances(da)
    # promoted: a worker restart does not bring the demote back
    old = da.pid("vrrp")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: da.pid("vrrp") not in (None, old), 3), da.output()
    assert wait_for(lambda: len(instances(da)) == 2, 3), da.output()
    assert all(vi["demoted"] is False for vi in instances(da).values()), instances(da)


def test_dynamic_interface_that_appears_later_comes_up(lab, vigild):
    """global_defs { dynamic_interfaces }: eth9 does not exist at the
    start, so VI_9 is in FAULT; once eth9 exists, is up and has an
    address, VI_9 goes BACKUP then MASTER and adds its VIP on eth9."""
    a, _, _ = lab.hosts
    vip9 = "10.231.9.100"
    conf = ("global_defs {\n  dynamic_interfaces\n}\n" + instance(prio=150) +
            instance(name="VI_9", vrid=59, prio=150, vips=(vip9 + "/24",), iface="eth9"))
    da = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()  # the other instance runs
    assert wait_for(lambda: instances(da).get("VI_9", {}).get("state") == "FAULT", 3), da.output()
    # eth9: a veth to the switch's bridge, with an address
    sw = lab.switch
    run("ip", "-n", sw, "link", "add", "p9", "type", "veth", "peer", "name", "eth9", "netns", a.name)
    run("ip", "-n", sw, "link", "set", "p9", "master", "br0", "up")
    a.run("ip", "addr", "add", "10.231.9.1/24", "dev", "eth9")
    a.run("ip", "link", "set", "eth9", "up")
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()
    vi = instances(da)["VI_9"]
    assert vi["state"] == "MASTER" and vi["interface"] == "eth9", vi
    assert "(VI_9) Entering BACKUP STATE" in da.output()
    assert has_addr(a, VIP)


def add_eth9(lab, host, addr="10.231.9.1/24"):
    """eth9 in host: a veth to the switch's bridge, with an address, up."""
    sw = lab.switch
    run("ip", "-n", sw, "link", "add", "p9", "type", "veth", "peer", "name", "eth9", "netns", host.name)
    run("ip", "-n", sw, "link", "set", "p9", "master", "br0", "up")
    host.run("ip", "addr", "add", addr, "dev", "eth9")
    host.run("ip", "link", "set", "eth9", "up")


def eth9_conf(dynamic):
    return (("global_defs {\n  dynamic_interfaces\n}\n" if dynamic else "") + instance(prio=150) +
            instance(name="VI_9", vrid=59, prio=150, vips=("10.231.9.100/24",), iface="eth9"))


def test_dynamic_interface_deleted_and_recreated_comes_back(lab, vigild):
    """dynamic_interfaces: the MASTER's eth9 is deleted: VI_9 goes FAULT
    and its VIP is gone; eth9 is created again (a new ifindex) with its
    address: VI_9 is MASTER again with the VIP, and VI_1 never noticed."""
    a, _, _ = lab.hosts
    vip9 = "10.231.9.100"
    add_eth9(lab, a)
    da = Daemon(a, vigild, eth9_conf(True))
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9") and has_addr(a, VIP), 5), da.output()
    old_index = a.run("cat", "/sys/class/net/eth9/ifindex").stdout.strip()
    mark = len(da.output())
    a.run("ip", "link", "del", "eth9")
    assert wait_for(lambda: instances(da)["VI_9"]["state"] == "FAULT", 3), da.output()[mark:]
    assert da.wait_log("interface eth9 was deleted", 2), da.output()[mark:]
    assert not a.run("ip", "-o", "addr", "show", "to", vip9, check=False).stdout.strip()
    add_eth9(lab, a)
    assert a.run("cat", "/sys/class/net/eth9/ifindex").stdout.strip() != old_index
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()[mark:]
    assert wait_for(lambda: instances(da)["VI_9"]["state"] == "MASTER", 2), instances(da)
    log = da.output()[mark:]
    assert "interface eth9 appeared" in log, log
    assert "(VI_9) Entering MASTER STATE" in log, log
    assert "(VI_1)" not in log, log  # the other interface's instance was left alone
    assert instances(da)["VI_1"]["state"] == "MASTER" and has_addr(a, VIP)
    # and again: a second deletion and re-creation works as the first
    a.run("ip", "link", "del", "eth9")
    assert wait_for(lambda: instances(da)["VI_9"]["state"] == "FAULT", 3), da.output()[mark:]
    add_eth9(lab, a)
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()[mark:]


def test_dynamic_interface_deleted_and_recreated_in_one_netlink_batch_comes_back(lab, vigild):
    """The worker is stopped while eth9 is deleted and created again, so it
    reads both in one batch: it reopens once the old sockets are closed."""
    a, _, _ = lab.hosts
    vip9 = "10.231.9.100"
    add_eth9(lab, a)
    da = Daemon(a, vigild, eth9_conf(True))
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()
    worker = da.pid("vrrp")
    os.kill(worker, signal.SIGSTOP)
    try:
        a.run("ip", "link", "del", "eth9")
        add_eth9(lab, a)
    finally:
        os.kill(worker, signal.SIGCONT)
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()
    assert instances(da)["VI_9"]["state"] == "MASTER", instances(da)
    assert da.wait_log("interface eth9 appeared", 1), da.output()


def test_interface_deleted_without_dynamic_interfaces_stays_in_fault(lab, vigild):
    """As keepalived without dynamic_interfaces: the instance goes FAULT
    when its interface is deleted and stays there when it is re-created;
    the log says why."""
    a, _, _ = lab.hosts
    vip9 = "10.231.9.100"
    add_eth9(lab, a)
    da = Daemon(a, vigild, eth9_conf(False))
    assert wait_for(lambda: has_addr(a, vip9, dev="eth9"), 5), da.output()
    a.run("ip", "link", "del", "eth9")
    assert wait_for(lambda: instances(da)["VI_9"]["state"] == "FAULT", 3), da.output()
    assert da.wait_log("interface eth9 was deleted; without dynamic_interfaces", 2), da.output()
    add_eth9(lab, a)
    assert not wait_for(lambda: has_addr(a, vip9, dev="eth9"), 1.5), da.output()
    assert instances(da)["VI_9"]["state"] == "FAULT"
    assert instances(da)["VI_1"]["state"] == "MASTER" and has_addr(a, VIP)


def two_instances(prio, with_vi2=True):
    """VI_1 (VIP) and VI_2 (VIP2), no sync group."""
    return instance(name="VI_1", vrid=51, prio=prio) + (
        instance(name="VI_2", vrid=52, prio=prio, vips=(VIP2 + "/24",)) if with_vi2 else "")


def test_reload_that_removes_a_demoted_instance_forgets_the_demote(lab, vigild):
    """VI_2 demoted on A (150) yields to B (100); a reload removes VI_2, a
    later one adds it back: it starts as configured, not demoted, and takes
    the VIP back from B. Worker restarts, in between and after, do not
    bring the demote back (the supervisor's copy forgot it too)."""
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, two_instances(150))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    db = Daemon(b, vigild, two_instances(100))
    assert db.wait_log("(VI_2) Entering BACKUP STATE"), db.output()
    da.ctl("demote", "VI_2")
    assert wait_for(lambda: has_addr(b, VIP2) and not has_addr(a, VIP2), 3), db.output()
    with open(da.conf, "w") as f:
        f.write(two_instances(150, with_vi2=False))
    da.ctl("reload")
    assert da.wait_log("Reloaded: 1 kept, 0 updated in place, 0 restarted, 0 added, 1 removed", 3), da.output()
    old = da.pid("vrrp")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: da.pid("vrrp") not in (None, old), 3), da.output()
    assert wait_for(lambda: list(instances(da)) == ["VI_1"], 3), da.output()
    mark = len(da.output())
    with open(da.conf, "w") as f:
        f.write(two_instances(150))
    da.ctl("reload")
    assert da.wait_log("1 added, 0 removed", 3), da.output()[mark:]
    assert wait_for(lambda: has_addr(a, VIP2), 3), da.output()[mark:]
    assert "still demoted" not in da.output()[mark:]
    vi2 = instances(da)["VI_2"]
    assert vi2["demoted"] is False and vi2["state"] == "MASTER", vi2
    assert wait_for(lambda: not has_addr(b, VIP2), 3), db.output()
    # the next worker gets the supervisor's list: VI_2 is not on it
    old = da.pid("vrrp")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: da.pid("vrrp") not in (None, old), 3), da.output()
    assert wait_for(lambda: len(instances(da)) == 2, 3), da.output()
    assert instances(da)["VI_2"]["demoted"] is False, instances(da)["VI_2"]
    assert "still demoted" not in da.output()[mark:]


def test_reload_that_removes_a_demoted_instance_forgets_it_in_the_worker(lab, vigild):
    """The same without a worker restart: the worker's own list forgets
    the removed instance."""
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, two_instances(150))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    db = Daemon(b, vigild, two_instances(100))
    assert db.wait_log("(VI_2) Entering BACKUP STATE"), db.output()
    da.ctl("demote", "VI_2")
    assert wait_for(lambda: has_addr(b, VIP2) and not has_addr(a, VIP2), 3), db.output()
    for text, done in ((two_instances(150, with_vi2=False), "0 added, 1 removed"),
                       (two_instances(150), "1 added, 0 removed")):
        with open(da.conf, "w") as f:
            f.write(text)
        da.ctl("reload")
        assert da.wait_log(done, 3), da.output()
    assert wait_for(lambda: has_addr(a, VIP2), 3), da.output()
    assert instances(da)["VI_2"]["demoted"] is False, instances(da)["VI_2"]


def test_dynamic_interfaces_vip_dev_missing_holds_fault_until_it_appears(lab, vigild):
    """dynamic_interfaces and a VIP whose dev does not exist: keepalived's -t
    accepts it (0), so the start runs, but the instance holds in FAULT (it
    cannot hold that address) instead of going MASTER and failing to add it;
    when the interface appears the instance runs and adds the VIP there. A
    static address on a missing interface is added when that one appears."""
    a, _, _ = lab.hosts
    vip7 = "10.231.7.100"
    conf = ("global_defs {\n  dynamic_interfaces\n}\nstatic_ipaddress {\n  10.231.8.8/24 dev dyn8\n}\n"
            + instance(prio=150, vips=(f"{vip7}/24 dev dyn7",)))
    da = Daemon(a, vigild, conf)

    def state():
        r = da.ctl("status", "--json", check=False)
        return json.loads(r.stdout)["status"]["instances"][0]["state"] if r.returncode == 0 else None
    assert wait_for(lambda: state() == "FAULT", 5), da.output()
    vi = instances(da)["VI_1"]
    assert any(r.get("name") == "dyn7" for r in vi.get("fault_reasons", [])), vi
    assert not wait_for(lambda: "Entering MASTER STATE" in da.output(), 1.0), da.output()
    assert "cannot add" not in da.output()
    run("ip", "-n", lab.switch, "link", "add", "p7", "type", "veth", "peer", "name", "dyn7", "netns", a.name)
    a.run("ip", "link", "set", "dyn7", "up")
    assert wait_for(lambda: has_addr(a, vip7, dev="dyn7"), 5), da.output()
    assert instances(da)["VI_1"]["state"] == "MASTER"
    assert "cannot add" not in da.output()
    # a static address on an interface missing at the start is added when it appears
    run("ip", "-n", lab.switch, "link", "add", "p8", "type", "veth", "peer", "name", "dyn8", "netns", a.name)
    assert wait_for(lambda: has_addr(a, "10.231.8.8", dev="dyn8"), 5), da.output()


def test_second_start_reports_the_running_daemon_before_reading_the_file(lab, vigild, tmp_path):
    """keepalived checks for a running daemon before it parses: a second start
    with a file full of errors and warnings says 'daemon is already running'
    and exits 0, without a word about the file, and the first keeps its pid
    files."""
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert wait_for(lambda: da.pid("vrrp"), 2), da.output()
    before = files_of(da)
    bad = tmp_path / "bad.conf"
    bad.write_text("global_defs {\n  vrrp_garp_interval 0\n}\n" + instance(prio=300) + "frobnicate {\n}\n")
    p = subprocess.run(["ip", "netns", "exec", a.name, vigild, "-n", "-l", "-f", str(bad),
                        "-p", os.path.join(da.dir, "main.pid"), "-r", os.path.join(da.dir, "vrrp.pid"),
                        "-c", os.path.join(da.dir, "check.pid"), "--control-socket", da.socket],
                       capture_output=True, text=True, timeout=10)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "daemon is already running" in out, out
    assert "warning" not in out and "error" not in out and "not starting" not in out, out
    assert files_of(da) == before
    assert da.proc.poll() is None and has_addr(a, VIP)


def test_reload_restarting_a_strict_instance_keeps_the_other_masters_drop_set(lab, vigild):
    """vrrp_strict: a reload that restarts an instance (its VRID changes)
    keeps the other master's VIP dropping traffic, and the restarted one's
    VIP drops again once it is master."""
    a, _, c = lab.hosts
    conf = STRICT + instance(prio=150) + instance(name="VI_2", vrid=52, prio=150, vips=(VIP2 + "/24",))
    da = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 5), da.output()
    assert dropped(c, VIP) and dropped(c, VIP2) and not dropped(c, a.ipv4)
    with open(da.conf, "w") as f:
        f.write(STRICT + instance(prio=150) + instance(name="VI_2", vrid=53, prio=150, vips=(VIP2 + "/24",)))
    out = da.ctl("reload").stdout
    assert da.wait_log("Reloaded: 1 kept, 0 updated in place, 1 restarted, 0 added, 0 removed"), out + da.output()
    assert wait_for(lambda: instances(da)["VI_2"]["state"] == "MASTER" and instances(da)["VI_2"]["vrid"] == 53, 5), \
        instances(da)
    assert wait_for(lambda: has_addr(a, VIP2), 3), da.output()
    assert has_addr(a, VIP)
    vips = a.run("nft", "list", "set", "ip", "vigil", "vips").stdout
    assert VIP in vips and VIP2 in vips, vips
    assert dropped(c, VIP), "the kept master's VIP accepts traffic after the reload"
    assert dropped(c, VIP2)


def test_track_interface_follows_an_interface_created_again(lab, vigild):
    """track_interface eth9: eth9 deleted puts VI_1 in FAULT; eth9 created
    again (a new ifindex) brings the tracker, and VI_1, back."""
    a, _, _ = lab.hosts
    add_eth9(lab, a)
    conf = instance(prio=150, extra="  track_interface {\n    eth9\n  }\n")
    da = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), da.output()
    old_index = a.run("cat", "/sys/class/net/eth9/ifindex").stdout.strip()
    a.run("ip", "link", "del", "eth9")
    assert wait_for(lambda: instances(da)["VI_1"]["state"] == "FAULT", 3), da.output()
    assert not has_addr(a, VIP)
    add_eth9(lab, a)
    assert a.run("cat", "/sys/class/net/eth9/ifindex").stdout.strip() != old_index
    assert wait_for(lambda: instances(da)["VI_1"]["state"] == "MASTER", 3), da.output()
    assert has_addr(a, VIP)
    assert da.wait_log("Tracked interface eth9 is up", 2), da.output()
