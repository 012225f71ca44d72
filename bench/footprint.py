#!/usr/bin/python3
"""CPU and memory for 1, 100 and 1,000 instances at 1 s and 0.1 s adverts,
on the master and on the backup; then, for 1,000 instances, the time from
start to all-masters and the time and transitions of a reload with the same
file. vigild and keepalived alternate; each measures its own processes
(supervisor and worker; keepalived's parent and VRRP child) from /proc.

usage: bench/footprint.py [--seconds 30] [--sizes 1,100,1000] [--adverts 1,0.1]
prints a JSON document (bench/run uses it for RESULTS.md)."""
import argparse
import json
import time

from benchlib import (Lab, count_vips, cpu_seconds, daemon_pids, links_for, many, memory_kb, start,
                      wait_for)


def measure(lab, impl, n, advert, seconds):
    a, b = lab.hosts[0], lab.hosts[1]
    t0 = time.monotonic()
    da = start(a, impl, many(n, 150, advert))
    if not wait_for(lambda: count_vips(a, n) == n, 120, interval=0.2):
        raise RuntimeError(f"{impl}: {count_vips(a, n)}/{n} masters\n{da.output()[-2000:]}")
    to_master = time.monotonic() - t0
    db = start(b, impl, many(n, 100, advert))
    if not wait_for(lambda: db.output().count("Entering BACKUP STATE") >= n, 120, interval=0.2):
        raise RuntimeError(f"{impl}: backup did not come up")
    wait_for(lambda: False, min(5.0, 3 * float(advert) + 1))   # let start-up work settle (bounded)
    pa, pb = daemon_pids(da), daemon_pids(db)
    ca, cb = cpu_seconds(pa), cpu_seconds(pb)
    t1 = time.monotonic()
    wait_for(lambda: False, seconds, interval=1.0)
    dt = time.monotonic() - t1
    res = {
        "impl": impl, "instances": n, "advert": advert,
        "cpu_master_pct": 100 * (cpu_seconds(daemon_pids(da)) - ca) / dt,
        "cpu_backup_pct": 100 * (cpu_seconds(daemon_pids(db)) - cb) / dt,
        "rss_master_kb": memory_kb(pa)[0], "pss_master_kb": memory_kb(pa)[1],
        "rss_backup_kb": memory_kb(pb)[0], "pss_backup_kb": memory_kb(pb)[1],
        "start_to_all_masters_s": to_master,
    }
    if n >= 1000:
        res.update(reload_cost(impl, da, db, n))
    db.stop(timeout=30)
    da.stop(timeout=30)
    return res


def reload_cost(impl, da, db, n):
    """HUP with the same file: how long until the daemon says it is done,
    and how many transitions it caused on either node."""
    before = da.output().count("Entering"), db.output().count("Entering")
    t0 = time.monotonic()
    import os
    import signal
    os.kill(da.pid("main") or da.proc.pid, signal.SIGHUP)
    done = "Reloaded:" if impl == "vigil" else "Reload complete"
    ok = wait_for(lambda: done in da.output(), 120, interval=0.05)
    took = time.monotonic() - t0 if ok else None
    wait_for(lambda: False, 3)
    after = da.output().count("Entering"), db.output().count("Entering")
    return {"reload_s": took, "reload_transitions": (after[0] - before[0]) + (after[1] - before[1])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--sizes", default="1,100,1000")
    ap.add_argument("--adverts", default="1,0.1")
    ap.add_argument("--impl", default="vigil,keepalived")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    out = []
    with Lab(2, links=links_for(max(sizes))) as lab:
        for n in sizes:
            for advert in args.adverts.split(","):
                for impl in args.impl.split(","):
                    out.append(measure(lab, impl, n, advert, args.seconds))
                    print(json.dumps(out[-1]), flush=True)
    print(json.dumps({"footprint": out}))


if __name__ == "__main__":
    main()
