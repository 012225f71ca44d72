"""drain_on_remove (a vigil extension, doc/lvs/drain-on-remove.md) on the
host, through the IPVS dry-run backend: a real server a reload removes
from a virtual server that stays is first set to weight 0 ("edit dest ...
w0"), listed as leaving in `vigilctl status -j` and `vigilctl show vs`,
and deleted later. The dry run has no connection counters, so here only
the drain's time ends it (the VM scenario 63_lvs_drain_on_remove.sh has
the kernel's). Put back before that, it is a normal server again with its
state; a whole virtual server removed goes at once; without the keyword a
removed server is one delete (test_lvs_reload.py)."""
import json
import subprocess

from lab import wait_for
from test_check_worker import VIP, add_dest, count, del_dest, dry_lines, listen, start, status
from test_lvs_reload import checked, conf, reload, rs_block, servers

VS = f"[{VIP}]:tcp:80"


def w0(h):
    return f"edit dest TCP {VIP}:80 -> {h.ipv4}:8080 masq w0"


def leaving(d):
    return status(d)["check"]["virtual_servers"][0]["leaving"]


def two_up(lab, vigild, drain, globals_=""):
    a, b, c = lab.hosts
    listen(b), listen(c)
    extra = f"  drain_on_remove {drain}\n" if drain is not None else ""
    text = conf([rs_block(b), rs_block(c)], extra=extra)
    d = start(a, vigild, (f"global_defs {{\n  {globals_}\n}}\n" if globals_ else "") + text)
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    return d, b, c, extra


def test_a_removed_server_goes_to_weight_zero_then_leaves(lab, vigild):
    d, b, c, extra = two_up(lab, vigild, 3)
    lines, changes, batches = reload(d, conf([rs_block(b)], extra=extra), kept=1)
    assert lines == [w0(c)], lines            # weight 0 first: no new connection, no delete yet
    assert (changes, batches) == (1, 1)
    assert f"Removing [{c.ipv4}]:tcp:8080 from VS {VS}: weight 0 first (drain_on_remove 3 s)" in d.output()
    left = leaving(d)
    assert [(x["name"], x["state"], x["weight"]) for x in left] == [(f"[{c.ipv4}]:tcp:8080", "leaving", 0)], left
    assert [r["address"] for r in status(d)["check"]["virtual_servers"][0]["real_servers"]] == [b.ipv4]
    ans = json.loads(d.ctl("show", "vs", VS, "-j").stdout)
    assert ans["virtual_server"]["leaving"][0]["name"] == f"[{c.ipv4}]:tcp:8080", ans
    text = d.ctl("show", "vs", VS).stdout
    assert f"[{c.ipv4}]:tcp:8080" in text and "leaving" in text, text
    # no counters in the dry run: its time ends it, with a delete of its own
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 15), dry_lines(d)
    assert dry_lines(d).index(w0(c)) < dry_lines(d).index(del_dest(c))
    assert d.wait_log(f"Removing [{c.ipv4}]:tcp:8080 from VS {VS}: drain_on_remove time is up"), d.output()
    assert wait_for(lambda: leaving(d) == [], 5)
    assert count(d, del_dest(b)) == 0


def test_put_back_before_the_end_it_is_a_normal_server_with_its_state(lab, vigild):
    d, b, c, extra = two_up(lab, vigild, 60)
    before = servers(d)
    reload(d, conf([rs_block(b)], extra=extra), kept=1)
    assert len(leaving(d)) == 1
    lines, _, _ = reload(d, conf([rs_block(b), rs_block(c)], extra=extra), kept=1)
    assert lines == [f"edit dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w1"], lines
    assert f"[{c.ipv4}]:tcp:8080 of VS {VS} is back in the configuration" in d.output()
    assert leaving(d) == []
    assert servers(d) == before            # its checker's state and last result came back with it
    assert count(d, del_dest(c)) == 0


def test_global_default_and_a_removed_virtual_server_goes_at_once(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    g = "global_defs {\n  lvs_drain_on_remove 60\n}\n"
    second = conf([rs_block(c)]).replace(f"{VIP} 80", f"{VIP} 81")
    d = start(a, vigild, g + conf([rs_block(b), rs_block(c)]) + second)
    assert wait_for(lambda: count(d, add_dest(c)) == 1 and len(status(d)["check"]["virtual_servers"]) == 2, 10)
    lines, _, _ = reload(d, g + conf([rs_block(b)]) + second, kept=2)
    assert lines == [w0(c)], lines          # global_defs' lvs_drain_on_remove applies to every VS
    lines, _, _ = reload(d, g + conf([rs_block(b)]), kept=1)
    assert lines == [f"delete service TCP {VIP}:81"], lines     # its service goes, destinations and all
    assert [v["name"] for v in status(d)["check"]["virtual_servers"]] == [VS]
    assert len(leaving(d)) == 1


def test_zero_keeps_keepalived_behaviour(lab, vigild):
    d, b, c, extra = two_up(lab, vigild, 0)
    lines, _, _ = reload(d, conf([rs_block(b)], extra=extra), kept=1)
    assert lines == [del_dest(c)], lines
    assert leaving(d) == []


def test_config_test_says_both_keywords_are_vigil_extensions(vigild, tmp_path):
    conf = tmp_path / "drain.conf"
    conf.write_text("global_defs {\n    lvs_drain_on_remove 30\n}\n"
                    f"virtual_server {VIP} 80 {{\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n"
                    "    drain_on_remove 2.5\n    real_server 10.0.0.2 80 {\n        weight 1\n    }\n}\n")
    r = subprocess.run([vigild, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert f"{conf}:2:5: warning: lvs_drain_on_remove is a vigil extension: keepalived does not accept this file" \
        in r.stderr, r.stderr
    assert f"{conf}:8:5: warning: drain_on_remove is a vigil extension: keepalived does not accept this file" \
        in r.stderr, r.stderr
    conf.write_text(conf.read_text().replace("drain_on_remove 2.5", "drain_on_remove -1"))
    r = subprocess.run([vigild, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "drain_on_remove" in r.stderr, r.stderr
