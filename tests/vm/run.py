#!/usr/bin/python3
"""Boot the VM layer's guest once and run its scenarios; exit non-zero on any failure.

qemu runs Debian's kernel under TCG (the host's /dev/kvm is PVM-only and cannot run
it), the ELF vmlinux and the uncompressed initramfs that tests/vm/build.py made.  The
guest's /init prints each scenario's output between marker lines on the serial
console; this script reads the console as it comes, keeps a copy in build/vm/console.log,
prints a summary with the time of each scenario, and kills qemu when the whole run
exceeds --timeout.  With --jobs N (default: 2 on a host with 2 CPUs or more) the
scenarios are dealt round-robin to N guests booted side by side, one vCPU each, so
the layer's wall time is about halved; the console of guest k > 1 goes to
console-k.log next to --log.

    tests/vm/run.py                      # every scenario in the image
    tests/vm/run.py lab_nat -v           # one, with the guest's output shown
"""
import argparse
import copy
import os
import re
import selectors
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

BEGIN = re.compile(r"@@VIGIL-BEGIN (\S+)")
END = re.compile(r"@@VIGIL-END (\S+) rc=(\d+) ms=(\d+)")
BOOT = re.compile(r"@@VIGIL-BOOT uptime_ms=(\d+)")
DONE = re.compile(r"@@VIGIL-DONE uptime_ms=(\d+)")
SKIP = 77


def qemu_command(args):
    cmdline = ["console=ttyS0", "quiet", "loglevel=1", "panic=-1", "vigil.run=" + args.run,
               "vigil.timeout=%d" % args.scenario_timeout]
    # more vigil.NAME=VALUE words for a scenario to read (bench/lvs_vm.py's parameters)
    cmdline += getattr(args, "append", [])
    return ["qemu-system-x86_64", "-M", "pc", "-accel", "tcg", "-m", str(args.memory),
            "-smp", "1", "-display", "none", "-monitor", "none", "-serial", "stdio",
            "-nic", "none", "-no-reboot", "-kernel", args.kernel, "-initrd", args.initrd,
            "-append", " ".join(cmdline)]


class Run:
    """What the console said so far."""

    def __init__(self, verbose):
        self.verbose = verbose
        self.results = {}  # name -> (rc, ms)
        self.output = {}  # name -> lines
        self.current = None
        self.boot_wall = None
        self.boot_uptime = None
        self.done = False
        self.wall = 0.0  # seconds from qemu start to its exit (boot() returns it)

    def line(self, text, wall):
        m = BOOT.search(text)
        if m:
            self.boot_wall, self.boot_uptime = wall, int(m.group(1)) / 1000
        m = BEGIN.search(text)
        if m:
            self.current = m.group(1)
            self.output[self.current] = []
        m = END.search(text)
        if m:
            self.results[m.group(1)] = (int(m.group(2)), int(m.group(3)))
            self.report(m.group(1))
            self.current = None
        elif self.current and not BEGIN.search(text):
            self.output[self.current].append(text)
            if self.verbose:
                print("  | " + text, flush=True)
        if DONE.search(text):
            self.done = True

    def report(self, name):
        rc, ms = self.results[name]
        word = "pass" if rc == 0 else "skip" if rc == SKIP else "FAIL rc=%d" % rc
        if rc == 124 or rc == 143:
            word += " (scenario timeout)"
        print("vm: %-24s %-10s %6.2f s" % (name, word, ms / 1000), flush=True)
        if rc not in (0, SKIP) and not self.verbose:
            for text in self.output.get(name, []):
                print("  | " + text)
        elif rc == SKIP and self.output.get(name) and not self.verbose:
            print("  | " + self.output[name][-1])


def boot(args, run):
    """Start qemu, feed its console to run, stop it at the deadline. Returns seconds."""
    start = time.monotonic()
    log = open(args.log, "w")
    proc = subprocess.Popen(qemu_command(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    pending = b""
    timed_out = False
    while True:
        left = start + args.timeout - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if not sel.select(timeout=min(left, 1.0)):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        log.write(chunk.decode(errors="replace"))
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            run.line(raw.decode(errors="replace").rstrip("\r"), time.monotonic() - start)
    if timed_out:
        proc.kill()
        print("vm: the whole run exceeded %d s; qemu killed" % args.timeout)
    proc.wait()
    log.close()
    return time.monotonic() - start


def expected(args):
    if args.run != "all":
        return args.run.split(",")
    listing = os.path.join(os.path.dirname(args.initrd), "scenarios.txt")
    if os.path.exists(listing):
        return open(listing).read().split()
    return []


def main():
    out = os.path.join(TOP, "build", "vm")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenarios", nargs="*", help="default: all in the image")
    ap.add_argument("--kernel", default=os.path.join(out, "vmlinux"))
    ap.add_argument("--initrd", default=os.path.join(out, "initramfs.cpio"))
    ap.add_argument("--log", default=os.path.join(out, "console.log"))
    ap.add_argument("--memory", type=int, default=1024, help="MiB (default 1024)")
    ap.add_argument("--timeout", type=int, default=480, help="whole run, seconds")
    ap.add_argument("--scenario-timeout", type=int, default=60, help="seconds per scenario")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="guests booted side by side (default: 2 with 2 CPUs, else 1)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the guest's output")
    args = ap.parse_args()
    args.run = ",".join(args.scenarios) or "all"
    for path in (args.kernel, args.initrd):
        if not os.path.exists(path):
            sys.exit("vm: %s missing; run tests/vm/build.py (make vm-check does)" % path)

    names = expected(args)
    jobs = 1 if args.verbose else max(1, min(args.jobs, len(names) or 1))
    shards = []
    for k in range(jobs):
        sub = copy.copy(args)
        sub.run = ",".join(names[k::jobs]) if jobs > 1 else args.run
        if k:
            root, ext = os.path.splitext(args.log)
            sub.log = "%s-%d%s" % (root, k + 1, ext)
        shards.append((sub, Run(args.verbose)))

    def one(sub, run):
        run.wall = boot(sub, run)
    threads = [threading.Thread(target=one, args=shard) for shard in shards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdicts = [summary(sub, run, len(shards)) for sub, run in shards]
    if any(verdicts):
        sys.exit(1)


def summary(args, run, boots):
    """Print one guest's verdict; True when it failed or left scenarios unrun."""
    failed = [n for n, (rc, _) in run.results.items() if rc not in (0, SKIP)]
    missing = [n for n in expected(args) if n not in run.results]
    if run.current:
        missing.append(run.current)
        print("vm: %s never finished; its output:" % run.current)
        for text in run.output.get(run.current, [])[-40:]:
            print("  | " + text)
    boot_s = "%.2f s (guest uptime %.2f s)" % (run.boot_wall, run.boot_uptime) \
        if run.boot_wall is not None else "never"
    passed = sum(1 for rc, _ in run.results.values() if rc == 0)
    skipped = sum(1 for rc, _ in run.results.values() if rc == SKIP)
    print("vm: 1 boot%s, qemu start to /init ready %s, %d passed, %d skipped, %d failed, "
          "%.1f s in all (console: %s)" % (" of %d" % boots if boots > 1 else "", boot_s,
                                           passed, skipped, len(failed), run.wall, args.log))
    if not run.done:
        print("vm: the guest did not reach the end of its run")
    if missing:
        print("vm: no result for: " + " ".join(sorted(set(missing))))
    return bool(failed or missing or not run.done)


if __name__ == "__main__":
    main()
