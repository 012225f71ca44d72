#!/usr/bin/python3
"""Tracker cost: CPU per script run with 1, 50 and 200 vrrp_scripts at 1 s,
vigild and keepalived side by side; and the same check (is a process named
X running?) done as a script (`pgrep -x X`, what the tutorials do with pidof or killall -0) and by
vigil's built-in vrrp_track_process, which forks nothing.

CPU is the daemon's own time plus its children's (the scripts), from /proc,
over --seconds. Prints a JSON document for bench/run."""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

from benchlib import Lab, cpu_seconds, daemon_pids, instance, own_cpu_seconds, start, wait_for

PROC = "vbenchproc"


def scripts_conf(n, cmd):
    out = []
    for i in range(n):
        out.append(f'vrrp_script chk{i} {{\n  script "{cmd}"\n  interval 1\n  weight 0\n}}\n')
    track = "  track_script {\n" + "".join(f"    chk{i}\n" for i in range(n)) + "  }\n"
    return "".join(out) + instance(prio=150, advert="1", extra=track)


def process_conf():
    return (f"vrrp_track_process tp {{\n  process {PROC}\n  weight 0\n}}\n"
            + instance(prio=150, advert="1", extra="  track_process {\n    tp\n  }\n"))


def run(lab, impl, conf, seconds):
    a = lab.hosts[0]
    d = start(a, impl, conf)
    if not d.wait_log("Entering MASTER STATE", 30):
        raise RuntimeError(f"{impl}: no master\n{d.output()[-2000:]}")
    wait_for(lambda: False, 2.0)             # first runs out of the way (bounded)
    pids = daemon_pids(d)
    c0, o0, t0 = cpu_seconds(pids), own_cpu_seconds(pids), time.monotonic()
    wait_for(lambda: False, seconds, interval=1.0)
    used = cpu_seconds(pids) - c0
    own = own_cpu_seconds(pids) - o0
    dt = time.monotonic() - t0
    d.stop(timeout=30)
    return used, own, dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--counts", default="1,50,200")
    ap.add_argument("--impl", default="vigil,keepalived")
    args = ap.parse_args()
    impls = args.impl.split(",")
    out = []
    work = tempfile.mkdtemp(prefix="vigil-bench-")
    binary = os.path.join(work, PROC)
    shutil.copy("/bin/sleep", binary)
    target = subprocess.Popen([binary, "100000"])
    try:
        with Lab(2) as lab:
            for n in [int(x) for x in args.counts.split(",")]:
                for impl in impls:
                    used, own, dt = run(lab, impl, scripts_conf(n, "/bin/true"), args.seconds)
                    runs = n * dt                  # one run per script per second
                    out.append({"impl": impl, "what": "script /bin/true", "scripts": n,
                                "cpu_pct": 100 * used / dt, "cpu_ms_per_run": 1000 * used / runs,
                                "daemon_ms_per_run": 1000 * own / runs})
                    print(json.dumps(out[-1]), flush=True)
            for impl in impls:
                used, own, dt = run(lab, impl, scripts_conf(1, f"/usr/bin/pgrep -x {PROC}"), args.seconds)
                out.append({"impl": impl, "what": "script pgrep", "scripts": 1, "cpu_pct": 100 * used / dt,
                            "cpu_ms_per_run": 1000 * used / dt, "daemon_ms_per_run": 1000 * own / dt})
                print(json.dumps(out[-1]), flush=True)
            if "vigil" in impls:
                used, own, dt = run(lab, "vigil", process_conf(), args.seconds)
                out.append({"impl": "vigil", "what": "track_process", "scripts": 0, "cpu_pct": 100 * used / dt,
                            "cpu_ms_per_run": 1000 * own / dt, "daemon_ms_per_run": 1000 * own / dt})
                print(json.dumps(out[-1]), flush=True)
    finally:
        target.kill()
        target.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"trackers": out}))


if __name__ == "__main__":
    main()
