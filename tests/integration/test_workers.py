"""The supervisor's worker table (issue 12): which workers run (-P, -C,
virtual_server-only files), the table in the status, and parse once: the
worker parses the bytes the supervisor validated and never opens the
configuration's files itself."""
import json
import os
import signal
import subprocess

from lab import wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"

VS = """virtual_server 10.231.0.200 80 {
  delay_loop 6
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 10.231.0.2 80 {
    weight 1
  }
}
"""


def status(d):
    return json.loads(d.ctl("status", "--json").stdout)


def kinds(st):
    return {w["kind"]: w for w in st["workers"]}


def test_status_lists_the_worker_table(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    st = status(d)
    w = kinds(st)
    assert w["vrrp"]["running"] and w["vrrp"]["pid"] == d.pid("vrrp") and w["vrrp"]["restarts"] == 0
    assert w["check"]["running"] is False and w["check"]["pid"] == 0
    assert st["check"] is None
    # today's shape stays: "status" is the VRRP worker's, "worker" its slot
    assert st["status"]["instances"][0]["name"] == "VI_1" and st["worker"]["pid"] == d.pid("vrrp")


def test_virtual_server_only_file_starts_no_vrrp_worker(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS, args=["--dry-run"])     # the host's kernel has no IPVS
    assert d.wait_log("the VRRP worker is not started"), d.output()
    assert d.wait_log("health checker started"), d.output()
    st = status(d)
    assert kinds(st)["vrrp"]["running"] is False and st["status"] is None
    assert "VRRP worker started" not in d.output()
    assert d.proc.poll() is None                      # the supervisor runs on, for a reload


def test_reload_that_adds_vrrp_instances_starts_the_vrrp_worker(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS, args=["--dry-run"])
    assert d.wait_log("the VRRP worker is not started"), d.output()
    with open(d.conf, "w") as f:
        f.write(VS + instance(prio=150))
    d.ctl("reload")
    assert d.wait_log("VRRP worker started"), d.output()
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    assert kinds(status(d))["vrrp"]["running"]


def test_P_with_virtual_servers_runs_vrrp_only(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS + instance(prio=150), args=["-P"])
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    assert "virtual_server blocks ignored: -P runs VRRP only" in d.output()
    assert "health checker started" not in d.output()


def test_P_with_only_virtual_servers_runs_nothing_and_says_so(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS, args=["-P"])
    assert d.wait_log("the VRRP worker is not started"), d.output()
    assert "VRRP worker started" not in d.output()


def test_C_runs_only_the_health_checker(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS + instance(prio=150), args=["-C", "--dry-run"])
    assert d.wait_log("health checker started"), d.output()
    assert d.wait_log("the VRRP worker is not started"), d.output()
    assert wait_for(lambda: d.pid("check"), 3), d.output()
    assert kinds(status(d))["check"]["running"] and not has_addr(a, VIP)


def test_virtual_servers_without_ipvs_stop_the_daemon_clearly(lab, vigild):
    """The host's kernel has no IPVS: without --dry-run the health checker
    cannot run, and says why, as keepalived's checker does."""
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, VS)
    assert d.proc.wait(timeout=10) != 0
    assert "IPVS family not found: is ip_vs loaded?" in d.output()
    assert "the health checker cannot run (status 1); stopping" in d.output()


def strace_openat(pid, out):
    """strace attached to pid (and its threads: the parse runs on the pool)."""
    p = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", out, "-p", str(pid)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return p


def test_reload_worker_never_opens_the_configuration(lab, vigild):
    """The worker parses the snapshot the supervisor validated (a sealed
    memfd, /proc/SUP/fd/N): neither the file nor its include is opened by
    the worker, whose reload still applies the included change."""
    a, _, _ = lab.hosts
    incdir = lab.tempdir("vigil-inc-", 0o700)
    inc = os.path.join(incdir, "vi.conf")
    with open(inc, "w") as f:
        f.write(instance(prio=150))
    d = Daemon(a, vigild, f"include {incdir}/*.conf\n")
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    worker = d.pid("vrrp")
    trace = os.path.join(d.dir, "strace.out")
    st = strace_openat(worker, trace)
    try:
        # strace is attached once it has written its first line or the
        # worker's heartbeat makes no open at all: wait for its ptrace stop
        assert wait_for(lambda: any(l.startswith("TracerPid:") and l.split()[1] != "0"
                                    for l in open(f"/proc/{worker}/status")), 5)
        with open(inc, "w") as f:
            f.write(instance(prio=120))
        d.ctl("reload")
        assert d.wait_log("Reloaded: 0 kept, 1 updated in place"), d.output()
    finally:
        os.kill(st.pid, signal.SIGTERM)
        st.wait(timeout=5)
    text = open(trace).read()
    assert d.conf not in text and incdir not in text, text
    assert "/etc/passwd" not in text, text            # the system checks are the supervisor's
    assert f"/proc/{d.pid('main')}/fd/" in text, text
    inst = status(d)["status"]["instances"][0]
    assert inst["base_priority"] == 120, inst


def mapped_libraries(pid):
    with open(f"/proc/{pid}/maps") as f:
        return {os.path.basename(line.split()[-1]) for line in f if ".so" in line}


def test_vrrp_only_daemon_maps_no_optional_library(lab, vigild):
    """PCRE2, libcurl and libcrypto are opened when a configuration needs
    them (a url regex, an HTTP check or SMTP alert, AH): a VRRP-only daemon
    pays for none of them, in either process."""
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), d.output()
    for pid in (d.pid("main") or d.proc.pid, d.pid("vrrp")):
        libs = mapped_libraries(pid)
        assert any(n.startswith("libc.so") for n in libs), libs
        optional = {n for n in libs if n.startswith(("libpcre2", "libcurl", "libcrypto", "libssl"))}
        assert optional == set(), (pid, optional)
