#!/usr/bin/python3
"""Issue 16, hitless reload at scale: SIGHUP to the reload applied, for a
file of 2,300 virtual servers and 37,000 real servers (TCP_CHECK each)
reloaded unchanged, with the dry-run IPVS backend on the host (the host's
kernel has no IPVS).

vigild runs the health checker only (-C --dry-run). The real servers are
on TEST-NET addresses nobody answers; their TCP_CHECKs have a long
delay_loop and many retries, so that no check changes a state during the
run: alpha is off, every real server starts in the table. The time of one
reload is from the SIGHUP sent to the supervisor (which parses and
validates the file) to the check worker's "Reloaded:" line (its parse off
the loop, then model, carry and table diff on the loop), read from the
daemon's log pipe as it comes. After the reloads: the dry-run IPVS lines
logged after the first SIGHUP (0 expected) and the real servers that kept
their state (all expected, from the "kept their state" count).

keepalived cannot run this file on a host without ip_vs: its side of the
comparison is the VM benchmark's (another part of bench/).

With --change-one, each reload's file differs from the last by one real
server's weight (the first one's, 1 and 2 in turn): one destination edit
per reload is expected, and every real server kept.

usage: VIGILD=... bench/lvs_reload.py [--vs 2300] [--rs 37000] [--reloads 5] [--change-one] [--json]
The JSON document goes to stdout, a summary to stderr."""
import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGILD = os.environ.get("VIGILD", os.path.join(ROOT, "build", "src", "vigild"))


def rs_addr(j):
    """The j-th real server's address: 198.18.0.0/15 (benchmarking, RFC 2544)."""
    return f"198.{18 + (j >> 16)}.{(j >> 8) & 255}.{j & 255}"


def config(nvs, nrs, first_weight=1):
    """nvs virtual servers sharing nrs real servers as evenly as can be."""
    out = ["global_defs {\n  router_id lvs_reload_bench\n}\n"]
    j = 0
    for i in range(nvs):
        per = nrs // nvs + (1 if i < nrs % nvs else 0)
        out.append(f"virtual_server 10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255} 80 {{\n"
                   "  delay_loop 3600\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n")
        for _ in range(per):
            out.append(f"  real_server {rs_addr(j)} 8080 {{\n    weight {first_weight if j == 0 else 1}\n"
                       "    TCP_CHECK {\n      connect_timeout 3\n      retry 100\n"
                       "      delay_before_retry 3600\n    }\n  }\n")
            j += 1
        out.append("}\n")
    return "".join(out)


