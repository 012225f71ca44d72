"""Helpers for VRRP integration tests: configs, daemons (vigild or
keepalived) in lab hosts, kernel address checks and wire captures."""
import os
import signal
import struct
import subprocess
import tempfile
import time

from lab import wait_for

KEEPALIVED = "/usr/sbin/keepalived"
VIGILCTL = os.environ.get("VIGILCTL", os.path.join(os.path.dirname(__file__), "..", "..", "build", "src",
                                                   "vigilctl"))


def instance(name="VI_1", vrid=51, prio=100, state="BACKUP", advert="0.1", version=3,
             vips=("10.231.0.100/24",), extra="", iface="eth0"):
    vip_lines = "\n".join(f"    {v}" for v in vips)
    ver = f"  version {version}\n" if version else ""
    return f"""vrrp_instance {name} {{
  state {state}
  interface {iface}
  virtual_router_id {vrid}
  priority {prio}
  advert_int {advert}
{ver}{extra}
  virtual_ipaddress {{
{vip_lines}
  }}
}}
"""


class Logged:
    """A daemon whose output goes to self.log: read it, wait for a line."""

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def wait_log(self, text, timeout=5.0):
        return wait_for(lambda: text in self.output(), timeout)


class Daemon(Logged):
    """vigild or keepalived in one host, with its own pid files and log."""

    def __init__(self, host, binary, conf_text, kind="vigil", args=(), env=None):
        self.host, self.kind = host, kind
        self.dir = host.lab.tempdir(f"{kind}-{host.name}-", 0o700)
        self.conf = os.path.join(self.dir, "vrrp.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.log = open(os.path.join(self.dir, "log"), "w+")
        cmd = [binary, "-n", "-l", "-D", "-f", self.conf,
               "-p", os.path.join(self.dir, "main.pid"),
               "-r", os.path.join(self.dir, "vrrp.pid"),
               "-c", os.path.join(self.dir, "check.pid")]
        if kind == "keepalived":
            cmd.append("-P")
        else:
            self.socket = os.path.join(self.dir, "ctl.sock")
            cmd += ["--control-socket", self.socket]
        cmd += list(args)
        self.proc = subprocess.Popen(["ip", "netns", "exec", host.name, *cmd], stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**os.environ, **(env or {})})
        host.lab.procs.append(self.proc)

    def pid(self, which):
        """The pid in main.pid or vrrp.pid, None if not written (yet)."""
        try:
            with open(os.path.join(self.dir, which + ".pid")) as fh:
                return int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self):
        """A crash of the node: no process may react. The parent is frozen
        first (it would restart its VRRP child, and a child that outlives
        its parent stops gracefully on PDEATHSIG), then both get SIGKILL."""
        main, vrrp = self.pid("main") or self.proc.pid, self.pid("vrrp")
        for pid, sig in ((main, signal.SIGSTOP), (vrrp, signal.SIGKILL), (main, signal.SIGKILL)):
            try:
                if pid:
                    os.kill(pid, sig)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=5)

    def ctl(self, *args, check=True):
        """vigilctl against this daemon's control socket."""
        r = subprocess.run([VIGILCTL, "-s", self.socket, *args], capture_output=True, text=True, timeout=10)
        assert not check or r.returncode == 0, (r.returncode, r.stdout, r.stderr)
        return r

    def stop(self, timeout=5):
        """A graceful stop (SIGTERM), waiting for the exit."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)



def has_addr(host, addr, dev="eth0"):
    fam = "-6" if ":" in addr else "-4"
    out = host.run("ip", fam, "-o", "addr", "show", "dev", dev, check=False).stdout
    return any(f" {addr}/" in line for line in out.splitlines())


def flush_vip(host, cidr, dev="eth0"):
    """After a crash the dead node keeps its VIP (as with keepalived)."""
    host.run("ip", "addr", "del", cidr, "dev", dev, check=False)


class Capture:
    """tcpdump in a host; decode with tshark afterwards."""

    def __init__(self, host, bpf="vrrp or arp or icmp6", dev="eth0"):
        self.file = tempfile.mktemp(prefix=f"cap-{host.name}-", suffix=".pcap")
        self.proc = subprocess.Popen(["ip", "netns", "exec", host.name, "tcpdump", "-i", dev, "-n", "-U", "--immediate-mode", "-Z",
                                      "root", "-w", self.file, bpf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        host.lab.procs.append(self.proc)
        host.lab.files.append(self.file)
        line = ""
        deadline = time.monotonic() + 10
        while "listening on" not in line and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
        assert "listening on" in line, f"tcpdump did not start: {line}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=5)

    def frames(self):
        """Every captured Ethernet frame as bytes (classic pcap file)."""
        with open(self.file, "rb") as f:
            data = f.read()
        magic = struct.unpack_from("<I", data)[0]
        order = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        out, off = [], 24
        while off + 16 <= len(data):
            incl = struct.unpack_from(order + "I", data, off + 8)[0]
            out.append(data[off + 16:off + 16 + incl])
            off += 16 + incl
        return out

    def fields(self, display_filter, *fields):
        out = subprocess.run(["tshark", "-r", self.file, "-Y", display_filter, "-T", "fields",
                              "-E", "separator=|", *sum((["-e", f] for f in fields), [])],
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return [line.split("|") for line in out.splitlines() if line]


def takeover_ms(cap, vip, dead_ip, new_mac, graceful=False):
    """On a stopped capture: ms from the old master's last advert (its
    priority-0 advert when graceful) to the new master's first GARP for vip;
    None if either is missing."""
    garps = cap.fields(f"arp.src.proto_ipv4 == {vip} && eth.src == {new_mac}", "frame.time_epoch")
    filt = f"vrrp && ip.src == {dead_ip}" + (" && vrrp.prio == 0" if graceful else "")
    if not garps:
        return None
    garp = float(garps[0][0])
    before = [float(t) for t, in cap.fields(filt, "frame.time_epoch") if float(t) <= garp]
    return (garp - max(before)) * 1000.0 if before else None
