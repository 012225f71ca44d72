#!/usr/bin/python3
"""Failover overhead above the RFC formula, vigild and keepalived side by
side.

For each implementation and trial: master (priority 150) and backup (100)
in the namespace lab, VRRPv3 at the given advert interval; the master is
stopped silently (SIGKILL of every process, supervisor frozen first) or
gracefully (SIGTERM). On the backup, a capture timestamps the master's last
advert as it arrived (for a graceful stop, its priority-0 advert) and a
netlink listener the moment the kernel reports the VIP added; the
difference minus the RFC timer (Master_Down_Interval or Skew_Time) is the
overhead. Implementations alternate trial by trial. Prints medians (and a
JSON line for bench/run); never asserts.

usage: bench/failover.py [--trials N] [--advert 0.1] [--impl vigil,keepalived]
"""
import json
import subprocess
import argparse
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from lab import Lab, wait_for  # noqa: E402
from vrrp import KEEPALIVED, Capture, Daemon, flush_vip, has_addr, instance, takeover_ms  # noqa: E402

VIGILD = os.environ.get("VIGILD", os.path.join(ROOT, "build", "src", "vigild"))
VIP = "10.231.0.100"
B_MAC = "02:31:00:00:00:02"


def rfc_times(advert):
    adv_us = int(round(advert * 1e6))
    skew = (256 - 100) * adv_us // 256
    return (3 * adv_us + skew) / 1000.0, skew / 1000.0


def vip_added_at(host, timeout):
    """Start nlwatch in host; returns the process (its stdout gives the time)."""
    p = host.spawn("/usr/bin/python3", os.path.join(ROOT, "bench", "nlwatch.py"), VIP, str(timeout))
    assert p.stdout.readline().strip() == "ready"
    return p


def trial(lab, impl, advert, graceful):
    a, b, _ = lab.hosts
    binary = VIGILD if impl == "vigil" else KEEPALIVED
    kind = "vigil" if impl == "vigil" else "keepalived"
    adv = f"{advert:g}"
    da = Daemon(a, binary, instance(prio=150, state="MASTER", advert=adv), kind=kind)
    if not wait_for(lambda: has_addr(a, VIP), 10):
        raise RuntimeError(f"{impl}: master did not come up\n{da.output()}")
    db = Daemon(b, binary, instance(prio=100, advert=adv), kind=kind)
    if not db.wait_log("Entering BACKUP STATE", 10):
        raise RuntimeError(f"{impl}: backup did not come up")
    cap = Capture(b, "vrrp")
    watch = vip_added_at(b, 10 + 4 * advert)
    # three adverts in the file; no tshark here: its start-up load skews the timing
    wait_for(lambda: os.path.getsize(cap.file) >= 24 + 3 * 70, 10, interval=0.01)
    if graceful:
        da.stop()
    else:
        da.kill()
    line = watch.stdout.readline().strip()
    watch.wait(timeout=5)
    cap.stop()
    db.stop()
    flush_vip(a, VIP + "/24")
    flush_vip(b, VIP + "/24")
    if line == "timeout" or not line:
        raise RuntimeError(f"{impl}: no takeover seen")
    t_vip = float(line)
    filt = f"vrrp && ip.src == {a.ipv4}" + (" && vrrp.prio == 0" if graceful else "")
    before = [float(t) for t, in cap.fields(filt, "frame.time_epoch") if float(t) <= t_vip]
    if not before:
        raise RuntimeError(f"{impl}: no advert from the master before the takeover at {t_vip}: "
                           f"{cap.fields('frame', 'frame.time_epoch', 'ip.src', 'vrrp.prio')[-5:]} size {os.path.getsize(cap.file)}")
    return (t_vip - max(before)) * 1000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--advert", type=float, default=0.1)
    ap.add_argument("--impl", default="vigil,keepalived")
    args = ap.parse_args()
    impls = args.impl.split(",")
    mdi, skew = rfc_times(args.advert)
    results = {(i, g): [] for i in impls for g in (False, True)}
    with Lab(3) as lab:
        for _ in range(args.trials):
            for graceful in (False, True):
                for impl in impls:
                    results[(impl, graceful)].append(trial(lab, impl, args.advert, graceful))
    print(f"VRRPv3, advert {args.advert:g} s, backup priority 100, {args.trials} trials each")
    print(f"RFC: Master_Down_Interval {mdi:.3f} ms, Skew_Time {skew:.3f} ms")
    print("| implementation | stop | median takeover (ms) | median overhead (ms) | min / max overhead |")
    print("|---|---|---|---|---|")
    for (impl, graceful), vals in results.items():
        theory = skew if graceful else mdi
        over = [v - theory for v in vals]
        print(f"| {impl} | {'SIGTERM' if graceful else 'SIGKILL'} | {statistics.median(vals):.2f} | "
              f"{statistics.median(over):.2f} | {min(over):.2f} / {max(over):.2f} |")
    print(json.dumps({"failover": [{"impl": i, "advert": args.advert, "graceful": g, "trials": len(v),
                                    "rfc_ms": skew if g else mdi, "takeover_ms": v}
                                   for (i, g), v in results.items()]}))


if __name__ == "__main__":
    main()
