"""Logs and counters that say why (issue 11, "Logs and diagnosis"): every
transition logs its reason in keepalived's words, dropped adverts are
warned about once per reason and sender without -D, the per-interface drop
counters reach status and metrics, and a worker whose supervisor was
SIGKILLed says so before it releases its VIPs."""
import json
import os
import re
import signal
import subprocess

import pytest

from lab import wait_for
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"

# A VRRPv3 IPv4 advert sent from inside a lab host, raw (IP protocol 112),
# with the RFC 5798 pseudo-header checksum, or a wrong one.
INJECT = r"""
import socket, struct, sys
src, vrid, prio, bad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
dst = "224.0.0.18"
vips = b"".join(socket.inet_aton(a) for a in sys.argv[5:])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
msg = struct.pack("!BBBBHH", 0x31, vrid, prio, len(vips) // 4, 10, 0) + vips
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(msg))
c = csum(pseudo + msg) ^ (0x5a5a if bad else 0)
msg = msg[:6] + struct.pack("!H", c) + msg[8:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
s.sendto(msg, (dst, 0))
"""


def inject(host, vrid=51, prio=50, bad_checksum=False, vips=(VIP,)):
    host.run("python3", "-c", INJECT, host.ipv4, str(vrid), str(prio), "1" if bad_checksum else "0", *vips)


