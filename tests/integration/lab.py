"""A lab of network namespaces for vigil's integration tests.

Lab(n) creates a switch namespace holding a bridge and n host namespaces,
each with eth0 (a veth whose peer sits on the bridge), a fixed MAC and the
IPv4/IPv6 addresses the test chooses. Everything it creates is removed by
name, and every process it started is killed by PID, even when a test fails.
Names carry the pid of the test run so that parallel runs cannot collide.
"""
import os
import shutil
import tempfile
import signal
import subprocess
import time


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


class Host:
    def __init__(self, lab, name, index, ipv4, ipv6):
        self.lab, self.name, self.index = lab, name, index
        self.ipv4, self.ipv6 = ipv4, ipv6

    def run(self, *cmd, check=True, timeout=30):
        return run("ip", "netns", "exec", self.name, *cmd, check=check, timeout=timeout)

    def spawn(self, *cmd, **kw):
        """Start a process in this host; the lab kills it at teardown."""
        p = subprocess.Popen(["ip", "netns", "exec", self.name, *cmd], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        self.lab.procs.append(p)
        return p


class Lab:
    """n hosts on one switch namespace. links > 1 gives every host eth1..
    on bridges of their own (10.231.K.I/24), for more than 255 VRIDs."""

    def __init__(self, n=2, net4="10.231", net6="fd31:231", links=1):
        tag = os.getpid() % 100000
        self.switch = f"vsw{tag}"
        self.procs = []
        self.files = []  # the test's temporary files and directories, removed on close
        self.names = []
        self.hosts = []
        try:
            self._netns(self.switch)
            sw = ("ip", "-n", self.switch)
            run(*sw, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0")
            run(*sw, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0")
            run(*sw, "link", "set", "br0", "up")
            for i in range(1, n + 1):
                name = f"vh{tag}-{i}"
                self._netns(name)
                run(*sw, "link", "add", f"p{i}", "type", "veth", "peer", "name", "eth0", "netns", name)
                run(*sw, "link", "set", f"p{i}", "master", "br0", "up")
                ipv4, ipv6 = f"{net4}.0.{i}", f"{net6}::{i}"
                h = ("ip", "-n", name)
                # eth0 already exists, so it needs its own accept_dad=0: a tentative
                # link-local address cannot be a source (the kernel says EINVAL).
                run("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.eth0.accept_dad=0",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv4.conf.eth0.rp_filter=0")
                run(*h, "link", "set", "eth0", "address", f"02:31:00:00:00:{i:02x}")
                run(*h, "link", "set", "lo", "up")
                run(*h, "link", "set", "eth0", "up")
                run(*h, "addr", "add", f"{ipv4}/24", "dev", "eth0")
                run(*h, "addr", "add", f"{ipv6}/64", "dev", "eth0", "nodad")
                self.hosts.append(Host(self, name, i, ipv4, ipv6))
            for k in range(1, links):
                self._extra_link(k, n, net4)
        except Exception:
            self.close()
            raise

    def _extra_link(self, k, n, net4):
        sw = ("ip", "-n", self.switch)
        run(*sw, "link", "add", f"br{k}", "type", "bridge", "stp_state", "0", "forward_delay", "0")
        run(*sw, "link", "set", f"br{k}", "type", "bridge", "mcast_snooping", "0")
        run(*sw, "link", "set", f"br{k}", "up")
        for i, host in enumerate(self.hosts, 1):
            dev = f"eth{k}"
            run(*sw, "link", "add", f"p{i}x{k}", "type", "veth", "peer", "name", dev, "netns", host.name)
            run(*sw, "link", "set", f"p{i}x{k}", "master", f"br{k}", "up")
            run("ip", "netns", "exec", host.name, "sysctl", "-qw", f"net.ipv6.conf.{dev}.accept_dad=0",
                f"net.ipv4.conf.{dev}.rp_filter=0")
            h = ("ip", "-n", host.name)
            run(*h, "link", "set", dev, "address", f"02:31:00:00:{k:02x}:{i:02x}")
            run(*h, "link", "set", dev, "up")
            run(*h, "addr", "add", f"{net4}.{k}.{i}/24", "dev", dev)

    def tempdir(self, prefix, mode=0o755):
        """A directory under /tmp that close() removes (after the processes
        that write to it are gone)."""
        d = tempfile.mkdtemp(prefix=prefix)
        os.chmod(d, mode)
        self.files.append(d)
        return d

    def _netns(self, name):
        run("ip", "netns", "add", name)
        self.names.append(name)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(timeout=5)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    p.wait(timeout=5)
        for name in reversed(self.names):
            # anything still running in our namespaces, by PID
            pids = run("ip", "netns", "pids", name, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run("ip", "netns", "del", name, check=False)
        self.names = []
        for path in self.files:
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.exists(path):
                os.unlink(path)
        self.files = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll predicate until it is true or the timeout passes (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return value
        time.sleep(interval)
