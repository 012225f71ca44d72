"""The seeded fault schedule and its execution on three nodes, with the
invariant checked after every heal.

The invariant (what a violation means):
  1. convergence: after each heal, every VIP is held by exactly one node's
     kernel within one Master_Down_Interval of its instance (the longest of
     the three priorities) plus --slack for a loaded machine; zero holders
     (an outage) or two (a split) at the deadline is a violation. The heal
     is the moment the faulted part runs again: SIGCONT sent, link up,
     partition lifted, or the restarted VRRP process's pid alive.
  2. cleanup: when the VRRP process (vigil's worker, keepalived's child)
     is SIGKILLed, the next kernel event for each VIP that node held is
     its removal, within --leftover seconds. A process that is frozen
     (SIGSTOP) or a whole daemon SIGKILLed cannot remove anything (the
     same with keepalived): the node's addresses are then "stale" until
     it runs again, counted as stale windows, not violations; after the
     heal, rule 1 requires them gone unless that node is the one master.
  3. every daemon is still running after each heal.
Dual-master windows come from the kernel events and are split into
partition (a node cut off by the schedule: nftables or link down),
stale (a frozen or killed node still holding) and other (handovers)."""
import random
import time

from nodes import INSTANCES, instance_of, vip_bound, vips

KINDS = (("kill_worker", 3), ("kill_daemon", 1), ("stop_cont", 2), ("link", 1), ("partition", 2),
         ("track_proc", 1), ("hung_script", 1), ("reload_election", 1), ("demote", 1))
UNSUPPORTED = {"keepalived": {
    "track_proc": "vrrp_track_process cannot run in a network namespace (process connector: errno 111)",
    "demote": "keepalived has no demote/promote command"}}


def schedule(seed, n):
    """n faults; every field is drawn for every fault so that fault i is
    the same whatever ran before it. Targets are roles (the master of an
    instance, or a node), resolved when the fault runs."""
    rng = random.Random(seed)
    names, weights = [k for k, _ in KINDS], [w for _, w in KINDS]
    out = []
    for i in range(n):
        kind = rng.choices(names, weights)[0]
        r, node = rng.random(), rng.randrange(3)
        inst = rng.choice([x[0] for x in INSTANCES])
        item = {"index": i, "kind": kind, "hold": round(rng.uniform(0.3, 4.5), 3),
                "gap": round(rng.uniform(0.1, 0.6), 3), "whole": rng.random() < 0.3,
                "via": rng.choice(["sighup", "ctl"]), "delay": round(rng.uniform(0.0, 0.3), 3),
                "other": rng.randrange(2), "instance": inst}
        item["target"] = (f"master:{inst}" if kind == "demote" else "master:VI_3" if r < 0.5
                          else "master:VI_2" if r < 0.75 else f"node:{node}")
        out.append(item)
    return out


