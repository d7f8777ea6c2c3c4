"""The detail screen's QR is the portal page of the procedure's portal id (issue 16, item 3), on the real
kiosk window against a real server; a procedure without that id shows no QR and no caption, and its slip
prints no link."""

import json

import pytest

from tests.central.portal_records import BIRTH_ID, current, exchange
from tests.ui.kiosk.kiosk_harness import KioskTestCase, write_kiosk_config  # noqa: E402

PAGE = f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{BIRTH_ID}"


@pytest.fixture(scope="module")
def kiosk_config(tmp_path_factory):
    from kiosk.__main__ import main
    from tests.support.server import launch

    folder = tmp_path_factory.mktemp("portal-link")
    server = launch(str(folder / "central.db"), folder)
    path = folder / "thu-tuc.json"
    path.write_text(json.dumps([current(), exchange()], ensure_ascii=False), encoding="utf-8")
    server.cli("import", "procedures", str(path))
    ini = write_kiosk_config(folder, server)
    assert main(["sync", "--config", str(ini)]) == 0
    yield ini, server
    server.stop()


class PortalLinkTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def test_qr_of_the_portal_page_and_none_without_an_id(self):
        from kiosk.qr import qr_luminance

        self.start_kiosk()
        self.go("detail", code="1.001193")
        detail = self.screen
        qr = detail.panel.ids.qr
        assert qr.data == PAGE and qr.texture is not None and qr.opacity == 1
        assert qr.texture.size[0] == qr_luminance(PAGE, scale=4)[0]  # the texture is this page's QR
        assert detail.qr_caption  # "Quét mã để xem trên Cổng Dịch vụ công"
        steps = [w.text for w in detail.ids.content.walk() if "Nộp hồ sơ tại Bộ phận Một cửa" in getattr(w, "text", "")]
        assert steps and steps[0].startswith("1. ")  # numbered by the kiosk, no "Bước 1" left
        self.shot("detail-portal-qr")
        self.tap(detail.panel.ids.print_button)
        self.wait_for(lambda: detail.print_message, what="print outcome")
        assert PAGE.encode() in self.printer.output and b"\x1d(k" in self.printer.output

        self.go("detail", code="2.000884")
        assert qr.data == "" and qr.texture is None and qr.opacity == 0 and detail.qr_caption == ""
        self.shot("detail-no-portal-id")
        before = len(self.printer.output)
        self.tap(detail.panel.ids.print_button)
        self.wait_for(lambda: len(self.printer.output) > before, what="second slip")
        assert b"\x1d(k" not in self.printer.output[before:] and b"dichvucong" not in self.printer.output[before:]
