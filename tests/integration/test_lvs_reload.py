"""Hitless reload of virtual servers (issue 16) on the host, through the
IPVS dry-run backend: real servers are compared by identity, an unchanged
one keeps its state and its checkers' history and is never re-added, and
the IPVS changes of one reload are one batch ("IPVS: N changes in 1
batch"). The checks run once at start (warmup 0) and then only after a
minute, so that what a reload keeps can be compared value for value."""
import re

from lab import wait_for
from test_check_worker import VIP, add_dest, count, del_dest, dry_lines, listen, start, status


def rs_block(h, weight=1, checkers=None, extra=""):
    checkers = checkers or ["TCP_CHECK {\n      connect_timeout 1\n    }"]
    cks = "".join(f"    {c}\n" for c in checkers)
    return f"  real_server {h.ipv4} 8080 {{\n    weight {weight}\n{extra}{cks}  }}\n"


def conf(rs, sched="rr", extra=""):
    return f"""virtual_server {VIP} 80 {{
  delay_loop 60
  warmup 0
  lb_algo {sched}
  lb_kind NAT
  protocol TCP
{extra}{"".join(rs)}}}
"""


def servers(d):
    """Per real server address: health, in_table, last_result and per
    checker (state, failures, last_result, last_time)."""
    vs = status(d)["check"]["virtual_servers"][0]
    return {r["address"]: (r["health"], r["in_table"], r["last_result"],
                           [(c["state"], c["failures"], c["last_result"], c["last_time"]) for c in r["checkers"]])
            for r in vs["real_servers"]}


def results(d):
    """Per real server address: the results fed to its checkers, by reason
    (what the metrics count)."""
    vs = status(d)["check"]["virtual_servers"][0]
    return {r["address"]: r["results"] for r in vs["real_servers"]}


def checked(d, n):
    """Every checker of the n real servers has a result."""
    s = servers(d)
    return len(s) == n and all(c[3] is not None for v in s.values() for c in v[3])


def reload(d, text, kept):
    """Write text, reload, wait for the check worker's summary line; the
    dry-run lines the reload made."""
    before = len(dry_lines(d))
    n = d.output().count("Reloaded:")
    with open(d.conf, "w") as f:
        f.write(text)
    d.ctl("reload")
    assert wait_for(lambda: d.output().count("Reloaded:") == n + 1, 10), d.output()
    line = [x for x in d.output().splitlines() if "Reloaded:" in x][-1]
    assert f"({kept} kept their state)" in line, line
    m = re.search(r"IPVS: (\d+) changes? in (\d+) batch", line)
    assert m, line
    return dry_lines(d)[before:], int(m.group(1)), int(m.group(2))


def test_an_unchanged_file_changes_nothing_and_keeps_every_state(lab, vigild):
    a, b, c = lab.hosts
    listen(b)   # c has no listener: it is down, and must stay down
    text = conf([rs_block(b), rs_block(c)])
    d = start(a, vigild, text)
    assert wait_for(lambda: checked(d, 2) and count(d, del_dest(c)) == 1, 10), d.output()
    before = servers(d)
    assert before[b.ipv4][0] == "up" and before[c.ipv4][0] == "down", before
    counted = results(d)
    assert counted[b.ipv4].get("success", 0) >= 1 and counted[c.ipv4].get("connect_refused", 0) >= 1, counted
    lines, changes, batches = reload(d, text, kept=2)
    assert (lines, changes, batches) == ([], 0, 0), lines
    assert servers(d) == before
    # the metrics' history is the server's: no counter goes back
    after = results(d)
    for addr, by_reason in counted.items():
        assert all(after[addr].get(k, 0) >= n for k, n in by_reason.items()), (counted, after)
    # a second reload of the same file: still nothing
    lines, changes, _ = reload(d, text, kept=2)
    assert (lines, changes) == ([], 0), lines
    assert servers(d) == before


