"""vigild -t and --dump-config as a user runs them, on our users' configs."""
import hashlib
import json
import os
import pathlib
import subprocess

import pytest

from lab import Lab, wait_for

CONFIGS = pathlib.Path(__file__).resolve().parents[1] / "configs"
FIXTURES = pathlib.Path("/work/shared/fixtures/seed-configs")
VIGILCTL = os.environ.get("VIGILCTL", str(pathlib.Path(__file__).resolve().parents[2] / "build" / "src" / "vigilctl"))


def configtest(vigild, path, *extra):
    return subprocess.run([vigild, "-t", "-f", str(path), *extra], capture_output=True, text=True, timeout=30)


def test_typo_points_at_line_and_suggests(vigild):
    r = configtest(vigild, CONFIGS / "001-vrrip-script-typo.conf")
    assert r.returncode == 5
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{CONFIGS / '001-vrrip-script-typo.conf'}:3:1: error:")
    assert "did you mean 'vrrp_script'?" in first
    # the source line and a caret under the column follow
    lines = r.stderr.splitlines()
    assert lines[1].strip() == "vrrip_script chk_http_port {"
    assert lines[2] == "    ^"


def test_valid_seed_exits_zero_with_warnings(vigild, tmp_path):
    # on this machine: its interface and script exist (ens3 and /opt/chk_ngx.sh would not),
    # and the script is checked (without enable_script_security the verdict is 6)
    conf = tmp_path / "004-master.conf"
    conf.write_text((CONFIGS / "004-master.conf").read_text().replace("ens3", "eth0")
                    .replace("/opt/chk_ngx.sh", "/bin/true")
                    .replace("global_defs {", "global_defs {\n    enable_script_security\n    script_user root", 1))
    r = configtest(vigild, conf)
    assert r.returncode == 0, r.stderr
    assert "starting as BACKUP" in r.stderr
    assert "does not support authentication" in r.stderr


def test_missing_file_cannot_run(vigild, tmp_path):
    r = configtest(vigild, tmp_path / "nope.conf")
    assert r.returncode == 4
    assert "cannot read configuration file" in r.stderr


MISSING_IF = ("vrrp_instance VI_1 {\n interface nosuchif0\n virtual_router_id 9\n"
              " virtual_ipaddress {\n  10.0.0.9\n }\n}\n")


def test_missing_interface_is_an_error_under_t(vigild, tmp_path):
    """keepalived 2.2.7 -t: 5 (Non-existent interface); the start refuses it too."""
    conf = tmp_path / "k.conf"
    conf.write_text(MISSING_IF)
    r = configtest(vigild, conf)
    assert r.returncode == 5, r.stderr
    assert "error: vrrp_instance interface 'nosuchif0' does not exist" in r.stderr
    assert "the daemon would not start" in r.stderr


def test_missing_interface_with_dynamic_interfaces_is_a_warning(vigild, tmp_path):
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n dynamic_interfaces\n}\n" + MISSING_IF)
    r = configtest(vigild, conf)
    assert r.returncode == 0, r.stderr
    assert "warning: vrrp_instance interface 'nosuchif0' does not exist" in r.stderr


def test_insecure_script_is_disabled_not_fatal(vigild, tmp_path):
    """keepalived disables an insecure script and -t exits 5; the rest runs."""
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o777)
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n enable_script_security\n script_user root\n}\n"
                    f"vrrp_script chk {{\n script \"{script}\"\n}}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 5, r.stderr
    assert "SECURITY VIOLATION" in r.stderr and "the script is disabled (insecure)" in r.stderr
    assert "the daemon would start with the scripts named above disabled" in r.stderr


def test_root_script_in_a_sticky_root_directory_is_secure(vigild, tmp_path):
    """/tmp is root-owned with the sticky bit: keepalived allows a root script under it."""
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    assert str(tmp_path).startswith("/tmp/")
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n enable_script_security\n script_user root\n}\n"
                    f"vrrp_script chk {{\n script \"{script}\"\n}}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 0, r.stderr


