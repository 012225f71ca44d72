"""LVS notifications (issue 16) with the IPVS dry-run backend: the lines
a lvs_notify_fifo reader gets for a real server's death and return and
the quorum's loss and regain, byte for byte as keepalived writes them
(reference §6.9: each LVS line ends with "\\n\\0"); the smtp_alert mails
for both with keepalived's subjects; notify and quorum scripts of a
flapping server run in the order of its transitions."""
import mailbox
import os

from lab import wait_for
from test_check_worker import VIP, listen, start, stop_listener


def conf(rs_hosts, globals_="", vs_extra="", rs_extra=""):
    rs = "".join(f"""  real_server {h.ipv4} 8080 {{
    weight 1
{rs_extra}    TCP_CHECK {{
      connect_timeout 1
      retry 0
    }}
  }}
""" for h in rs_hosts)
    return f"""global_defs {{
  router_id lb-a
{globals_}}}
virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
{vs_extra}{rs}}}
"""


class FifoReader:
    """Everything written to the FIFO since it was opened (the daemon
    holds it open read-write, so nothing is lost before we read)."""

    def __init__(self, path):
        assert wait_for(path.exists, 5)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.got = b""

    def lines(self):
        try:
            self.got += os.read(self.fd, 65536)
        except BlockingIOError:
            pass
        return self.got

    def has(self, *lines):
        want = b"".join(line.encode() + b"\n\0" for line in lines)
        return want in self.lines()

    def close(self):
        os.close(self.fd)


def rs_line(h, state):
    return f"RS [{h.ipv4}]:tcp:8080 [{VIP}]:tcp:80 {state}"


VS = f"[{VIP}]:tcp:80"


