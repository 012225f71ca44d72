#!/usr/bin/python3
"""Run inside a namespace: print the wall-clock time at which the kernel
reports (rtnetlink RTM_NEWADDR) that ADDR was added, then exit. Bounded by
--timeout."""
import select
import socket
import struct
import sys
import time

RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR = 20
IFA_ADDRESS, IFA_LOCAL = 1, 2


def main():
    addr, timeout = socket.inet_aton(sys.argv[1]), float(sys.argv[2])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, RTMGRP_IPV4_IFADDR))
    print("ready", flush=True)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.monotonic()))
        if not r:
            break
        data = s.recv(65536)
        t = time.time()
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, off)
            if kind == RTM_NEWADDR:
                a = off + 16 + 8                      # after nlmsghdr and ifaddrmsg
                while a + 4 <= off + length:
                    alen, atype = struct.unpack_from("=HH", data, a)
                    if atype in (IFA_ADDRESS, IFA_LOCAL) and data[a + 4:a + 8] == addr:
                        print(f"{t:.6f}", flush=True)
                        return
                    a += (alen + 3) & ~3
            off += (length + 3) & ~3
    print("timeout", flush=True)


if __name__ == "__main__":
    main()
