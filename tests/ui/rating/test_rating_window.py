"""The rating tablet in one offscreen window: real taps from idle to the real server."""

from tests.support.ui import FakeClock, WindowGestures  # noqa: E402  (first: Kivy runs headless)

from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from kivy.tests.common import GraphicUnitTest  # noqa: E402

from tests.support.tablet_setup import LAN_PIN, add_officers, export_ratings, write_config  # noqa: E402
from rating.widgets.theme import COLOURS  # noqa: E402

DOSSIER = "000.00.31.H29-251103-0007"


class RatingWindowTest(WindowGestures, GraphicUnitTest):
    """Launches the real app wiring (services from a config file) inside the test window."""

    wait_seconds = 15.0

    @pytest.fixture(autouse=True)
    def _server(self, server, tmp_path):
        self.server, self.tmp = server, tmp_path

    def launch(self, size=(1280, 800), display=None, url=None, **rating):
        """The tablet on this test's server (or at `url`: a fault proxy in front of it)."""
        from kivy.app import App
        from kivy.core.window import Window
        from rating.settings import load as load_config
        from rating.app import RatingApp
        from rating.services import TabletServices

        # setUp re-creates the window at 320x240 while Window.size may still say the old size:
        # change it twice so SDL really resizes
        Window.size = (size[0] - 1, size[1] - 1)
        self.advance_frames(1)
        Window.size = size
        self.advance_frames(3)
        self.ids = add_officers(self.server)
        token = self.server.device_token(counter=1)
        where = SimpleNamespace(url=url) if url else self.server
        cfg = load_config(write_config(self.tmp, where, token, display, **rating))
        self.clock = FakeClock(10_000.0)
        self.services = TabletServices(cfg, clock=self.clock)
        self.services.refresh_staff()
        self.app = RatingApp(self.services)
        App._running_app = None  # no running App: screens and kv get what they use passed in, never `app`
        self.root = self.app.build()
        self.render(self.root)
        self.app.on_start()
        self.addCleanup(self._close)
        self.advance_frames(2)
        return self.app

    def _close(self):
        from kivy.app import App
        from kivy.clock import Clock

        self.app.dispatch("on_stop")  # also clears kv's cached `app`
        Clock.unschedule(self.app._tick)
        if self.app.pin_pad is not None:
            self.app.pin_pad.dismiss()
        App._running_app = None

    # -- gestures ----------------------------------------------------------------------------
    def screen(self):
        return self.root.ids.sm.current

    def later(self, seconds):
        """Moves the tablet's clock on and lets the app's tick see it."""
        self.clock.t += seconds
        self.app._tick(0)
        self.advance_frames(2)

    def type_pin(self, digits):
        pad = self.app.pin_pad
        assert pad is not None, "no PIN pad open"
        keys = {k.text: k for k in pad.ids.digits.children}
        for d in digits:
            self.tap(keys[d])
        self.tap(pad.ids.ok)
        self.wait_for(lambda: pad.parent is None or self.app.pin_pad is not None, what="PIN pad closed")

    def sign_in_lan(self):
        from kivy.core.window import Window

        b = self.app.screens["idle"].ids.officer_signin
        self.tap(b)
        assert self.screen() == "signin", (
            Window.size,
            Window.children,
            b.to_window(*b.center),
            b.disabled,
            self.root.size,
        )
        self.tap(self.app.screens["signin"].buttons()[self.ids["lan"]])
        self.type_pin(LAN_PIN)
        assert self.screen() == "idle"
        assert self.app.screens["idle"].officer_name == "Nguyễn Thị Lan"

    def rate(self, score):
        self.tap(self.app.screens["idle"].ids.invite)
        assert self.screen() == "rate"
        self.tap(self.app.screens["rate"].ids.faces.buttons()[score])

    def scan(self, code):
        from kivy.core.window import Window

        for char in code:
            Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
            Window.dispatch("on_textinput", char)
        Window.dispatch("on_key_down", 13, 40, None, [])
        self.advance_frames(2)

    def delivered(self, count):
        self.wait_for(lambda: self.services.outbox.pending() == 0, what="outbox drained")
        rows = export_ratings(self.server)
        assert len(rows) == count, rows
        return rows

    # -- behaviour ---------------------------------------------------------------------------
    def test_kiosk_mode_takes_borderless_from_its_own_key(self):
        from kivy.core.window import Window

        self.addCleanup(setattr, Window, "borderless", False)
        self.launch(display={"kiosk_mode": "yes", "fullscreen": "no", "borderless": "yes"})
        assert Window.borderless is True and self.app.lockdown is not None
        self.addCleanup(self.app.lockdown.release)

    def test_a_rating_from_idle_to_thanks_reaches_the_server_exactly_once(self):
        self.launch(dossier_link="no")
        self.sign_in_lan()
        self.tap(self.app.screens["idle"].ids.invite)
        assert self.screen() == "rate", self.app.flow.notice
        self.tap(self.app.screens["rate"].ids.faces.buttons()[3])
        assert self.screen() == "thanks", (self.app.flow.step, self.app.flow.notice)
        [item] = self.services.outbox._read("SELECT id FROM outbox")  # durable before thank-you
        rows = self.delivered(1)
        self.services.drain_once()
        rows = export_ratings(self.server)
        assert len(rows) == 1 and rows[0]["id"] == item[0]
        assert rows[0]["staff_id"] == str(self.ids["lan"]) and rows[0]["score"] == "3"
        self.later(5)
        assert self.screen() == "idle"

    def test_low_score_with_reasons_and_typed_vietnamese_comment_arrives_intact(self):
        self.launch(dossier_link="no")
        self.sign_in_lan()
        self.rate(1)
        assert self.screen() == "reasons"
        reasons = self.app.screens["reasons"]
        self.tap(reasons.toggles()["cho_lau"])
        self.tap(reasons.toggles()["huong_dan"])
        self.tap(reasons.ids.comment)
        kb = reasons.keyboard
        assert kb is not None and kb.parent is not None and reasons.typing
        for kind, value in (
            ("char", "c"),
            ("char", "h"),
            ("letter", "ơ"),
            ("tone", "huyen"),
            ("space", " "),
            ("char", "l"),
            ("letter", "â"),
            ("char", "u"),
            ("space", " "),
            ("char", "q"),
            ("char", "u"),
            ("char", "a"),
            ("tone", "sac"),
        ):
            self.tap(kb.find_key(kind, value))
        assert reasons.ids.comment.text == "chờ lâu quá"
        self.tap(kb.find_key("enter"))
        assert not reasons.typing
        self.tap(reasons.ids.send)
        assert self.screen() == "thanks"
        [row] = self.delivered(1)
        assert row["score"] == "1" and row["reasons"] == "cho_lau huong_dan"
        assert row["comment"] == "chờ lâu quá"

    def test_cooldown_ignores_a_second_tap_with_a_visible_reason(self):
        self.launch(dossier_link="no", cooldown_seconds=20)
        self.sign_in_lan()
        self.rate(3)
        self.later(5)
        assert self.screen() == "idle"
        idle = self.app.screens["idle"]
        assert idle.cooling and tuple(idle.ids.invite.background_color) != tuple(COLOURS["ok"])  # looks asleep
        self.tap(idle.ids.invite)
        assert self.screen() == "idle"
        assert "15 giây" in self.root.notice_text
        counts = self.services.outbox.counts()  # the sync thread may hold it as `sending` right now
        assert counts["pending"] + counts["sending"] + counts["sent"] == 1, counts
        self.later(15)
        assert not idle.cooling and tuple(idle.ids.invite.background_color) == tuple(COLOURS["ok"])
        self.rate(2)
        assert self.screen() == "thanks"

    def test_timeout_resets_a_half_finished_rating(self):
        self.launch(dossier_link="no", cooldown_seconds=0)
        self.sign_in_lan()
        self.rate(1)
        reasons = self.app.screens["reasons"]
        self.tap(reasons.toggles()["thai_do"])
        self.tap(reasons.ids.comment)
        self.tap(reasons.keyboard.find_key("char", "x"))
        self.later(31)
        assert self.screen() == "idle"
        self.rate(1)  # the next citizen starts clean
        assert [c for c, t in reasons.toggles().items() if t.state == "down"] == []
        assert reasons.ids.comment.text == "" and not reasons.typing
        self.tap(reasons.ids.skip)
        rows = self.delivered(2)
        assert [(r["score"], r["reasons"], r["comment"]) for r in rows] == [("1", "", ""), ("1", "", "")]

    def test_the_same_dossier_cannot_be_rated_twice(self):
        self.launch(dossier_link="yes", cooldown_seconds=0)
        self.sign_in_lan()
        self.scan(DOSSIER)
        assert self.screen() == "rate"
        assert DOSSIER in self.app.screens["rate"].dossier_line
        self.tap(self.app.screens["rate"].ids.faces.buttons()[2])
        assert self.screen() == "thanks"
        self.later(5)
        self.scan(DOSSIER)
        assert self.screen() == "idle" and "đã được đánh giá" in self.root.notice_text
        self.rate(3)
        assert self.screen() == "dossier"
        self.scan(DOSSIER.lower())
        assert self.screen() == "dossier" and "đã được đánh giá" in self.root.notice_text
        self.tap(self.app.screens["dossier"].ids.skip)
        rows = self.delivered(2)
        assert sorted(r["dossier_code"] for r in rows) == ["", DOSSIER]

    def test_keeps_recording_with_the_server_stopped_and_delivers_when_it_returns(self):
        self.launch(dossier_link="no", cooldown_seconds=0, thanks_seconds=1)
        self.sign_in_lan()
        self.server.stop()
        for score in (3, 2, 1):
            self.rate(score)
            if score == 1:
                self.tap(self.app.screens["reasons"].ids.skip)
            assert self.screen() == "thanks"
            self.later(1)
        assert self.services.outbox.pending() == 3
        self.wait_for(lambda: self.services.outbox.status()["last_error"], what="a failed sync")
        self.server.start()
        rows = self.delivered(3)
        assert sorted(r["score"] for r in rows) == ["1", "2", "3"]
        assert len({r["id"] for r in rows}) == 3

    def test_admin_screen_needs_the_pin(self):
        from kivy.core.window import Window

        self.launch(dossier_link="no")
        self.sign_in_lan()
        corner = (20, Window.height - 20)
        for _ in range(5):
            self.tap_at(*corner)
        assert self.app.pin_pad is not None
        self.type_pin("1111")
        assert self.screen() == "idle" and self.app.pin_pad is not None
        self.type_pin("2468")
        assert self.screen() == "admin" and self.app.pin_pad is None
        admin = self.app.screens["admin"]
        assert admin.pending.startswith("0") and admin.quarantined == "0"
        self.tap(admin.ids.close)
        assert self.screen() == "idle"

    def test_portrait_and_english_screens_fit(self):
        self.launch(size=(800, 1280), dossier_link="yes", cooldown_seconds=0)
        self.sign_in_lan()
        self.tap(self.root.ids.language)
        assert self.app.screens["idle"].ids.invite.text == "Tap here to rate"
        self.rate(1)
        self.tap(self.app.screens["reasons"].ids.skip)
        self.tap(self.root.ids.language)
        self.tap(self.app.screens["dossier"].ids.skip)
        self.later(5)
        self.tap(self.app.screens["idle"].ids.invite)

    def test_a_reloaded_config_shows_the_new_office_name_scale_and_officer_button(self):
        self.launch(dossier_link="no", require_service_done="yes", officer_button="yes")
        self.sign_in_lan()
        idle = self.app.screens["idle"]
        assert self.root.ids.office.text == "Trung tâm Phục vụ hành chính công xã Phước Long"
        assert idle.ids.service_done.opacity == 1
        ini = self.tmp / "rating.ini"
        text = ini.read_text(encoding="utf-8").replace(
            "Trung tâm Phục vụ hành chính công xã Phước Long", "Phường Tân Định"
        )
        ini.write_text(text.replace("officer_button = yes", "officer_button = no\nscale = 5"), encoding="utf-8")
        self.services.commands([{"name": "reload_config"}])  # as a heartbeat hands it over
        self.advance_frames(3)
        assert self.services.commands.errors == []
        assert self.root.ids.office.text == "Phường Tân Định"
        assert idle.ids.service_done.opacity == 0
        self.services.flow.mark_service_done()
        self.rate(5)  # five faces now
        assert sorted(self.app.screens["rate"].ids.faces.buttons()) == [1, 2, 3, 4, 5]
        assert self.screen() == "thanks"

    def test_idle_shows_the_officers_own_photo_from_the_server(self):
        from rating.screens.idle import PLACEHOLDER

        self.launch(dossier_link="no")
        idle = self.app.screens["idle"]
        self.sign_in_lan()
        photo = idle.ids.photo
        assert idle.photo_texture is not None and photo.texture is idle.photo_texture
        assert photo.source == "" and photo.texture.size == (256, 256)
        self.services.duty.sign_in(self.ids["binh"], "8642")  # Bình has no photo: the silhouette
        self.advance_frames(2)
        assert idle.photo_texture is None and photo.source == PLACEHOLDER

    def open_admin_screen(self):
        from kivy.core.window import Window

        for _ in range(5):
            self.tap_at(20, Window.height - 20)
        self.type_pin("2468")
        assert self.screen() == "admin"
        return self.app.screens["admin"]

    def test_a_full_disk_shows_a_polite_notice_and_the_admin_sees_the_error(self):
        self.launch(dossier_link="no", cooldown_seconds=0, thanks_seconds=1)
        self.sign_in_lan()
        db = self.services.outbox.db
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        for _ in range(40):  # the last free pages of the file go within a few ratings
            self.rate(3)
            if self.screen() != "thanks":
                break
            self.later(1)
        assert self.screen() == "rate"
        assert self.root.notice_text == (
            "Xin lỗi Ông/Bà, máy chưa lưu được đánh giá. Ông/Bà vui lòng báo cán bộ tại quầy."
        )
        stored = self.services.outbox.counts()
        admin = self.open_admin_screen()
        since = self.services.storage_failing_since
        assert (
            admin.last_error
            == f"Từ {since}, máy không lưu được đánh giá (bộ nhớ đầy hoặc hỏng). Báo ngay bộ phận CNTT."
        )
        assert "disk is full" not in admin.last_error and self.root.notice_text == ""
        assert admin.ids.last_error.height > admin.ids.pending.height  # the whole error is readable
        self.tap(admin.ids.close)
        db.execute("PRAGMA max_page_count = 1073741823")  # space is back
        self.rate(3)
        assert self.screen() == "thanks"
        assert sum(self.services.outbox.counts().values()) == sum(stored.values()) + 1
        self.delivered(sum(stored.values()) + 1)
        assert self.services.admin_status()["last_error"] is None

    def test_a_dossier_rated_on_another_tablet_shows_as_quarantined_on_the_admin_screen(self):
        import requests

        self.launch(dossier_link="yes", cooldown_seconds=0)
        other = {
            "id": "6f1c1a52-2b1c-4d55-9a53-7d2f0a3f9e11",
            "device_seq": 1,
            "created_at": "2026-11-21T09:15:02+07:00",
            "office": "XA-PHUOCLONG",
            "counter": 2,
            "staff_id": self.ids["binh"],
            "scale": 3,
            "score": 3,
            "reasons": [],
            "dossier_code": DOSSIER,
        }
        answer = requests.post(
            self.server.url + "/api/v1/ratings",
            json={"ratings": [other]},
            timeout=10,
            headers={
                "Authorization": "Bearer " + self.server.device_token(counter=2),
                "Idempotency-Key": "0b8f5a7e-7a4e-4a7e-9d1e-2a9b0c1d2e3f",
            },
        )
        assert answer.json()["results"][0]["status"] == "accepted"
        self.sign_in_lan()
        self.scan(DOSSIER)
        self.tap(self.app.screens["rate"].ids.faces.buttons()[1])
        self.tap(self.app.screens["reasons"].ids.skip)
        assert self.screen() == "thanks"  # this tablet could not know: it records, the server decides
        self.wait_for(lambda: self.services.outbox.counts()["quarantined"] == 1, what="quarantined")
        self.later(5)
        admin = self.open_admin_screen()
        assert admin.quarantined == "1  (hồ sơ này đã được đánh giá trên máy khác)" and admin.pending.startswith("0")
        assert not admin.ids.retry_quarantined.disabled
        self.services.worker.stop()  # hold delivery so the button's effect can be seen
        self.services.worker = None
        self.tap(admin.ids.retry_quarantined)
        assert admin.quarantined == "0" and admin.pending.startswith("1") and admin.ids.retry_quarantined.disabled
        assert self.services.drain_once()["quarantined"] == 1  # sent again: the server still says already_rated
        admin.update()
        assert admin.quarantined.startswith("1") and len(export_ratings(self.server)) == 1

    # -- the first hour of a new office ------------------------------------------------------
    def visible_texts(self, screen):
        """The texts a person sees on `screen`: labels and buttons on screen, not transparent."""
        from kivy.uix.label import Label

        def shown(widget):
            while widget is not None and widget is not screen:
                if widget.opacity == 0:
                    return False
                widget = widget.parent
            return True

        return [w.text for w in screen.walk() if isinstance(w, Label) and w.text.strip() and shown(w)]

    def test_the_officer_pin_pad_asks_for_the_chosen_officers_pin_by_name(self):
        self.launch(dossier_link="no")
        self.tap(self.app.screens["idle"].ids.officer_signin)
        self.tap(self.app.screens["signin"].buttons()[self.ids["lan"]])
        pad = self.app.pin_pad
        assert pad.ids.title.text == "Mã PIN của cán bộ Nguyễn Thị Lan"
        assert "quản trị" not in pad.ids.title.text
        self.type_pin("2468")  # the admin PIN is not an officer's
        assert self.app.pin_pad is pad and self.screen() == "signin" and self.app.flow.officer is None
        self.type_pin(LAN_PIN)
        assert self.screen() == "idle" and self.app.flow.officer["id"] == self.ids["lan"]
        for _ in range(5):  # the admin's pad still says it wants the admin PIN
            self.tap_at(20, self.root.height - 20)
        assert self.app.pin_pad.ids.title.text == "Nhập mã PIN quản trị máy đánh giá"

    def test_the_officer_pin_the_demo_prints_signs_a_demo_officer_in(self):
        import re

        from central.demo.__main__ import officer_pin_line

        self.server.cli("seed-demo")
        self.server.officers = {"demo": 0}  # add_officers must not add the test's two officers here
        self.launch(dossier_link="no")
        self.ids = {}
        pin = re.search(r"signs in with PIN (\d{4,8})\b", officer_pin_line()).group(1)
        self.tap(self.app.screens["idle"].ids.officer_signin)
        buttons = self.app.screens["signin"].buttons()
        first = self.services.duty.officers()[0]  # this counter's officers come first
        assert first["counter"] == 1 and first.get("pin_hash")
        self.tap(buttons[int(first["id"])])
        assert self.app.pin_pad.ids.title.text == f"Mã PIN của cán bộ {first['name']}"
        self.type_pin(pin)
        assert self.screen() == "idle" and self.app.screens["idle"].officer_name == first["name"]

    def test_the_next_citizen_meets_vietnamese_again(self):
        self.launch(dossier_link="no", cooldown_seconds=0, prompt_timeout_seconds=30)
        self.sign_in_lan()
        idle = self.app.screens["idle"]
        self.tap(self.root.ids.language)
        assert idle.ids.invite.text == "Tap here to rate"
        self.rate(3)
        assert self.screen() == "thanks"
        assert self.root.ids.language.text == "Tiếng Việt"  # still English while this citizen is here
        self.later(5)
        assert self.screen() == "idle"
        assert idle.ids.invite.text == "Chạm vào đây để đánh giá" and self.root.ids.language.text == "English"
        # a citizen who switches and walks away without rating: Vietnamese again after the prompt timeout
        self.tap(self.root.ids.language)
        self.later(20)
        assert idle.ids.invite.text == "Tap here to rate"
        self.later(11)
        assert idle.ids.invite.text == "Chạm vào đây để đánh giá"
        # backing out of the faces (Quay lại) is the citizen leaving too
        self.tap(self.root.ids.language)
        self.tap(idle.ids.invite)
        self.tap(self.app.screens["rate"].ids.back)
        assert self.screen() == "idle" and self.root.ids.language.text == "English"

    def test_the_idle_screen_without_an_officer_says_one_thing(self):
        self.launch(dossier_link="no")
        idle = self.app.screens["idle"]
        assert self.app.flow.officer is None
        texts = [t for t in self.visible_texts(idle) if t != idle.ids.officer_signin.text]
        assert texts == ["Quầy chưa có cán bộ, xin Ông/Bà vui lòng chờ trong giây lát"], texts
        assert idle.ids.officer_signin.text == "Cán bộ đăng nhập quầy"  # the officer's way in stays
        assert self.root.notice_text == ""
        self.tap(self.root.ids.language)
        texts = [t for t in self.visible_texts(idle) if t != idle.ids.officer_signin.text]
        assert texts == ["No officer at this counter yet; please wait a moment"], texts
        self.tap(self.root.ids.language)
        self.sign_in_lan()
        texts = self.visible_texts(idle)
        assert "Nguyễn Thị Lan" in texts and "Chạm vào đây để đánh giá" in texts
        assert "Quầy chưa có cán bộ, xin Ông/Bà vui lòng chờ trong giây lát" not in texts

    def admin_after_a_failed_delivery(self):
        """A rating kept on the tablet while the server is stopped; the admin screen opened on it."""
        self.launch(dossier_link="no", cooldown_seconds=0)
        self.sign_in_lan()
        self.server.stop()
        self.rate(3)
        assert self.screen() == "thanks"
        self.wait_for(lambda: self.services.outbox.status()["last_error"], what="a failed sync")
        self.later(5)
        return self.open_admin_screen()

    def test_the_admin_screen_follows_sync_now_without_reopening(self):
        import datetime

        from motcua import officetime

        admin = self.admin_after_a_failed_delivery()
        assert admin.pending.startswith("1") and admin.last_error != "không có"
        self.server.start()
        self.tap(admin.ids.sync_now)
        # no reopening, no call from the test: the screen follows the delivery by itself
        self.wait_for(lambda: admin.pending.startswith("0") and admin.last_error == "không có", what="admin redraw")
        assert self.screen() == "admin"
        shown = datetime.datetime.strptime(admin.last_sync, "%H:%M:%S %d/%m/%Y")
        now = officetime.now().replace(tzinfo=None)
        assert abs((now - shown).total_seconds()) < 120, (admin.last_sync, now)  # office time, not UTC
        self.tap(admin.ids.close)
        assert admin._live is None  # no redraws behind the citizen's screens

    def test_the_last_error_of_a_stopped_server_is_advice(self):
        admin = self.admin_after_a_failed_delivery()
        raw = self.services.outbox.status()["last_error"]
        assert "HTTPConnectionPool" in raw and "Max retries exceeded" in raw, raw  # what the screen showed
        host = self.server.url.split("//")[1]
        assert admin.last_error == (
            f"Không kết nối được máy chủ ({host}). Kiểm tra dây mạng hoặc Wi-Fi của máy; nếu mạng vẫn tốt, báo bộ "
            "phận CNTT kiểm tra máy chủ. Đánh giá vẫn được giữ trên máy và sẽ tự gửi khi kết nối lại."
        )
        assert admin.ids.last_error.height > admin.ids.pending.height  # the whole advice is readable

    def test_the_last_error_is_advice_for_a_failing_server_too(self):
        from tests.support.faultproxy import FaultProxy

        mode = ["pass"]
        proxy = FaultProxy(("127.0.0.1", self.server.port), choose=lambda: mode[0])
        self.addCleanup(proxy.close)
        self.launch(dossier_link="no", cooldown_seconds=0, url=proxy.url)
        self.sign_in_lan()
        mode[0] = "reset"  # the connection is cut before any answer
        self.rate(3)
        self.wait_for(lambda: self.services.outbox.status()["last_error"], what="a failed sync")
        assert "Connection" in self.services.outbox.status()["last_error"]
        self.later(5)
        admin = self.open_admin_screen()
        assert admin.last_error.startswith(f"Không kết nối được máy chủ (127.0.0.1:{proxy.port})."), admin.last_error
        mode[0] = "http500"
        self.tap(admin.ids.sync_now)
        self.wait_for(lambda: admin.last_error.startswith("Máy chủ đang gặp lỗi hoặc quá tải (mã 500)."), what="500")
        self.tap(self.root.ids.language)  # the admin screen speaks the language shown
        self.wait_for(lambda: admin.last_error.startswith("The server has a problem or is overloaded (code 500)."))
        assert "injected" not in admin.last_error  # the server's own words stay in the log

    def test_the_reasons_of_the_decree_61_criteria_are_offered_and_reach_the_server(self):
        self.launch(dossier_link="no")
        self.sign_in_lan()
        self.rate(1)
        reasons = self.app.screens["reasons"]
        toggles = reasons.toggles()
        assert {"tre_hen", "di_lai_nhieu_lan", "nhung_nhieu"} <= set(toggles), sorted(toggles)
        assert toggles["nhung_nhieu"].text == "Có biểu hiện nhũng nhiễu, gây phiền hà"
        for toggle in toggles.values():  # all seven on screen above the comment field, none cut off
            assert toggle.y >= reasons.ids.comment.top and toggle.texture_size[1] <= toggle.height, toggle.text
        self.tap(toggles["tre_hen"])
        self.tap(toggles["nhung_nhieu"])
        self.tap(reasons.ids.send)
        assert self.screen() == "thanks"
        [row] = self.delivered(1)
        assert row["reasons"] == "nhung_nhieu tre_hen"

    def test_a_pin_reset_with_staff_pin_reaches_the_tablet(self):
        self.launch(dossier_link="no")
        self.server.cli("staff", "pin", str(self.ids["lan"]), stdin="975312\n")
        self.services.refresh_staff()  # as the tablet does at start and with the staff list's refresh
        self.tap(self.app.screens["idle"].ids.officer_signin)
        self.tap(self.app.screens["signin"].buttons()[self.ids["lan"]])
        self.type_pin(LAN_PIN)  # the old PIN no longer opens the counter
        assert self.app.flow.officer is None and self.app.pin_pad is not None
        self.type_pin("975312")
        assert self.screen() == "idle" and self.app.flow.officer["id"] == self.ids["lan"]

    def test_a_retry_the_store_cannot_write_stays_on_the_live_admin_screen(self):
        import time

        self.launch(dossier_link="no")
        self.services.worker.stop()  # hold delivery: the item stays where the test puts it
        self.services.worker = None
        outbox = self.services.outbox
        outbox.put("rating", {"id": "9b1c1a52-2b1c-4d55-9a53-7d2f0a3f9e12", "score": 3})
        key, _items = outbox.next_batch("rating")
        outbox.quarantine_batch(key, "rejected: unknown_staff")
        admin = self.open_admin_screen()
        assert admin.quarantined == "1  (máy chủ không có cán bộ này)"
        outbox.db.execute("PRAGMA query_only = 1")  # the store refuses every write, as a failing disk does
        self.tap(admin.ids.retry_quarantined)
        assert admin.last_error.endswith("máy không lưu được đánh giá (bộ nhớ đầy hoặc hỏng). Báo ngay bộ phận CNTT.")
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:  # two of the screen's own redraws later it still says so
            self.advance_frames(1)
            time.sleep(0.05)
        assert admin.last_error.endswith("Báo ngay bộ phận CNTT."), admin.last_error
        outbox.db.execute("PRAGMA query_only = 0")
        self.tap(admin.ids.retry_quarantined)
        assert admin.last_error == "không có" and admin.quarantined == "0" and admin.pending.startswith("1")
