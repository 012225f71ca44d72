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
