"""The check worker's probes against real servers: TCP_CHECK and
MISC_CHECK run once each by tests/check_probe_driver (check/probe.h on a
libuv loop) from host 1 of a lab, against listeners on host 2. Asserted:
the named result of each probe (what vigil's status and logs show), that
vigil's own failures (a bindto address it does not have, no route, an
unknown bind_if, a script that cannot run) are checker errors and never
server failures, that fwmark marks the probe's packets, and that the
in-flight cap holds, as seen by the listener's concurrent connections."""
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

from lab import wait_for

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Listens on the ports given; "hold" ports keep each connection open until
# a second one is open at the same time (or 3 s passed), then 0.3 s more,
# and record the most connections ever open at once in FILE.max.
SERVER = r'''
import socket, sys, threading, time
status = sys.argv[1]
lock = threading.Lock()
state = {"open": 0, "max": 0, "total": 0}
def record():
    with open(status + ".max.tmp", "w") as f:
        f.write("%d %d\n" % (state["max"], state["total"]))
    import os
    os.replace(status + ".max.tmp", status + ".max")
def hold(c):
    with lock:
        state["open"] += 1
        state["total"] += 1
        state["max"] = max(state["max"], state["open"])
        record()
    end = time.monotonic() + 3
    while time.monotonic() < end and state["max"] < 2:
        time.sleep(0.02)
    time.sleep(0.3)
    with lock:
        state["open"] -= 1
    c.close()
def plain(c):
    c.recv(1)
    c.close()
def serve(fam, addr, port, fn):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()
for spec in sys.argv[2:]:
    kind, port = spec.split(":")
    fn = hold if kind == "hold" else plain
    threading.Thread(target=serve, args=(socket.AF_INET, "0.0.0.0", int(port), fn), daemon=True).start()
    if kind == "plain":
        threading.Thread(target=serve, args=(socket.AF_INET6, "::", int(port), fn), daemon=True).start()
time.sleep(0.3)
open(status + ".ready", "w").close()
while True:
    time.sleep(60)
'''

# A MISC_CHECK script that holds a connection to the server until the
# server closes it.
CLIENT = r'''
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.recv(1)
'''


def driver():
    vigild = os.environ.get("VIGILD")
    base = pathlib.Path(vigild).resolve().parents[1] if vigild else ROOT / "build"
    path = base / "tests" / "check_probe_driver"
    assert os.access(path, os.X_OK), f"check_probe_driver not built at {path} (run make)"
    return str(path)


