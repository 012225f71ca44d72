"""`make install` as a packager runs it: DESTDIR and PREFIX=/usr after a
plain `make`, into a temporary root with a build directory of its own
(install reconfigures the build's prefix, so build/, which the other tests
use, is left alone). The installed unit must name the installed binaries, pass
`systemd-analyze verify`, and reload through vigilctl so a bad file fails."""
import os
import pathlib
import re
import shlex
import shutil
import subprocess

import pytest

from vrrp import Daemon, instance

ROOT = pathlib.Path(__file__).resolve().parents[2]

EXPECTED = [
    "etc/default/vigild",
    "usr/bin/vigil-genhash",
    "usr/lib/systemd/system/vigild.service",
    "usr/lib/tmpfiles.d/vigild.conf",
    "usr/libexec/vigil/vigil-checker",
    "usr/sbin/vigilctl",
    "usr/sbin/vigild",
    "usr/share/man/man1/vigil-genhash.1",
    "usr/share/man/man5/vigil.conf.5",
    "usr/share/man/man8/vigilctl.8",
    "usr/share/man/man8/vigild.8",
]


def make(*args, timeout=900):
    r = subprocess.run(["make", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, (args, r.stdout[-3000:], r.stderr[-3000:])
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    build, dest = tmp / "build", tmp / "root"
    # The reported sequence: build first (set up with the default prefix),
    # then install with PREFIX=/usr, which used to be ignored.
    make(f"BUILD={build}")
    make("install", f"BUILD={build}", f"DESTDIR={dest}", "PREFIX=/usr")
    yield dest
    shutil.rmtree(tmp, ignore_errors=True)


def unit_keys(dest):
    keys = {}
    for line in (dest / "usr/lib/systemd/system/vigild.service").read_text().splitlines():
        m = re.match(r"^(\w+)=(.*)$", line)
        if m:
            keys.setdefault(m.group(1), []).append(m.group(2))
    return keys


def test_make_install_puts_every_file_where_the_unit_looks(installed):
    files = sorted(str(p.relative_to(installed)) for p in installed.rglob("*") if not p.is_dir())
    assert files == EXPECTED
    for binary in ("usr/sbin/vigild", "usr/sbin/vigilctl", "usr/libexec/vigil/vigil-checker"):
        assert os.access(installed / binary, os.X_OK), binary
    keys = unit_keys(installed)
    assert keys["ExecStart"] == ["/usr/sbin/vigild --dont-fork $VIGILD_OPTIONS"]
    # -t exits 5/6 for files keepalived's start runs: a pre-start test would refuse them
    assert "ExecStartPre" not in keys
    assert keys["RestartPreventExitStatus"] == ["4 5 6"]
    assert keys["ExecReload"] == ["/usr/sbin/vigilctl -s /run/vigil/vigil.sock reload"]
    assert keys["EnvironmentFile"] == ["-/etc/default/vigild"]
    assert "VIGILD_OPTIONS=" in (installed / "etc/default/vigild").read_text()
    tmpfiles = [ln.split() for ln in (installed / "usr/lib/tmpfiles.d/vigild.conf").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")]
    assert tmpfiles == [["d", "/run/vigil", "0755", "root", "root", "-"]]
    for page in ("man8/vigild.8", "man8/vigilctl.8", "man5/vigil.conf.5", "man1/vigil-genhash.1"):
        src = ROOT / "doc/man" / os.path.basename(page)
        assert (installed / "usr/share/man" / page).read_bytes() == src.read_bytes()
    r = subprocess.run([str(installed / "usr/sbin/vigild"), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("vigild "), r


def test_installed_unit_passes_systemd_analyze_verify(installed, tmp_path):
    """verify resolves the unit's binaries, its dependencies and its man:
    pages; so it runs on a copy of the installed tree given the host's
    targets (--root) and the tree's man pages (MANPATH)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze missing (scripts/install-deps test installs systemd)"
    root = tmp_path / "root"
    shutil.copytree(installed, root, symlinks=True)
    units = root / "usr/lib/systemd/system"
    units.mkdir(parents=True, exist_ok=True)
    for target in pathlib.Path("/usr/lib/systemd/system").glob("*.target"):
        if target.exists() and not (units / target.name).exists():
            shutil.copy(target, units / target.name, follow_symlinks=True)
    r = subprocess.run([analyze, "verify", f"--root={root}", str(units / "vigild.service")],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "MANPATH": str(root / "usr/share/man")})
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", (r.returncode, r.stdout, r.stderr)


def test_the_units_reload_fails_visibly_on_a_bad_file(installed, lab):
    """What `systemctl reload` runs, against a daemon whose file was broken:
    a non-zero exit that says where (SIGHUP would have succeeded silently)."""
    a = lab.hosts[0]
    d = Daemon(a, str(installed / "usr/sbin/vigild"), instance(prio=150))
    assert d.wait_log("Entering MASTER STATE"), d.output()
    argv = shlex.split(unit_keys(installed)["ExecReload"][0])
    assert argv[0] == "/usr/sbin/vigilctl" and argv[1] == "-s", argv
    argv[0], argv[2] = str(installed / "usr/sbin/vigilctl"), d.socket
    ok = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    assert ok.returncode == 0, (ok.stdout, ok.stderr)
    with open(d.conf, "a") as f:
        f.write("vrrp_instance VI_2 {\n  virtual_router_idd 52\n}\n")
    bad = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    assert bad.returncode != 0, (bad.stdout, bad.stderr)
    assert f"{d.conf}:" in bad.stdout + bad.stderr and "error" in bad.stdout + bad.stderr, bad
    d.stop()
