"""The dossier and statistics screens with real taps against the demo server (issue 18 items 6 and 20, REPORTING.md): a
late dossier's owner reads an apology and is sent to the counter, not back on a date that has passed;
the result card sits right under the code field, "Xong" closes the keyboard, the step history fits
on screen once the keyboard is closed, and a wrong lookup code is said in red next to its field."""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    from kiosk.__main__ import main

    ini = write_kiosk_config(tmp_path_factory.mktemp("kiosk"), demo_server)
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


def _hint(server, what):
    for line in server.cli("demo-hints").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "status" and " ".join(parts[4:]) == what:
            return parts[0], parts[1]
    raise AssertionError(f"demo-hints names no dossier '{what}'")


class DossierScreenTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def body(self):
        return " ".join(w.text for w in self.ids()["result"].walk() if hasattr(w, "text"))

    def find(self, code):
        self.start_kiosk()
        self.tap(self.ids("home")["dossier"])
        self.tap_keys(self.screen.keyboard, code)
        self.tap(self.screen.keyboard.find_key("enter"))
        self.wait_for(lambda: self.screen.state == "found" and not self.screen.busy, what="dossier answer")
        self.advance_frames(6)

    def test_a_late_dossier_apologises_and_sends_the_citizen_to_the_counter(self):
        code, _secret = _hint(self.server, "late")
        self.find(code)
        body = self.body()
        assert "Quá hạn" in body and "xin lỗi" in body and "quầy" in body
        assert "vào ngày hẹn trả" not in body  # the appointment has passed
        self.shot("dossier-late")

    def test_an_apology_letters_new_appointment_is_the_current_one(self):
        code, _secret = _hint(self.server, "late, apology letter and new appointment")
        self.find(code)
        body = self.body()
        assert "Ngày hẹn trả mới" in body and "Ngày hẹn trả (ghi trên giấy hẹn)" in body
        assert "văn bản xin lỗi" in body and "Quá hạn" in body
        self.shot("dossier-late-apology")

    def test_layout_result_close_under_the_code_keyboard_closes_steps_fit_error_by_the_secret(self):
        code, secret, _status = demo_hints(self.server)[0]
        self.find(code)
        screen, ids = self.screen, self.ids()
        first = ids["result"].children[-1]  # the facts card
        code_row_bottom = ids["code"].to_window(*ids["code"].pos)[1]
        card_top = first.to_window(first.x, first.top)[1]
        # the result starts right under the code field, not ~170 px further down
        assert 0 <= code_row_bottom - card_top <= 60, (code_row_bottom, card_top)
        self.shot("dossier-found")
        # a wrong lookup code: said in red, right by the secret field
        self.tap(ids["secret"])
        self.tap_keys(screen.keyboard, "WRONG1")
        self.tap(ids["reveal"])
        self.wait_for(lambda: not screen.busy, what="wrong secret answer")
        warning = ids["secret_message"]
        assert "chưa đúng" in warning.text and tuple(warning.color) == tuple(self.app_theme().danger)
        secret_bottom = ids["secret"].to_window(*ids["secret"].pos)[1]
        warning_top = warning.to_window(warning.x, warning.top)[1]
        assert 0 <= secret_bottom - warning_top <= 40, (secret_bottom, warning_top)
        assert ids["message"].text == ""  # not under the code field
        self.shot("dossier-secret-wrong")
        # the right code, then "Xong": the keyboard closes and the history is on screen
        self.tap(screen.keyboard.find_key("clear"))
        self.tap_keys(screen.keyboard, secret)
        self.tap(screen.keyboard.find_key("enter"))
        self.wait_for(lambda: "steps" in screen.dossier and not screen.busy, what="steps")
        self.advance_frames(6)
        assert screen.keyboard.get_root_window() is None, "Xong left the keyboard open"
        steps = screen.cards["steps"]
        bottom = steps.to_window(steps.x, steps.y)[1]
        assert bottom >= 0, f"the step history ends {-bottom:.0f} px below the screen"
        self.shot("dossier-steps")
        # a tap on a field brings the keyboard back
        self.tap(ids["code"])
        assert screen.keyboard.get_root_window() is not None

    def test_a_dossier_held_without_a_secret_says_why_it_shows_no_steps(self):
        """A dossier read from the province's system carries no receipt secret (issue 16): the secret the
        citizen types cannot be checked, so the kiosk says the steps cannot be shown here and sends them to
        the counter, never that the secret on their receipt is wrong."""
        import json
        import tempfile
        from pathlib import Path

        self.server.ensure_office("XA-NGUON")
        record = {
            "code": "000.00.77.H29-261102-0001",
            "office": "XA-NGUON",
            "procedure_code": "1.001193",
            "holder_name": "Trần Thị Cúc",
            "status": 4,
            "received_at": "2026-11-02T08:00:00+07:00",
        }
        path = Path(tempfile.mkdtemp()) / "dossiers.json"
        path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
        self.server.cli("import", "dossiers", str(path))
        self.find(record["code"])
        screen, ids = self.screen, self.ids()
        self.tap(ids["secret"])
        self.tap_keys(screen.keyboard, "K7P3QY")
        self.tap(ids["reveal"])
        self.wait_for(lambda: not screen.busy, what="the answer to the secret")
        self.advance_frames(6)
        assert screen.state == "found" and "steps" not in screen.dossier
        warning = ids["secret_message"].text
        assert "chưa xem được quá trình xử lý" in warning and "quầy" in warning and "chưa đúng" not in warning
        self.shot("dossier-steps-unavailable")

    def test_statistics_name_their_period_and_both_rates(self):
        """Issue 18 item 24 and REPORTING.md: the screen says which period it counts, and shows Biểu 06's
        rate and chỉ tiêu 2.1's estimate, each named for what it is."""
        self.start_kiosk()
        self.tap(self.ids("home")["stats"])
        stats, _ = self.services.stats()
        assert self.screen.period_text.startswith("Kỳ: ")
        assert "đến" in self.screen.period_text and "/20" in self.screen.period_text
        shown = " ".join(w.text for w in self.screen.walk() if hasattr(w, "text"))
        assert "Tỷ lệ hồ sơ đã giải quyết trước hạn, đúng hạn" in shown
        assert "chỉ tiêu 2.1" in shown
        rate = stats["dossiers"]["indicator_2_1"]
        assert self.screen.indicator_value == [rate] and self.screen.indicator_text.endswith("%")
        self.shot("stats-period")

    @staticmethod
    def app_theme():
        from touchui.theme import theme

        return theme


def test_portrait_fields_on_top_card_right_under_history_fills_the_rest():
    """A portrait kiosk (1080×1920), in a window made at that size in a process of its own
    (dossier_portrait_kiosk.py): the code and lookup-code fields at the top, the card right under them."""
    from tests.ui.kiosk.test_kiosk_comfort import _run_in_a_window

    _run_in_a_window(
        "dossier_portrait_kiosk.py",
        "1080x1920",
        ["dossier-portrait-found", "dossier-portrait-secret-typing", "dossier-portrait-steps"],
    )
