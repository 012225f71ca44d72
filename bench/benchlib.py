"""Shared pieces of the benchmarks: the daemons' processes, their CPU and
memory from /proc, and configurations with many instances."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from lab import Lab, wait_for  # noqa: E402,F401
from vrrp import KEEPALIVED, Daemon, instance  # noqa: E402,F401

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
