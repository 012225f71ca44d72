"""Live control of real servers (issue 16): `vigilctl drain|enable|disable
VS RS` through the IPVS dry-run backend, whose "IPVS (dry run): ..." lines
show what the kernel would be told; the overrides in `status` and `show
vs`, kept across a reload and a restart of the check worker, each one an
event."""
import json
import os
import signal

from lab import wait_for
from test_check_worker import VIP, add_dest, count, del_dest, dry_lines, listen, start, status, vs_conf

VS = f"[{VIP}]:tcp:80"


def edit(h, w):
    return f"edit dest TCP {VIP}:80 -> {h.ipv4}:8080 masq w{w}"


def rs_of(d, h):
    vs = status(d)["check"]["virtual_servers"][0]
    return {r["address"]: r for r in vs["real_servers"]}[h.ipv4]


def two_up(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, vs_conf([b, c]))
    assert wait_for(lambda: count(d, add_dest(b)) == 1 and count(d, add_dest(c)) == 1, 10), d.output()
    return d, b, c


def test_drain_sets_weight_0_and_enable_restores(lab, vigild):
    d, b, c = two_up(lab, vigild)
    r = d.ctl("drain", VS, f"{b.ipv4}:8080")
    assert f"drain [{b.ipv4}]:tcp:8080 of VS {VS}: drained" in r.stdout, r.stdout
    assert wait_for(lambda: count(d, edit(b, 0)) == 1, 5), dry_lines(d)
    rs = rs_of(d, b)
    assert rs["admin"] == "drained" and rs["in_table"] and rs["effective_weight"] == 0, rs
    assert rs["configured_weight"] == 1 and rs["alive"], rs
    assert f"Draining real server [{b.ipv4}]:tcp:8080 of VS {VS} (operator)" in d.output()
    text = d.ctl("status").stdout
    assert "drained" in text and "IPVS dry run: the kernel's counters are not available" in text, text
    d.ctl("enable", f"{VIP}:80", b.ipv4)
    assert wait_for(lambda: count(d, edit(b, 1)) == 1, 5), dry_lines(d)
    assert rs_of(d, b)["admin"] == "active"
    # undrain is enable's alias
    d.ctl("drain", VS, b.ipv4)
    assert wait_for(lambda: count(d, edit(b, 0)) == 2, 5), dry_lines(d)
    d.ctl("undrain", VS, b.ipv4)
    assert wait_for(lambda: count(d, edit(b, 1)) == 2, 5), dry_lines(d)


def test_disable_deletes_the_dest_and_events_list_each(lab, vigild):
    d, b, c = two_up(lab, vigild)
    d.ctl("disable", VS, b.ipv4)
    assert wait_for(lambda: count(d, del_dest(b)) == 1, 5), dry_lines(d)
    rs = rs_of(d, b)
    assert rs["admin"] == "disabled" and not rs["in_table"] and rs["effective_weight"] is None, rs
    d.ctl("enable", VS, b.ipv4)
    assert wait_for(lambda: count(d, add_dest(b)) == 2, 5), dry_lines(d)
    evs = [json.loads(l) for l in d.ctl("events", "-j", "-n", "2", "--count", "2").stdout.splitlines() if l.strip()]
    admin = [(e["action"], e["admin"]) for e in evs if e.get("event") == "rs_admin"]
    assert admin == [("disable", "disabled"), ("enable", "active")], evs
    assert evs[-1]["vs"] == VS and evs[-1]["rs"] == f"[{b.ipv4}]:tcp:8080", evs
    text = d.ctl("events", "-n", "2", "--count", "2").stdout
    assert f"disable real server [{b.ipv4}]:tcp:8080 of VS {VS} by the operator: now disabled" in text, text


def test_drain_of_a_dead_server_keeps_it_out(lab, vigild):
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b, c]))
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 10), d.output()
    adds = count(d, add_dest(c))
    r = d.ctl("drain", VS, c.ipv4)
    assert "its checks are failing: it stays out of the table" in r.stdout, r.stdout
    rs = rs_of(d, c)
    assert rs["admin"] == "drained" and not rs["in_table"], rs
    assert count(d, add_dest(c)) == adds and count(d, f"add dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w0") == 0