def test_a_weight_change_is_one_edit_in_place(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, conf([rs_block(b), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    before = servers(d)
    lines, changes, batches = reload(d, conf([rs_block(b), rs_block(c, weight=5)]), kept=2)
    assert lines == [f"edit dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w5"], lines
    assert (changes, batches) == (1, 1)
    assert servers(d) == before     # the checkers' history is the server's, not its weight's


def test_a_removed_real_server_is_one_delete(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, conf([rs_block(b), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    before = servers(d)
    lines, changes, batches = reload(d, conf([rs_block(b)]), kept=1)
    assert lines == [del_dest(c)], lines
    assert (changes, batches) == (1, 1)
    after = servers(d)
    assert list(after) == [b.ipv4] and after[b.ipv4] == before[b.ipv4], after


def test_a_changed_checker_restarts_alone(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    two = ["TCP_CHECK {\n      connect_timeout 1\n    }", "TCP_CHECK {\n      connect_timeout 2\n    }"]
    d = start(a, vigild, conf([rs_block(b, checkers=two), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2), 10), d.output()
    before = servers(d)
    changed = [two[0], "TCP_CHECK {\n      connect_timeout 3\n    }"]
    lines, changes, _ = reload(d, conf([rs_block(b, checkers=changed), rs_block(c)]), kept=1)
    assert (lines, changes) == ([], 0), lines    # one of two checkers restarting is no change of health
    # the restarted checker runs at once (warmup 0): a new last_time; its
    # sibling and the other real server's checker keep theirs
    assert wait_for(lambda: servers(d)[b.ipv4][3][1][3] not in (None, before[b.ipv4][3][1][3]), 10), d.output()
    after = servers(d)
    assert after[b.ipv4][3][0] == before[b.ipv4][3][0], (before, after)
    assert after[c.ipv4] == before[c.ipv4], (before, after)
    assert count(d, add_dest(b)) == 1 and count(d, del_dest(b)) == 0, dry_lines(d)


def test_a_new_real_server_with_alpha_stays_out_until_checked(lab, vigild):
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, conf([rs_block(b)]))
    assert wait_for(lambda: checked(d, 1) and count(d, add_dest(b)) == 1, 10), d.output()
    lines, _, _ = reload(d, conf([rs_block(b), rs_block(c, extra="    alpha\n")]), kept=1)
    assert lines == [], lines       # c is new and unchecked: not added
    assert wait_for(lambda: servers(d)[c.ipv4][2] == "connect_refused", 10), d.output()
    assert count(d, add_dest(c)) == 0 and not servers(d)[c.ipv4][1], dry_lines(d)
    assert count(d, add_dest(b)) == 1, dry_lines(d)        # b was never re-added


def test_a_scheduler_change_is_one_service_edit(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, conf([rs_block(b), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    before = servers(d)
    lines, changes, batches = reload(d, conf([rs_block(b), rs_block(c)], sched="wlc"), kept=2)
    assert len(lines) == 1 and lines[0].startswith(f"edit service TCP {VIP}:80 wlc"), lines
    assert (changes, batches) == (1, 1)
    assert servers(d) == before


def test_a_file_parsed_early_applies_only_on_a_valid_verdict(lab, vigild):
    """The health checker parses a reload's snapshot while the supervisor
    validates it (once every file is read); it applies that parse only when
    the verdict is valid. A file the supervisor's checks refuse (an
    interface this machine lacks, which the worker's own parse does not
    check) changes nothing, and the next valid file is the one applied, not
    the refused one parsed before it."""
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, conf([rs_block(b), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    before, ndry = servers(d), len(dry_lines(d))
    refused = "static_ipaddress {\n  192.0.2.1/24 dev nosuch0\n}\n" + conf([rs_block(b), rs_block(c, weight=5)])
    with open(d.conf, "w") as f:
        f.write(refused)
    r = d.ctl("reload", check=False)
    assert r.returncode != 0, (r.stdout, r.stderr)
    assert wait_for(lambda: "health checker parsed the snapshot in" in d.output(), 10), d.output()
    assert "has errors; the running configuration stays" in d.output()
    assert "Reloaded:" not in d.output()
    lines, changes, batches = reload(d, conf([rs_block(b), rs_block(c, weight=7)]), kept=2)
    assert dry_lines(d)[ndry:] == lines == [f"edit dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w7"], lines
    assert (changes, batches) == (1, 1)
    assert servers(d) == before
    assert d.output().count("health checker parsed the snapshot in") == 2, d.output()


def test_an_included_file_is_parsed_early_too_and_its_change_applied(lab, vigild):
    """A main file with an include: the snapshot the workers parse early is
    taken once every file is read, so the change in the included file is
    the one applied."""
    import os
    a, b, c = lab.hosts
    listen(b), listen(c)
    d = start(a, vigild, conf([rs_block(b), rs_block(c)]))
    assert wait_for(lambda: checked(d, 2) and count(d, add_dest(c)) == 1, 10), d.output()
    before = servers(d)
    part = os.path.join(d.dir, "vs.conf")
    with open(part, "w") as f:
        f.write(conf([rs_block(b), rs_block(c, weight=3)]))
    lines, changes, batches = reload(d, f"include {part}\n", kept=2)
    assert lines == [f"edit dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w3"], lines
    assert (changes, batches) == (1, 1)
    assert servers(d) == before
    assert d.output().count("health checker parsed the snapshot in") == 1, d.output()
    # an include no byte of the main file spells (made by substitution): the
    # snapshot sent at the main file's read lacks it, and a second one follows
    with open(part, "w") as f:
        f.write(conf([rs_block(b), rs_block(c, weight=4)]))
    lines, changes, _ = reload(d, f"$A=inc\n$B=lude\n${{A}}${{B}} {part}\n", kept=2)
    assert lines == [f"edit dest TCP {VIP}:80 -> {c.ipv4}:8080 masq w4"], lines
    assert servers(d) == before
