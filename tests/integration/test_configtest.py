"""vigild -t and --dump-config as a user runs them, on our users' configs."""
import json
import pathlib
import subprocess

CONFIGS = pathlib.Path(__file__).resolve().parents[1] / "configs"


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


def test_valid_seed_exits_zero_with_warnings(vigild):
    r = configtest(vigild, CONFIGS / "004-master.conf")
    assert r.returncode == 0, r.stderr
    assert "starting as BACKUP" in r.stderr
    assert "does not support authentication" in r.stderr


def test_missing_file_cannot_run(vigild, tmp_path):
    r = configtest(vigild, tmp_path / "nope.conf")
    assert r.returncode == 4
    assert "cannot read configuration file" in r.stderr


def test_missing_interface_is_a_warning_under_t(vigild, tmp_path):
    conf = tmp_path / "k.conf"
    conf.write_text("vrrp_instance VI_1 {\n interface nosuchif0\n virtual_router_id 9\n"
                    " virtual_ipaddress {\n  10.0.0.9\n }\n}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 0
    assert "interface 'nosuchif0' does not exist" in r.stderr


def test_script_security_violation_exits_6(vigild, tmp_path):
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o777)
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n enable_script_security\n}\n"
                    f"vrrp_script chk {{\n script \"{script}\"\n}}\n")
    r = configtest(vigild, conf)
    assert r.returncode == 6, r.stderr
    assert "SECURITY VIOLATION" in r.stderr


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