def test_scripts_without_script_security_exit_6_and_still_start(vigild, tmp_path):
    conf = tmp_path / "k.conf"
    conf.write_text("vrrp_script chk {\n script /bin/true\n}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 6, r.stderr
    assert "SECURITY VIOLATION - scripts are being executed but script_security not enabled." in r.stderr
    assert "the daemon would start and run the scripts as root" in r.stderr


def test_script_security_without_a_script_user_disables_the_script(vigild, tmp_path):
    """No keepalived_script user, no script_user: keepalived removes the script
    (-t 5); it must not run as root."""
    if subprocess.run(["getent", "passwd", "keepalived_script"], capture_output=True).returncode == 0:
        pytest.skip("this machine has a keepalived_script user")
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n enable_script_security\n}\nvrrp_script chk {\n script /bin/true\n}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 5, r.stderr
    assert "no keepalived_script user and no script_user; the script is disabled" in r.stderr


def test_dump_config_json(vigild):
    r = subprocess.run([vigild, "--dump-config", "-f", str(CONFIGS / "002-master.conf")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    model = json.loads(r.stdout)
    vi = model["vrrp_instance"][0]
    assert (vi["state"], vi["priority"], vi["virtual_router_id"]) == ("MASTER", 200, 51)
    assert vi["authentication"] == {"auth_type": "PASS", "auth_pass": "1111"}
    assert vi["virtual_ipaddress"][0]["address"] == "192.168.5.10"
    assert model["vrrp_script"][0]["interval"] == 2


def test_include_and_conditional_from_disk(vigild, tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "vi.conf").write_text(
        "vrrp_instance VI_1 {\n interface lo0x\n virtual_router_id 3\n@nodeA priority 150\n@^nodeA priority 50\n"
        " virtual_ipaddress {\n  10.0.0.3\n }\n}\n")
    main = tmp_path / "main.conf"
    main.write_text("include conf.d/*.conf\n")
    for node, prio in (("nodeA", 150), ("nodeB", 50)):
        r = subprocess.run([vigild, "--dump-config", "-i", node, "-f", str(main)],
                           capture_output=True, text=True, timeout=30)
        assert json.loads(r.stdout)["vrrp_instance"][0]["priority"] == prio


# ---- -t against a real start -------------------------------------------------------------

def ctl_status(sock):
    r = subprocess.run([VIGILCTL, "-s", sock, "status", "--json"], capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        return None
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


class Start:
    """vigild -n -l -f CONF in a host, with its own pid files and control socket."""

    def __init__(self, host, vigild, conf, tmp, instances=1):
        self.dir, self.instances = tmp, instances
        self.sock = str(tmp / "ctl.sock")
        self.log = open(tmp / "log", "w+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", host.name, vigild, "-n", "-l", "-f", str(conf), "-p", str(tmp / "main.pid"),
             "-r", str(tmp / "vrrp.pid"), "-c", str(tmp / "check.pid"), "--control-socket", self.sock,
             # the host's kernel has no IPVS: virtual_server files program the dry run
             "--dry-run"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        host.lab.procs.append(self.proc)

    def ready(self):
        """The worker runs and has reported its instances to the supervisor."""
        st = ctl_status(self.sock)
        return bool(st and st.get("worker", {}).get("running") and len(st["status"]["instances"]) >= self.instances)

    def outcome(self, timeout=10.0):
        """'up' once ready (and still running), else the exit code."""
        wait_for(lambda: self.proc.poll() is not None or self.ready(), timeout)
        if self.proc.poll() is None and self.ready():
            return "up"
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "hung"

    def output(self):
        self.log.flush()
        return pathlib.Path(self.log.name).read_text()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def seed_configs():
    """tests/configs and the fixture copies (identical files are run once)."""
    seen, out = set(), []
    for d in (CONFIGS, FIXTURES):
        for p in sorted(d.glob("*.conf")) if d.is_dir() else []:
            h = hashlib.sha256(p.read_bytes()).hexdigest()
            if h not in seen:
                seen.add(h)
                out.append(p)
    return out


def model(vigild, conf):
    r = subprocess.run([vigild, "--dump-config", "-f", str(conf)], capture_output=True, text=True, timeout=30)
    return json.loads(r.stdout) if r.returncode == 0 else {}


def interfaces_named(vigild, conf):
    m = model(vigild, conf)
    names = set()
    for vi in m.get("vrrp_instance", []):
        names.add(vi.get("interface"))
        names.update(a.get("dev") for a in vi.get("virtual_ipaddress", []))
        names.update(t.get("name") for t in vi.get("track_interface", []))
    names.update(a.get("dev") for a in m.get("static_ipaddress", []))
    return {n for n in names if n}


def add_interfaces(host, names):
    have = set(host.run("ip", "-o", "link", "show").stdout.split())
    for i, name in enumerate(sorted(names)):
        if f"{name}:" in have or f"{name}@" in " ".join(have):
            continue
        host.run("ip", "link", "add", name, "type", "veth", "peer", "name", f"vpeer{i}")
        host.run("ip", "link", "set", f"vpeer{i}", "up")
        host.run("ip", "link", "set", name, "up")
        host.run("ip", "addr", "add", f"10.233.{i + 1}.1/24", "dev", name)


@pytest.mark.parametrize("with_interfaces", [False, True], ids=["bare-namespace", "interfaces-created"])
def test_t_agrees_with_a_real_start(vigild, tmp_path, with_interfaces):
    """-t rc 0, or a 5/6 whose verdict line says the daemon would start (scripts
    disabled or run unchecked, as keepalived's start does) <=> vigild -n starts
    and stays up; any other -t verdict <=> the start exits non-zero."""
    configs = seed_configs()
    assert len(configs) >= 10
    rows, bad = [], []
    with Lab(1) as lab:
        host = lab.hosts[0]
        if with_interfaces:
            add_interfaces(host, set().union(*(interfaces_named(vigild, c) for c in configs)))
        for i, conf in enumerate(configs):
            t = host.run(vigild, "-t", "-f", str(conf), check=False)
            would_start = t.returncode == 0 or "the daemon would start" in t.stderr
            d = tmp_path / f"{'ifs' if with_interfaces else 'bare'}-{i}"
            d.mkdir()
            s = Start(host, vigild, conf, d, instances=len(model(vigild, conf).get("vrrp_instance", [])))
            got = s.outcome()
            s.stop()
            # a refused start exits 4 or 5, which the unit's RestartPreventExitStatus
            # stops on, never -t's 6 (root scripts besides a blocking error)
            ok = (got == "up") if would_start else (got in (4, 5))
            rows.append(f"  {conf.name:32} -t {t.returncode}  start {got}")
            if not ok:
                bad.append(f"{conf}: -t {t.returncode} ({t.stderr.strip().splitlines()[-1]}), start {got}\n"
                           f"{s.output()[-1500:]}")
    print("\n".join(rows))
    assert not bad, "\n".join(bad)


CORPUS = pathlib.Path(__file__).resolve().parents[1] / "configtest"


@pytest.mark.parametrize("case", ["script-root-missing-interface", "script-root-priority-300",
                                  "script-root-dup-instance", "script-root-unknown-keyword"])
def test_refused_start_with_root_scripts_exits_5(vigild, tmp_path, case):
    """Root scripts without enable_script_security besides an error that stops
    the start: -t says so (5 or 6, as keepalived), the start refuses with 5,
    which RestartPreventExitStatus stops on, and never 6."""
    conf = CORPUS / f"{case}.conf"
    d = tmp_path / "run"
    d.mkdir()
    with Lab(1) as lab:
        t = lab.hosts[0].run(vigild, "-t", "-f", str(conf), check=False)
        assert t.returncode in (5, 6) and "the daemon would not start" in t.stderr, t.stderr
        s = Start(lab.hosts[0], vigild, conf, d)
        got = s.outcome()
        s.stop()
    assert got == 5, s.output()
    assert "not starting" in s.output()


def test_disabled_script_is_logged_once_and_the_instance_runs_without_it(vigild, tmp_path):
    """As keepalived: an insecure tracked script is disabled at start, the
    instance runs without that tracker and becomes MASTER alone."""
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit 1\n")
    script.chmod(0o777)
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n enable_script_security\n script_user root\n}\n"
                    f"vrrp_script chk {{\n script \"{script}\"\n interval 1\n}}\n"
                    "vrrp_instance VI_1 {\n interface eth0\n state BACKUP\n virtual_router_id 51\n priority 100\n"
                    " advert_int 1\n virtual_ipaddress {\n  10.231.0.100/24\n }\n track_script {\n  chk\n }\n}\n")
    d = tmp_path / "run"
    d.mkdir()
    with Lab(1) as lab:
        s = Start(lab.hosts[0], vigild, conf, d)
        assert s.outcome() == "up", s.output()
        assert wait_for(lambda: "Entering MASTER STATE" in s.output(), 10), s.output()
        st = ctl_status(s.sock)["status"]["instances"][0]
        assert st["state"] == "MASTER" and st["trackers"] == [], st
        s.stop()
        out = s.output()
    assert out.count("Disabling track script chk") == 1, out
    assert "SECURITY VIOLATION" in out


def test_dynamic_interfaces_config_is_not_refused_at_start(vigild, tmp_path):
    """-t says 0 with a warning; the configuration check of the start must not
    refuse it either (running the instance in FAULT until the interface
    appears is the engine's part)."""
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n dynamic_interfaces\n}\n" + MISSING_IF)
    d = tmp_path / "run"
    d.mkdir()
    with Lab(1) as lab:
        s = Start(lab.hosts[0], vigild, conf, d)
        assert wait_for(lambda: "VRRP worker started" in s.output() or s.proc.poll() is not None, 10)
        s.outcome(timeout=3)
        s.stop()
    out = s.output()
    assert "configuration has errors; not starting" not in out, out
    assert "VRRP worker started" in out, out


KEEPALIVED = "/usr/sbin/keepalived"
LVS_CONF = """global_defs {
    enable_script_security
    script_user root
%(globals)s}
virtual_server 10.0.0.9 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.20 80 {
%(checkers)s    }
}
"""
TCP_MISC = "        TCP_CHECK {\n            connect_timeout 3\n        }\n" \
           "        MISC_CHECK {\n            misc_path /bin/true\n        }\n"
HTTP = "        HTTP_GET {\n            url {\n                path /\n            }\n        }\n"


def keepalived_t(conf, tmp):
    return subprocess.run([KEEPALIVED, "-t", "-f", str(conf), "-p", str(tmp / "k.pid"), "-r", str(tmp / "kv.pid"),
                           "-c", str(tmp / "kc.pid")], capture_output=True, text=True, timeout=30).returncode


def lvs_conf(tmp, checkers, globals_=""):
    conf = tmp / "lvs.conf"
    conf.write_text(LVS_CONF % {"globals": globals_, "checkers": checkers})
    return conf


def test_tcp_and_misc_checks_get_no_lvs_warning(vigild, tmp_path):
    """Issue 14 runs TCP_CHECK and MISC_CHECK: -t no longer says LVS is ignored."""
    conf = lvs_conf(tmp_path, TCP_MISC)
    r = configtest(vigild, conf)
    assert r.returncode == 0 == keepalived_t(conf, tmp_path), r.stderr
    assert "LVS blocks are ignored" not in r.stderr
    assert "not in this build" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].endswith("0 errors, 0 warnings - configuration is valid")


