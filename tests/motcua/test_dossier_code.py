"""Dossier codes read the same on the kiosk, the tablet and the server (motcua.dossier_code)."""

import pytest

from motcua import dossier_code


@pytest.mark.parametrize(
    "raw, code",
    [
        ("  000.00.31.h29-251103-0007\n", "000.00.31.H29-251103-0007"),
        ("000.00.31.H29 - 251103 - 0007", "000.00.31.H29-251103-0007"),
        ("https://dvc.example.vn/tra-cuu?code=000.00.31.H29-251103-0007", "000.00.31.H29-251103-0007"),
        ("https://dvc.example.vn/tra-cuu?x=1&mahoso=000.00.31.H29-251103-0007#top", "000.00.31.H29-251103-0007"),
        ("https://dvc.example.vn/hoso/000.00.31.H29-251103-0007/", "000.00.31.H29-251103-0007"),
        ("https://dvc.example.vn/hoso/000.00.31.H29-251103-0007?lang=vi", "000.00.31.H29-251103-0007"),
        # the shapes a province's one-gate system gives (CONNECTORS.md): the kiosk must ask for them too
        ("g09.20-20260609-0092637", "G09.20-20260609-0092637"),
        ("H29.99-20261102-0000001", "H29.99-20261102-0000001"),
    ],
)
def test_scanned_or_typed_codes_are_normalised(raw, code):
    assert dossier_code.normalise(raw) == code
    assert dossier_code.is_valid(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "khai sinh",
        "251103-0007",
        "000.00.31.H29-2511-0007",
        "000.00.31.H29-2511030-0007",
        "000.00.31.H29-251103-007",
        "G09.20-20260609-009263712",
        "DROP TABLE",
    ],
)
def test_things_that_are_not_dossier_codes_are_refused(raw):
    assert not dossier_code.is_valid(raw)


def test_the_apps_and_the_server_use_this_one_rule():
    """No second copy: the kiosk, the tablet, the outbox, the client and the server import it."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    users = [
        "kiosk/services.py",
        "rating/flow.py",
        "motcua/outbox.py",
        "motcua/client.py",
        "central/api/dossiers.py",
        "central/ratings.py",
        "central/importers.py",
    ]
    for name in users:
        assert "dossier_code.normalise" in (root / name).read_text(encoding="utf-8"), name
    for path in (
        list(root.glob("kiosk/**/*.py")) + list(root.glob("rating/**/*.py")) + list(root.glob("central/**/*.py"))
    ):
        text = path.read_text(encoding="utf-8")
        assert r"-\d{6}-\d{4}" not in text, f"{path}: a second dossier-code pattern"
