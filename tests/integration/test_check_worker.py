"""The check worker (issue 14) on the host, through the IPVS dry-run
backend (the host's kernel has no IPVS): real servers are python TCP
listeners in lab namespaces, and the changes the worker would make are
read from its "IPVS (dry run): ..." log lines; `vigilctl status -j` shows
the virtual and real servers."""
import json
import os
import re
import signal

from lab import wait_for
from vrrp import Daemon

VIP = "10.231.0.200"

LISTENER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""


def listen(host, port=8080):
    p = host.spawn("python3", "-c", LISTENER, host.ipv4, str(port))
    assert p.stdout.readline().strip() == "listening"
    return p


def stop_listener(p):
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=5)


def vs_conf(rs_hosts, extra="", rs_extra="", globals_=""):
    rs = "".join(f"""  real_server {h.ipv4} 8080 {{
    weight 1
{rs_extra}    TCP_CHECK {{
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }}
  }}
""" for h in rs_hosts)
    return f"""global_defs {{
{globals_}}}
virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
{extra}{rs}}}
"""


def dry_lines(d):
    return re.findall(r"IPVS \(dry run\): (.*)", d.output())


def add_dest(h):
    return f"add dest TCP {VIP}:80 -> {h.ipv4}:8080 masq w1"


def del_dest(h):
    return f"delete dest TCP {VIP}:80 -> {h.ipv4}:8080"


def count(d, line):
    return dry_lines(d).count(line)


def status(d):
    return json.loads(d.ctl("status", "-j").stdout)


def start(host, vigild, conf, args=("--dry-run",)):
    d = Daemon(host, vigild, conf, args=list(args))
    assert d.wait_log("health checker started"), d.output()
    return d


def test_two_up_then_one_down_and_back(lab, vigild):
    a, b, c = lab.hosts
    pb, _ = listen(b), listen(c)
    d = start(a, vigild, vs_conf([b, c]))
    assert wait_for(lambda: count(d, add_dest(b)) == 1 and count(d, add_dest(c)) == 1, 5), d.output()
    assert count(d, f"add service TCP {VIP}:80 rr") == 1, dry_lines(d)
    stop_listener(pb)
    # retry 1: two failed connections, then the destination goes
    assert wait_for(lambda: count(d, del_dest(b)) == 1, 10), d.output()
    assert f"TCP_CHECK on service [{b.ipv4}]:tcp:8080 failed after 1 retries." in d.output()
    assert f"Removing service [{b.ipv4}]:tcp:8080 from VS [{VIP}]:tcp:80" in d.output()
    assert count(d, del_dest(c)) == 0
    st = status(d)["check"]["virtual_servers"][0]
    rs = {r["address"]: r for r in st["real_servers"]}
    assert rs[b.ipv4]["health"] == "down" and rs[b.ipv4]["in_table"] is False, rs
    assert rs[b.ipv4]["last_result"] == "connect_refused", rs
    assert rs[c.ipv4]["health"] == "up" and rs[c.ipv4]["in_table"] is True, rs
    assert st["quorum_state"] == "up" and st["alive_weight"] == 1, st
    listen(b)
    assert wait_for(lambda: count(d, add_dest(b)) == 2, 10), d.output()
    assert f"TCP connection to [{b.ipv4}]:tcp:8080 success." in d.output()
    d.stop()
    # at stop the owned service goes, its destinations with it
    assert count(d, f"delete service TCP {VIP}:80") == 1, dry_lines(d)


def test_inhibit_on_failure_sets_weight_zero(lab, vigild):
    a, b, c = lab.hosts
    pb = listen(b)
    d = start(a, vigild, vs_conf([b], rs_extra="    inhibit_on_failure\n"))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    stop_listener(pb)
    edit = f"edit dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w0"
    assert wait_for(lambda: count(d, edit) == 1, 10), d.output()
    assert count(d, del_dest(b)) == 0


