"""One probe, many users (issue 15): identical checks of one real server
configured under several virtual servers run one probe whose result feeds
every virtual server's checker. Dry-run IPVS backend on the host; the real
server counts the connections it accepts."""
from lab import wait_for
from test_check_worker import counting_listener, connections, count, start, status, stop_listener

VIPS = ["10.231.0.200", "10.231.0.201", "10.231.0.202"]


def vs_block(vip, rs, timeout=1):
    return f"""virtual_server {vip} 80 {{
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server {rs.ipv4} 8080 {{
    weight 1
    TCP_CHECK {{
      connect_timeout {timeout}
      retry 1
      delay_before_retry 1
    }}
  }}
}}
"""


def checkers(d):
    """{vs name: its real server's first checker}"""
    return {v["name"]: v["real_servers"][0]["checkers"][0] for v in status(d)["check"]["virtual_servers"]}


def probes(d):
    return status(d)["check"]["probes"]


def test_three_virtual_servers_share_one_probe_and_all_drop_the_dead_server(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    seen = tmp_path / "conns"
    p = counting_listener(b, 8080, seen)
    d = start(a, vigild, "".join(vs_block(v, b) for v in VIPS))
    for v in VIPS:
        assert wait_for(lambda v=v: count(d, f"add dest TCP {v}:80 -> {b.ipv4}:8080 masq w1") == 1, 5), d.output()
    assert wait_for(lambda: probes(d)["results_fed"] >= 12, 20), (d.output(), probes(d))
    pr, accepts = probes(d), connections(seen)
    # one connection per probe, not one per virtual server
    assert pr["results_fed"] >= 3 * pr["run"] - 3, pr
    assert accepts <= pr["results_fed"] / 2 + 1, (accepts, pr)
    assert accepts <= pr["run"] + 1, (accepts, pr)
    for name, ck in checkers(d).items():
        assert ck["shared_by"] == 3, (name, ck)
        assert ck["last_result"] == "success" and ck["last_detail"] is None, ck
        assert isinstance(ck["last_latency"], float) and ck["last_latency"] >= 0, ck
    summary = status(d)["check"]["probes"]
    assert summary["latency"]["TCP_CHECK"]["count"] == summary["run"], summary
    stop_listener(p)
    # every virtual server decides on its own, each with its own lines
    for v in VIPS:
        assert wait_for(lambda v=v: count(d, f"delete dest TCP {v}:80 -> {b.ipv4}:8080") == 1, 10), d.output()
        assert f"Removing service [{b.ipv4}]:tcp:8080 from VS [{v}]:tcp:80" in d.output()
    assert d.output().count(f"TCP_CHECK on service [{b.ipv4}]:tcp:8080 failed after 1 retries.") == 3, d.output()
    for ck in checkers(d).values():
        assert ck["state"] == "down" and ck["last_result"] == "connect_refused", ck
        assert ck["last_detail"] == "Connection refused", ck
    d.stop()


def test_a_different_connect_timeout_is_not_shared_and_a_reload_splits_a_group(lab, vigild, tmp_path):
    a, b, _ = lab.hosts
    seen = tmp_path / "conns"
    counting_listener(b, 8080, seen)
    d = start(a, vigild, vs_block(VIPS[0], b) + vs_block(VIPS[1], b, timeout=2))
    assert wait_for(lambda: probes(d)["results_fed"] >= 4, 20), (d.output(), probes(d))
    pr = probes(d)
    assert pr["run"] == pr["results_fed"], pr
    assert [ck["shared_by"] for ck in checkers(d).values()] == [1, 1]
    # the same checks: one group; a reload that changes one VS's checker moves it out again
    with open(d.conf, "w") as f:
        f.write(vs_block(VIPS[0], b) + vs_block(VIPS[1], b))
    d.ctl("reload")
    assert d.wait_log("Reloaded: 2 virtual servers"), d.output()
    assert [ck["shared_by"] for ck in checkers(d).values()] == [2, 2]
    before = probes(d)
    assert wait_for(lambda: probes(d)["results_fed"] >= before["results_fed"] + 6, 20), d.output()
    after = probes(d)
    assert after["results_fed"] - before["results_fed"] >= 2 * (after["run"] - before["run"]) - 2, (before, after)
    with open(d.conf, "w") as f:
        f.write(vs_block(VIPS[0], b) + vs_block(VIPS[1], b, timeout=3))
    d.ctl("reload")
    assert wait_for(lambda: d.output().count("Reloaded: 2 virtual servers") == 2, 5), d.output()
    assert [ck["shared_by"] for ck in checkers(d).values()] == [1, 1]
    # still checked, and still in the table: the reload kept the state
    assert count(d, f"add dest TCP {VIPS[1]}:80 -> {b.ipv4}:8080 masq w1") == 1, d.output()
    d.stop()
