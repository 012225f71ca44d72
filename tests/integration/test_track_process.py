"""vrrp_track_process with keepalived's options, one test per option: real
processes (copies of /bin/sleep under chosen names, with chosen arguments)
started and killed by the test, and what a user checks: the tracker's log
line ("Track process NAME: N running, quorum reached/lost"), the effective
priority and FAULT. Delays are checked by the order of events, never by
time: a flap shorter than the delay is cancelled (and changes nothing), a
longer outage changes the state."""
import json
import os
import shutil
import subprocess

import pytest

from lab import wait_for
from vrrp import Daemon, instance

TAG = os.getpid() % 100000


@pytest.fixture
def procs():
    """Processes the test starts; all killed at the end."""
    started = []
    yield started
    for p in started:
        p.kill()
        p.wait()



def binary(work, prefix, subdir=""):
    """A copy of /bin/sleep whose process name is PREFIX + this run's tag."""
    d = os.path.join(work, subdir)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, f"{prefix}{TAG}")
    shutil.copy("/bin/sleep", path)
    return path


def start(procs, path, *args):
    """Popen returns once the exec is done: comm and cmdline are in place."""
    p = subprocess.Popen([path, *(args or ("300",))])
    procs.append(p)
    return p


def kill(p):
    p.kill()
    p.wait()


def tracker(name, process, *lines):
    body = "".join(f"  {line}\n" for line in lines)
    return f"vrrp_track_process {name} {{\n  process {process}\n{body}}}\n"


def daemon(lab, vigild, trackers, names=("tp",), prio=100):
    a = lab.hosts[0]
    refs = "".join(f"    {n}\n" for n in names)
    return Daemon(a, vigild, trackers + instance(prio=prio, extra=f"  track_process {{\n{refs}  }}\n"))


def processes(d, name="tp"):
    """The tracker's count in `vigilctl status --json`."""
    st = json.loads(d.ctl("status", "--json").stdout)["status"]
    for t in st["instances"][0]["trackers"]:
        if t["name"] == name:
            return t["processes"]
    return None


def lines_with(d, text):
    return [i for i, line in enumerate(d.output().splitlines()) if text in line]


def reports(d, text):
    """Lines where the tracker reports a state (they end with it), not the
    ones announcing a wait or a cancelled one."""
    return [i for i, line in enumerate(d.output().splitlines()) if line.endswith(text)]


def test_quorum_counts_the_processes(lab, vigild, work, procs):
    """quorum 2: one process is not enough, the second brings the weight."""
    path = binary(work, "vq")
    start(procs, path)
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "quorum 2", "weight 30"))
    assert d.wait_log("Track process tp: 1 running, quorum lost"), d.output()
    second = start(procs, path)
    assert d.wait_log("Track process tp: 2 running, quorum reached"), d.output()
    assert d.wait_log("Changing effective priority from 100 to 130"), d.output()
    kill(second)
    assert d.wait_log("Track process tp: 1 running, quorum lost", 3) and \
        d.wait_log("Changing effective priority from 130 to 100", 3), d.output()


def test_quorum_max_is_an_upper_bound(lab, vigild, work, procs):
    """quorum 1, quorum_max 2: a third process loses the quorum."""
    path = binary(work, "vm")
    start(procs, path)
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "quorum_max 2", "weight 30"))
    assert d.wait_log("Changing effective priority from 100 to 130"), d.output()
    start(procs, path)
    assert wait_for(lambda: processes(d) == 2, 3), d.output()
    third = start(procs, path)
    assert d.wait_log("Track process tp: 3 running, quorum lost"), d.output()
    assert d.wait_log("Changing effective priority from 130 to 100"), d.output()
    kill(third)
    assert d.wait_log("Track process tp: 2 running, quorum reached", 3), d.output()
    assert processes(d) == 2
    assert len(lines_with(d, "Changing effective priority from 100 to 130")) == 2, d.output()


