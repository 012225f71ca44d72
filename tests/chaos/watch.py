"""Kernel address events from every node of the chaos lab, in one thread.

One rtnetlink socket per namespace (RTMGRP_IPV4_IFADDR), opened by
entering the namespace with setns(2) on the calling thread and coming
back; a socket stays in the namespace it was made in. Each RTM_NEWADDR /
RTM_DELADDR for a watched VIP is stamped with time.monotonic() when it is
read, so holders and dual-master windows come from what the kernels did,
not from what the daemons log."""
import ctypes
import errno
import os
import select
import socket
import struct
import subprocess
import threading
import time

CLONE_NEWNET = 0x40000000
RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR, RTM_DELADDR = 20, 21
IFA_ADDRESS, IFA_LOCAL = 1, 2
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def netlink_in(nsname):
    """An address-event socket inside namespace nsname."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{nsname}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.bind((0, RTMGRP_IPV4_IFADDR))
        finally:
            _setns(own)
    finally:
        os.close(target)
        os.close(own)
    return s


def parse(data):
    """(kind, address) for every address message in one datagram."""
    out, off = [], 0
    while off + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, off)
        if length < 16:
            break
        if kind in (RTM_NEWADDR, RTM_DELADDR):
            a = off + 16 + 8                       # nlmsghdr, ifaddrmsg
            found = None
            while a + 4 <= off + length:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atype == IFA_LOCAL or (atype == IFA_ADDRESS and found is None):
                    found = socket.inet_ntoa(data[a + 4:a + 8])
                a += (alen + 3) & ~3
            if found:
                out.append((kind, found))
        off += (length + 3) & ~3
    return out


class Watch:
    """holders[vip] is the set of node indexes whose kernel has vip; events
    is [(t, node, vip, +1|-1)] in arrival order."""

    def __init__(self, names, vips):
        self.names, self.vips = list(names), set(vips)
        self.socks = [netlink_in(n) for n in self.names]
        self.cond = threading.Condition()
        self.events, self.overflows = [], 0
        self.holders = {v: set() for v in self.vips}
        self._stop = False
        self.resync()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def reset(self):
        """A new run: forget the events, read the current holders."""
        with self.cond:
            self.events = []
            self.overflows = 0
        self.resync()

    def resync(self):
        """Holders from `ip addr` (start of a run, after a lost event)."""
        fresh = {v: set() for v in self.vips}
        for i, n in enumerate(self.names):
            out = subprocess.run(["ip", "-n", n, "-4", "-o", "addr", "show"], capture_output=True,
                                 text=True).stdout
            for line in out.splitlines():
                f = line.split()
                if "inet" in f:
                    a = f[f.index("inet") + 1].split("/")[0]
                    if a in fresh:
                        fresh[a].add(i)
        with self.cond:
            now = time.monotonic()
            for v in self.vips:
                for i in fresh[v] - self.holders[v]:
                    self.events.append((now, i, v, +1))
                for i in self.holders[v] - fresh[v]:
                    self.events.append((now, i, v, -1))
            self.holders = fresh
            self.cond.notify_all()

    def _loop(self):
        while not self._stop:
            ready, _, _ = select.select(self.socks, [], [], 0.2)
            for s in ready:
                node = self.socks.index(s)
                try:
                    data = s.recv(1 << 16)
                except OSError as e:
                    if e.errno == errno.ENOBUFS:
                        self.overflows += 1
                        self.resync()
                    continue
                t = time.monotonic()
                with self.cond:
                    for kind, addr in parse(data):
                        if addr not in self.vips:
                            continue
                        held = self.holders[addr]
                        if kind == RTM_NEWADDR and node not in held:
                            held.add(node)
                            self.events.append((t, node, addr, +1))
                        elif kind == RTM_DELADDR and node in held:
                            held.discard(node)
                            self.events.append((t, node, addr, -1))
                    self.cond.notify_all()

    def wait(self, predicate, timeout):
        """predicate(holders) under the lock, waited for at most timeout s;
        returns the monotonic time it became true, or None."""
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate(self.holders), timeout)
            return time.monotonic() if ok else None

    def snapshot(self):
        with self.cond:
            return {v: set(h) for v, h in self.holders.items()}

    def first_after(self, node, vip, t, timeout):
        """The first (t, op) event for node/vip after t, waiting up to timeout."""
        def find(_):
            return next(((e[0], e[3]) for e in self.events if e[0] >= t and e[1] == node and e[2] == vip), None)
        with self.cond:
            self.cond.wait_for(lambda: find(None) is not None, timeout)
            return find(None)

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        for s in self.socks:
            s.close()


def windows(events, vip):
    """[(start, end, holders)] while two or more nodes held vip."""
    out, held, start, who = [], set(), None, set()
    for t, node, v, op in sorted((e for e in events if e[2] == vip), key=lambda e: e[0]):
        if op > 0:
            held.add(node)
        else:
            held.discard(node)
        if len(held) >= 2:
            if start is None:
                start, who = t, set()
            who |= held
        elif start is not None:
            out.append((start, t, sorted(who)))
            start = None
    if start is not None:
        out.append((start, None, sorted(who)))
    return out
