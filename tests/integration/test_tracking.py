"""Trackers, sync groups and notifications between vigild nodes: scripts
with weights and rise/fall, FAULT from unweighted trackers, tracked
interfaces, files and processes, sync groups moving together, notify
scripts with their exact arguments in order, the notify FIFO, timeouts and
script security."""
import os
import shutil
import subprocess

import pytest

from lab import wait_for
from vrrp import Capture, Daemon, has_addr, instance

VIP = "10.231.0.100"
VIP2 = "10.231.0.102"



def script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def vrrp_script(name, cmd, weight=None, interval="0.1", extra=""):
    w = f"  weight {weight}\n" if weight is not None else ""
    return f'vrrp_script {name} {{\n  script "{cmd}"\n  interval {interval}\n{w}{extra}}}\n'


def track(kind, *names):
    lines = "\n".join(f"    {n}" for n in names)
    return f"  track_{kind} {{\n{lines}\n  }}\n"


def health_check(work, name="chk"):
    """A check that passes while WORK/NAME.ok exists, like the seeds'
    'is nginx alive' scripts."""
    flag = os.path.join(work, name + ".ok")
    open(flag, "w").close()
    return flag, f"/usr/bin/test -e {flag}"


def checked_pair(lab, vigild, work, weight):
    """a (150) and b (100) each tracking its own health check; returns the
    daemons and a's flag file."""
    a, b, _ = lab.hosts
    flag, cmd = health_check(work, "a")        # the filesystem is shared: a flag per node
    _, cmd_b = health_check(work, "b")
    conf = lambda prio, c: vrrp_script("chk", c, weight=weight) + instance(prio=prio, extra=track("script", "chk"))
    da = Daemon(a, vigild, conf(150, cmd))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, conf(100, cmd_b))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    return da, db, flag


def test_weighted_script_moves_the_vip_and_back(lab, vigild, work):
    """Seeds 000/002/004: weight -60 on a 150 master takes it to 90, below the
    100 backup; the VIP moves, and comes back when the check passes again."""
    a, b, _ = lab.hosts
    da, db, flag = checked_pair(lab, vigild, work, -60)
    os.unlink(flag)
    assert da.wait_log("Changing effective priority from 150 to 90", 3), da.output()
    assert wait_for(lambda: has_addr(b, VIP), 3), db.output()
    assert wait_for(lambda: not has_addr(a, VIP), 2)
    open(flag, "w").close()
    assert da.wait_log("Changing effective priority from 90 to 150", 3), da.output()
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert wait_for(lambda: not has_addr(b, VIP), 2)


def test_unweighted_script_means_fault(lab, vigild, work):
    """Seed 003: no weight, a failure is FAULT and the VIP is released."""
    a, b, _ = lab.hosts
    da, db, flag = checked_pair(lab, vigild, work, None)
    os.unlink(flag)
    assert da.wait_log("Entering FAULT STATE", 3), da.output()
    assert not has_addr(a, VIP)
    assert wait_for(lambda: has_addr(b, VIP), 2), db.output()
    open(flag, "w").close()
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()


def test_rise_and_fall_count_consecutive_runs(lab, vigild, work):
    """fall 3 at 0.1 s: the third failure faults, not the first; rise 2: two
    successes bring it back."""
    a, _, _ = lab.hosts
    flag, cmd = health_check(work)
    d = Daemon(a, vigild, vrrp_script("chk", cmd, extra="  rise 2\n  fall 3\n")
               + instance(prio=150, extra=track("script", "chk")))
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    os.unlink(flag)
    assert d.wait_log("VRRP_Script(chk) failed", 3)
    log = d.output()
    runs_before_fail = log.count("now returning 1")
    assert runs_before_fail == 1   # logged once, on the change of exit code
    open(flag, "w").close()
    assert d.wait_log("VRRP_Script(chk) succeeded", 3)
    assert wait_for(lambda: has_addr(a, VIP), 3)