def test_http_get_is_taken_without_a_word(vigild, tmp_path):
    """Every checker runs since LVS part 2: HTTP_GET next to TCP_CHECK and
    MISC_CHECK gets no warning at all, and the file is valid (0), as for
    keepalived."""
    conf = lvs_conf(tmp_path, TCP_MISC + HTTP + HTTP.replace("path /", "path /health"))
    r = configtest(vigild, conf)
    assert r.returncode == 0 == keepalived_t(conf, tmp_path), r.stderr
    assert r.stderr.strip().endswith("0 errors, 0 warnings - configuration is valid"), r.stderr
    assert model(vigild, conf)["virtual_server"][0]["real_servers"][0]["checkers"][2]["type"] == "HTTP_GET"


def test_lvs_dry_run_keyword_warns_that_keepalived_rejects_it(vigild, tmp_path):
    conf = lvs_conf(tmp_path, TCP_MISC, "    lvs_dry_run\n")
    r = configtest(vigild, conf)
    assert r.returncode == 0, r.stderr
    assert f"{conf}:4:5: warning: lvs_dry_run is a vigil extension: keepalived does not accept this file" \
        in r.stderr
    assert keepalived_t(conf, tmp_path) == 5  # Unknown keyword 'lvs_dry_run'
    assert model(vigild, conf)["global_defs"]["lvs_dry_run"] is True


def test_dry_run_option_is_accepted_and_documented(vigild, tmp_path):
    conf = lvs_conf(tmp_path, TCP_MISC)
    r = configtest(vigild, conf, "--dry-run")
    assert r.returncode == 0, r.stderr
    h = subprocess.run([vigild, "--help"], capture_output=True, text=True, timeout=10)
    assert "--dry-run" in h.stdout