def test_unknown_names_are_refused_naming_what_exists(lab, vigild):
    d, b, c = two_up(lab, vigild)
    r = d.ctl("drain", "10.9.9.9:80", b.ipv4, check=False)
    assert r.returncode == 1 and f"no virtual server '10.9.9.9:80'; configured: {VS}" in r.stderr, r
    r = d.ctl("drain", VS, "10.9.9.9", check=False)
    assert r.returncode == 1 and f"no real server '10.9.9.9' in VS {VS}; it has: [{b.ipv4}]:tcp:8080" in r.stderr, r
    r = d.ctl("show", "vs", "nope", check=False)
    assert r.returncode == 1 and "no virtual server 'nope'" in r.stderr, r


def test_show_vs_and_json_keys(lab, vigild):
    d, b, c = two_up(lab, vigild)
    for name in (VS, f"{VIP}:80", f"[{VIP}]:80"):
        ans = json.loads(d.ctl("show", "vs", name, "-j").stdout)
        assert ans["ok"] and ans["virtual_server"]["name"] == VS, ans
    vs = ans["virtual_server"]
    for k in ("quorum_state", "alive_weight", "quorum", "hysteresis", "sorry_server_in_use", "real_servers"):
        assert k in vs, vs
    rs = vs["real_servers"][0]
    for k in ("health", "configured_weight", "effective_weight", "in_table", "admin", "last_result", "last_detail",
              "latency", "last_change", "kernel"):
        assert k in rs, rs
    assert rs["kernel"] is None and ans["ipvs"]["kernel_counters"] is False, ans
    assert wait_for(lambda: rs_of(d, b)["last_result"] == "success", 5)
    text = d.ctl("show", "vs", VS).stdout
    assert f"VS {VS}: quorum up" in text and f"[{b.ipv4}]:tcp:8080" in text and "none (dry run)" in text, text


def test_override_kept_across_reload_and_dropped_when_removed(lab, vigild):
    d, b, c = two_up(lab, vigild)
    d.ctl("drain", VS, b.ipv4)
    assert wait_for(lambda: count(d, edit(b, 0)) == 1, 5), dry_lines(d)
    changed = rs_of(d, b)["last_change"]
    with open(d.conf, "a") as f:
        f.write("\n")
    d.ctl("reload")
    assert d.wait_log("Reloaded: 1 virtual server"), d.output()
    assert rs_of(d, b)["admin"] == "drained"
    assert rs_of(d, b)["last_change"] == changed  # the reload kept its health and its time
    assert count(d, edit(b, 1)) == 0, dry_lines(d)
    with open(d.conf, "w") as f:
        f.write(vs_conf([c]))
    d.ctl("reload")
    assert d.wait_log(f"Dropping the operator's drained of real server [{b.ipv4}]:tcp:8080 of VS {VS}: "
                      "no longer configured"), d.output()
    with open(d.conf, "w") as f:
        f.write(vs_conf([b, c]))
    d.ctl("reload")
    assert wait_for(lambda: count(d, add_dest(b)) == 2, 10), dry_lines(d)
    assert rs_of(d, b)["admin"] == "active"


def test_override_survives_a_check_worker_restart(lab, vigild):
    d, b, c = two_up(lab, vigild)
    d.ctl("disable", VS, c.ipv4)
    d.ctl("drain", VS, b.ipv4)
    assert wait_for(lambda: count(d, edit(b, 0)) == 1 and count(d, del_dest(c)) == 1, 5), dry_lines(d)
    first = d.pid("check")
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: d.pid("check") not in (None, 0, first), 10), d.output()
    # the dry run's table starts empty in the new worker: it adds b at weight 0, not c
    assert wait_for(lambda: count(d, f"add dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w0") == 1, 10), dry_lines(d)
    assert d.wait_log(f"Restoring the operator's drained of real server [{b.ipv4}]:tcp:8080 of VS {VS}"), d.output()
    assert count(d, add_dest(c)) == 1, dry_lines(d)
    assert rs_of(d, b)["admin"] == "drained" and rs_of(d, c)["admin"] == "disabled"
