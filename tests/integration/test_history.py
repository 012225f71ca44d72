"""vigilctl events keeps what an operator did, as vigilctl(8) says: demotions,
promotions and reloads (applied or refused) beside the transitions; and
`vigilctl status` says how the last reload went."""
import json
import subprocess

from lab import wait_for
from vrrp import VIGILCTL, Daemon, has_addr, instance

VIP = "10.231.0.100"


def events(d, *args, count):
    r = subprocess.run([VIGILCTL, "-s", d.socket, "--json", "events", *args, "--count", str(count)],
                       capture_output=True, text=True, timeout=5)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_demote_promote_and_reloads_are_in_the_event_history(lab, vigild):
    a, _, _ = lab.hosts
    da = Daemon(a, vigild, instance(prio=150))
    assert wait_for(lambda: has_addr(a, VIP), 3), da.output()
    da.ctl("demote", "VI_1")
    assert da.wait_log("(VI_1) demoted by the operator"), da.output()
    da.ctl("promote", "VI_1")
    assert da.wait_log("(VI_1) promoted by the operator"), da.output()
    da.ctl("reload")
    with open(da.conf, "a") as f:
        f.write("frobnicate {\n}\n")
    assert da.ctl("reload", check=False).returncode != 0
    last = events(da, "-n", "1", count=1)
    assert last[0]["event"] == "reload" and last[0]["ok"] is False, last
    history = events(da, "--since", "0", count=last[0]["seq"])
    kinds = [e["event"] for e in history if e["event"] != "transition"]
    assert [k for k in kinds if k in ("demote", "promote", "reload")] == ["demote", "promote", "reload", "reload"], \
        history
    dem = next(e for e in history if e["event"] == "demote")
    assert dem["name"] == "VI_1"
    assert [e["ok"] for e in history if e["event"] == "reload"] == [True, False]
    # the text forms
    r = subprocess.run([VIGILCTL, "-s", da.socket, "events", "--since", "0", "--count", str(last[0]["seq"])],
                       capture_output=True, text=True, timeout=5)
    assert "VI_1 demoted by the operator" in r.stdout and "reload refused" in r.stdout, r.stdout
    st = da.ctl("status").stdout
    assert "last reload" in st and "refused, the configuration has errors (2 reloads, 1 refused)" in st, st
