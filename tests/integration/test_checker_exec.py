"""vigil-checker, the health checker's own executable: the supervisor
starts it from beside vigild, the VRRP processes do not map it, a respawn
runs the file the daemon started with even after an upgrade replaced it,
and a missing checker is said in the log while VRRP runs on."""
import json
import os
import shutil
import signal

from lab import wait_for
from test_check_worker import VIP, add_dest, count, listen, start, vs_conf
from vrrp import Daemon, has_addr, instance

INSTALLED = "/usr/local/libexec/vigil/vigil-checker"


def exe(pid):
    return os.readlink(f"/proc/{pid}/exe")


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def maps_file(pid, path):
    with open(f"/proc/{pid}/maps") as f:
        return any(line.split()[-1] == path for line in f if len(line.split()) >= 6)


def copy_daemon(lab, vigild, with_checker=True):
    """vigild (and vigil-checker) copied to a directory of their own."""
    d = lab.tempdir("vigil-bin-")
    shutil.copy2(vigild, os.path.join(d, "vigild"))
    if with_checker:
        shutil.copy2(os.path.join(os.path.dirname(vigild), "vigil-checker"), os.path.join(d, "vigil-checker"))
    return d


def test_the_checker_runs_vigil_checker_and_vrrp_does_not_map_it(lab, vigild):
    a, b, _ = lab.hosts
    listen(b)
    checker = os.path.join(os.path.dirname(os.path.realpath(vigild)), "vigil-checker")
    d = start(a, vigild, instance(prio=150) + vs_conf([b]))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    assert wait_for(lambda: has_addr(a, "10.231.0.100"), 5), d.output()
    pid = d.pid("check")
    assert exe(pid) == checker and comm(pid) == "vigil-checker"
    with open(f"/proc/{pid}/cmdline") as f:
        assert f.read().split("\0")[0] == vigild     # vigild's argv, for ps
    for other in (d.pid("main"), d.pid("vrrp")):
        assert exe(other) == os.path.realpath(vigild) and not maps_file(other, checker), other


def test_a_respawn_runs_the_file_the_daemon_started_with(lab, vigild):
    """An upgrade replaces vigil-checker by rename; the checker that crashes
    after it is restarted from the file vigild started with (its new
    process's exe is the old, deleted file), not a stranger to the
    supervisor's protocol."""
    a, b, _ = lab.hosts
    listen(b)
    bindir = copy_daemon(lab, vigild)
    path = os.path.join(bindir, "vigil-checker")
    d = start(a, os.path.join(bindir, "vigild"), vs_conf([b]))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    first = d.pid("check")
    new = path + ".new"
    with open(new, "w") as f:
        f.write("#!/bin/sh\nexit 1\n")
    os.chmod(new, 0o755)
    os.rename(new, path)
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: d.pid("check") not in (None, 0, first), 5), d.output()
    second = d.pid("check")
    assert exe(second) == path + " (deleted)", exe(second)
    # it runs: in a dry run its table starts empty, so it adds the server again
    assert wait_for(lambda: count(d, add_dest(b)) == 2, 5), d.output()
    workers = lambda: {x["kind"]: x for x in json.loads(d.ctl("status", "-j").stdout)["workers"]}  # noqa: E731
    assert wait_for(lambda: workers()["check"]["running"], 5), d.output()


def test_a_missing_checker_is_logged_and_vrrp_runs_on(lab, vigild):
    a, b, _ = lab.hosts
    bindir = copy_daemon(lab, vigild, with_checker=False)
    d = Daemon(a, os.path.join(bindir, "vigild"), instance(prio=150) + vs_conf([b]),
               args=["--dry-run"])
    assert wait_for(lambda: has_addr(a, "10.231.0.100"), 5), d.output()
    if os.path.exists(INSTALLED):
        # this machine has run make install: the supervisor falls back to it
        assert d.wait_log("health checker started", 5), d.output()
        assert exe(d.pid("check")) == INSTALLED
    else:
        said = (f"cannot start the health checker: {bindir}/vigil-checker or {INSTALLED}: "
                "No such file or directory")
        assert d.wait_log(said, 5), d.output()
        assert d.proc.poll() is None
        assert not count(d, f"add service TCP {VIP}:80 rr")