def test_quorum_loss_installs_the_sorry_server(lab, vigild):
    a, b, c = lab.hosts
    pb, pc = listen(b), listen(c)
    d = start(a, vigild, vs_conf([b, c], extra="  quorum 2\n  sorry_server 10.231.0.9 8080\n"))
    assert wait_for(lambda: count(d, add_dest(b)) == 1 and count(d, add_dest(c)) == 1, 5), d.output()
    stop_listener(pb)
    sorry = f"add dest TCP {VIP}:80 -> 10.231.0.9:8080 masq w1"
    assert wait_for(lambda: count(d, sorry) == 1, 10), d.output()
    assert "Lost quorum 2-0=2 > 1 for VS" in d.output()
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 5), d.output()     # the pool is replaced
    st = status(d)["check"]["virtual_servers"][0]
    assert st["quorum_state"] == "down" and st["sorry_server_in_use"] is True, st
    listen(b)
    assert wait_for(lambda: count(d, f"delete dest TCP {VIP}:80 -> 10.231.0.9:8080") == 1, 10), d.output()
    assert "Gained quorum 2+0=2 <= 2 for VS" in d.output()
    assert count(d, add_dest(c)) == 2 and count(d, add_dest(b)) == 2, dry_lines(d)


def test_alpha_adds_nothing_before_the_first_success(lab, vigild):
    a, b, c = lab.hosts
    d = start(a, vigild, vs_conf([b], extra="  alpha\n"))
    assert wait_for(lambda: count(d, f"add service TCP {VIP}:80 rr") == 1, 5), d.output()
    # no listener: the checks run and fail, and nothing is added
    assert wait_for(lambda: (status(d)["check"]["virtual_servers"][0]["real_servers"][0]["last_result"]
                             == "connect_refused"), 10), d.output()
    assert count(d, add_dest(b)) == 0, dry_lines(d)
    listen(b)
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 10), d.output()


def test_killed_check_worker_is_restarted_and_does_not_flush(lab, vigild):
    """In a dry run the restarted worker's table starts empty again, so what
    can be asserted here is that the supervisor restarts it, that it says it
    adopts rather than flushes (lvs_flush is set), and that nothing is
    deleted across the crash; tests/vm checks adoption of a real table."""
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b], globals_="  lvs_flush\n"))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    assert count(d, "flush") == 1, dry_lines(d)
    first = d.pid("check")
    os.kill(first, signal.SIGKILL)
    assert d.wait_log("restarted after a crash: adopting the IPVS table, not flushing it", 10), d.output()
    assert wait_for(lambda: d.pid("check") not in (None, 0, first), 5), d.output()
    assert count(d, "flush") == 1, dry_lines(d)
    assert not [l for l in dry_lines(d) if l.startswith("delete")], dry_lines(d)
    w = {x["kind"]: x for x in status(d)["workers"]}["check"]
    assert w["running"] and w["restarts"] == 1, w


def test_status_shows_virtual_and_real_servers(lab, vigild):
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b, c]))
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 10), d.output()
    st = status(d)
    vs = st["check"]["virtual_servers"][0]
    assert vs["name"] == f"[{VIP}]:tcp:80" and vs["services"] == [f"{VIP}:80"], vs
    rs = {r["address"]: r for r in vs["real_servers"]}
    assert rs[b.ipv4]["health"] == "up" and rs[b.ipv4]["weight"] == 1 and rs[b.ipv4]["in_table"], rs
    assert rs[c.ipv4]["health"] == "down" and not rs[c.ipv4]["in_table"], rs
    assert st["check"]["ipvs"]["dry_run"] is True
    assert st["check"]["checks"]["connect_refused"] >= 2


