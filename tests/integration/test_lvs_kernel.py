"""The kernel side of LVS across directors (issue 16), on the host with the
IPVS dry-run backend (the host's kernel has no IPVS): lvs_sync_daemon and
its deprecated instance form are accepted, the supervisor starts the
kernel's sync daemon as backup and moves it to master and back as the VRRP
instance it follows changes state (read from its "IPVS (dry run): ..."
lines), and the IPVS sysctls are written when the check worker opens
IPVS. Drift repair needs a table someone else can change: tested in the
VM (tests/vm/scenarios/62_lvs_drift.sh)."""
import json
import subprocess

from lab import wait_for
from test_check_worker import listen, start, vs_conf
from vrrp import Daemon, has_addr, instance

VIP = "10.231.0.100"
SYNCD = "  lvs_sync_daemon eth0 VI_1 id 7 port 8849\n"


def conf(prio, globals_=SYNCD, extra=""):
    return f"global_defs {{\n{globals_}}}\n" + instance(prio=prio, extra=extra)


def dry(kind, state, syncid=7, port=" port 8849"):
    return f"IPVS (dry run): {kind} sync daemon {state} on eth0 syncid {syncid}{port}"


def lines_in_order(out, *lines):
    at = -1
    for ln in lines:
        nxt = out.find(ln, at + 1)
        if nxt < 0:
            return False
        at = nxt
    return True


def test_keywords_accepted_at_config_test(vigild, tmp_path):
    p = tmp_path / "k.conf"
    p.write_text(conf(100, SYNCD + "  lvs_expire_nodest_conn\n  lvs_expire_quiescent_template\n"
                      "  lvs_drift_check 5\n", extra="  lvs_sync_daemon_interface eth1\n"))
    r = subprocess.run([vigild, "-t", "-f", str(p)], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    assert "lvs_sync_daemon_interface against a vrrp is deprecated" in r.stderr
    assert "already been specified as eth0 - ignoring" in r.stderr
    assert "not implemented" not in r.stderr and "not supported" not in r.stderr, r.stderr
    r = subprocess.run([vigild, "--dump-config", "-f", str(p)], capture_output=True, text=True, timeout=10)
    g = json.loads(r.stdout)["global_defs"]
    assert g["lvs_sync_daemon"] == {"interface": "eth0", "instance": "VI_1", "syncid": 7, "maxlen": 0,
                                    "port": 8849, "ttl": 0, "group": None}, g
    assert g["lvs_expire_nodest_conn"] is True and g["lvs_expire_quiescent_template"] is True
    assert g["lvs_drift_check"] == 5


def test_sync_daemon_follows_the_vrrp_instance(lab, vigild):
    a, b, _ = lab.hosts
    da = Daemon(a, vigild, conf(150), args=["--dry-run"])
    assert wait_for(lambda: has_addr(a, VIP), 10), da.output()
    assert da.wait_log(dry("start", "master")), da.output()
    # started as backup, the backup stopped before the master started
    assert lines_in_order(da.output(), dry("start", "backup"), dry("stop", "backup"), dry("start", "master"))
    db = Daemon(b, vigild, conf(100), args=["--dry-run"])
    assert db.wait_log("Entering BACKUP STATE"), db.output()
    assert db.wait_log(dry("start", "backup")), db.output()
    assert dry("start", "master") not in db.output()
    # the master goes: the backup takes over, its sync daemon with it
    da.stop()
    assert dry("stop", "master") in da.output(), da.output()
    assert wait_for(lambda: has_addr(b, VIP), 10), db.output()
    assert db.wait_log(dry("start", "master")), db.output()
    assert lines_in_order(db.output(), dry("start", "backup"), dry("stop", "backup"), dry("start", "master"))


def test_deprecated_instance_form_follows_its_instance(lab, vigild):
    a, _, _ = lab.hosts
    d = Daemon(a, vigild, instance(prio=150, extra="  lvs_sync_daemon_interface eth0\n"), args=["--dry-run"])
    assert wait_for(lambda: has_addr(a, VIP), 10), d.output()
    # the sync id is the VRID, the port the kernel's
    assert d.wait_log(dry("start", "master", 51, "")), d.output()


def test_ipvs_sysctls_written_when_ipvs_opens(lab, vigild):
    a, b, _ = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b], globals_="  lvs_expire_nodest_conn\n  lvs_expire_quiescent_template off\n"))
    assert d.wait_log("IPVS (dry run): sysctl net.ipv4.vs.expire_nodest_conn = 1"), d.output()
    assert "IPVS (dry run): sysctl net.ipv4.vs.expire_quiescent_template = 0" in d.output()