def test_quorum_max_0_means_none_may_run(lab, vigild, work, procs):
    """quorum_max 0 (keepalived: failure if the process runs at all), weight
    0: the instance is in FAULT while the process runs."""
    path = binary(work, "vz")
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "quorum_max 0"))
    assert d.wait_log("Track process tp: 0 running, quorum reached"), d.output()
    assert d.wait_log("(VI_1) Entering MASTER STATE"), d.output()
    p = start(procs, path)
    assert d.wait_log("Track process tp: 1 running, quorum lost"), d.output()
    assert d.wait_log("(VI_1) Entering FAULT STATE"), d.output()
    kill(p)
    assert wait_for(lambda: len(reports(d, "Track process tp: 0 running, quorum reached")) == 2, 3), d.output()
    assert wait_for(lambda: len(lines_with(d, "(VI_1) Entering MASTER STATE")) == 2), d.output()


def test_terminate_delay_ignores_a_restart_within_it(lab, vigild, work, procs):
    """terminate_delay 5: a process killed (its exit seen at once) and
    restarted (seen by the next scan, well within the delay) changes
    nothing; one that stays away loses the quorum once the delay has passed."""
    path = binary(work, "vt")
    p = start(procs, path)
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "terminate_delay 5", "weight 30"))
    assert d.wait_log("Changing effective priority from 100 to 130"), d.output()
    kill(p)
    assert d.wait_log("Track process tp: 0 running, quorum lost once terminate_delay 5.000 s has passed", 2), \
        d.output()
    start(procs, path)
    assert d.wait_log("Track process tp: 1 running, back within the delay, quorum still reached", 4), d.output()
    assert not reports(d, "quorum lost") and not lines_with(d, "from 130 to 100"), d.output()
    kill(procs[-1])
    assert d.wait_log("Changing effective priority from 130 to 100", 10), d.output()
    waits = lines_with(d, "quorum lost once terminate_delay")
    lost = reports(d, "Track process tp: 0 running, quorum lost")
    drops = lines_with(d, "from 130 to 100")
    # the second wait, then the loss it announced, then the priority: one each
    assert len(waits) == 2 and len(lost) == 1 and len(drops) == 1, d.output()
    assert waits[1] < lost[0] < drops[0], d.output()


def test_fork_delay_ignores_a_process_that_does_not_stay(lab, vigild, work, procs):
    """fork_delay 5: a process that appears and goes before the delay runs
    out changes nothing; one that stays brings the weight after it."""
    path = binary(work, "vf")
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "fork_delay 5", "weight 30"))
    assert d.wait_log("Track process tp: 0 running, quorum lost"), d.output()
    p = start(procs, path)
    assert d.wait_log("Track process tp: 1 running, quorum reached once fork_delay 5.000 s has passed", 3), \
        d.output()
    kill(p)
    assert d.wait_log("Track process tp: 0 running, back within the delay, quorum still lost", 3), d.output()
    assert not lines_with(d, "from 100 to 130"), d.output()
    start(procs, path)
    assert d.wait_log("Changing effective priority from 100 to 130", 10), d.output()
    waits = lines_with(d, "quorum reached once fork_delay")
    reached = reports(d, "Track process tp: 1 running, quorum reached")
    assert len(waits) == 2 and len(reached) == 1 and waits[1] < reached[0], d.output()


def test_delay_sets_fork_and_terminate_delay(lab, vigild, work, procs):
    """delay 5 alone: both an exit and a start wait it out."""
    path = binary(work, "vd")
    p = start(procs, path)
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "delay 5", "weight 30"))
    assert d.wait_log("Changing effective priority from 100 to 130"), d.output()
    kill(p)
    assert d.wait_log("quorum lost once terminate_delay 5.000 s has passed", 2), d.output()
    assert d.wait_log("Changing effective priority from 130 to 100", 10), d.output()
    start(procs, path)
    assert d.wait_log("quorum reached once fork_delay 5.000 s has passed", 3), d.output()
    assert wait_for(lambda: len(lines_with(d, "from 100 to 130")) == 2, 10), d.output()
    assert reports(d, "Track process tp: 1 running, quorum reached")[-1] > \
        lines_with(d, "quorum reached once fork_delay")[0], d.output()


# Four processes of one binary, argv[0] its full path (keepalived matches
# argv[0] exactly once parameters are given): which of them each mode counts
# for the configured parameter "300".
PARAM_CASES = [
    ("", 1),                    # parameters alone: exact -> "300" only
    ("param_match partial", 2),  # the first n exactly, more may follow -> "300", "300 1"
    ("param_match initial", 3),  # and the last may be longer -> also "3000"
]