def test_tracked_interface_down_means_fault_and_back(lab, vigild):
    a, b, _ = lab.hosts
    a.run("ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
    a.run("ip", "link", "set", "trk0", "up")
    a.run("ip", "link", "set", "trk1", "up")
    da = Daemon(a, vigild, instance(prio=150, extra=track("interface", "trk0")))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, instance(prio=100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    a.run("ip", "link", "set", "trk1", "down")      # trk0 loses its carrier
    assert da.wait_log("Entering FAULT STATE", 3), da.output()
    assert wait_for(lambda: has_addr(b, VIP), 2)
    a.run("ip", "link", "set", "trk1", "up")
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()


def test_track_file_value_changes_priority(lab, vigild, work):
    """track_file weight 10: writing 5 adds 50; writing -6 takes 60 off."""
    a, b, c = lab.hosts
    path = os.path.join(work, "prio")
    conf = (f"track_file tf {{\n  file {path}\n  weight 10\n  init_file 0 overwrite\n}}\n"
            + instance(prio=120, extra=track("file", "tf")))
    da = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    assert open(path).read().strip() == "0"          # init_file wrote it
    cap = Capture(c, "vrrp")
    with open(path, "w") as f:
        f.write("5\n")
    assert da.wait_log("Changing effective priority from 120 to 170", 3), da.output()
    assert wait_for(lambda: cap.fields("vrrp.prio == 170", "frame.number"), 2)   # the next advert carries it
    with open(path, "w") as f:
        f.write("-6\n")
    assert da.wait_log("Changing effective priority from 170 to 60", 3), da.output()
    assert wait_for(lambda: cap.fields("vrrp.prio == 60", "frame.number"), 2)
    cap.stop()
    prios = [int(p) for p, in cap.fields(f"vrrp && ip.src == {a.ipv4}", "vrrp.prio")]
    assert set(prios) <= {120, 170, 60} and prios[-1] == 60, prios


def test_track_process_kill_changes_priority(lab, vigild, work):
    """A process tracked by name (no script, no fork): killing it takes the
    weight off at once (pidfd), starting it again puts it back."""
    a, _, _ = lab.hosts
    name = f"vtp{os.getpid() % 100000}"
    binary = os.path.join(work, name)
    shutil.copy("/bin/sleep", binary)
    proc = subprocess.Popen([binary, "300"])
    try:
        conf = (f"vrrp_track_process tp {{\n  process {name}\n  weight 30\n}}\n"
                + instance(prio=100, extra=track("process", "tp")))
        d = Daemon(a, vigild, conf)
        assert d.wait_log("Changing effective priority from 100 to 130", 3), d.output()
        proc.kill()
        proc.wait()
        assert d.wait_log("Changing effective priority from 130 to 100", 1), d.output()
        proc = subprocess.Popen([binary, "300"])
        assert d.wait_log("Changing effective priority from 100 to 130", 3), d.output()
    finally:
        proc.kill()
        proc.wait()


def sync_conf(prio, fault_flag=None, notify_log=None):
    extra1 = ""
    tf = ""
    if fault_flag:
        tf = f"track_file bad {{\n  file {fault_flag}\n  weight 0\n}}\n"
        extra1 = track("file", "bad")
    gnotify = f'  notify "{notify_log}"\n' if notify_log else ""
    return (tf + f"vrrp_sync_group VG_1 {{\n  group {{\n    VI_1\n    VI_2\n  }}\n{gnotify}}}\n"
            + instance(name="VI_1", vrid=51, prio=prio, extra=extra1)
            + instance(name="VI_2", vrid=52, prio=prio, vips=(VIP2 + "/24",)))


def test_sync_group_member_fault_moves_the_whole_group(lab, vigild, work):
    a, b, _ = lab.hosts
    bad = os.path.join(work, "bad")
    with open(bad, "w") as f:
        f.write("0\n")
    log = script(os.path.join(work, "gnotify.sh"), f'echo "$@" >> {work}/group.log')
    da = Daemon(a, vigild, sync_conf(150, bad, log))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 3), da.output()
    db = Daemon(b, vigild, sync_conf(100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    with open(bad, "w") as f:
        f.write("1\n")                                  # only VI_1 tracks it
    assert wait_for(lambda: has_addr(b, VIP) and has_addr(b, VIP2), 3), (da.output(), db.output())
    assert not has_addr(a, VIP) and not has_addr(a, VIP2)
    assert da.output().count("Entering FAULT STATE") == 2
    with open(bad, "w") as f:
        f.write("0\n")
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(a, VIP2), 4), da.output()
    assert wait_for(lambda: not has_addr(b, VIP) and not has_addr(b, VIP2), 2)
    want = ["GROUP VG_1 BACKUP 0", "GROUP VG_1 MASTER 0", "GROUP VG_1 FAULT 0", "GROUP VG_1 BACKUP 0",
            "GROUP VG_1 MASTER 0"]
    assert wait_for(lambda: open(f"{work}/group.log").read().splitlines() == want, 3), \
        open(f"{work}/group.log").read()


def test_notify_scripts_get_exact_arguments_in_order(lab, vigild, work):
    """notify_* with only their configured arguments, then the generic
    notify with INSTANCE NAME STATE PRIO; one object's scripts never overlap
    or reorder, even when each takes a while."""
    a, b, _ = lab.hosts
    out = os.path.join(work, "notify.log")
    slow = script(os.path.join(work, "slow.sh"),
                  f'echo "start $*" >> {out}; sleep 0.2; echo "end $*" >> {out}')
    extra = (f'  notify_master "{slow} to-master \'two words\'"\n'
             f'  notify_backup "{slow} to-backup"\n'
             f'  notify_stop "{slow} to-stop"\n'
             f'  notify {slow}\n')
    da = Daemon(a, vigild, instance(prio=100, extra=extra))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, instance(prio=200))            # preempts a
    assert wait_for(lambda: not has_addr(a, VIP), 3)
    da.stop()
    lines = open(out).read().splitlines()
    want = ["to-backup", "INSTANCE VI_1 BACKUP 100", "to-master two words", "INSTANCE VI_1 MASTER 100",
            "to-backup", "INSTANCE VI_1 BACKUP 100", "to-stop", "INSTANCE VI_1 STOP 100"]
    assert lines == [f"{w} {x}" for x in want for w in ("start", "end")], lines


def test_notify_fifo_lines_are_exact(lab, vigild, work):
    a, _, _ = lab.hosts
    fifo = os.path.join(work, "fifo")
    os.mkfifo(fifo, 0o644)
    rd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        d = Daemon(a, vigild, f"global_defs {{\n  vrrp_notify_fifo {fifo}\n}}\n" + instance(prio=150))
        assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
        d.stop()
        data = os.read(rd, 4096).decode()
    finally:
        os.close(rd)
    assert data == ('INSTANCE "VI_1" BACKUP 150\n'
                    'INSTANCE "VI_1" MASTER 150\n'
                    'INSTANCE "VI_1" STOP 150\n'), data


def test_hung_script_is_killed_at_its_timeout_and_fails(lab, vigild, work):
    a, _, _ = lab.hosts
    name = f"vhang{os.getpid() % 100000}"
    binary = os.path.join(work, name)
    shutil.copy("/bin/sleep", binary)
    d = Daemon(a, vigild, vrrp_script("hang", f"{binary} 100", interval="1", extra="  timeout 0.3\n")
               + instance(prio=150, extra=track("script", "hang")))
    assert d.wait_log("VRRP_Script(hang) timed_out", 3), d.output()
    assert d.wait_log("Entering FAULT STATE", 2), d.output()
    assert not has_addr(a, VIP)
    running = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout.split()
    assert wait_for(lambda: not subprocess.run(["pgrep", "-x", name], capture_output=True).stdout, 3), running


def test_script_security_disables_a_world_writable_script(lab, vigild, work):
    """As keepalived 2.2.7: the insecure script is disabled (-t exits 5) and the
    rest runs; the instance no longer tracks it and becomes MASTER."""
    a, _, _ = lab.hosts
    loose = os.path.join(work, "loose")
    os.mkdir(loose)
    os.chmod(loose, 0o777)
    chk = script(os.path.join(loose, "chk.sh"), "exit 1")
    conf = ("global_defs {\n  enable_script_security\n  script_user root\n}\n" + vrrp_script("chk", chk)
            + instance(prio=150, extra=track("script", "chk")))
    path = os.path.join(work, "insecure.conf")
    with open(path, "w") as f:
        f.write(conf)
    t = subprocess.run([vigild, "-t", "-f", path], capture_output=True, text=True)
    assert t.returncode == 5, t.stderr
    assert "SECURITY VIOLATION" in t.stderr and f"{loose} is writable by any user" in t.stderr
    assert "the daemon would start with the scripts named above disabled" in t.stderr
    d = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    assert d.proc.poll() is None
    assert "SECURITY VIOLATION" in d.output() and "Disabling track script chk" in d.output()


def test_smtp_alert_reaches_a_mail_server(lab, vigild, work):
    """smtp_alert: the transition to MASTER is mailed through smtp_server
    (aiosmtpd in another host) with router_id, instance and state."""
    import mailbox
    a, _, c = lab.hosts
    mbox = os.path.join(work, "maildir")
    smtpd = c.spawn("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"{c.ipv4}:2525",
                    "-c", "aiosmtpd.handlers.Mailbox", mbox)
    assert wait_for(lambda: ":2525" in c.run("ss", "-ltn").stdout, 10), "aiosmtpd did not start"
    conf = (f"global_defs {{\n  router_id lb-a\n  notification_email {{\n    ops@example.test\n  }}\n"
            f"  notification_email_from vigil@example.test\n  smtp_server {c.ipv4} 2525\n"
            f"  smtp_connect_timeout 5\n}}\n" + instance(prio=150, extra="  smtp_alert\n"))
    d = Daemon(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    master = "[lb-a] VRRP Instance VI_1 - Entering MASTER state"

    def delivered():
        return {m["Subject"]: m for m in mailbox.Maildir(mbox)}
    # The start in BACKUP is mailed first; the MASTER mail follows it, and
    # the first "SMTP alert sent" line may be the BACKUP one.
    assert wait_for(lambda: master in delivered(), 10), (list(delivered()), d.output())
    assert "SMTP alert sent" in d.output()
    m = delivered()[master]
    assert m["From"] == "vigil@example.test" and m["To"] == "ops@example.test"
    assert "VRRP Instance VI_1 on lb-a now holds the virtual addresses" in m.get_payload()
    smtpd.terminate()


def test_nginx_pair_moves_the_vip_when_nginx_stops(lab, vigild):
    """The seeds' architecture: nginx on both nodes, chk_nginx weight -60;
    stopping nginx on the master moves the VIP and the client's requests are
    answered by the other node; starting it again brings the VIP back."""
    from web import Fetcher, Nginx, chk_nginx, error_window
    a, b, c = lab.hosts
    na, nb = Nginx(a), Nginx(b)
    conf = lambda prio: chk_nginx() + instance(prio=prio, extra=track("script", "chk_nginx"))
    da = Daemon(a, vigild, conf(150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    db = Daemon(b, vigild, conf(100))
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    fetch = Fetcher(c, VIP, seconds=3)
    assert fetch.wait_answer(a.name)
    na.stop()
    assert wait_for(lambda: has_addr(b, VIP), 3), (da.output(), db.output())
    rows = fetch.results()
    window = error_window(rows, a.name, b.name)
    assert window is not None, rows[-5:]
    assert rows[-1][1:] == ("ok", b.name)
    na = Nginx(a)
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()


def test_scripts_run_as_the_configured_user(lab, vigild, work):
    """vrrp_script `user` and the notify scripts' USER field: the script
    writes its effective user; nothing runs as root that was not asked to."""
    a, _, _ = lab.hosts
    out = os.path.join(work, "who")
    with open(out, "w"):
        pass
    os.chmod(out, 0o666)
    who = script(os.path.join(work, "who.sh"), f'echo "$1 $(id -un)" >> {out}')
    conf = (f'vrrp_script chk {{\n  script "{who} check"\n  interval 1\n  user nobody\n}}\n'
            + instance(prio=150, extra=track("script", "chk") + f'  notify_master "{who} master" daemon\n'))
    d = Daemon(a, vigild, conf)
    assert wait_for(lambda: {"check nobody", "master daemon"} <= set(open(out).read().splitlines()), 4), \
        (open(out).read(), d.output())


@pytest.fixture
def netns_etc(lab):
    """Files that `ip netns exec` mounts over /etc for host a only, so a test
    can add a group without touching the machine's."""
    d = f"/etc/netns/{lab.hosts[0].name}"
    os.makedirs(d)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_supplementary_groups_are_set_when_asked(lab, vigild, work, netns_etc):
    """keepalived's rules: a script user's other groups are dropped unless
    its group is written ':' (or ':NAME'), or set_supplementary_groups is on.
    Group 4242 lists nobody as a member, in host a's /etc/group only."""
    a, _, _ = lab.hosts
    with open("/etc/group") as src, open(os.path.join(netns_etc, "group"), "w") as dst:
        dst.write(src.read() + "vigilsup:x:4242:nobody\n")
    out = os.path.join(work, "groups")
    who = script(os.path.join(work, "groups.sh"), f'echo "$1 $(id -G)" >> {out}')
    for glob, want_plain in (("", "plain 65534"),
                             ("global_defs {\n  set_supplementary_groups\n}\n", "plain 65534 4242")):
        with open(out, "w"):
            pass
        os.chmod(out, 0o666)
        conf = (glob + f'vrrp_script plain {{\n  script "{who} plain"\n  interval 1\n  user nobody\n}}\n'
                f'vrrp_script colon {{\n  script "{who} colon"\n  interval 1\n  user nobody :\n}}\n'
                + instance(prio=150, extra=track("script", "plain", "colon")))
        d = Daemon(a, vigild, conf)
        want = {want_plain, "colon 65534 4242"}
        assert wait_for(lambda: want <= set(open(out).read().splitlines()), 4), (open(out).read(), d.output())
        d.stop()