def test_reload_keeps_unchanged_real_servers_and_sends_one_diff(lab, vigild):
    a, b, c = lab.hosts
    listen(b), listen(c), listen(a)
    d = start(a, vigild, vs_conf([b, c]))
    assert wait_for(lambda: count(d, add_dest(b)) == 1 and count(d, add_dest(c)) == 1, 5), d.output()
    other = f"""virtual_server 10.231.0.201 80 {{
  lb_algo wlc
  lb_kind DR
  protocol TCP
  real_server {b.ipv4} 80 {{
  }}
}}
"""
    with open(d.conf, "w") as f:
        f.write(vs_conf([b, a]) + other)
    d.ctl("reload")
    assert d.wait_log("Reloaded: 2 virtual servers, 3 real servers (1 kept their state)"), d.output()
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 5), d.output()
    assert count(d, add_dest(a)) == 1, dry_lines(d)
    assert count(d, add_dest(b)) == 1, dry_lines(d)            # kept: not re-added
    assert count(d, "add service TCP 10.231.0.201:80 wlc") == 1, dry_lines(d)
    with open(d.conf, "w") as f:
        f.write(vs_conf([b, a]))
    d.ctl("reload")
    assert wait_for(lambda: count(d, "delete service TCP 10.231.0.201:80") == 1, 5), d.output()
    assert count(d, f"delete service TCP {VIP}:80") == 0, dry_lines(d)


def test_notify_and_quorum_scripts_in_order_and_omega_at_stop(lab, vigild, tmp_path):
    a, b, c = lab.hosts
    out = tmp_path / "notify.log"
    script = tmp_path / "notify.sh"
    script.write_text(f"#!/bin/sh\necho \"$*\" >> {out}\n")
    script.chmod(0o755)
    pb, _ = listen(b), listen(c)
    rs_extra = f"    notify_up \"{script} up\"\n    notify_down \"{script} down\"\n"
    extra = f"  omega\n  quorum 2\n  quorum_up \"{script} quorum_up\"\n  quorum_down \"{script} quorum_down\"\n"
    d = start(a, vigild, vs_conf([b, c], extra=extra, rs_extra=rs_extra))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    stop_listener(pb)
    # a virtual server and a real server are two objects with queues of
    # their own: each one's scripts run in order, the two do not wait
    assert wait_for(lambda: out.exists() and sorted(out.read_text().split()) == ["down", "quorum_down"], 10), \
        (d.output(), out.exists() and out.read_text())
    listen(b)
    assert wait_for(lambda: sorted(out.read_text().split()[2:]) == ["quorum_up", "up"], 10), \
        (d.output(), out.read_text())
    d.stop()
    # omega: quorum_down, and notify_down for each alive real server
    lines = out.read_text().split("\n")[4:]
    assert sorted(l for l in lines if l) == ["down", "down", "quorum_down"], out.read_text()


def test_lvs_timeouts_and_the_lvs_notify_fifo(lab, vigild, tmp_path):
    a, b, c = lab.hosts
    fifo = tmp_path / "lvs.fifo"
    listen(b)
    d = start(a, vigild, vs_conf([b, c], globals_=f"  lvs_timeouts tcp 900 tcpfin 120 udp 300\n"
                                                  f"  lvs_notify_fifo {fifo}\n"))
    assert wait_for(lambda: count(d, "set timeouts tcp 900 tcpfin 120 udp 300") == 1, 5), d.output()
    assert wait_for(fifo.exists, 5), d.output()
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    got = b""

    def read_some():
        nonlocal got
        try:
            got += os.read(fd, 4096)
        except BlockingIOError:
            pass
        return f"RS [{c.ipv4}]:tcp:8080 [{VIP}]:tcp:80 DOWN\n\0".encode() in got
    try:
        assert wait_for(read_some, 10), (got, d.output())
    finally:
        os.close(fd)


