"""`vigilctl status` of a health checker with 10,000 real servers: some
megabytes of JSON on the channel from the check worker to the supervisor,
then to vigilctl. At 1 MiB a line the supervisor dropped the channel and
the worker died of SIGPIPE: asking for the status restarted the checker."""
import json

from lab import wait_for
from test_check_worker import dry_lines, start

NVS, NRS = 100, 100


def big_conf():
    out = []
    for v in range(NVS):
        out.append(f"virtual_server 10.232.{v}.1 80 {{\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n")
        for r in range(NRS):
            out.append(f"  real_server 10.233.{v}.{r + 1} 8080 {{\n    weight 1\n  }}\n")
        out.append("}\n")
    return "".join(out)


def check_worker(st):
    return {w["kind"]: w for w in st["workers"]}["check"]


def test_status_of_10000_real_servers_passes_and_keeps_the_worker(lab, vigild):
    a, _, _ = lab.hosts
    d = start(a, vigild, big_conf())
    assert wait_for(lambda: sum(1 for x in dry_lines(d) if x.startswith("add dest")) == NVS * NRS, 60), \
        d.output()[-2000:]
    for _ in range(3):
        r = d.ctl("status", "-j")
        assert r.returncode == 0, r.stderr
        assert len(r.stdout) > 2 * 1024 * 1024          # more than the old limit of a line
        st = json.loads(r.stdout)
        vss = st["check"]["virtual_servers"]
        assert len(vss) == NVS and sum(len(v["real_servers"]) for v in vss) == NVS * NRS
        w = check_worker(st)
        assert w["running"] and w["restarts"] == 0, w
    assert "health checker exited" not in d.output() and "restart" not in d.output().lower(), d.output()[-2000:]
