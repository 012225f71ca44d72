"""The service-failover benchmark's ground: nodes with a process table of
their own (bench/benchlib.PidNode), so that a tracker on one node sees only
that node's nginx, and the client's error window it reports. No timing is
asserted."""
import json
import os
import signal
import subprocess
import sys

from lab import wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from benchlib import NodeDaemon, PidNode  # noqa: E402
from service_failover import conf, longest_error_window  # noqa: E402
from vrrp import has_addr  # noqa: E402
from web import Nginx  # noqa: E402


def test_longest_error_window_spans_the_longest_run_of_failures():
    rows = [(1.000, "ok", "a"), (1.005, "err", "x"), (1.010, "ok", "a"),
            (1.015, "err", "x"), (1.020, "err", "x"), (1.025, "err", "x"), (1.030, "ok", "b")]
    ms, failed = longest_error_window(rows)
    assert failed == 3 and round(ms) == 20


def test_nginx_of_one_node_is_not_seen_by_pgrep_on_another(lab):
    a, b, _ = lab.hosts
    na, nb = PidNode(a), PidNode(b)
    try:
        Nginx(na)
        assert na.run("pgrep", "-x", "nginx", check=False).returncode == 0
        assert nb.run("pgrep", "-x", "nginx", check=False).returncode == 1
        assert len(na.pids_named("nginx")) >= 2 and nb.pids_named("nginx") == []
    finally:
        na.close()
        nb.close()


def test_track_process_on_a_node_loses_quorum_when_its_nginx_is_killed(lab, vigild):
    """Both nodes run nginx; killing the master's moves the VIP, which it
    could not if the master's tracker saw the backup's nginx."""
    a, b, _ = lab.hosts
    na, nb = PidNode(a), PidNode(b)
    try:
        Nginx(na), Nginx(nb)
        d1 = NodeDaemon(na, "vigil", conf("vigil", "process", 150))
        assert wait_for(lambda: has_addr(a, "10.231.0.100"), 10), d1.output()
        d2 = NodeDaemon(nb, "vigil", conf("vigil", "process", 100))
        assert d2.wait_log("Entering BACKUP STATE", 10), d2.output()
        for pid in na.pids_named("nginx"):
            os.kill(pid, signal.SIGKILL)
        assert d1.wait_log("Track process track_nginx: 0 running, quorum lost", 5), d1.output()
        assert d1.wait_log("Changing effective priority from 150 to 90", 5), d1.output()
        assert wait_for(lambda: has_addr(b, "10.231.0.100"), 5), d2.output()
        assert "Track process track_nginx: 0 running" not in d2.output()
        d1.stop()
        d2.stop()
    finally:
        na.close()
        nb.close()


def test_keepalived_track_process_failure_is_recorded_not_timed(lab, vigild):
    """keepalived's vrrp_track_process cannot run in a network namespace:
    the benchmark records its error instead of a number."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "service_failover.py"), "--trials", "1",
                        "--window-trials", "0", "--impl", "keepalived"], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "VIGILD": vigild})
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads([ln for ln in r.stdout.splitlines() if ln.startswith("{")][-1])
    row = next(x for x in doc["service"]["rows"] if x["impl"] == "keepalived" and x["tracker"] == "process")
    assert row["takeover_ms"] == [] and "process event listen" in row["error"]