class Log:
    """The daemon's log pipe, each line stamped with its arrival."""

    def __init__(self, proc):
        self.proc, self.lines, self.buf = proc, [], b""

    def pump(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return False
        data = os.read(self.proc.stdout.fileno(), 1 << 20)
        if not data:
            raise RuntimeError("vigild exited:\n" + "\n".join(t for _, t in self.lines[-30:]))
        now = time.monotonic()
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        self.lines += [(now, d.decode(errors="replace")) for d in done]
        return True

    def wait(self, pred, timeout, start=0):
        """The index of the first line from start that pred accepts."""
        end = time.monotonic() + timeout
        i = start
        while True:
            while i < len(self.lines):
                if pred(self.lines[i][1]):
                    return i
                i += 1
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no such line within {timeout} s")
            self.pump(left)


def cpu_s(root):
    """User+system seconds of root and its children (the supervisor and its worker)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    pids = [root] + [int(p) for p in os.listdir("/proc") if p.isdigit() and ppid(p) == root]
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            total += int(rest[11]) + int(rest[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def ppid(p):
    try:
        with open(f"/proc/{p}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


PHASES = {
    "validation": r"reload: validation took ([\d.]+) ms",
    "worker_parse": r"reload: the health checker's parse took ([\d.]+) ms",
    "model_and_carry": r"reload: model and carry ([\d.]+) ms",
    "start": r"reload: model and carry [\d.]+ ms, start ([\d.]+) ms",
    "table": r"table ([\d.]+) ms;",
    "loop_cpu": r"; ([\d.]+) ms of CPU on the loop",
}


def phase_medians(lines):
    """The median of each phase the daemon logs with -D, over the reloads."""
    out = {}
    for name, rx in PHASES.items():
        vals = [float(m.group(1)) for m in (re.search(rx, s) for s in lines) if m]
        if vals:
            out[name] = round(statistics.median(vals), 1)
    return out


def run(args):
    work = tempfile.mkdtemp(prefix="lvs-reload-")
    conf = os.path.join(work, "keepalived.conf")
    with open(conf, "w") as f:
        f.write(config(args.vs, args.rs))
    cmd = [VIGILD, "-n", "-l", "-D", "-C", "--dry-run", "-f", conf, "-p", f"{work}/main.pid",
           "-r", f"{work}/vrrp.pid", "-c", f"{work}/check.pid", "--control-socket", f"{work}/ctl.sock"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    log = Log(proc)
    try:
        t0 = time.monotonic()
        adds = [0]

        def all_added(line):
            adds[0] += "IPVS (dry run): add dest" in line
            return adds[0] >= args.rs
        log.wait(all_added, 300)
        started = time.monotonic() - t0
        times, cpus, kept, first = [], [], [], len(log.lines)
        for k in range(args.reloads):
            if args.change_one:  # written before the pause: not part of the reload's time
                with open(conf, "w") as f:
                    f.write(config(args.vs, args.rs, first_weight=2 if k % 2 == 0 else 1))
            # a reload starts from a settled daemon, as an operator's does:
            # what the last one left to do (freeing its old model) is done
            end = time.monotonic() + args.pause
            while time.monotonic() < end:
                log.pump(max(0.0, end - time.monotonic()))
            mark = len(log.lines)
            c = cpu_s(proc.pid)
            t = time.monotonic()
            os.kill(proc.pid, signal.SIGHUP)
            i = log.wait(lambda s: "Reloaded:" in s, 120, mark)
            times.append(log.lines[i][0] - t)
            cpus.append(cpu_s(proc.pid) - c)
            m = re.search(r"\((\d+) kept their state\)", log.lines[i][1])
            kept.append(int(m.group(1)) if m else None)
        # one more reload as a barrier: every line of the last one has been logged
        while log.pump(0.5):
            pass
        ipvs = [s for _, s in log.lines[first:] if "IPVS (dry run):" in s]
        phases = [s.split(": ", 1)[1] for _, s in log.lines[first:] if re.search(r": reload: ", s)]
        return {
            "config": {"virtual_servers": args.vs, "real_servers": args.rs, "checker": "TCP_CHECK"},
            "vigil": {
                "start_to_all_rs_s": round(started, 3),
                "reloads": args.reloads,
                "pause_s": args.pause,
                "reload_s": {"median": round(statistics.median(times), 4), "min": round(min(times), 4),
                             "max": round(max(times), 4), "all": [round(x, 4) for x in times]},
                "reload_cpu_s": {"median": round(statistics.median(cpus), 3), "all": [round(x, 3) for x in cpus]},
                "load_average": os.getloadavg()[0],
                "change_one": args.change_one,
                "kernel_changes_after_reload": len(ipvs),
                "kernel_changes_expected": args.reloads if args.change_one else 0,
                "kernel_change_lines": ipvs[:10],
                "real_servers_kept": kept,
                "all_kept": all(k == args.rs for k in kept),
                "phases_last_reload": phases[-5:],
                "phases_median_ms": phase_medians(phases),
            },
            "keepalived": {"ran": False, "why": "needs ip_vs, absent on the host: the VM benchmark compares both"},
            "goal_reload_s": 0.1,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vs", type=int, default=2300)
    ap.add_argument("--rs", type=int, default=37000)
    ap.add_argument("--reloads", type=int, default=5)
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between two reloads (default 1)")
    ap.add_argument("--change-one", action="store_true",
                    help="each reload changes one real server's weight (one destination edit expected)")
    ap.add_argument("--json", action="store_true", help="the JSON document on stdout (the default too)")
    ap.add_argument("--config-only", action="store_true", help="print the generated configuration and exit")
    args = ap.parse_args()
    if args.config_only:
        sys.stdout.write(config(args.vs, args.rs))
        return 0
    res = run(args)
    v = res["vigil"]
    print(json.dumps(res))  # one line: bench/run reads the last line that is a JSON document
    r = v["reload_s"]
    print(f"lvs_reload: {args.vs} VS / {args.rs} RS, start to all RS {v['start_to_all_rs_s']} s; "
          f"{args.reloads} reloads of {'a file with one weight changed' if args.change_one else 'the same file'}: median {r['median']} s (min {r['min']}, max {r['max']}; "
          f"goal <= 0.1 s, keepalived 2.3.0 publishes 0.24 s; CPU per reload {v['reload_cpu_s']['median']} s, "
          f"load {v['load_average']:.1f}); kernel changes {v['kernel_changes_after_reload']} "
          f"({v['kernel_changes_expected']} expected); RS kept {v['real_servers_kept']}; keepalived: not run on the host (no ip_vs), "
          "the VM benchmark compares both", file=sys.stderr)
    return 0 if v["kernel_changes_after_reload"] == v["kernel_changes_expected"] and v["all_kept"] else 1


if __name__ == "__main__":
    sys.exit(main())
