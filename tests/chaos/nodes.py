"""One chaos node: a lab host running vigild or keepalived with two
instances (VRRPv3 at 0.1 s, VRRPv2 at 1 s), a track script that can be made
to hang and, for vigil, a tracked process; and the operations the faults
use (signals, restarts, partitions, links, reloads, demote/promote)."""
import os
import shutil
import signal
import subprocess
import time

from vrrp import KEEPALIVED, VIGILCTL, Daemon

NET4 = "10.237"
# name, vrid, version, advert, VIP, priority by node
INSTANCES = (("VI_3", 51, 3, "0.1", f"{NET4}.0.100", (150, 120, 100)),
             ("VI_2", 52, 2, "1", f"{NET4}.0.200", (100, 150, 120)))
WEIGHT = -60
SCRIPT_TIMEOUT = 1


def mdi(advert, prio):
    """Master_Down_Interval (RFC 5798 / 3768): 3 adverts plus Skew_Time."""
    a = float(advert)
    return 3 * a + (256 - prio) * a / 256


def vips():
    return [i[4] for i in INSTANCES]


def vip_bound():
    """Per VIP, the longest Master_Down_Interval among the nodes."""
    return {vip: max(mdi(adv, p) for p in prios) for _, _, _, adv, vip, prios in INSTANCES}


def instance_of(vip):
    return next(i[0] for i in INSTANCES if i[4] == vip)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def signal_pid(pid, sig):
    try:
        if pid:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


class Node:
    def __init__(self, impl, binary, host, idx, work):
        self.impl, self.binary, self.host, self.idx = impl, binary, host, idx
        self.work = os.path.join(work, f"n{idx}")
        os.makedirs(self.work, exist_ok=True)
        tag = os.getpid() % 100000
        self.proc_name = f"vct{tag}n{idx}"            # under 15 chars: the comm matched
        self.proc_bin = os.path.join(self.work, self.proc_name)
        shutil.copy("/bin/sleep", self.proc_bin)
        self.hang_flag = os.path.join(self.work, "hang")
        self.script = os.path.join(self.work, "chk.sh")
        with open(self.script, "w") as f:
            f.write(f"#!/bin/sh\n[ -e {self.hang_flag} ] && exec /bin/sleep {SCRIPT_TIMEOUT * 5}\nexit 0\n")
        os.chmod(self.script, 0o755)
        self.tracked = None
        self.daemon = None
        self.daemons = []
        self.partitioned = False
        self.stopped = []

    # ---- configuration ----------------------------------------------------------------------

    def conf(self):
        out = [f'vrrp_script chk {{\n  script "{self.script}"\n  interval 1\n  timeout {SCRIPT_TIMEOUT}\n'
               f'  weight {WEIGHT}\n  rise 1\n  fall 1\n}}\n']
        track_proc = self.impl == "vigil"   # keepalived's needs the initial namespace
        if track_proc:
            out.append(f"vrrp_track_process tp {{\n  process {self.proc_name}\n  weight {WEIGHT}\n}}\n")
        for name, vrid, ver, adv, vip, prios in INSTANCES:
            tp = "  track_process {\n    tp\n  }\n" if track_proc else ""
            out.append(f"""vrrp_instance {name} {{
  state BACKUP
  interface eth0
  virtual_router_id {vrid}
  priority {prios[self.idx]}
  advert_int {adv}
  version {ver}
  track_script {{
    chk
  }}
{tp}  virtual_ipaddress {{
    {vip}/24
  }}
}}
""")
        return "".join(out)

    # ---- life -------------------------------------------------------------------------------

    def start_tracked(self):
        self.tracked = self.host.spawn(self.proc_bin, "100000")

    def kill_tracked(self):
        if self.tracked and self.tracked.poll() is None:
            self.tracked.kill()
            self.tracked.wait(timeout=5)

    def start(self):
        kind = "vigil" if self.impl == "vigil" else "keepalived"
        self.daemon = Daemon(self.host, self.binary, self.conf(), kind=kind)
        self.daemons.append(self.daemon)

    def main_pid(self):
        return self.daemon.pid("main") or self.daemon.proc.pid

    def vrrp_pid(self):
        return self.daemon.pid("vrrp")

    def wait_vrrp(self, old=None, timeout=70.0):
        """The VRRP process (vigil's worker, keepalived's child) running,
        and not old; its pid, or None at the timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            p = self.vrrp_pid()
            if p and p != old and alive(p):
                return p
            if self.daemon.proc.poll() is not None:
                return None
            time.sleep(0.01)
        return None

    def kill_vrrp(self):
        pid = self.vrrp_pid()
        signal_pid(pid, signal.SIGKILL)
        return pid

    def kill_all(self):
        self.daemon.kill()

    def stop(self, whole):
        self.stopped = [self.main_pid(), self.vrrp_pid()] if whole else [self.vrrp_pid()]
        for p in self.stopped:
            signal_pid(p, signal.SIGSTOP)

    def cont(self):
        for p in reversed(self.stopped):
            signal_pid(p, signal.SIGCONT)
        self.stopped = []

    def reload(self, via):
        if via == "ctl" and self.impl == "vigil":
            return self.ctl("reload").returncode
        signal_pid(self.main_pid(), signal.SIGHUP)
        return 0

    def ctl(self, *args):
        return subprocess.run([VIGILCTL, "-s", self.daemon.socket, *args], capture_output=True, text=True,
                              timeout=10)

    def link(self, up):
        self.host.run("ip", "link", "set", "eth0", "up" if up else "down")

    def partition(self, on):
        if on:
            rules = ("table inet vigilchaos {\n"
                     "  chain in { type filter hook input priority -300; ip protocol 112 drop; }\n"
                     "  chain out { type filter hook output priority -300; ip protocol 112 drop; }\n}\n")
            subprocess.run(["ip", "netns", "exec", self.host.name, "nft", "-f", "-"], input=rules, text=True,
                           check=True, capture_output=True, timeout=10)
        else:
            self.host.run("nft", "delete", "table", "inet", "vigilchaos", check=False)
        self.partitioned = on

    def hang(self, on):
        if on:
            open(self.hang_flag, "w").close()
        elif os.path.exists(self.hang_flag):
            os.unlink(self.hang_flag)

    def shutdown(self):
        """End of a run: everything back as it was, the daemon stopped."""
        self.cont()
        self.hang(False)
        if self.partitioned:
            self.partition(False)
        self.link(True)
        if self.daemon and self.daemon.proc.poll() is None:
            for p in (self.vrrp_pid(), self.main_pid()):
                signal_pid(p, signal.SIGCONT)
            self.daemon.stop(timeout=15)
        self.kill_tracked()
        for _, _, _, _, vip, _ in INSTANCES:
            self.host.run("ip", "addr", "del", f"{vip}/24", "dev", "eth0", check=False)

    def logs(self):
        return [d.log.name for d in self.daemons]


def binary_of(impl):
    return os.environ.get("VIGILD", "build/src/vigild") if impl == "vigil" else KEEPALIVED
