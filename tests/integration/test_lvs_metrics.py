"""The LVS series (issue 16) on metrics_listen, with the IPVS dry-run
backend: parsed by prometheus_client's text parser (what Prometheus
accepts), every family with its HELP and TYPE, no series twice, and the
virtual and real servers' values before and after a server dies."""
import collections

from lab import wait_for
from test_check_worker import VIP, listen, start, stop_listener

PORT = 9171
VS = f"[{VIP}]:tcp:80"


def conf(b, c):
    return f"""global_defs {{
  metrics_listen 127.0.0.1:{PORT}
}}
virtual_server {VIP} 80 {{
  delay_loop 1
  lb_algo wrr
  lb_kind NAT
  protocol TCP
  quorum 3
  real_server {b.ipv4} 8080 {{
    weight 3
    TCP_CHECK {{
      connect_timeout 1
      retry 0
    }}
  }}
  real_server {c.ipv4} 8080 {{
    weight 2
    TCP_CHECK {{
      connect_timeout 1
      retry 0
    }}
  }}
}}
"""


def text(host):
    return host.run("curl", "-s", "--max-time", "5", f"http://127.0.0.1:{PORT}/metrics", check=False).stdout


def parse(body):
    """(name, labels) -> value; asserts what promtool would: every sample
    in a family that has HELP and TYPE, and no series twice."""
    from prometheus_client.parser import text_string_to_metric_families
    out, seen = {}, collections.Counter()
    helped = {line.split()[2] for line in body.splitlines() if line.startswith("# HELP ")}
    typed = {line.split()[2]: line.split()[3] for line in body.splitlines() if line.startswith("# TYPE ")}
    for fam in text_string_to_metric_families(body):
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            seen[key] += 1
            out[key] = s.value
    assert [k for k, n in seen.items() if n > 1] == []
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name = line.split("{")[0].split(" ")[0]
            fam = next((f for f in (name, name.removesuffix("_sum"), name.removesuffix("_count")) if f in typed), None)
            assert fam and fam in helped, line
    return out


def rs_key(metric, h, **extra):
    return (metric, tuple(sorted({"vs": VS, "rs": f"[{h.ipv4}]:tcp:8080", **extra}.items())))


def vs_key(metric):
    return (metric, (("vs", VS),))


def test_lvs_series_before_and_after_a_server_dies(lab, vigild):
    a, b, c = lab.hosts
    pb = listen(b)
    listen(c)
    d = start(a, vigild, conf(b, c))
    ok_b = rs_key("vigil_lvs_real_server_check_results_total", b, result="success")
    assert wait_for(lambda: parse(text(a)).get(ok_b, 0) >= 1, 10), text(a)
    m = parse(text(a))
    assert m[vs_key("vigil_lvs_virtual_server_quorum_up")] == 1
    assert m[vs_key("vigil_lvs_virtual_server_alive_weight")] == 5
    for h, w in ((b, 3), (c, 2)):
        assert m[rs_key("vigil_lvs_real_server_up", h)] == 1
        assert m[rs_key("vigil_lvs_real_server_in_table", h)] == 1
        assert m[rs_key("vigil_lvs_real_server_weight", h)] == w
        assert m[rs_key("vigil_lvs_real_server_configured_weight", h)] == w
        assert m[rs_key("vigil_lvs_real_server_dynamic_weight", h)] == w
    assert m[rs_key("vigil_lvs_real_server_check_latency_seconds_count", b)] >= 1
    assert m[rs_key("vigil_lvs_real_server_check_latency_seconds_sum", b)] >= 0
    assert rs_key("vigil_lvs_real_server_check_results_total", b, result="connect_refused") not in m

    stop_listener(pb)
    refused = rs_key("vigil_lvs_real_server_check_results_total", b, result="connect_refused")
    assert wait_for(lambda: parse(text(a)).get(vs_key("vigil_lvs_virtual_server_quorum_up")) == 0, 10), \
        d.output()
    m = parse(text(a))
    assert m[refused] >= 1
    assert m[rs_key("vigil_lvs_real_server_up", b)] == 0
    assert m[rs_key("vigil_lvs_real_server_in_table", b)] == 0
    assert m[rs_key("vigil_lvs_real_server_weight", b)] == 0
    assert m[rs_key("vigil_lvs_real_server_configured_weight", b)] == 3
    assert m[rs_key("vigil_lvs_real_server_up", c)] == 1
    assert m[vs_key("vigil_lvs_virtual_server_alive_weight")] == 2     # below quorum 3
    # the counters only grow
    before = m[refused]
    assert wait_for(lambda: parse(text(a))[refused] > before, 10)
