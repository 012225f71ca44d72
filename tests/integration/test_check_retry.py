"""`retry` counts as documented from the very first probe (issue 15): a
real server that is down from the start (no alpha) leaves the pool after
retry + 1 failed probes, not at the first one as keepalived does. Order of
events only, never timings."""
import re

from lab import wait_for
from test_check_worker import count, start, status

VIP = "10.231.0.200"


def test_retry_2_removes_a_server_down_from_the_start_after_three_failures(lab, vigild):
    a, b, _ = lab.hosts     # b listens on nothing: refused from the first probe
    conf = f"""virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {b.ipv4} 8080 {{
    weight 1
    TCP_CHECK {{
      connect_timeout 1
      retry 2
      delay_before_retry 1
    }}
  }}
}}
"""
    d = start(a, vigild, conf)
    rs = f"[{b.ipv4}]:tcp:8080"
    removed = f"delete dest TCP {VIP}:80 -> {b.ipv4}:8080"
    assert wait_for(lambda: removed in d.output(), 15), d.output()
    out = d.output()
    failed = f"TCP connection to {rs} failed (connect refused: Connection refused)."
    gone = f"TCP_CHECK on service {rs} failed after 2 retries."
    assert gone in out, out
    # in the pool from the start, and still there after the first and the second failure
    assert out.index(f"add dest TCP {VIP}:80 -> {b.ipv4}:8080 masq w1") < out.index(failed), out
    before = out[:out.index(gone)]
    assert before.count(failed) == 3, out     # two retries logged, then the third failure
    assert removed not in before, out
    assert count(d, removed) == 1
    ck = status(d)["check"]["virtual_servers"][0]["real_servers"][0]["checkers"][0]
    assert ck["state"] == "down" and ck["last_result"] == "connect_refused", ck
    assert re.search(r"failed after 2 retries", out)
    d.stop()


def one_vs(b, checker, port=8080):
    return f"""virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {b.ipv4} {port} {{
    weight 1
{checker}  }}
}}
"""


def test_misc_check_failure_names_the_checker_and_the_exit_status(lab, vigild, tmp_path):
    """Honest reasons: the failure line names the checker type, the result
    and the probe's detail; status has them as last_result/last_detail."""
    a, b, _ = lab.hosts
    script = tmp_path / "misc.sh"
    script.write_text("#!/bin/sh\nexit 3\n")
    script.chmod(0o755)
    d = start(a, vigild, one_vs(b, f"    MISC_CHECK {{\n      misc_path {script}\n      misc_timeout 5\n    }}\n"))
    rs = f"[{b.ipv4}]:tcp:8080"
    assert wait_for(lambda: f"delete dest TCP {VIP}:80 -> {b.ipv4}:8080" in d.output(), 10), d.output()
    assert f"MISC_CHECK for {rs} failed (script exit: exit 3)." in d.output(), d.output()
    assert f"MISC_CHECK on service {rs} failed." in d.output()
    ck = status(d)["check"]["virtual_servers"][0]["real_servers"][0]["checkers"][0]
    assert ck["type"] == "MISC_CHECK" and ck["last_result"] == "script_exit" and ck["last_detail"] == "exit 3", ck
    assert isinstance(ck["last_latency"], float) and ck["last_latency"] > 0, ck
    d.stop()


def test_a_checker_error_is_vigils_side_counted_apart_and_never_takes_the_server_down(lab, vigild):
    a, b, _ = lab.hosts
    # bindto an address this host does not have: the probe cannot even start
    d = start(a, vigild, one_vs(b, "    TCP_CHECK {\n      connect_timeout 1\n      retry 0\n"
                                   "      bindto 10.99.99.99\n    }\n"))
    rs = f"[{b.ipv4}]:tcp:8080"
    line = f"TCP_CHECK for {rs} could not run (vigil's side"
    assert wait_for(lambda: d.output().count(line) >= 2, 10), d.output()
    st = status(d)["check"]
    assert st["checks"]["checker_error"] >= 2 and st["checks"]["connect_refused"] == 0, st["checks"]
    rsj = st["virtual_servers"][0]["real_servers"][0]
    assert rsj["in_table"] is True and rsj["checkers"][0]["last_result"] == "checker_error", rsj
    assert f"delete dest TCP {VIP}:80 -> {b.ipv4}:8080" not in d.output()
    d.stop()
