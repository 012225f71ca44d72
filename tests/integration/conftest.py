import os
import pathlib
import sys

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
