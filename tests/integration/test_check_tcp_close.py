"""TCP_CHECK closes its connection with a reset (SO_LINGER 0), as HAProxy
closes its checks (doc/checkers/tcp.md): the director keeps no TIME_WAIT
socket per check, and the server still sees every check as an accepted
connection. The server here never closes first, so a plain close() by the
director would leave it the TIME_WAIT of every check."""
import os
import signal
import threading

from lab import wait_for
from test_check_shared import vs_block
from test_check_worker import VIP, add_dest, count, dry_lines, start

# Accept, then wait for the director to end the connection: "fin" for an
# orderly close, "reset" for an RST; one line per check.
LISTENER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    try:
        end = "fin" if c.recv(1) == b"" else "data"
    except ConnectionResetError:
        end = "reset"
    print("accepted", end, flush=True)
    c.close()
"""


def lines_of(p):
    """The listener's lines as they come, read by a thread (never blocks the test)."""
    seen = []

    def read():
        for line in p.stdout:
            seen.append(line.split())
    threading.Thread(target=read, daemon=True).start()
    return seen


def test_tcp_check_leaves_no_time_wait_and_the_server_sees_it(lab, vigild):
    a, b, _ = lab.hosts
    p = b.spawn("python3", "-c", LISTENER, b.ipv4, "8080")
    assert p.stdout.readline().strip() == "listening"
    d = start(a, vigild, vs_block(VIP, b))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 10), dry_lines(d)
    seen = lines_of(p)
    # three checks, each an accepted connection that the director reset
    assert wait_for(lambda: len(seen) >= 3, 15), seen
    tw = a.run("ss", "-tanH", "state", "time-wait", "dst", f"{b.ipv4}:8080").stdout
    assert tw.strip() == "", tw
    assert seen[:3] == [["accepted", "reset"]] * 3, seen
    assert f"TCP connection to [{b.ipv4}]:tcp:8080 failed" not in d.output()
    d.stop()
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=5)
