#!/usr/bin/python3
"""Chaos run: three nodes in namespaces, a seeded schedule of faults, the
invariant checked after every heal (faults.py says exactly what it is),
dual-master windows measured from kernel address events on all nodes; the
same schedule with vigild and with keepalived 2.2.7. Writes chaos.json and
chaos.md to --out. Exit 1 if vigil broke the invariant.

  /usr/bin/python3 tests/chaos/chaos.py --seed 7 --faults 150
Root only (network namespaces); everything it creates is removed by name
and PID, on Ctrl-C too."""
import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

from lab import Lab  # noqa: E402
from faults import KINDS, UNSUPPORTED, Run, schedule  # noqa: E402
from nodes import NET4, Node, binary_of, vip_bound, vips  # noqa: E402
from watch import Watch, windows  # noqa: E402


def stats(ms):
    ms = [x for x in ms if x is not None]
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "median": round(statistics.median(ms), 2), "max": round(max(ms), 2)}


def classify(run, w, slack):
    """By what held at the window's start: a frozen or dead holder first (it
    could not act), then a holder the schedule had cut off."""
    s, _, who = w
    after = max(run.bound.values()) + slack
    for kind, spans in (("stale", run.stale), ("partition", run.isolated)):
        if any(node in who and a <= s <= b + after for node, a, b in spans):
            return kind
    return "other"


def fault_at(run, t):
    return next((r["index"] for r in run.records if "t0" in r and r["t0"] <= t <= r.get("t1", t) + r["gap"]), None)


def summary(ws):
    ms = [w["ms"] for w in ws]
    return {"count": len(ms), "total_ms": round(sum(ms), 2), "longest_ms": round(max(ms), 2) if ms else 0.0}


def analyse(run, events, started, end, slack):
    """Windows up to the end of the last fault (not the shutdown after it)."""
    events = [e for e in events if e[0] <= end]
    ws = []
    for vip in vips():
        for w in windows(events, vip):
            stop = w[1] if w[1] is not None else end
            ws.append({"vip": vip, "at_s": round(w[0] - started, 4), "ms": round((stop - w[0]) * 1000, 3),
                       "nodes": w[2], "class": classify(run, w, slack), "fault": fault_at(run, w[0])})
    out = {k: summary([w for w in ws if w["class"] == k]) for k in ("partition", "stale", "other")}
    out["other_longest"] = sorted((w for w in ws if w["class"] == "other"), key=lambda o: -o["ms"])[:10]
    return out, ws


def one_impl(impl, lab, watch, plan, args, work, out):
    binary = binary_of(impl)
    nodes = [Node(impl, binary, h, i, os.path.join(work, impl)) for i, h in enumerate(lab.hosts)]
    watch.reset()
    run = Run(impl, nodes, watch, args.seed, args.slack, args.leftover)
    started = time.monotonic()
    try:
        for n in nodes:
            n.start_tracked()
            n.start()
        if not watch.wait(lambda h: all(len(x) == 1 for x in h.values()), 15.0):
            raise RuntimeError(f"{impl}: no master for every VIP at start: {watch.snapshot()}")
        for item in plan:
            rec = run.run(item)
            conv = rec.get("converge_ms", {})
            print(f"[{impl} {item['index']:4d}] {item['kind']:<15} node {rec['node']} "
                  + ("skipped" if "skipped" in rec else " ".join(f"{v}:{conv.get(v)}ms" for v in vips())),
                  flush=True)
    finally:
        end = time.monotonic()
        for n in nodes:
            try:
                n.shutdown()
            except Exception as e:  # noqa: BLE001 - the others are still cleaned
                print(f"shutdown of node {n.idx}: {e}", file=sys.stderr)
        logdir = os.path.join(out, "logs", impl)
        os.makedirs(logdir, exist_ok=True)
        for n in nodes:
            for k, path in enumerate(n.logs()):
                try:
                    shutil.copy(path, os.path.join(logdir, f"node{n.idx}-{k}.log"))
                except OSError:
                    pass
                shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    with watch.cond:
        events = list(watch.events)
    ran = [r for r in run.records if "skipped" not in r]
    dual, ws = analyse(run, events, started, end, args.slack)
    conv = {v: stats([r["converge_ms"].get(v) for r in ran]) for v in vips()}
    cleanup = stats([ms for r in ran for ms in r.get("cleanup_ms", {}).values()])
    per_kind = {}
    for r in run.records:
        k = per_kind.setdefault(r["kind"], {"run": 0, "skipped": 0})
        k["skipped" if "skipped" in r else "run"] += 1
    return {"impl": impl, "faults_planned": len(plan), "faults_run": len(ran),
            "skipped": {k: v for k, v in UNSUPPORTED.get(impl, {}).items()}, "per_kind": per_kind,
            "violations": run.violations, "dual_master": dual, "windows": ws,
            "events": [[round(t - started, 6), n, v, op] for t, n, v, op in events],
            "converge_ms": conv, "kill_cleanup_ms": cleanup, "address_events": len(events),
            "netlink_overflows": watch.overflows, "seconds": round(end - started, 1),
            "faults": [{k: v for k, v in r.items() if k not in ("t0", "t1", "heal")} for r in run.records]}