@pytest.fixture
def work():
    d = tempfile.mkdtemp(prefix="vigil-probes-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def script(work, name, body):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(body)
    os.chmod(path, 0o755)
    return path


def start_server(lab, work, *ports):
    status = os.path.join(work, "server")
    code = script(work, "server.py", SERVER)
    lab.hosts[1].spawn(sys.executable, code, status, *ports)
    assert wait_for(lambda: os.path.exists(status + ".ready"), timeout=15), "the listener did not start"
    return status


def run_driver(lab, work, conf, *args):
    path = os.path.join(work, "keepalived.conf")
    with open(path, "w") as f:
        f.write(conf)
    r = lab.hosts[0].run(driver(), *args, path, check=False, timeout=90)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = {}
    for line in r.stdout.splitlines():
        vs, rs, ck, res, ex = line.split()
        lines[(rs, ck)] = (res.split("=", 1)[1], int(ex.split("=", 1)[1]))
    return lines, r.stderr


def vs(rs_blocks):
    return "virtual_server 10.231.0.100 80 {\n delay_loop 30\n lb_kind NAT\n protocol TCP\n" + rs_blocks + "}\n"


def rs(addr, port, *checkers):
    return f" real_server {addr} {port} {{\n" + "".join(f"  {c}\n" for c in checkers) + " }\n"


def test_tcp_check_late_loop_still_sees_the_connect(lab, work):
    """A loop held busy past connect_timeout (a saturated director) runs the
    timeouts before it polls: a connect that completed meanwhile is a
    success, a blackholed one still a timeout, a closed port still refused."""
    srv = lab.hosts[1]
    start_server(lab, work, "plain:8001")
    srv.run("nft", "add table inet vt; add chain inet vt in { type filter hook input priority 0; }; "
            "add rule inet vt in tcp dport 8003 drop")
    conf = vs(rs(srv.ipv4, 8001,
                 "TCP_CHECK {\n connect_timeout 1\n }",
                 "TCP_CHECK {\n connect_port 8002\n connect_timeout 1\n }",
                 "TCP_CHECK {\n connect_port 8003\n connect_timeout 1\n }"))
    got, _ = run_driver(lab, work, conf, "-b", "1500")
    r4 = f"{srv.ipv4}:8001"
    assert got[(r4, "TCP_CHECK#1")] == ("success", 0)
    assert got[(r4, "TCP_CHECK#2")] == ("connect_refused", 0)
    assert got[(r4, "TCP_CHECK#3")] == ("connect_timeout", 0)


def test_udp_check_late_loop_still_reads_the_reply(lab, work):
    """The same for a reply that waits to be read: UDP_CHECK with
    require_reply, and the port unreachable of a closed port."""
    from test_check_udp import PING_HEX, responder
    srv = lab.hosts[1]
    responder(srv, work, "echo:9001")
    ck = f"UDP_CHECK {{\n connect_timeout 1\n payload {PING_HEX}\n require_reply {PING_HEX}\n }}"
    conf = vs(rs(srv.ipv4, 9001, ck) + rs(srv.ipv4, 9009, ck))
    got, _ = run_driver(lab, work, conf, "-b", "1500")
    assert got[(f"{srv.ipv4}:9001", "UDP_CHECK#1")] == ("success", 0)
    assert got[(f"{srv.ipv4}:9009", "UDP_CHECK#1")] == ("port_unreachable", 0)


def test_tcp_check_results(lab, work):
    srv = lab.hosts[1]
    start_server(lab, work, "plain:8001")
    # a port whose SYNs vanish: no answer at all within connect_timeout
    srv.run("nft", "add table inet vt; add chain inet vt in { type filter hook input priority 0; }; "
            "add rule inet vt in tcp dport 8003 drop")
    # count the probe's marked SYNs on the prober
    lab.hosts[0].run("nft", "add table inet vt; add chain inet vt out { type filter hook output priority 0; }; "
                     "add rule inet vt out meta mark 0x2a tcp dport 8001 tcp flags syn counter")
    conf = vs(rs(srv.ipv4, 8001,
                 "TCP_CHECK {\n connect_timeout 2\n }",                          # 1 up
                 "TCP_CHECK {\n connect_port 8002\n }",                          # 2 closed port
                 "TCP_CHECK {\n connect_port 8003\n connect_timeout 1\n }",      # 3 blackholed
                 "TCP_CHECK {\n bindto 10.99.99.99\n }",                         # 4 not our address
                 "TCP_CHECK {\n connect_ip 198.51.100.1\n }",                    # 5 no route from here
                 "TCP_CHECK {\n fwmark 42\n }",                                  # 6 marked
                 "TCP_CHECK {\n bind_if eth0\n bindto " + lab.hosts[0].ipv4 + "\n bind_port 40001\n }",  # 7
                 "TCP_CHECK {\n bind_if nosuch0\n }",                            # 8 no such interface
                 # on our segment, but nobody answers ARP: the network says unreachable
                 "TCP_CHECK {\n connect_ip 10.231.0.77\n connect_timeout 20\n }")  # 9
              + rs(f"{srv.ipv6}", 8001, "TCP_CHECK {\n connect_timeout 2\n }",
                   "TCP_CHECK {\n connect_port 8002\n }",
                   # host 2's link-local address (from its MAC): needs bind_if for its scope
                   "TCP_CHECK {\n connect_ip fe80::31:ff:fe00:2\n bind_if eth0\n }",
                   "TCP_CHECK {\n connect_ip fe80::31:ff:fe00:2\n }"))
    got, err = run_driver(lab, work, conf)
    r4 = f"{srv.ipv4}:8001"
    r6 = f"[{srv.ipv6}]:8001"
    assert got[(r4, "TCP_CHECK#1")] == ("success", 0)
    assert got[(r4, "TCP_CHECK#2")] == ("connect_refused", 0)
    assert got[(r4, "TCP_CHECK#3")] == ("connect_timeout", 0)
    assert got[(r4, "TCP_CHECK#4")] == ("checker_error", 0)
    assert got[(r4, "TCP_CHECK#5")] == ("checker_error", 0)
    assert got[(r4, "TCP_CHECK#6")] == ("success", 0)
    assert got[(r4, "TCP_CHECK#7")] == ("success", 0)
    assert got[(r4, "TCP_CHECK#8")] == ("checker_error", 0)
    assert got[(r4, "TCP_CHECK#9")] == ("connect_refused", 0)
    assert got[(r6, "TCP_CHECK#1")] == ("success", 0)
    assert got[(r6, "TCP_CHECK#2")] == ("connect_refused", 0)
    assert got[(r6, "TCP_CHECK#3")] == ("success", 0)
    assert got[(r6, "TCP_CHECK#4")] == ("checker_error", 0)
    assert "TCP socket bind failed" in err and "Rescheduling." in err
    counter = lab.hosts[0].run("nft", "list chain inet vt out").stdout
    assert "packets 1 " in counter, counter


def misc(path, extra=""):
    return f'MISC_CHECK {{\n misc_path "{path}"\n{extra} }}'


def test_misc_check_results(lab, work):
    exits = script(work, "exits.sh", "#!/bin/sh\nexit $1\n")
    nap = f"29.{os.getpid() % 1000:03d}7"
    sleeper = script(work, "sleeper.sh", f"#!/bin/sh\nexec sleep {nap}\n")
    conf = vs(rs("10.231.0.2", 8001,
                 misc(f"{exits} 0"),
                 misc(f"{exits} 1"),
                 misc(f"{exits} 3", " misc_dynamic\n"),
                 misc(sleeper, " misc_timeout 1\n"),
                 misc(os.path.join(work, "missing.sh"))))
    got, err = run_driver(lab, work, conf)
    r = "10.231.0.2:8001"
    assert got[(r, "MISC_CHECK#1")] == ("success", 0)
    assert got[(r, "MISC_CHECK#2")] == ("script_exit", 1)
    assert got[(r, "MISC_CHECK#3")] == ("script_exit", 3)
    assert got[(r, "MISC_CHECK#4")][0] == "script_timeout"
    assert got[(r, "MISC_CHECK#5")] == ("checker_error", 0)
    # the sleeper was killed with its group, not left behind
    assert not lab.hosts[0].run("pgrep", "-f", f"sleep {nap}", check=False).stdout.strip()


def test_in_flight_cap(lab, work):
    srv = lab.hosts[1]
    status = start_server(lab, work, "hold:8004")
    client = script(work, "client.py", f"#!{sys.executable}\n" + CLIENT)
    checkers = [misc(f"{client} {srv.ipv4} 8004") for _ in range(6)]
    got, _ = run_driver(lab, work, vs(rs(srv.ipv4, 8004, *checkers)), "-n", "2")
    assert sorted(got.values()) == [("success", 0)] * 6
    with open(status + ".max") as f:
        most, total = map(int, f.read().split())
    assert total == 6
    assert most == 2


def test_close_drops_running_and_waiting(lab, work):
    """The prober closed from a probe's callback (-k 1): the script still
    running is killed with its group, the waiting ones never start, and no
    other probe reports."""
    nap = f"300.{os.getpid() % 1000:03d}3"  # outlives the driver unless killed
    exits = script(work, "exits.sh", "#!/bin/sh\nexit $1\n")
    sleeper = script(work, "sleeper.sh", f"#!/bin/sh\ntouch {work}/started.$1\nexec sleep {nap}\n")
    conf = vs(rs("10.231.0.2", 8001, misc(f"{exits} 0"), *[misc(f"{sleeper} {i}", " misc_timeout 200\n") for i in range(2, 6)]))
    got, _ = run_driver(lab, work, conf, "-n", "2", "-k", "1")
    assert got == {("10.231.0.2:8001", "MISC_CHECK#1"): ("success", 0)}
    assert [n for n in os.listdir(work) if n.startswith("started.") and n != "started.2"] == []
    assert not lab.hosts[0].run("pgrep", "-f", f"sleep {nap}", check=False).stdout.strip()


@pytest.mark.parametrize("cap", [1, 2])
def test_cancel_waiting_or_running(lab, work, cap):
    """check_probe_cancel from the first probe's callback (-c 2): with cap 1
    the second probe is still waiting and never starts; with cap 2 it runs
    and its script is killed. Either way it never reports, and the probe
    behind it takes the freed slot."""
    nap = f"300.{os.getpid() % 1000:03d}{cap}"  # outlives the driver unless killed
    exits = script(work, "exits.sh", "#!/bin/sh\nexit $1\n")
    sleeper = script(work, "sleeper.sh", f"#!/bin/sh\ntouch {work}/started.$1\nexec sleep {nap}\n")
    conf = vs(rs("10.231.0.2", 8001, misc(f"{exits} 0"), misc(f"{sleeper} 2", " misc_timeout 200\n"),
                 misc(f"{exits} 3")))
    got, _ = run_driver(lab, work, conf, "-n", str(cap), "-c", "2")
    assert got == {("10.231.0.2:8001", "MISC_CHECK#1"): ("success", 0),
                   ("10.231.0.2:8001", "MISC_CHECK#3"): ("script_exit", 3)}
    if cap == 1:
        assert not os.path.exists(os.path.join(work, "started.2"))
    assert not lab.hosts[0].run("pgrep", "-f", f"sleep {nap}", check=False).stdout.strip()