def test_fifo_lines_for_a_real_server_and_the_quorum(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    fifo = tmp_path / "lvs.fifo"
    p = listen(b)
    d = start(a, vigild, conf([b], globals_=f"  lvs_notify_fifo {fifo}\n"))
    r = FifoReader(fifo)
    try:
        stop_listener(p)
        # the server goes, and with it the only weight: the quorum is lost
        assert wait_for(lambda: r.has(rs_line(b, "DOWN"), f"VS {VS} DOWN"), 10), (r.got, d.output())
        listen(b)
        assert wait_for(lambda: r.has(rs_line(b, "UP"), f"VS {VS} UP"), 10), (r.got, d.output())
        # nothing else: exactly these four lines, in this order
        assert r.lines() == b"".join(x.encode() + b"\n\0" for x in (
            rs_line(b, "DOWN"), f"VS {VS} DOWN", rs_line(b, "UP"), f"VS {VS} UP")), r.got
    finally:
        r.close()


def test_a_flapping_server_keeps_its_order(lab, vigild, tmp_path):
    """DOWN, UP, DOWN in quick succession: the FIFO has them in order, and
    the notify scripts (each slower than the flaps) run one after the
    other in the same order, as do the quorum scripts."""
    a, b, c = lab.hosts
    fifo, out = tmp_path / "lvs.fifo", tmp_path / "notify.log"
    script = tmp_path / "notify.sh"
    script.write_text(f"#!/bin/sh\necho \"start $1\" >> {out}\nsleep 1\necho \"end $1\" >> {out}\n")
    script.chmod(0o755)
    p = listen(b)
    listen(c)
    d = start(a, vigild, conf([b, c], globals_=f"  lvs_notify_fifo {fifo}\n",
                              vs_extra=f"  quorum 2\n  quorum_up \"{script} qup\"\n  quorum_down \"{script} qdown\"\n",
                              rs_extra=f"    notify_up \"{script} up\"\n    notify_down \"{script} down\"\n"))
    r = FifoReader(fifo)
    try:
        stop_listener(p)
        assert wait_for(lambda: r.has(rs_line(b, "DOWN")), 10), (r.got, d.output())
        p = listen(b)
        assert wait_for(lambda: r.has(rs_line(b, "DOWN"), f"VS {VS} DOWN", rs_line(b, "UP")), 10), \
            (r.got, d.output())
        stop_listener(p)
        seq = (rs_line(b, "DOWN"), f"VS {VS} DOWN", rs_line(b, "UP"), f"VS {VS} UP", rs_line(b, "DOWN"),
               f"VS {VS} DOWN")
        assert wait_for(lambda: r.has(*seq), 10), (r.got, d.output())
    finally:
        r.close()
    # each object's scripts one at a time, in its transitions' order
    done = lambda: out.exists() and out.read_text().count("end ") == 6  # noqa: E731
    assert wait_for(done, 20), out.read_text() if out.exists() else d.output()
    lines = out.read_text().split("\n")
    rs_runs = [x for x in lines if x.endswith((" up", " down"))]
    vs_runs = [x for x in lines if x.endswith(("qup", "qdown"))]
    assert rs_runs == ["start down", "end down", "start up", "end up", "start down", "end down"], lines
    assert vs_runs == ["start qdown", "end qdown", "start qup", "end qup", "start qdown", "end qdown"], lines


def test_smtp_alert_for_a_real_server_and_the_quorum(lab, vigild, tmp_path):
    a, b, c = lab.hosts
    mbox = str(tmp_path / "maildir")
    smtpd = c.spawn("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"{c.ipv4}:2525",
                    "-c", "aiosmtpd.handlers.Mailbox", mbox)
    try:
        assert wait_for(lambda: ":2525" in c.run("ss", "-ltn").stdout, 10), "aiosmtpd did not start"
        mail = (f"  notification_email {{\n    ops@example.test\n  }}\n"
                f"  notification_email_from vigil@example.test\n  smtp_server {c.ipv4} 2525\n"
                f"  smtp_connect_timeout 5\n")
        p = listen(b)
        d = start(a, vigild, conf([b], globals_=mail, vs_extra="  smtp_alert\n"))
        stop_listener(p)

        def subjects():
            return [m["Subject"] for m in mailbox.Maildir(mbox)] if os.path.isdir(mbox) else []
        down = f"[lb-a] Realserver [{b.ipv4}]:tcp:8080 of virtual server {VS} - DOWN"
        lost = f"[lb-a] Virtualserver {VS} - DOWN"
        assert wait_for(lambda: {down, lost} <= set(subjects()), 15), (subjects(), d.output())
        listen(b)
        up = f"[lb-a] Realserver [{b.ipv4}]:tcp:8080 of virtual server {VS} - UP"
        gained = f"[lb-a] Virtualserver {VS} - UP"
        assert wait_for(lambda: {up, gained} <= set(subjects()), 15), (subjects(), d.output())
        msgs = {m["Subject"]: m for m in mailbox.Maildir(mbox)}
        assert "=> TCP CHECK failed on service <=" in msgs[down].get_payload()
        assert "=> TCP CHECK succeed on service <=" in msgs[up].get_payload()
        assert "=> Lost quorum 1+0=1 <= 0 <=" in msgs[lost].get_payload()
        assert "=> Gained quorum 1+0=1 <= 1 <=" in msgs[gained].get_payload()
        assert msgs[down]["From"] == "vigil@example.test" and msgs[down]["To"] == "ops@example.test"
        assert len(subjects()) == 4, subjects()
    finally:
        smtpd.terminate()


def test_omega_stop_writes_the_down_lines_and_mails(lab, vigild, tmp_path):
    """omega: at stop each alive real server and the quorum go DOWN in the
    FIFO (real servers first, as keepalived) and by mail, "=> Shutting
    down <=", before the worker exits."""
    a, b, c = lab.hosts
    fifo, mbox = tmp_path / "lvs.fifo", str(tmp_path / "maildir")
    smtpd = c.spawn("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"{c.ipv4}:2525",
                    "-c", "aiosmtpd.handlers.Mailbox", mbox)
    try:
        assert wait_for(lambda: ":2525" in c.run("ss", "-ltn").stdout, 10), "aiosmtpd did not start"
        mail = (f"  notification_email {{\n    ops@example.test\n  }}\n  smtp_server {c.ipv4} 2525\n"
                f"  smtp_connect_timeout 5\n  lvs_notify_fifo {fifo}\n")
        listen(b)
        d = start(a, vigild, conf([b], globals_=mail, vs_extra="  omega\n  smtp_alert\n"))
        r = FifoReader(fifo)
        try:
            assert wait_for(lambda: d.ctl("status", "-j", check=False).returncode == 0, 5)
            d.stop()
            assert r.lines() == b"".join(x.encode() + b"\n\0" for x in (rs_line(b, "DOWN"), f"VS {VS} DOWN")), \
                (r.got, d.output())
        finally:
            r.close()
        want = {f"[lb-a] Realserver [{b.ipv4}]:tcp:8080 of virtual server {VS} - DOWN",
                f"[lb-a] Virtualserver {VS} - DOWN"}
        msgs = lambda: {m["Subject"]: m for m in mailbox.Maildir(mbox)} if os.path.isdir(mbox) else {}  # noqa: E731
        assert wait_for(lambda: want <= set(msgs()), 10), (list(msgs()), d.output())
        assert all("=> Shutting down <=" in m.get_payload() for m in msgs().values())
    finally:
        smtpd.terminate()
