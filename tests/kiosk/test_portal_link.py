"""The portal link from the import to the citizen: the portal's id stored by the server, carried by the
catalogue API into the kiosk's cache, and the QR and slip built from it with [kiosk] portal_link; no id,
no QR and no link (a link from the procedure code opened an empty page). Real server, SQLite and PostgreSQL."""

import json

import pytest
from escpos.printer import Dummy

from kiosk import present, slip
from kiosk.__main__ import build_services
from kiosk.settings import load as load_config
from motcua.config import ConfigError
from tests.central.portal_records import BIRTH_ID, current, exchange
from tests.kiosk.test_check_and_commands import write_config

OFFICE = "XA-PHUOCLONG"
PAGE = f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{BIRTH_ID}"


@pytest.fixture(scope="module")
def catalogue_server(storage_server, tmp_path_factory):
    """The module's server holding one procedure with the portal's id and one without (a LayThuTuc record)."""
    path = tmp_path_factory.mktemp("import") / "thu-tuc.json"
    path.write_text(json.dumps({"code": "OK", "data": [current(), exchange()]}, ensure_ascii=False), encoding="utf-8")
    storage_server.cli("import", "procedures", str(path))
    storage_server.ensure_office(OFFICE)
    return storage_server


def _kiosk(server, folder, extra=""):
    folder.mkdir(exist_ok=True)
    token = server.device_token(kind="kiosk", office=OFFICE, counter=None)
    services = build_services(load_config(write_config(folder, server.url, token, extra=extra)))
    services.sync_catalogue()
    return services


def test_the_portal_page_reaches_the_kiosk_qr_and_the_slip(catalogue_server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # data_dir = data, next to kiosk.ini
    services = _kiosk(catalogue_server, tmp_path / "k1")
    assert services.catalogue.get("1.001193")["portal_id"] == BIRTH_ID  # the kiosk's cache carries the id
    birth = services.procedure("1.001193")
    assert birth["portal_url"] == PAGE  # what the detail screen's QR and the slip encode

    printer = Dummy()
    slip.print_checklist(printer, birth, "vi")
    assert b"\x1d(k" in printer.output and PAGE.encode() in printer.output  # GS ( k: the QR of the page
    assert b"ma_thu_tuc" not in printer.output

    other = services.procedure("2.000884")  # imported from LayThuTuc: no portal id known
    assert other is not None and "portal_url" not in other
    printer = Dummy()
    slip.print_checklist(printer, other, "vi")
    assert b"\x1d(k" not in printer.output and b"dichvucong" not in printer.output  # no QR, no link


def test_the_link_template_is_a_setting(catalogue_server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = "[kiosk]\nportal_link = https://dvc.tinh.gov.vn/tthc/{id}?nguon=kiosk\n"
    services = _kiosk(catalogue_server, tmp_path / "k2", extra)
    assert services.procedure("1.001193")["portal_url"] == f"https://dvc.tinh.gov.vn/tthc/{BIRTH_ID}?nguon=kiosk"
    services = _kiosk(catalogue_server, tmp_path / "k3", "[kiosk]\nportal_link =\n")
    assert "portal_url" not in services.procedure("1.001193")  # empty: never a QR

    (tmp_path / "k4").mkdir()
    ini = write_config(tmp_path / "k4", catalogue_server.url, "t", extra="[kiosk]\nportal_link = https://x.vn/tthc\n")
    with pytest.raises(ConfigError, match=r"portal_link.*\{id\}"):
        load_config(ini)


def test_a_stored_code_link_or_an_unverified_id_gives_no_qr():
    template = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}"
    old = {"code": "1.001193", "portal_url": "https://dichvucong.gov.vn/p/home/x.html?ma_thu_tuc=1.001193"}
    assert "portal_url" not in present.with_portal_link(old, template)  # an older server's link is dropped
    assert "portal_url" not in present.with_portal_link({**old, "portal_id": "1.001193/../x"}, template)
    assert present.with_portal_link({"portal_id": BIRTH_ID.upper()}, template)["portal_url"] == PAGE