def test_lvs_notify_fifo_script_reads_the_fifo_and_gets_sigterm(lab, vigild, tmp_path):
    """lvs_notify_fifo_script is started with the FIFO's path as its last
    argument, reads the checker's lines, and gets SIGTERM at reload (then
    runs again) and at stop."""
    a, b, c = lab.hosts
    fifo = tmp_path / "lvs.fifo"
    out = tmp_path / "script.log"
    script = tmp_path / "reader.sh"
    script.write_text(f"""#!/bin/sh
trap 'echo TERM >> {out}; exit 0' TERM
echo "start $1 $2" >> {out}
while read -r line; do echo "$line" >> {out}; done < "$2"
""")
    script.chmod(0o755)
    listen(b)
    d = start(a, vigild, vs_conf([b, c], globals_=f"  lvs_notify_fifo {fifo}\n"
                                                  f"  lvs_notify_fifo_script \"{script} arg\"\n"))

    def has(line, n=1):
        return out.exists() and out.read_text().count(line) >= n
    assert wait_for(lambda: has(f"start arg {fifo}"), 10), d.output()
    assert wait_for(lambda: has(f"RS [{c.ipv4}]:tcp:8080 [{VIP}]:tcp:80 DOWN"), 10), \
        (d.output(), out.exists() and out.read_text())
    d.ctl("reload")
    assert d.wait_log("Reloaded:"), d.output()
    assert wait_for(lambda: has("TERM") and has(f"start arg {fifo}", 2), 10), out.read_text()
    d.stop()
    assert wait_for(lambda: has("TERM", 2), 10), out.read_text()


COUNTING_LISTENER = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    with open(sys.argv[3], "a") as f:
        f.write("conn\\n")
    c.close()
