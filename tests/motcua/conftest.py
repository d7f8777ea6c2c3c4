"""motcua test fixtures: one central server per module, a fresh office + tablet per test (fast setup)."""

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from motcua_helpers import Tablet  # noqa: E402

_offices = itertools.count(1)


def _shared_fixtures():
    """tests/conftest.py as a module (its CentralServer/launch), loaded under a name of its own."""
    name = "motcua_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    """A real `motcua-central serve` shared by the tests of one module (each uses its own office)."""
    srv = _shared_fixtures().launch(
        str(tmp_path_factory.mktemp("central") / "central.db"), tmp_path_factory.mktemp("central-work")
    )
    yield srv
    srv.stop()


@pytest.fixture
def tablet(central, tmp_path):
    """A rating tablet of a fresh office on the shared server: outbox, client, an officer."""
    return Tablet.register(central, f"XA-T{next(_offices):03d}", tmp_path / "tablet.db")
