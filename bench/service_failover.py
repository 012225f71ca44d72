#!/usr/bin/python3
"""Service failover: the tracked service dies on the master; how long until
the VIP is on the backup, and how long a client sees errors. vigild and
keepalived side by side, trial by trial.

Two nodes, each a network namespace with a PID namespace of its own
(benchlib.PidNode: otherwise `pgrep -x nginx` on one node would see the
other node's nginx), each running Debian's nginx and the daemon; VRRPv3,
advert 0.1 s, priorities 150 and 100, the tracker's weight -60. The
tracker is one of:
  process  `vrrp_track_process` on nginx (vigil; keepalived's needs the
           kernel's process connector, which exists only in the initial
           network namespace: it is started once and its error recorded)
  script   `vrrp_script "pgrep -x nginx"`, interval 0.1 s for vigil and
           1 s for keepalived (its interval is whole seconds)
Each trial SIGKILLs every nginx process of the master at a random point
of the advert cycle and of the script's; the time is from that kill to the moment rtnetlink
reports the VIP added in the backup's namespace (bench/nlwatch.py). The
client trials fetch http://VIP/ every 5 ms from a third namespace and take
the longest run of failed requests (from the last answer before it to the
first answer after it). Prints tables and a JSON line for bench/run;
never asserts.

usage: bench/service_failover.py [--trials 7] [--window-trials 7] [--impl vigil,keepalived]
"""
import argparse
import json
import os
import random
import signal
import statistics
import time

from benchlib import ROOT, Lab, NodeDaemon, PidNode, instance, wait_for
from vrrp import flush_vip, has_addr
from web import Fetcher, Nginx

VIP = "10.231.0.100"
ADVERT = 0.1
PRIOS = (150, 100)
WEIGHT = -60
PGREP = "/usr/bin/pgrep -x nginx"
# (implementation, tracker) in the order each round runs them
CASES = (("vigil", "process"), ("vigil", "script"), ("keepalived", "script"))


def rfc_ms(prio=PRIOS[1], advert=ADVERT):
    """(Skew_Time, Master_Down_Interval) in ms for a backup of prio."""
    skew = (256 - prio) * advert / 256 * 1000
    return skew, 3 * advert * 1000 + skew


def script_interval(impl):
    return "0.1" if impl == "vigil" else "1"


def cycle(impl, tracker):
    """The kill must fall at a random point of both the advert cycle and the
    tracker's own (a script run once a second by keepalived)."""
    return max(ADVERT, float(script_interval(impl)) if tracker == "script" else 0.0)


def conf(impl, tracker, prio):
    if tracker == "process":
        head = f"vrrp_track_process track_nginx {{\n  process nginx\n  weight {WEIGHT}\n}}\n"
        track = "  track_process {\n    track_nginx\n  }\n"
    else:
        head = (f'vrrp_script chk_nginx {{\n  script "{PGREP}"\n  interval {script_interval(impl)}\n'
                f"  weight {WEIGHT}\n  fall 1\n  rise 1\n}}\n")
        track = "  track_script {\n    chk_nginx\n  }\n"
    state = "MASTER" if prio == PRIOS[0] else "BACKUP"
    return head + instance(prio=prio, state=state, advert=f"{ADVERT:g}", extra=track)