@pytest.mark.parametrize("mode,count", PARAM_CASES, ids=["exact", "partial", "initial"])
def test_param_match_modes(lab, vigild, work, procs, mode, count):
    path = binary(work, "vp")
    for args in (("300",), ("300", "1"), ("3000",), ("1", "300")):
        start(procs, path, *args)
    other = binary(work, "vp", "elsewhere")        # same name, another path: never
    start(procs, other, "300")
    lines = [mode] if mode else []
    d = daemon(lab, vigild, tracker("tp", f"{path} 300", *lines, "weight 30"))
    assert d.wait_log(f"Track process tp: {count} running, quorum reached"), d.output()


def test_bare_param_match_wants_no_arguments(lab, vigild, work, procs):
    """param_match without parameters: the process must have none. sleep
    needs one, so a running sleep does not count; the name alone does."""
    path = binary(work, "vb")
    start(procs, path)
    d = daemon(lab, vigild, tracker("tb", path, "param_match", "weight 30")
               + tracker("tn", os.path.basename(path), "weight 30"), names=("tb", "tn"))
    assert d.wait_log("Track process tb: 0 running, quorum lost"), d.output()
    assert d.wait_log("Track process tn: 1 running, quorum reached"), d.output()


def test_full_command_matches_the_path(lab, vigild, work, procs):
    """full_command: argv[0] must be the configured path; two binaries of one
    name in two directories count once by path, twice by name."""
    path = binary(work, "vc")
    other = binary(work, "vc", "elsewhere")
    start(procs, path, "300")
    start(procs, other, "300")
    d = daemon(lab, vigild, tracker("tp", path, "full_command", "weight 30")
               + tracker("tn", os.path.basename(path), "weight 10"), names=("tp", "tn"))
    assert d.wait_log("Track process tp: 1 running, quorum reached"), d.output()
    assert d.wait_log("Track process tn: 2 running, quorum reached"), d.output()
    assert d.wait_log("to 140"), d.output()


def test_long_process_name_is_told_apart_by_argv0(lab, vigild, work, procs):
    """A name longer than the 15 characters the kernel keeps: comm holds its
    start, argv[0] tells it from another name with the same start."""
    long_name = f"vlongprocessname{TAG}"
    assert len(long_name) > 15
    path = os.path.join(work, long_name)
    shutil.copy("/bin/sleep", path)
    twin = os.path.join(work, long_name[:15] + "twin")
    shutil.copy("/bin/sleep", twin)
    start(procs, path)
    start(procs, twin)
    d = daemon(lab, vigild, tracker("tp", long_name, "weight 30"))
    assert d.wait_log("Track process tp: 1 running, quorum reached"), d.output()


def test_weight_reverse_turns_the_sign(lab, vigild, work, procs):
    """weight 30 reverse: keepalived subtracts the weight while the quorum
    is there (as it does for track_script), and adds nothing without it."""
    path = binary(work, "vr")
    p = start(procs, path)
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "weight 30 reverse"))
    assert d.wait_log("Changing effective priority from 100 to 70"), d.output()
    kill(p)
    assert d.wait_log("Changing effective priority from 70 to 100", 3), d.output()


def state_of(p):
    with open(f"/proc/{p.pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test_an_unreaped_process_does_not_count(lab, vigild, work, procs):
    """A killed process whose parent has not reaped it (a zombie, as nginx's
    workers are for a moment after a kill -9 of the group) keeps its /proc
    entry and name; it is not running, and the quorum is lost at once, not
    when the parent gets round to wait()."""
    path = binary(work, "vz")
    p = subprocess.Popen([path, "300"])
    d = daemon(lab, vigild, tracker("tp", os.path.basename(path), "weight 30"))
    try:
        assert d.wait_log("Track process tp: 1 running, quorum reached"), d.output()
        p.kill()                      # not waited for: a zombie until p.wait()
        assert wait_for(lambda: state_of(p) == "Z", 2)
        assert d.wait_log("Track process tp: 0 running, quorum lost", 3), d.output()
        assert state_of(p) == "Z", "the test reaped the process too early to show anything"
    finally:
        p.kill()
        p.wait()
