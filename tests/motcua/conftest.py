"""motcua test fixtures: one central server per module, a fresh office + tablet per test (fast setup)."""

import itertools

import pytest

from tests.support.motcua_helpers import Tablet
from tests.support.server import launch

_offices = itertools.count(1)


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    """A real `motcua-central serve` shared by the tests of one module (each uses its own office)."""
    srv = launch(str(tmp_path_factory.mktemp("central") / "central.db"), tmp_path_factory.mktemp("central-work"))
    yield srv
    srv.stop()


@pytest.fixture
def tablet(central, tmp_path):
    """A rating tablet of a fresh office on the shared server: outbox, client, an officer."""
    return Tablet.register(central, f"XA-T{next(_offices):03d}", tmp_path / "tablet.db")