class Pair:
    """nginx and the daemon on both nodes, master up and backup in BACKUP,
    trackers settled."""

    def __init__(self, nodes, impl, tracker):
        self.nodes, self.impl = nodes, impl
        self.nginx = [Nginx(n) for n in nodes]
        self.daemons = []
        try:
            self.daemons.append(NodeDaemon(nodes[0], impl, conf(impl, tracker, PRIOS[0])))
            if not wait_for(lambda: has_addr(nodes[0].host, VIP), 10):
                raise RuntimeError(f"{impl}/{tracker}: master did not come up\n{self.daemons[0].output()}")
            self.daemons.append(NodeDaemon(nodes[1], impl, conf(impl, tracker, PRIOS[1])))
            if not self.daemons[1].wait_log("Entering BACKUP STATE", 10):
                raise RuntimeError(f"{impl}/{tracker}: backup did not come up\n{self.daemons[1].output()}")
            # the trackers' first verdicts in (keepalived's script runs once a second), bounded
            wait_for(lambda: False, 1.2 if tracker == "script" and impl == "keepalived" else 0.4)
        except BaseException:
            self.close()
            raise

    def kill_service(self):
        """SIGKILL every nginx process of the master (not their nsenter
        parent, which reaps them); returns the wall-clock time just before."""
        pids = self.nodes[0].pids_named("nginx")
        if not pids:
            raise RuntimeError("no nginx on the master")
        t = time.time()
        for p in pids:
            os.kill(p, signal.SIGKILL)
        return t

    def close(self):
        for d in self.daemons:
            d.stop()
        for n in self.nginx:
            for p in n.host.pids_named("nginx"):
                try:
                    os.kill(p, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            n.proc.wait(timeout=10)
        for n in self.nodes:
            flush_vip(n.host, VIP + "/24")


def watch_vip(host, timeout):
    p = host.spawn("/usr/bin/python3", os.path.join(ROOT, "bench", "nlwatch.py"), VIP, str(timeout))
    assert p.stdout.readline().strip() == "ready"
    return p


def takeover_trial(nodes, impl, tracker, rng):
    pair = Pair(nodes, impl, tracker)
    try:
        watch = watch_vip(nodes[1].host, 10)
        time.sleep(rng.uniform(0, cycle(impl, tracker)))
        t_kill = pair.kill_service()
        line = watch.stdout.readline().strip()
        watch.wait(timeout=5)
        if not line or line == "timeout":
            raise RuntimeError(f"{impl}/{tracker}: no takeover seen\n{pair.daemons[1].output()[-2000:]}")
        return (float(line) - t_kill) * 1000.0
    finally:
        pair.close()


def longest_error_window(rows):
    """(ms, failed requests) of the longest run of failures: from the last
    answer before it to the first answer after it; (0, 0) if none."""
    best, last_ok, failed = (0.0, 0), None, 0
    for t, status, _ in sorted(rows):
        if status == "ok":
            if failed and last_ok is not None:
                best = max(best, ((t - last_ok) * 1000.0, failed))
            last_ok, failed = t, 0
        else:
            failed += 1
    return best


def window_trial(nodes, client, impl, tracker, rng):
    pair = Pair(nodes, impl, tracker)
    try:
        fetch = Fetcher(client, VIP, seconds=3.5 + cycle(impl, tracker), gap=0.005)
        if not fetch.wait_answer(nodes[0].name):
            raise RuntimeError(f"{impl}/{tracker}: the client never reached the master's nginx")
        watch = watch_vip(nodes[1].host, 10)
        wait_for(lambda: False, 0.5 + rng.uniform(0, cycle(impl, tracker)))
        t_kill = pair.kill_service()
        line = watch.stdout.readline().strip()
        watch.wait(timeout=5)
        if not line or line == "timeout":
            raise RuntimeError(f"{impl}/{tracker}: the VIP did not move")
        rows = fetch.results()
        if not any(s == "ok" and w == nodes[1].name for _, s, w in rows):
            raise RuntimeError(f"{impl}/{tracker}: the client was never answered by the backup")
        return (*longest_error_window(rows), (float(line) - t_kill) * 1000.0)
    finally:
        pair.close()


def keepalived_track_process(nodes):
    """keepalived's vrrp_track_process in the lab: the line of its log that
    says why it cannot work, or None if it seemed to."""
    d = NodeDaemon(nodes[0], "keepalived", conf("keepalived", "process", PRIOS[0]))
    try:
        wait_for(lambda: "process event listen" in d.output() or "Entering MASTER" in d.output(), 10)
        wait_for(lambda: False, 0.5)
        bad = [ln for ln in d.output().splitlines()
               if "process event listen" in ln or ("rror" in ln and "track_process" in ln.lower())]
        return bad[0].split(": ", 1)[-1].strip() if bad else None
    finally:
        d.stop()
        flush_vip(nodes[0].host, VIP + "/24")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=7)
    ap.add_argument("--window-trials", type=int, default=7)
    ap.add_argument("--impl", default="vigil,keepalived")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    cases = [c for c in CASES if c[0] in args.impl.split(",")]
    rng = random.Random(args.seed)
    take = {c: [] for c in cases}
    win = {c: [] for c in cases}
    ka_error = None
    with Lab(3) as lab:
        a, b, client = lab.hosts
        nodes = (PidNode(a), PidNode(b))
        try:
            if "keepalived" in args.impl:
                ka_error = keepalived_track_process(nodes)
            for _ in range(args.trials):
                for c in cases:
                    take[c].append(takeover_trial(nodes, *c, rng))
                    print(f"takeover {c[0]}/{c[1]}: {take[c][-1]:.1f} ms", flush=True)
            for _ in range(args.window_trials):
                for c in cases:
                    ms, n, vip_ms = window_trial(nodes, client, *c, rng)
                    win[c].append(ms)
                    print(f"client window {c[0]}/{c[1]}: {ms:.1f} ms ({n} failed requests; "
                          f"VIP on the backup {vip_ms:.1f} ms after the kill)", flush=True)
        finally:
            for n in nodes:
                n.close()
    skew, mdi = rfc_ms()
    print(f"VRRPv3, advert {ADVERT:g} s, priorities {PRIOS[0]}/{PRIOS[1]}, weight {WEIGHT}; "
          f"Skew_Time {skew:.1f} ms, Master_Down_Interval {mdi:.1f} ms")
    print("| implementation | tracker | kill to VIP on the backup, median (range) ms | client error window, median (range) ms |")
    print("|---|---|---|---|")
    cell = lambda v: f"{statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f})" if v else "-"
    for c in cases:
        print(f"| {c[0]} | {c[1]} | {cell(take[c])} | {cell(win[c])} |")
    if "keepalived" in args.impl:
        print(f"| keepalived | process | fails: {ka_error or 'no error seen'} | - |")
    rows = [{"impl": i, "tracker": tr, "interval": None if tr == "process" else script_interval(i),
             "takeover_ms": take[(i, tr)], "window_ms": win[(i, tr)]} for i, tr in cases]
    if "keepalived" in args.impl:
        rows.append({"impl": "keepalived", "tracker": "process", "interval": None, "takeover_ms": [],
                     "window_ms": [], "error": ka_error or "no error seen, but no number either"})
    print(json.dumps({"service": {"advert": ADVERT, "prios": list(PRIOS), "weight": WEIGHT,
                                  "skew_ms": skew, "mdi_ms": mdi, "rows": rows}}))


if __name__ == "__main__":
    main()