"""


def counting_listener(host, port, path):
    p = host.spawn("python3", "-c", COUNTING_LISTENER, host.ipv4, str(port), str(path))
    assert p.stdout.readline().strip() == "listening"
    return p


def connections(path):
    return path.read_text().count("conn") if path.exists() else 0


def test_ha_suspend_runs_no_check_until_the_address_is_local(lab, vigild, tmp_path):
    """ha_suspend: while the VS address is not on the host its checkers do
    not run (a plain VS checking alongside proves time went by); adding the
    address resumes them, removing it suspends them again."""
    a, b, c = lab.hosts
    seen_b, seen_c = tmp_path / "b.log", tmp_path / "c.log"
    counting_listener(b, 8080, seen_b)
    counting_listener(c, 8081, seen_c)
    check = "    TCP_CHECK {\n      connect_timeout 1\n    }\n"
    conf = f"""virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  ha_suspend
  real_server {b.ipv4} 8080 {{
{check}  }}
}}
virtual_server 10.231.0.201 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {c.ipv4} 8081 {{
{check}  }}
}}
"""
    d = start(a, vigild, conf)
    name = f"[{VIP}]:tcp:80"
    assert d.wait_log(f"Suspending health checks for VS {name}"), d.output()
    # the plain VS has been checked twice: a second delay_loop went by
    assert wait_for(lambda: connections(seen_c) >= 2, 10), d.output()
    assert connections(seen_b) == 0, d.output()
    vs = {v["name"]: v for v in status(d)["check"]["virtual_servers"]}
    assert vs[name]["suspended"] is True and vs[name]["ha_suspend"] is True, vs
    assert vs["[10.231.0.201]:tcp:80"]["suspended"] is False, vs
    # a reload keeps it suspended, and says so only once
    d.ctl("reload")
    assert d.wait_log("Reloaded:"), d.output()
    seen = connections(seen_c)
    assert wait_for(lambda: connections(seen_c) >= seen + 2, 10), d.output()
    assert connections(seen_b) == 0, d.output()
    assert d.output().count(f"Suspending health checks for VS {name}") == 1, d.output()
    a.run("ip", "addr", "add", f"{VIP}/32", "dev", "eth0")
    assert d.wait_log(f"Resuming health checks for VS {name}"), d.output()
    assert wait_for(lambda: connections(seen_b) >= 1, 10), d.output()
    assert status(d)["check"]["virtual_servers"][0]["suspended"] is False
    a.run("ip", "addr", "del", f"{VIP}/32", "dev", "eth0")
    assert wait_for(lambda: d.output().count(f"Suspending health checks for VS {name}") == 2, 10), d.output()
    assert status(d)["check"]["virtual_servers"][0]["suspended"] is True


def test_persistence_engine_reaches_the_service(lab, vigild):
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b], extra="  persistence_timeout 60\n  persistence_engine sip\n"))
    assert wait_for(lambda: count(d, f"add service TCP {VIP}:80 rr persistent 60 pe sip") == 1, 5), dry_lines(d)


def test_metrics_name_the_real_servers(lab, vigild):
    a, b, c = lab.hosts
    listen(b)
    d = start(a, vigild, vs_conf([b, c], globals_="  metrics_listen 127.0.0.1:9167\n"))
    assert wait_for(lambda: count(d, del_dest(c)) == 1, 10), d.output()
    vs = f"[{VIP}]:tcp:80"

    def scraped():
        text = a.run("curl", "-s", "--max-time", "5", "http://127.0.0.1:9167/metrics", check=False).stdout
        return (f'vigil_lvs_real_server_up{{vs="{vs}",rs="[{b.ipv4}]:tcp:8080"}} 1' in text and
                f'vigil_lvs_real_server_up{{vs="{vs}",rs="[{c.ipv4}]:tcp:8080"}} 0' in text and
                'vigil_lvs_checks_total{result="connect_refused"}' in text) and text
    assert wait_for(scraped, 5), d.output()


def test_a_reload_that_removes_an_omega_virtual_server_runs_its_down_scripts(lab, vigild, tmp_path):
    a, b, c = lab.hosts
    out = tmp_path / "notify.log"
    script = tmp_path / "notify.sh"
    script.write_text(f"#!/bin/sh\necho \"$*\" >> {out}\n")
    script.chmod(0o755)
    listen(b)
    extra = f"  omega\n  quorum_down \"{script} quorum_down\"\n"
    rs_extra = f"    notify_down \"{script} down\"\n"
    d = start(a, vigild, vs_conf([b], extra=extra, rs_extra=rs_extra))
    assert wait_for(lambda: count(d, add_dest(b)) == 1, 5), d.output()
    with open(d.conf, "w") as f:
        f.write(f"virtual_server 10.231.0.201 80 {{\n  lb_kind NAT\n  protocol TCP\n"
                f"  real_server {c.ipv4} 80 {{\n  }}\n}}\n")
    d.ctl("reload")
    assert wait_for(lambda: count(d, f"delete service TCP {VIP}:80") == 1, 5), d.output()
    assert wait_for(lambda: out.exists() and sorted(out.read_text().split()) == ["down", "quorum_down"], 5), \
        (d.output(), out.exists() and out.read_text())


def test_misc_check_dynamic_weight_and_failure(lab, vigild, tmp_path):
    a, b, c = lab.hosts
    code = tmp_path / "code"
    code.write_text("5\n")
    script = tmp_path / "misc.sh"
    script.write_text(f"#!/bin/sh\nexit $(cat {code})\n")
    script.chmod(0o755)
    conf = f"""virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {b.ipv4} 8080 {{
    weight 1
    MISC_CHECK {{
      misc_path {script}
      misc_timeout 5
      misc_dynamic
    }}
  }}
}}
"""
    d = start(a, vigild, conf)
    edit = f"edit dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w"
    assert wait_for(lambda: count(d, edit + "3") == 1, 10), d.output()     # exit 5: weight 5-2
    code.write_text("0\n")
    assert wait_for(lambda: count(d, edit + "1") == 1, 10), (d.output(), status(d))     # exit 0: as configured
    code.write_text("1\n")
    assert wait_for(lambda: count(d, del_dest(b)) == 1, 10), d.output()    # retry 0: down at once
    assert count(d, add_dest(b)) == 1, dry_lines(d)
