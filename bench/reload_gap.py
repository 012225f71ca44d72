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
import re
import os
import signal
import time

import subprocess
import tempfile

from benchlib import Lab, count_vips, links_for, many, start, wait_for
from vrrp import Capture


class BigCapture(Capture):
    """tcpdump with a large kernel buffer and buffered writes: the tests'
    immediate mode drops a good part of 2,500 adverts a second, which would
    read as gaps on the wire."""

    def __init__(self, host, bpf="vrrp", dev="eth0"):
        self.file = tempfile.mktemp(prefix=f"cap-{host.name}-", suffix=".pcap")
        self.proc = subprocess.Popen(["ip", "netns", "exec", host.name, "tcpdump", "-i", dev, "-n", "-B", "32768",
                                      "-Z", "root", "-w", self.file, bpf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        host.lab.procs.append(self.proc)
        host.lab.files.append(self.file)
        line = ""
        while "listening on" not in line and self.proc.poll() is None:
            line = self.proc.stderr.readline()
        assert "listening on" in line, f"tcpdump did not start: {line}"

    def stop(self):
        super().stop()
        self.dropped = self.proc.stderr.read()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def gaps(cap, lo, hi):
    """Every gap (ms) between two consecutive adverts of one VRID, the
    second one sent in [lo, hi], sorted."""
    by = {}
    for t, vrid in cap.fields("vrrp", "frame.time_epoch", "vrrp.virt_rtr_id"):
        by.setdefault(int(vrid), []).append(float(t))
    out = []
    for ts in by.values():
        ts.sort()
        out += [(b - a) * 1000.0 for a, b in zip(ts, ts[1:]) if lo <= b <= hi]
    return sorted(out)


def summary(g, interval_ms):
    return {"n": len(g), "max_ms": g[-1] if g else None, "p99_ms": g[int(len(g) * 0.99)] if g else None,
            "p50_ms": g[len(g) // 2] if g else None,
            "late": sum(1 for x in g if x > 1.5 * interval_ms)}


def one_reload(a, d, window):
    cap = BigCapture(a)
    interval = float(d.advert) * 1000.0
    time.sleep(window)                       # the steady window (bounded, measured on the wire)
    t0 = time.time()
    n0 = d.output().count("Reloaded:")
    os.kill(d.pid("main"), signal.SIGHUP)
    assert wait_for(lambda: d.output().count("Reloaded:") > n0, 120, interval=0.02), d.output()[-2000:]
    t1 = time.time()
    time.sleep(2.5)                          # tcpdump hands over its ring in blocks: let the last one fill
    cap.stop()
    # the steady window: as long as the reload one, just before it
    span = (t1 - t0) + interval / 1000.0
    m = re.findall(r"Reloaded:.*\(parsed in ([0-9.]+) ms off the loop, applied in ([0-9.]+) ms\)", d.output())
    return {"reload_s": t1 - t0, "worker_parse_ms": float(m[-1][0]) if m else None,
            "worker_apply_ms": float(m[-1][1]) if m else None, "steady": summary(gaps(cap, t0 - span - 0.2, t0 - 0.2), interval),
            "reload": summary(gaps(cap, t0, t0 + span), interval),
            "tcpdump": " ".join(cap.dropped.split()[-6:])}


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
        d.advert = args.advert
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
