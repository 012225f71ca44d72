"""vigild -t against keepalived 2.2.7 -t on the corpus in tests/configtest.

Each corpus file is one case. Both config tests run on it in a namespace
whose only interfaces are lo and eth0, with the scripts the corpus names
created in tmp with the owner and mode each case needs (@S@, @WW@ and
@STICKY@ in a file are those directories). The exit codes must be the same,
or the difference must be one of those listed in doc/config-test.md: the
test reads its table from there, so the doc and the test cannot disagree.
"""
import os
import pathlib
import re
import shutil

import pytest

from lab import Lab

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "configtest"
DOC = ROOT / "doc" / "config-test.md"
KEEPALIVED = "/usr/sbin/keepalived"
ROW = re.compile(r"^\|\s*`([\w.-]+)`\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|")


def documented_differences():
    """case -> (keepalived rc, vigild rc), from the table in doc/config-test.md."""
    table = {}
    for line in DOC.read_text().splitlines():
        m = ROW.match(line)
        if m:
            table[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return table


def make_scripts(base):
    """The script tree the corpus refers to, as keepalived's check sees it:
    base/s is root 0755, base/ww world-writable, base/sticky 1777."""
    s, ww, sticky = base / "s", base / "ww", base / "sticky"
    for d, mode in ((s, 0o755), (ww, 0o777), (sticky, 0o1777)):
        d.mkdir()
        d.chmod(mode)
    for p in ("ok", "ww", "gw_root", "gw_other", "notexec", "nobody_owned"):
        (s / f"{p}.sh").write_text("#!/bin/sh\nexit 0\n")
        (s / f"{p}.sh").chmod(0o755)
    (s / "ww.sh").chmod(0o777)
    (s / "gw_root.sh").chmod(0o775)
    (s / "gw_other.sh").chmod(0o775)
    shutil.chown(s / "gw_other.sh", group="nogroup")
    (s / "notexec.sh").chmod(0o644)
    shutil.chown(s / "nobody_owned.sh", user="nobody")
    for d in (ww, sticky):
        (d / "x.sh").write_text("#!/bin/sh\nexit 0\n")
        (d / "x.sh").chmod(0o755)
    (s / "link_ok.sh").symlink_to(s / "ok.sh")
    (s / "link_ww.sh").symlink_to(s / "ww.sh")
    (ww / "link_ok.sh").symlink_to(s / "ok.sh")
    return {"@S@": str(s), "@WW@": str(ww), "@STICKY@": str(sticky)}


def instantiate(case, subst, out):
    text = case.read_text()
    for k, v in subst.items():
        text = text.replace(k, v)
    path = out / case.name
    path.write_text(text)
    return path


def run_both(host, vigild, conf, piddir):
    v = host.run(vigild, "-t", "-f", str(conf), check=False)
    k = host.run(KEEPALIVED, "-t", "-f", str(conf), "-p", str(piddir / "k.pid"), "-r", str(piddir / "kv.pid"),
                 "-c", str(piddir / "kc.pid"), check=False)
    # keepalived dies of its own SIGTERM in one case; ip netns exec reports 128+15
    krc = k.returncode if k.returncode >= 0 else 128 - k.returncode
    return v, krc, k


@pytest.fixture(scope="module")
def corpus_host():
    if os.geteuid() != 0:
        pytest.fail("integration tests need root (network namespaces)")
    with Lab(1) as lab:
        yield lab.hosts[0]


def test_corpus_is_big_enough():
    assert len(list(CORPUS.glob("*.conf"))) >= 40


def test_documented_differences_name_corpus_cases():
    names = {p.stem for p in CORPUS.glob("*.conf")}
    table = documented_differences()
    assert table, "doc/config-test.md has no table of differences"
    assert set(table) <= names, set(table) - names


def test_verdicts_agree_with_keepalived(vigild, corpus_host, tmp_path):
    if not os.access(KEEPALIVED, os.X_OK):
        pytest.skip("keepalived is not installed")
    subst = make_scripts(tmp_path)
    confs = tmp_path / "confs"
    confs.mkdir()
    table = documented_differences()
    rows, bad = [], []
    for case in sorted(CORPUS.glob("*.conf")):
        conf = instantiate(case, subst, confs)
        v, krc, k = run_both(corpus_host, vigild, conf, tmp_path)
        want = table.get(case.stem)
        if want is None:
            ok, kind = v.returncode == krc, "agree"
        else:
            ok, kind = (krc, v.returncode) == want, "documented"
        rows.append((case.stem, krc, v.returncode, kind if ok else "MISMATCH"))
        if not ok:
            bad.append(f"{case.stem}: keepalived {krc}, vigild {v.returncode}"
                       f"{' (documented ' + str(want) + ')' if want else ''}\n"
                       f"  vigild: {v.stderr.strip()[-600:]}\n  keepalived: {(k.stdout + k.stderr).strip()[-600:]}")
    for name, krc, vrc, kind in rows:
        print(f"  {name:40} keepalived {krc:3}  vigild {vrc:3}  {kind}")
    agree = sum(r[3] == "agree" for r in rows)
    documented = sum(r[3] == "documented" for r in rows)
    print(f"config-test verdicts: {len(rows)} cases, {agree} agree with keepalived 2.2.7, "
          f"{documented} documented differences, {len(bad)} mismatches")
    assert not bad, "\n".join(bad)