class Run:
    def __init__(self, impl, nodes, watch, seed, slack, leftover):
        self.impl, self.nodes, self.watch, self.seed = impl, nodes, watch, seed
        self.slack, self.leftover = slack, leftover
        self.bound = vip_bound()
        self.records, self.violations = [], []
        self.isolated, self.stale = [], []       # (node, start, end)

    def violation(self, rec, what, detail=""):
        v = {"impl": self.impl, "seed": self.seed, "index": rec["index"], "kind": rec["kind"],
             "node": rec.get("node"), "what": what, "detail": detail,
             "repro": f"/usr/bin/python3 tests/chaos/chaos.py --impl {self.impl} --seed {self.seed} "
                      f"--faults {rec['index'] + 1}"}
        self.violations.append(v)
        rec.setdefault("violations", []).append(what)
        print(f"  VIOLATION [{self.impl} seed {self.seed} fault {rec['index']}] {what} {detail}", flush=True)

    def resolve(self, target):
        if target.startswith("master:"):
            vip = next(i[4] for i in INSTANCES if i[0] == target.split(":")[1])
            h = self.watch.snapshot()[vip]
            return min(h) if h else 0
        return int(target.split(":")[1])

    def run(self, item):
        rec = dict(item)
        rec["node"] = self.resolve(item["target"])
        why = UNSUPPORTED.get(self.impl, {}).get(item["kind"])
        if why:
            rec["skipped"] = why
            self.records.append(rec)
            return rec
        n = self.nodes[rec["node"]]
        before = self.watch.snapshot()
        held = [v for v in vips() if n.idx in before[v]]
        rec["t0"] = time.monotonic()
        heal = getattr(self, "f_" + item["kind"])(n, item, rec, held)
        rec["heal"] = heal
        self.converge(rec, heal)
        for m in self.nodes:
            if m.daemon.proc.poll() is not None:
                self.violation(rec, "daemon exited", f"node {m.idx} status {m.daemon.proc.returncode}")
                m.start()
                m.wait_vrrp(None, 30)
        rec["t1"] = time.monotonic()
        self.records.append(rec)
        time.sleep(item["gap"])
        return rec

    # ---- checks -----------------------------------------------------------------------------

    def converge(self, rec, heal):
        rec["converge_ms"] = {}
        for vip in vips():
            end = heal + self.bound[vip] + self.slack
            t = self.watch.wait(lambda h, v=vip: len(h[v]) == 1, max(0.0, end - time.monotonic()))
            if t is None:
                held = sorted(self.watch.snapshot()[vip])
                self.violation(rec, "no single holder", f"{vip} ({instance_of(vip)}) held by nodes {held} "
                               f"{self.bound[vip] + self.slack:.2f} s after the heal")
                t = self.watch.wait(lambda h, v=vip: len(h[v]) == 1, 10.0)     # let the run go on
            rec["converge_ms"][vip] = None if t is None else round(max(0.0, t - heal) * 1000, 1)

    def cleanup(self, n, held, t0, rec):
        rec["cleanup_ms"] = {}
        for vip in held:
            ev = self.watch.first_after(n.idx, vip, t0, self.leftover)
            if ev is None or ev[1] > 0:
                self.violation(rec, "leftover", f"{vip} stayed on node {n.idx} after its VRRP process was killed"
                               + (" (re-added first)" if ev else f" for {self.leftover} s"))
                rec["cleanup_ms"][vip] = None
            else:
                rec["cleanup_ms"][vip] = round((ev[0] - t0) * 1000, 2)

    def respawned(self, n, old, rec):
        new = n.wait_vrrp(old, 70.0)
        if not new:
            self.violation(rec, "VRRP process not restarted", f"node {n.idx}")
        return time.monotonic()

    # ---- faults: each returns the heal time --------------------------------------------------

    def f_kill_worker(self, n, item, rec, held):
        t0 = time.monotonic()
        old = n.kill_vrrp()
        self.cleanup(n, held, t0, rec)
        heal = self.respawned(n, old, rec)
        self.stale.append((n.idx, t0, heal))
        return heal

    def f_kill_daemon(self, n, item, rec, held):
        t0 = time.monotonic()
        n.kill_all()
        time.sleep(item["hold"])
        n.start()
        n.wait_vrrp(None, 30.0)
        heal = time.monotonic()
        self.stale.append((n.idx, t0, heal))
        return heal

    def f_stop_cont(self, n, item, rec, held):
        t0 = time.monotonic()
        n.stop(item["whole"])
        time.sleep(item["hold"])
        n.cont()
        heal = time.monotonic()
        self.stale.append((n.idx, t0, heal))
        return heal

    def f_link(self, n, item, rec, held):
        t0 = time.monotonic()
        n.link(False)
        time.sleep(item["hold"])
        n.link(True)
        heal = time.monotonic()
        self.isolated.append((n.idx, t0, heal))
        return heal

    def f_partition(self, n, item, rec, held):
        t0 = time.monotonic()
        n.partition(True)
        time.sleep(item["hold"])
        n.partition(False)
        heal = time.monotonic()
        self.isolated.append((n.idx, t0, heal))
        return heal

    def f_track_proc(self, n, item, rec, held):
        n.kill_tracked()
        time.sleep(item["hold"])
        n.start_tracked()
        return time.monotonic()

    def f_hung_script(self, n, item, rec, held):
        n.hang(True)
        time.sleep(max(item["hold"], 2.5))        # one interval and one timeout: seen as failed
        n.hang(False)
        return time.monotonic()

    def f_reload_election(self, n, item, rec, held):
        """The master of VI_3 dies; while the backups elect, one of them reloads."""
        other = self.nodes[(n.idx + 1 + item["other"]) % 3]
        rec["reloaded"] = other.idx
        t0 = time.monotonic()
        old = n.kill_vrrp()
        time.sleep(item["delay"])
        rc = other.reload(item["via"])
        if rc != 0:
            self.violation(rec, "reload refused", f"node {other.idx} vigilctl reload exit {rc}")
        self.cleanup(n, held, t0, rec)
        heal = self.respawned(n, old, rec)
        self.stale.append((n.idx, t0, heal))
        return heal

    def f_demote(self, n, item, rec, held):
        inst = item["instance"]
        vip = next(i[4] for i in INSTANCES if i[0] == inst)
        r = n.ctl("demote", inst)
        if r.returncode != 0:
            self.violation(rec, "demote refused", r.stderr.strip())
        t = self.watch.wait(lambda h: len(h[vip]) == 1 and n.idx not in h[vip], self.bound[vip] + self.slack)
        if t is None:
            self.violation(rec, "demote did not hand over", f"{vip} held by {sorted(self.watch.snapshot()[vip])}")
        else:
            rec["handover_ms"] = round((t - rec["t0"]) * 1000, 1)
        time.sleep(item["hold"])
        r = n.ctl("promote", inst)
        if r.returncode != 0:
            self.violation(rec, "promote refused", r.stderr.strip())
        return time.monotonic()
