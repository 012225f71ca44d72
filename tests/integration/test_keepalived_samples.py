"""keepalived's own doc/samples, as Debian ships them: `vigild -t` accepts
every checker keyword in them, with no checker left out of this build, no
keyword ignored and none reported as unsupported (issue 15's acceptance)."""
import pathlib
import re
import subprocess

import pytest

SAMPLES = pathlib.Path("/usr/share/doc/keepalived/samples")
CHECKER = re.compile(r"^\s*(HTTP_GET|SSL_GET|TCP_CHECK|SMTP_CHECK|DNS_CHECK|MISC_CHECK|UDP_CHECK|PING_CHECK|FILE_CHECK)\b",
                     re.M)
# What a diagnostic says when vigil would not do what the file asks.
LEFT_OUT = ("not in this build", "ignored", "not supported", "built without", "unknown keyword")


def checker_samples():
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.glob("keepalived.conf.*") if CHECKER.search(p.read_text(errors="replace")))


def test_debian_ships_checker_samples():
    # the keepalived package is a test dependency (scripts/install-deps interop)
    assert len(checker_samples()) >= 10


def checker_lines(text):
    """The line numbers (1-based) inside each checker block, braces included."""
    lines, inside, depth = set(), False, 0
    for n, ln in enumerate(text.splitlines(), 1):
        code = ln.split("!")[0].split("#")[0]
        if not inside and CHECKER.match(code):
            inside, depth = True, 0
        if inside:
            lines.add(n)
            depth += code.count("{") - code.count("}")
            if depth <= 0 and "}" in code:
                inside = False
    return lines


@pytest.mark.parametrize("sample", checker_samples(), ids=lambda p: p.name)
def test_every_checker_keyword_is_taken(vigild, sample):
    text = sample.read_text(errors="replace")
    inside = checker_lines(text)
    r = subprocess.run([vigild, "-t", "-f", str(sample)], capture_output=True, text=True, timeout=30)
    diags = [(int(m.group(1)), ln) for ln in r.stderr.splitlines()
             if (m := re.search(r":(\d+):\d+: (?:warning|error):", ln))]
    # what is said about a checker block, or about a keyword within one
    about_checkers = [ln for n, ln in diags if n in inside]
    left_out = [d for d in about_checkers if any(w in d for w in LEFT_OUT)]
    assert not left_out, "\n".join(left_out)
    names = set(CHECKER.findall(sample.read_text(errors="replace")))
    dump = subprocess.run([vigild, "--dump-config", "-f", str(sample)], capture_output=True, text=True, timeout=30)
    for n in names:
        # every checker of the file is in the model the daemon would run
        assert n in dump.stdout or dump.returncode != 0, (n, dump.stderr[-500:])
