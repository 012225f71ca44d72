#!/usr/bin/python3
"""Issue 12, parse once: how long a reload of the same file blocks a
master's VRRP loop, seen on the wire, and the daemon's memory, at 1,000
instances. One vigild master (no peer: nothing preempts it); tcpdump on
eth0 (250 instances) while it reloads with SIGHUP; the longest gap between
two adverts of one VRID in the reload window, against the longest in a
steady window of the same length just before. RSS of the supervisor and the
worker after start and after the reload.

usage: VIGILD=... bench/reload_gap.py [--instances 1000] [--advert 0.1] [--reloads 3]
prints a JSON document."""
import argparse
import json
import os
import signal
import time

from benchlib import Lab, count_vips, links_for, many, start, wait_for
from vrrp import Capture


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def max_gaps(cap, lo, hi):
    """Per VRID, the longest gap (ms) between two adverts sent in [lo, hi]."""
    by = {}
    for t, vrid in cap.fields("vrrp", "frame.time_epoch", "vrrp.virt_rtr_id"):
        t = float(t)
        if lo <= t <= hi:
            by.setdefault(int(vrid), []).append(t)
    out = {}
    for vrid, ts in by.items():
        ts.sort()
        out[vrid] = max((b - a for a, b in zip(ts, ts[1:])), default=0.0) * 1000.0
    return out


def one_reload(a, d, window):
    cap = Capture(a, bpf="vrrp")
    time.sleep(window)                       # the steady window (bounded, measured on the wire)
    t0 = time.time()
    n0 = d.output().count("Reloaded:")
    os.kill(d.pid("main"), signal.SIGHUP)
    assert wait_for(lambda: d.output().count("Reloaded:") > n0, 120, interval=0.02), d.output()[-2000:]
    t1 = time.time()
    time.sleep(0.5)
    cap.stop()
    steady = max_gaps(cap, t0 - window, t0)
    during = max_gaps(cap, t0, t1 + 0.5)
    return {"reload_s": t1 - t0, "steady_max_gap_ms": max(steady.values()),
            "reload_max_gap_ms": max(during.values()),
            "reload_p50_of_max_gap_ms": sorted(during.values())[len(during) // 2]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--advert", default="0.1")
    ap.add_argument("--reloads", type=int, default=3)
    args = ap.parse_args()
    n = args.instances
    with Lab(1, links=links_for(n)) as lab:
        a = lab.hosts[0]
        d = start(a, "vigil", many(n, 150, args.advert))
        assert wait_for(lambda: count_vips(a, n) == n, 120, interval=0.2), d.output()[-2000:]
        wait_for(lambda: False, 3)
        res = {"instances": n, "advert": args.advert, "rss_supervisor_kb": rss_kb(d.pid("main")),
               "rss_worker_kb": rss_kb(d.pid("vrrp")), "reloads": []}
        for _ in range(args.reloads):
            res["reloads"].append(one_reload(a, d, 2.0))
        res["rss_supervisor_after_reload_kb"] = rss_kb(d.pid("main"))
        res["rss_worker_after_reload_kb"] = rss_kb(d.pid("vrrp"))
        d.stop(timeout=30)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