class Quiet(Daemon):
    """vigild as an operator runs it: -l, but without -D, so that only what
    is logged by default shows."""

    def __init__(self, host, binary, conf_text):
        self.host, self.kind = host, "vigil"
        self.dir = host.lab.tempdir(f"vigil-{host.name}-", 0o700)
        self.conf = os.path.join(self.dir, "vrrp.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.socket = os.path.join(self.dir, "ctl.sock")
        cmd = [binary, "-n", "-l", "-f", self.conf, "-p", os.path.join(self.dir, "main.pid"),
               "-r", os.path.join(self.dir, "vrrp.pid"), "-c", os.path.join(self.dir, "check.pid"),
               "--control-socket", self.socket]
        self.proc = subprocess.Popen(["ip", "netns", "exec", host.name, *cmd], stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        host.lab.procs.append(self.proc)


def status(d):
    return json.loads(d.ctl("status", "--json").stdout)["status"]


def lines_with(d, *words):
    return [line for line in d.output().splitlines() if all(w in line for w in words)]


def before(d, first, then):
    """The first line containing `first` is followed at once by one containing `then`."""
    lines = d.output().splitlines()
    i = next((k for k, line in enumerate(lines) if first in line), None)
    return i is not None and i + 1 < len(lines) and then in lines[i + 1]


def test_transitions_say_why_in_keepalived_words(lab, vigild):
    a, b, c = lab.hosts
    db = Quiet(b, vigild, instance(prio=100))
    assert wait_for(lambda: has_addr(b, VIP), 5), db.output()
    assert before(db, "(VI_1) Receive advertisement timeout (Master_Down timer expired)",
                  "(VI_1) Entering MASTER STATE"), db.output()
    # a lower-priority master appears: the master says so and answers
    inject(c, prio=50)
    assert db.wait_log(f"(VI_1) Received advert from {c.ipv4} with lower priority 50, ours 100, "
                       "forcing new election", 3), db.output()
    # a better one appears: the master names it, with both priorities
    da = Quiet(a, vigild, instance(prio=150))
    assert db.wait_log(f"(VI_1) Master received advert from {a.ipv4} with higher priority 150, ours 100", 5), \
        db.output()
    assert before(db, "with higher priority 150", "(VI_1) Entering BACKUP STATE"), db.output()
    # it resigns (graceful stop, priority 0): the backup says why it takes over
    da.stop()
    assert db.wait_log("(VI_1) Backup received priority 0 advertisement", 3), db.output()
    assert db.wait_log("(VI_1) Receive advertisement timeout (Master_Down timer expired after a priority 0 "
                       "advert)", 3), db.output()
    assert wait_for(lambda: has_addr(b, VIP), 3)


def test_fault_names_the_failing_script(lab, vigild):
    a, _, _ = lab.hosts
    work = lab.tempdir("vigil-diag-")
    flag, chk = os.path.join(work, "up"), os.path.join(work, "chk.sh")
    open(flag, "w").close()
    with open(chk, "w") as f:
        f.write(f"#!/bin/sh\ntest -e {flag}\n")
    os.chmod(chk, 0o755)
    conf = (f'vrrp_script chk_nginx {{\n  script "{chk}"\n  interval 0.1\n}}\n'
            + instance(prio=150, extra="  track_script {\n    chk_nginx\n  }\n"))
    d = Quiet(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    os.unlink(flag)
    assert d.wait_log("(VI_1) Entering FAULT STATE", 3), d.output()
    assert lines_with(d, "VRRP_Script(chk_nginx) failed (exited with status 1)"), d.output()
    assert before(d, "(VI_1) fault: VRRP_Script(chk_nginx) failed", "(VI_1) Entering FAULT STATE"), d.output()
    assert not has_addr(a, VIP)
    open(flag, "w").close()
    assert d.wait_log("(VI_1) fault cleared", 3), d.output()


def test_fault_names_the_interface(lab, vigild):
    a, _, _ = lab.hosts
    d = Quiet(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    a.run("ip", "link", "set", "eth0", "down")
    assert d.wait_log("(VI_1) Entering FAULT STATE", 3), d.output()
    assert len(lines_with(d, "Netlink reports eth0 down")) == 1, d.output()
    assert before(d, "(VI_1) fault: interface eth0 is down", "(VI_1) Entering FAULT STATE"), d.output()
    a.run("ip", "link", "set", "eth0", "up")
    assert d.wait_log("Netlink reports eth0 up", 3), d.output()


def test_auth_mismatch_split_brain_is_one_warning_per_node(lab, vigild):
    """One node with PASS authentication, one without: each drops the
    other's adverts, both become MASTER, and each log has exactly one
    warning for it, naming keepalived's reason and the peer, however many
    adverts were dropped (repeats wait for the once-a-minute summary)."""
    a, b, _ = lab.hosts
    auth = "  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"
    da = Quiet(a, vigild, instance(prio=150, version=2, advert=1, extra=auth))
    db = Quiet(b, vigild, instance(prio=100, version=2, advert=1))
    assert wait_for(lambda: has_addr(a, VIP) and has_addr(b, VIP), 8), (da.output(), db.output())

    def drops(d):
        return status(d)["instances"][0]["counters"]["drops"]["auth_type_mismatch"]
    assert wait_for(lambda: drops(da) >= 3 and drops(db) >= 3, 8)
    warn_a = lines_with(da, "(VI_1) received a 0 auth, expecting 1!", f"advert from {b.ipv4}")
    warn_b = lines_with(db, "(VI_1) received a 1 auth, expecting 0!", f"advert from {a.ipv4}")
    assert len(warn_a) == 1 and "auth_type_mismatch" in warn_a[0], da.output()
    assert len(warn_b) == 1 and "auth_type_mismatch" in warn_b[0], db.output()
    assert len(lines_with(da, "dropped:")) == 1 and len(lines_with(db, "dropped:")) == 1


def metrics(host, port):
    return host.run("curl", "-s", f"http://127.0.0.1:{port}/metrics").stdout


def test_interface_drops_reach_status_and_metrics(lab, vigild):
    a, _, c = lab.hosts
    conf = "global_defs {\n  metrics_listen 127.0.0.1:9165\n}\n" + instance(prio=150)
    d = Quiet(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    inject(c, prio=200, bad_checksum=True)
    inject(c, vrid=99, prio=200)
    inject(c, vrid=99, prio=200)

    def counters():
        ifs = status(d).get("interfaces", [])
        return ifs[0]["counters"] if ifs and ifs[0]["name"] == "eth0" else {}
    assert wait_for(lambda: counters().get("bad_checksum") == 1 and counters().get("unknown_vrid") == 2, 3), \
        status(d)
    assert counters()["bad_ip_header"] == 0 and counters()["bad_ah"] == 0
    # the corrupted advert did not move anyone
    assert has_addr(a, VIP)
    # the VRID byte names the instance it was meant for, in the warning
    assert len(lines_with(d, "(VI_1) bad checksum", f"advert from {c.ipv4}", "bad_checksum")) == 1, d.output()
    text = metrics(a, 9165)
    assert 'vigil_vrrp_interface_drops_total{interface="eth0",reason="bad_checksum"} 1' in text, text
    assert 'vigil_vrrp_interface_drops_total{interface="eth0",reason="unknown_vrid"} 2' in text, text


def test_sigkilled_supervisor_worker_says_so_and_releases_the_vips(lab, vigild):
    a, _, _ = lab.hosts
    d = Quiet(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    main, worker = d.pid("main"), d.pid("vrrp")
    assert main and worker and main != worker
    os.kill(main, signal.SIGKILL)
    assert d.wait_log(f"supervisor (pid {main}) is gone; stopping", 3), d.output()
    assert "Stopping (signal 15)" not in d.output()
    assert wait_for(lambda: not has_addr(a, VIP), 3), d.output()
    assert wait_for(lambda: not os.path.exists(f"/proc/{worker}"), 3), d.output()


def test_fault_names_the_track_file(lab, vigild):
    a, _, _ = lab.hosts
    work = lab.tempdir("vigil-diag-", 0o700)
    path = os.path.join(work, "state")
    conf = (f"track_file tf {{\n  file {path}\n  weight 0\n  init_file 0 overwrite\n}}\n"
            + instance(prio=150, extra="  track_file {\n    tf\n  }\n"))
    d = Quiet(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    with open(path, "w") as f:
        f.write("3\n")
    assert d.wait_log("(VI_1) Entering FAULT STATE", 3), d.output()
    assert before(d, "(VI_1) fault: track_file tf has value 3", "(VI_1) Entering FAULT STATE"), d.output()


def test_graceful_stop_is_not_a_lost_supervisor(lab, vigild):
    a, _, _ = lab.hosts
    d = Quiet(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    d.stop()
    assert "Stopping (signal 15)" in d.output() and "is gone" not in d.output(), d.output()


# ---- the docs name what the code emits ---------------------------------------------------

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def source(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def docs():
    return source("doc/operations.md") + source("doc/tracking-and-notify.md")


def test_docs_name_every_metric_and_drop_reason_in_the_source():
    """Every metric name the renderers can emit, and every drop reason a
    metric's `reason` label can carry, is in doc/operations.md (no root,
    no daemon: it reads the source)."""
    ops = source("doc/operations.md")
    renderers = ("src/daemon/metrics.c", "src/vrrp/metrics.c", "src/check/metrics.c")  # the supervisor's series, each worker kind's
    names = set(re.findall(r'"((?:keepalived|vigil)_[a-z0-9_]+)', "".join(source(f) for f in renderers)))
    assert len(names) > 20, names
    assert [n for n in sorted(names) if f"`{n}`" not in ops] == []
    reasons = set(re.findall(r'\[DROP_[A-Z_]+\] = "([a-z_]+)"', source("src/vrrp/instance.c")))
    reasons |= set(re.findall(r'\[VRRP_DEC_[A-Z_]+\] = "([a-z_]+)"', source("src/vrrp/packet.c"))) - {"ok"}
    reasons |= set(re.findall(r'json_object_set_new\(c, "([a-z_]+)"', source("src/vrrp/status.c")))
    assert {"bad_checksum", "unknown_vrid", "auth_failure", "bad_ah"} <= reasons, reasons
    assert [r for r in sorted(reasons) if f"`{r}`" not in ops] == []


# Fixed parts of the log lines operators grep for: each must be in the
# source (a format string) and in the docs.
LOG_LINES = (
    "Entering MASTER STATE", "Entering FAULT STATE", "Receive advertisement timeout (Master_Down timer expired)",
    "Master received advert from", "with higher priority", "with same priority",
    "but higher IP address than ours", "Received advert from", "with lower priority",
    ", forcing new election", "Backup received priority 0 advertisement", "Master received priority 0 message",
    "fault cleared", "no master for Master_Down_Interval; taking over although demoted",
    "by the operator", "still demoted by the operator", "is no longer configured; its demote is forgotten",
    "virtual address", "was removed; forcing a new election", "Changing effective priority from",
    "failed (exited with status", "exited due to signal", "could not be started", "timed_out",
    "now returning", "is already running, expect idle - skipping run", "Disabling track script",
    "Tracked interface", "Tracked file", "Track process", "running, quorum", "Netlink reports",
    "another member of sync group", "no source address on the interface", "no unicast peer",
    "going MASTER with its sync group", "leaving MASTER with its sync group",
    "auth, expecting", "received an invalid passwd!", "advertisement interval mismatch mine=",
    "invalid TTL/HL. Received", "Expected %sicast packet but received %sicast packet",
    "advert from an address not in unicast_peer", "Received AH header but auth type not AH",
    "No AH header but auth type is AH", "IPSEC-AH : invalid IPSEC HMAC-MD5 value",
    "IPSEC-AH : malformed AH header or SPI", "vrrp packet too short, length",
    "does not match its address count", "advertisement interval 0 is invalid", "bad IP header",
    "more from %s in the last %lld s", "further new ones are summarised together",
    "more dropped adverts from other senders in the last", "daemon is already running",
    "is locked by another vigild", "is gone; stopping", "Stopping (signal", "%s started (pid",
    "has errors; the running configuration stays", "was deleted; its instances stay in FAULT until it is created again",
    "was deleted; without dynamic_interfaces its instances stay in FAULT", "appeared (index",
)


def test_docs_list_the_log_lines_the_source_writes():
    """Each line of LOG_LINES is written by the source and listed in
    doc/operations.md or doc/tracking-and-notify.md (the parts between
    the format's conversions, with the doc's line wrapping undone)."""
    src = "".join(source(os.path.join(d, f)) for d in ("src/vrrp", "src/daemon")
                  for f in os.listdir(os.path.join(ROOT, d)) if f.endswith(".c"))
    src = re.sub(r'"\s*\n\s*"', "", src)  # C string literals continued on the next line
    text = re.sub(r"\s+", " ", docs())
    assert [line for line in LOG_LINES if line not in src] == []
    parts = {line: [p for p in re.split(r"%(?:ll|l|z)?[sdu]", line) if p.strip()] for line in LOG_LINES}
    assert [line for line in LOG_LINES if not all(p in text for p in parts[line])] == []


def test_docs_name_every_metric_a_scrape_shows(lab, vigild):
    """A scrape of a daemon with a script tracker: every metric family it
    serves and every `reason` label value is in doc/operations.md."""
    a, _, _ = lab.hosts
    conf = ("global_defs {\n  metrics_listen 127.0.0.1:9165\n}\n"
            'vrrp_script chk {\n  script "/bin/true"\n  interval 1\n}\n'
            + instance(prio=150, extra="  track_script {\n    chk\n  }\n"))
    d = Quiet(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    text = metrics(a, 9165)
    families = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    assert {"vigil_vrrp_interface_drops_total", "vigil_script_runs_total", "keepalived_vrrp_state"} <= families
    reasons = set(re.findall(r'reason="([a-z_]+)"', text))
    assert {"bad_checksum", "unknown_vrid", "auth_type_mismatch"} <= reasons, text
    ops = source("doc/operations.md")
    assert [f for f in sorted(families) if f"`{f}`" not in ops] == []
    assert [r for r in sorted(reasons) if f"`{r}`" not in ops] == []


def test_fault_names_the_track_process(lab, vigild):
    """A tracked process that dies: status names it in fault_reasons with its
    count, and the log says why before the FAULT, without -D."""
    import shutil
    a, _, _ = lab.hosts
    work = lab.tempdir("vigil-diag-", 0o700)
    name = f"vdp{os.getpid() % 100000}"
    binary = os.path.join(work, name)
    shutil.copy("/bin/sleep", binary)
    proc = subprocess.Popen([binary, "300"])
    try:
        conf = (f"vrrp_track_process tp {{\n  process {name}\n  weight 0\n}}\n"
                + instance(prio=150, extra="  track_process {\n    tp\n  }\n"))
        d = Quiet(a, vigild, conf)
        assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
        proc.kill()
        proc.wait()
        assert d.wait_log("(VI_1) Entering FAULT STATE", 3), d.output()
        assert before(d, "(VI_1) fault: track_process tp: 0 running, quorum lost", "(VI_1) Entering FAULT STATE"), \
            d.output()
        vi = status(d)["instances"][0]
        assert {"kind": "process", "name": "tp", "detail": "0 running, quorum lost", "effect": "fault"} \
            in vi["fault_reasons"], vi
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("ending, said", [("kill -9 $$", "exited due to signal 9"),
                                           ("exit 137", "exited with status 137")])
def test_script_killed_by_a_signal_is_said_alike_in_log_and_status(lab, vigild, ending, said):
    """One wording, keepalived's, for a script ended by a signal; a script
    that exits 137 itself was not killed, and neither place says so."""
    a, _, _ = lab.hosts
    work = lab.tempdir("vigil-diag-")
    flag, chk = os.path.join(work, "up"), os.path.join(work, "chk.sh")
    open(flag, "w").close()
    with open(chk, "w") as f:
        f.write(f"#!/bin/sh\ntest -e {flag} || {ending}\n")
    os.chmod(chk, 0o755)
    conf = (f'vrrp_script chk {{\n  script "{chk}"\n  interval 0.1\n}}\n'
            + instance(prio=150, extra="  track_script {\n    chk\n  }\n"))
    d = Quiet(a, vigild, conf)
    assert wait_for(lambda: has_addr(a, VIP), 5), d.output()
    os.unlink(flag)
    assert d.wait_log("(VI_1) Entering FAULT STATE", 3), d.output()
    assert lines_with(d, f"VRRP_Script(chk) failed ({said})"), d.output()
    vi = status(d)["instances"][0]
    assert any(r["name"] == "chk" and r["detail"] == said for r in vi["fault_reasons"]), vi
