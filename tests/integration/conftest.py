import os
import pathlib
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def vigild():
    path = os.environ.get("VIGILD", str(ROOT / "build" / "src" / "vigild"))
    assert os.access(path, os.X_OK), f"vigild not built at {path} (run make)"
    return path


@pytest.fixture
def lab():
    from lab import Lab
    if os.geteuid() != 0:
        pytest.fail("integration tests need root (network namespaces)")
    with Lab(3) as l:
        yield l


@pytest.fixture
def work():
    """A directory for scripts, flag files and process copies, readable by
    everyone (scripts may run as another user)."""
    d = tempfile.mkdtemp(prefix="vigil-test-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)
