"""Shared pieces of the benchmarks: the daemons' processes, their CPU and
memory from /proc, and configurations with many instances."""
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from lab import Lab, wait_for  # noqa: E402,F401
from vrrp import KEEPALIVED, Daemon, Logged, instance  # noqa: E402,F401

VIGILD = os.environ.get("VIGILD", os.path.join(ROOT, "build", "src", "vigild"))
TICK = os.sysconf("SC_CLK_TCK")
PER_LINK = 250          # VRIDs per interface


def binary(impl):
    return VIGILD if impl == "vigil" else KEEPALIVED


def start(host, impl, conf, **kw):
    return Daemon(host, binary(impl), conf, kind="vigil" if impl == "vigil" else "keepalived", **kw)


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    rest = data[data.rindex(")") + 2:].split()
    return rest  # rest[0] is state; fields shift by 3 from the man page numbering


def tree(root):
    """root and its descendants (the supervisor and its worker; keepalived's
    parent and VRRP child); scripts are counted through their parent's
    children times."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids.setdefault(int(_stat(d)[1]), []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def daemon_pids(d):
    return tree(d.pid("main") or d.proc.pid)


def cpu_split(pids):
    """(user, system) seconds of pids, their reaped children included."""
    user = system = 0
    for p in pids:
        try:
            f = _stat(p)
            user += int(f[11]) + int(f[13])
            system += int(f[12]) + int(f[14])
        except (OSError, ValueError, IndexError):
            pass
    return user / TICK, system / TICK


def cpu_seconds(pids):
    """utime + stime + cutime + cstime of pids, in seconds."""
    return sum(cpu_split(pids))


def own_cpu_seconds(pids):
    """CPU time of pids themselves (every thread), from schedstat, in ns
    precision; children (scripts) are not included."""
    total = 0
    for p in pids:
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
        except (OSError, ValueError):
            pass
    return total / 1e9


def memory_kb(pids):
    """(RSS, PSS) summed over pids, in kB, from smaps_rollup."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def vip_of(i):
    return f"10.240.{i // 250}.{i % 250 + 1}"


def many(n, prio, advert, extra=""):
    """n VRRPv3 instances spread over eth0.. (250 VRIDs each), one /32 VIP
    each."""
    out = []
    for i in range(n):
        out.append(instance(name=f"VI_{i}", vrid=i % PER_LINK + 1, prio=prio, advert=advert,
                            iface=f"eth{i // PER_LINK}", vips=(vip_of(i) + "/32",), extra=extra))
    return "".join(out)


def links_for(n):
    return max(1, (n + PER_LINK - 1) // PER_LINK)


def count_vips(host, n):
    out = host.run("ip", "-4", "-o", "addr", "show", check=False).stdout
    return sum(1 for i in range(n) if f" {vip_of(i)}/32 " in out)


def median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


# ---- nodes with a process table of their own ----------------------------------------
# The lab's hosts are network namespaces only: they share one process table, so
# `pgrep -x nginx` (or a track_process) on one node would see every node's nginx, and
# those of anything else running on the machine. A PidNode gives a lab host a PID
# namespace and a /proc of its own, as two machines would have.

# pid 1 of the node: it must reap orphans (an nginx worker whose master was
# killed), or their zombies would still be listed in /proc under their name.
REAPER = r"""
import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
print("ready", flush=True)
while True:
    signal.sigwait({signal.SIGCHLD})
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass
"""


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class PidNode:
    """A lab host with its own PID namespace: spawn() and run() start
    programs in both the host's network namespace and the node's PID
    namespace (so web.Nginx works on it unchanged)."""

    def __init__(self, host):
        self.host, self.name, self.lab, self.ipv4 = host, host.name, host.lab, host.ipv4
        self.holder = host.spawn("unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
                                 "/usr/bin/python3", "-c", REAPER)
        if self.holder.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{self.name}: no PID namespace: {self.holder.stderr.read()}")
        kids = children(self.holder.pid)
        if len(kids) != 1:
            raise RuntimeError(f"{self.name}: pid 1 of the node not found")
        self.init = kids[0]

    def _cmd(self, cmd):
        return ["nsenter", "-t", str(self.init), "-n", "-p", "-m", "--", *cmd]

    def run(self, *cmd, check=True, timeout=30):
        return subprocess.run(self._cmd(cmd), check=check, capture_output=True, text=True, timeout=timeout)

    def spawn(self, *cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw):
        """Start a program in the node; its nsenter parent (outside the
        node) leads the process group, so killpg reaches both."""
        p = subprocess.Popen(self._cmd(cmd), start_new_session=True, stdout=stdout, stderr=stderr,
                             text=True, **kw)
        self.lab.procs.append(p)
        return p

    def close(self):
        """SIGKILL to the node's pid 1 ends every process of the node (its
        unshare parent ignores SIGTERM, which the lab's teardown sends)."""
        if self.holder.poll() is None:
            try:
                os.kill(self.init, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.holder.wait(timeout=10)

    def pids_named(self, comm):
        """Host pids of the node's processes whose name is comm."""
        ns, out = os.readlink(f"/proc/{self.init}/ns/pid"), []
        for p in os.listdir("/proc"):
            try:
                if p.isdigit() and os.readlink(f"/proc/{p}/ns/pid") == ns:
                    with open(f"/proc/{p}/comm") as f:
                        if f.read().strip() == comm:
                            out.append(int(p))
            except OSError:
                pass
        return out


class NodeDaemon(Logged):
    """vigild or keepalived in a PidNode, with its own pid files and log
    (the pid files hold the node's pids, so stop() signals by host pid)."""

    def __init__(self, node, impl, conf_text):
        self.node, self.impl = node, impl
        self.dir = node.lab.tempdir(f"{impl}-{node.name}-", 0o700)  # removed with the lab
        self.conf = os.path.join(self.dir, "vrrp.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.log = open(os.path.join(self.dir, "log"), "w+")
        cmd = [binary(impl), "-n", "-l", "-D", "-f", self.conf,
               *sum((["-" + k, os.path.join(self.dir, f"{w}.pid")] for k, w in
                     (("p", "main"), ("r", "vrrp"), ("c", "check"))), [])]
        cmd += ["-P"] if impl == "keepalived" else ["--control-socket", os.path.join(self.dir, "ctl.sock")]
        self.proc = node.spawn(*cmd, stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self, timeout=10):
        """SIGTERM to the daemon (the child of nsenter), waiting for the exit."""
        if self.proc.poll() is not None:
            return
        for pid in children(self.proc.pid):
            os.kill(pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in tree(self.proc.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait(timeout=5)
