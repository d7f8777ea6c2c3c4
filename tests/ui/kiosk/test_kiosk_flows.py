"""Every kiosk flow driven with real taps and key events against the real demo server."""

import pytest

from tests.ui.kiosk.kiosk_harness import PIN, KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    """A kiosk registered on the demo server, its catalogue preloaded with `motcua-kiosk sync`."""
    from kiosk.__main__ import main

    ini = write_kiosk_config(tmp_path_factory.mktemp("kiosk"), demo_server)
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


class KioskFlowTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def test_browse_a_field_open_a_procedure_then_back_and_home(self):
        self.start_kiosk()
        self.tap(self.ids("home")["procedures"])
        assert self.app.root.current == "procedures"
        fields = self.ids()["fields"]
        civil = next(row for row in fields.data if row["title"] == "Hộ tịch")
        assert int(civil["count_text"]) >= 10
        self.tap(self.row_for(fields, code=civil["code"]))
        results = self.ids()["results"]
        assert len(results.data) == int(civil["count_text"])
        assert all("Hộ tịch" in row["subtitle"] for row in results.data)
        birth = next(row for row in results.data if row["code"] == "1.001193")
        self.tap(self.row_for(results, code="1.001193"))
        assert self.app.root.current == "detail"
        detail = self.screen
        assert detail.procedure["name"] == "Đăng ký khai sinh" == birth["title"]
        texts = [w.text for w in detail.ids.content.walk() if hasattr(w, "text")]
        assert any("Thành phần hồ sơ" in t for t in texts) and any("bản chính" in t for t in texts)
        # the portal QR is drawn only for a procedure with the portal's id (test_kiosk_portal_link.py)
        assert (detail.panel.ids.qr.texture is not None) == bool(detail.procedure.get("portal_id"))
        self.tap(detail.ids.topbar.ids.back)
        assert self.app.root.current == "procedures"
        assert self.screen.field_code == civil["code"]  # back keeps the citizen's place
        self.tap(self.screen.ids.topbar.ids.home)
        assert self.app.root.current == "home"

    def test_search_typed_without_diacritics_on_the_on_screen_keyboard(self):
        self.start_kiosk()
        self.tap(self.ids("home")["procedures"])
        self.tap(self.ids()["keyboard_toggle"])
        keyboard = self.screen.keyboard
        assert keyboard.get_root_window() is not None
        self.tap_keys(keyboard, "ket hon")
        assert self.ids()["query"].text == "ket hon"
        self.wait_for(
            lambda: self.ids()["results"].data and self.ids()["results"].data[0]["code"] == "1.000894",
            what="search results",
        )
        assert self.ids()["results"].data[0]["title"] == "Đăng ký kết hôn"
        # While typing, the results have the room above the keyboard; the field list is out of the way.
        assert self.ids()["fields"].opacity == 0 and self.ids()["fields"].disabled
        for _ in range(7):
            self.tap(keyboard.find_key("backspace"))
        self.tap_keys(keyboard, "khai sinh")
        self.wait_for(lambda: self.ids()["results"].data[0]["code"] == "1.001193", what="khai sinh first")

    def test_print_checklist_slip_from_the_detail_screen(self):
        self.start_kiosk()
        self.go("detail", code="2.000884")
        self.tap(self.screen.panel.ids.print_button)
        self.wait_for(lambda: self.screen.print_message, what="print outcome")
        assert "Đã in" in self.screen.print_message
        assert b"\x1dv0" in self.printer.output  # the slip's text as a raster image, diacritics and all
        assert (b"\x1d(k" in self.printer.output) == bool(self.screen.procedure.get("portal_id"))  # QR: portal id

    def test_scanner_on_the_home_screen_opens_the_dossier(self):
        code, _secret, status = demo_hints(self.server)[-1]
        self.start_kiosk()
        assert self.app.root.current == "home"
        self.scan(code.lower())
        assert self.app.root.current == "dossier"
        assert self.ids()["code"].text == code
        assert self.screen.state in ("busy", "found")
        self.wait_for(lambda: self.screen.state == "found", what="dossier answer")
        body = " ".join(w.text for w in self.ids()["result"].walk() if hasattr(w, "text"))
        assert code in body and self.screen.dossier["status"]["code"] == status
        assert "." in self.screen.dossier["holder"]  # masked name only
        assert "Quá trình xử lý" not in body  # no steps without the secret
        if status == 5:
            assert "bổ sung" in body

    def test_busy_state_is_shown_while_looking_up(self):
        code, _secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.tap(self.ids("home")["dossier"])
        self.tap_keys(self.screen.keyboard, code)
        self.tap(self.ids()["lookup"])
        assert self.ids()["message"].text in ("Đang tra cứu…", "")
        self.wait_for(lambda: self.screen.state == "found", what="dossier answer")

    def test_the_receipt_secret_reveals_the_step_history(self):
        code, secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.go("dossier", code=code)
        self.wait_for(lambda: self.screen.state == "found", what="public view")
        self.tap(self.ids()["secret"])
        self.tap_keys(self.screen.keyboard, "WRONG1")
        self.tap(self.ids()["reveal"])
        self.wait_for(lambda: not self.screen.busy, what="wrong secret answer")
        assert "chưa đúng" in self.screen.secret_message and "steps" not in self.screen.dossier
        self.tap(self.screen.keyboard.find_key("clear"))
        self.tap_keys(self.screen.keyboard, secret)
        self.tap(self.ids()["reveal"])
        self.wait_for(lambda: "steps" in self.screen.dossier and not self.screen.busy, what="steps")
        body = " ".join(w.text for w in self.ids()["result"].walk() if hasattr(w, "text"))
        assert "Quá trình xử lý" in body and "1. " in body

    def test_an_unknown_code_gets_a_kind_message(self):
        self.start_kiosk()
        self.go("dossier")
        self.tap_keys(self.screen.keyboard, "000.00.31.H29-200101-9999")
        self.tap(self.screen.keyboard.find_key("enter"))
        self.wait_for(lambda: self.screen.state == "message", what="not found")
        assert self.screen.message.startswith("Chưa tìm thấy hồ sơ")
        assert "Traceback" not in self.screen.message and "404" not in self.screen.message
        assert not list(self.ids()["result"].children)

    def test_idle_returns_home_and_forgets_everything_typed(self):
        code, secret, _ = demo_hints(self.server)[0]
        self.start_kiosk()
        self.tap(self.ids("home")["lang"])  # the citizen chose English
        from touchui.i18n import i18n

        assert i18n.lang == "en"
        self.go("dossier", code=code)
        self.wait_for(lambda: self.screen.state == "found", what="dossier")
        self.tap(self.ids()["secret"])
        self.tap_keys(self.screen.keyboard, secret[:3])
        self.go("procedures")
        self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, "khai")
        procedures, dossier = self.app.root.get_screen("procedures"), self.app.root.get_screen("dossier")
        self.clock.t += self.cfg.kiosk.idle_seconds + 1
        self.advance_frames(1)
        self.wait_for(lambda: self.app.root.current == "home", seconds=3, what="idle home")
        from touchui.i18n import i18n

        assert i18n.lang == "vi"
        assert procedures.ids.query.text == "" and procedures.keyboard.text == ""
        assert dossier.ids.code.text == "" and dossier.ids.secret.text == "" and not dossier.dossier
        assert not list(dossier.ids.result.children) and self.app.history == []

    def test_admin_gesture_needs_the_pin(self):
        from kivy.core.window import Window

        self.start_kiosk()
        corner = (Window.width - 20, Window.height - 20)  # top-right, as configured by default
        for _ in range(5):
            self.clock.t += 0.2
            self.tap_at(*corner)
        pad = self.app.pin_pad
        assert pad is not None and self.app.root.current == "home"
        for digit in "1111":
            pad.press_digit(digit)
        pad.submit()
        self.advance_frames(2)
        assert self.app.root.current == "home" and pad.message  # wrong PIN: still no admin
        for digit in PIN:
            pad.press_digit(digit)
        pad.submit()
        self.advance_frames(3)
        assert self.app.root.current == "admin"
        assert "Kiosk thử" in self.screen.info_text and "token" not in self.screen.info_text.lower()

    def test_statistics_show_the_offices_rates_as_of_the_last_sync(self):
        self.start_kiosk()
        self.tap(self.ids("home")["stats"])
        stats, _ = self.services.stats()
        assert stats is not None and self.screen.has_stats
        assert self.screen.as_of_text.startswith("Số liệu đến")
        assert self.screen.punctual_text.endswith("%") or self.screen.punctual_text == "chưa có"
        assert len(self.screen.punctual_series) == len(stats.get("series") or [])

    def test_reload_config_applies_office_name_idle_time_and_language_live(self):
        from kivy.uix.label import Label

        from kiosk.settings import load as load_config
        from touchui.i18n import i18n

        self.start_kiosk()
        text = self.config_path.read_text(encoding="utf-8")
        changed = text.replace("Trung tâm Phục vụ hành chính công xã Phước Long", "Phường Tân Định")
        changed = changed.replace("idle_seconds = 60", "idle_seconds = 45").replace(
            "[device]", "[device]\nlanguage = en"
        )
        reloaded = self.config_path.with_name("reloaded.ini")
        reloaded.write_text(changed, encoding="utf-8")
        self.app.apply_config(load_config(reloaded))
        self.advance_frames(3)
        home = self.app.root.get_screen("home")
        shown = [w.text for w in home.walk() if isinstance(w, Label)]
        assert "Phường Tân Định" in shown and not any("Phước Long" in t for t in shown)
        assert self.app.idle.timeout == 45 and i18n.lang == "en"
