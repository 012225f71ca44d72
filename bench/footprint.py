#!/usr/bin/python3
"""CPU and memory for 1, 100 and 1,000 instances at 1 s and 0.1 s adverts,
on the master and on the backup; then, for 1,000 instances, the time from
start to all-masters and the time and transitions of a reload with the same
file. vigild and keepalived alternate; each measures its own processes
(supervisor and worker; keepalived's parent and VRRP child) from /proc, as
user and system time. For 1,000 instances, a bare sender of the same adverts
(bench/sender.py) gives the kernel's share: the system time any master pays
to put 10,000 packets a second through veth and the bridge.

usage: bench/footprint.py [--seconds 30] [--sizes 1,100,1000] [--adverts 1,0.1]
prints a JSON document (bench/run uses it for RESULTS.md)."""
import argparse
import json
import os
import signal
import time

from benchlib import Lab, count_vips, cpu_split, daemon_pids, links_for, many, memory_kb, start, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))


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
    ca, cb = cpu_split(pa), cpu_split(pb)
    t1 = time.monotonic()
    wait_for(lambda: False, seconds, interval=1.0)
    dt = time.monotonic() - t1
    ea, eb = cpu_split(daemon_pids(da)), cpu_split(daemon_pids(db))
    res = {
        "impl": impl, "instances": n, "advert": advert,
        "cpu_master_pct": 100 * (sum(ea) - sum(ca)) / dt,
        "cpu_master_user_pct": 100 * (ea[0] - ca[0]) / dt,
        "cpu_master_system_pct": 100 * (ea[1] - ca[1]) / dt,
        "cpu_backup_pct": 100 * (sum(eb) - sum(cb)) / dt,
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
    os.kill(da.pid("main") or da.proc.pid, signal.SIGHUP)
    done = "Reloaded:" if impl == "vigil" else "Reload complete"
    ok = wait_for(lambda: done in da.output(), 120, interval=0.05)
    took = time.monotonic() - t0 if ok else None
    wait_for(lambda: False, 3)
    after = da.output().count("Entering"), db.output().count("Entering")
    return {"reload_s": took, "reload_transitions": (after[0] - before[0]) + (after[1] - before[1])}


def kernel_floor(lab, n, advert, seconds):
    """System CPU of a bare sender of the master's adverts, with a vigild
    backup receiving them as in measure()."""
    a, b = lab.hosts[0], lab.hosts[1]
    warmup = 8.0
    p = a.spawn("/usr/bin/python3", os.path.join(HERE, "sender.py"), "--instances", str(n), "--advert", advert,
                "--seconds", str(seconds), "--warmup", str(warmup))
    db = start(b, "vigil", many(n, 100, advert))
    if not wait_for(lambda: db.output().count("Entering BACKUP STATE") >= n, warmup, interval=0.2):
        raise RuntimeError("floor: the backup did not come up while the sender warmed up")
    out, err = p.communicate(timeout=warmup + seconds + 30)
    db.stop(timeout=30)
    line = [x for x in out.splitlines() if x.startswith("{")]
    if p.returncode != 0 or not line:
        raise RuntimeError(f"floor: sender failed: {err[-2000:]}")
    return {"impl": "kernel", "instances": n, "advert": advert,
            "cpu_master_pct": json.loads(line[-1])["system_cpu_pct"]}


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
                if n >= 1000:
                    out.append(kernel_floor(lab, n, advert, args.seconds))
                    print(json.dumps(out[-1]), flush=True)
    print(json.dumps({"footprint": out}))


if __name__ == "__main__":
    main()
