"""vigild and Debian's keepalived 2.2.7 as peers on the same segment: each
side as master, VRRP v2 and v3, multicast and unicast, PASS and AH on v2. The VIP
moves both ways on a crash and on a graceful stop, and in steady state it is
never on both nodes. keepalived runs only inside the lab's namespaces, with
its own pid files."""
import os

import pytest

from lab import wait_for
from vrrp import KEEPALIVED, Daemon, flush_vip, has_addr, instance

VIP = "10.231.0.100"

pytestmark = pytest.mark.skipif(not os.access(KEEPALIVED, os.X_OK),
                                reason="keepalived is installed by scripts/install-deps interop")

CASES = {
    "v3-multicast": dict(version=3, advert="0.1"),
    "v3-unicast": dict(version=3, advert="0.1", unicast=True),
    "v2-multicast-pass": dict(version=2, advert="1", auth="PASS"),
    "v2-unicast": dict(version=2, advert="1", unicast=True),
    "v2-multicast-ah": dict(version=2, advert="1", auth="AH"),
    "v2-unicast-ah": dict(version=2, advert="1", unicast=True, auth="AH"),
}


def conf(host, peer, prio, case):
    extra = ""
    if case.get("unicast"):
        extra += f"  unicast_src_ip {host.ipv4}\n  unicast_peer {{\n    {peer.ipv4}\n  }}\n"
    if case.get("auth"):
        extra += f"  authentication {{\n    auth_type {case['auth']}\n    auth_pass vigil42\n  }}\n"
    return instance(prio=prio, state="MASTER" if prio > 100 else "BACKUP", version=case["version"],
                    advert=case["advert"], extra=extra)


def start(kind, host, peer, prio, case, vigild):
    binary = vigild if kind == "vigil" else KEEPALIVED
    return Daemon(host, binary, conf(host, peer, prio, case), kind=kind)


def one_master(a, b, seconds):
    """True if the VIP stays on exactly one of a, b for the whole period."""
    return not wait_for(lambda: has_addr(a, VIP) == has_addr(b, VIP), seconds)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("master_kind", ["vigil", "keepalived"])
def test_interop(lab, vigild, master_kind, case):
    c = CASES[case]
    backup_kind = "keepalived" if master_kind == "vigil" else "vigil"
    slow = 6 if c["version"] == 2 else 2
    a, b, _ = lab.hosts
    m = start(master_kind, a, b, 150, c, vigild)
    assert wait_for(lambda: has_addr(a, VIP), 3 * slow), m.output()
    bk = start(backup_kind, b, a, 100, c, vigild)
    assert bk.wait_log("Entering BACKUP STATE", slow), bk.output()
    assert one_master(a, b, 3 * float(c["advert"])), (m.output(), bk.output())
    assert has_addr(a, VIP)

    # crash of the master: the other implementation takes over
    m.kill()
    assert wait_for(lambda: has_addr(b, VIP), slow), bk.output()
    flush_vip(a, VIP + "/24")

    # the master comes back and takes the VIP back (higher priority)
    m = start(master_kind, a, b, 150, c, vigild)
    assert wait_for(lambda: has_addr(a, VIP), 2 * slow), (m.output(), bk.output())
    assert wait_for(lambda: not has_addr(b, VIP), slow), bk.output()
    assert one_master(a, b, 3 * float(c["advert"]))

    # graceful stop: priority 0, the backup takes over after Skew_Time
    m.stop()
    assert not has_addr(a, VIP)
    assert wait_for(lambda: has_addr(b, VIP), slow), bk.output()
    bk.stop()
    assert not has_addr(b, VIP)
