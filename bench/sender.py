#!/usr/bin/python3
"""The kernel's share of a master's CPU: a bare sender of the same adverts.

Sends what a vigild or keepalived master of bench/benchlib.many(n) sends
(VRRPv3, one per instance per interval, to 224.0.0.18 on eth0..), for a
number of seconds, then prints its own system CPU time as JSON. Its user
time is Python's and is not the point; its system time is what the kernel
spends carrying the packets (through veth and the bridge, into the peer's
namespace and its socket), which a daemon pays whatever it does.

usage (inside the master's namespace):
  bench/sender.py --instances 1000 --advert 0.1 --seconds 30"""
import argparse
import json
import resource
import socket
import struct
import subprocess
import time

from benchlib import PER_LINK, vip_of

GROUP = "224.0.0.18"


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def advert(src, vrid, prio, centis, vip):
    body = struct.pack("!BBBBHH", 0x31, vrid, prio, 1, centis & 0x0fff, 0) + socket.inet_aton(vip)
    pseudo = socket.inet_aton(src) + socket.inet_aton(GROUP) + struct.pack("!BBH", 0, 112, len(body))
    return body[:6] + struct.pack("!H", checksum(pseudo + body)) + body[8:]


def address_of(dev):
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", dev], capture_output=True, text=True).stdout
    return out.split()[3].split("/")[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--advert", type=float, default=0.1)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=5, help="seconds sent before measuring (the peer starts)")
    args = ap.parse_args()
    socks, packets = {}, []
    for i in range(args.instances):
        dev = f"eth{i // PER_LINK}"
        if dev not in socks:
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(address_of(dev)))
            socks[dev] = (s, address_of(dev))
        s, src = socks[dev]
        packets.append((s, advert(src, i % PER_LINK + 1, 150, round(args.advert * 100), vip_of(i))))
    send_for(packets, args.advert, args.warmup)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    took, sent = send_for(packets, args.advert, args.seconds)
    stime = resource.getrusage(resource.RUSAGE_SELF).ru_stime - before
    print(json.dumps({"sent": sent, "seconds": took, "system_cpu_pct": 100 * stime / took}))


def send_for(packets, interval, seconds):
    """Every packet once per interval, for seconds (a bounded loop)."""
    start = time.monotonic()
    rounds = int(seconds / interval)
    for r in range(rounds):
        for s, pkt in packets:
            s.sendto(pkt, (GROUP, 0))
        delay = start + (r + 1) * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return time.monotonic() - start, rounds * len(packets)


if __name__ == "__main__":
    main()