def markdown(doc):
    a = doc["args"]
    lines = [f"# Chaos run (seed {a['seed']}, {a['faults']} faults)", "",
             f"Three nodes; VRRPv3 at 0.1 s (VIP {vips()[0]}) and VRRPv2 at 1 s (VIP {vips()[1]}); "
             f"bound = Master_Down_Interval + {a['slack']} s slack "
             f"({', '.join(f'{v}: {b:.3f} s' for v, b in vip_bound().items())}).", "",
             "| | " + " | ".join(r["impl"] for r in doc["runs"]) + " |",
             "|---|" + "---|" * len(doc["runs"])]

    def row(name, f):
        lines.append(f"| {name} | " + " | ".join(str(f(r)) for r in doc["runs"]) + " |")
    row("faults run / planned", lambda r: f"{r['faults_run']} / {r['faults_planned']}")
    row("violations", lambda r: len(r["violations"]))
    for c in ("other", "stale", "partition"):
        row(f"dual-master windows, {c}: count / total / longest ms",
            lambda r, c=c: f"{r['dual_master'][c]['count']} / {r['dual_master'][c]['total_ms']} / "
                           f"{r['dual_master'][c]['longest_ms']}")
    for v in vips():
        row(f"convergence after heal {v}, median / max ms",
            lambda r, v=v: f"{r['converge_ms'][v].get('median')} / {r['converge_ms'][v].get('max')}")
    row("VRRP process killed: its VIPs removed after, median / max ms",
        lambda r: f"{r['kill_cleanup_ms'].get('median')} / {r['kill_cleanup_ms'].get('max')}")
    skipped = {f["index"] for r in doc["runs"] for f in r["faults"] if "skipped" in f}
    row("dual-master windows, other, in faults every daemon ran", lambda r: "{count} / {total_ms} / {longest_ms}".format(
        **summary([w for w in r["windows"] if w["class"] == "other" and w["fault"] not in skipped])))
    row("run time s", lambda r: r["seconds"])
    lines += ["", "Faults skipped:"]
    for r in doc["runs"]:
        for k, why in r["skipped"].items():
            lines.append(f"- {r['impl']}: {k} ({r['per_kind'].get(k, {}).get('skipped', 0)} times): {why}")
    lines += ["", "Violations:"]
    vs = [v for r in doc["runs"] for v in r["violations"]]
    lines += [f"- {v['impl']} fault {v['index']} ({v['kind']}, node {v['node']}): {v['what']} {v['detail']}; "
              f"`{v['repro']}`" for v in vs] or ["- none"]
    return "\n".join(lines) + "\n"


def interrupted(*_):
    raise KeyboardInterrupt("SIGTERM")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None, help="schedule seed (default: from the clock, printed)")
    ap.add_argument("--faults", type=int, default=500)
    ap.add_argument("--impl", default="vigil,keepalived")
    ap.add_argument("--slack", type=float, default=0.5, help="s added to Master_Down_Interval (loaded CPU)")
    ap.add_argument("--leftover", type=float, default=1.0, help="s for a killed VRRP process's VIPs to go")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "chaos"))
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int(time.time()) % 100000
    if os.geteuid() != 0:
        sys.exit("chaos: needs root (network namespaces)")
    os.makedirs(args.out, exist_ok=True)
    signal.signal(signal.SIGTERM, interrupted)
    plan = schedule(args.seed, args.faults)
    print(f"chaos: seed {args.seed}, {args.faults} faults, kinds {dict(KINDS)}", flush=True)
    doc = {"args": vars(args), "runs": []}
    work = tempfile.mkdtemp(prefix="vigil-chaos-")
    lab = watch = None
    try:
        lab = Lab(3, net4=NET4, net6="fd31:237")
        watch = Watch([h.name for h in lab.hosts], vips())
        for impl in args.impl.split(","):
            doc["runs"].append(one_impl(impl, lab, watch, plan, args, work, args.out))
    finally:
        if watch:
            watch.close()
        if lab:
            lab.close()
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(args.out, "chaos.json"), "w") as f:
        json.dump(doc, f, indent=1)
    md = markdown(doc)
    with open(os.path.join(args.out, "chaos.md"), "w") as f:
        f.write(md)
    print(md)
    bad = [v for r in doc["runs"] if r["impl"] == "vigil" for v in r["violations"]]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
