"""The kiosk's "nothing fits" screen (issue 17, item 5) and its missed-search counts (item 6), driven with
real taps on the real kiosk window against the demo server. (Photographed, in both orientations, by
shots_kiosk.py: procedures-nothing-fits, -counter, procedures-everyday-word.)"""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, write_kiosk_config  # noqa: E402

NONSENSE = "qxz vvb"


@pytest.fixture(scope="module")
def kiosk_config(demo_server, tmp_path_factory):
    from kiosk.__main__ import main

    ini = write_kiosk_config(tmp_path_factory.mktemp("kiosk"), demo_server)
    assert main(["sync", "--config", str(ini)]) == 0
    return ini, demo_server


class NothingFitsTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, kiosk_config):
        self.config_path, self.server = kiosk_config

    def on_window(self, widget):
        """The widget is drawn inside the window (not moved off it, not transparent)."""
        from kivy.core.window import Window

        x, y = widget.to_window(widget.x, widget.y)
        return (
            widget.get_root_window() is not None
            and widget.opacity > 0
            and 0 <= x
            and x + widget.width <= Window.width + 1
            and 0 <= y
            and y + widget.height <= Window.height + 1
        )

    def search(self, text):
        if not self.screen.keyboard_open:
            self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, text)
        self.advance_frames(12)  # the search runs 0.12 s after the last key

    def test_a_nonsense_search_says_nothing_fits_and_offers_fields_and_the_counter(self):
        from touchui.i18n import i18n

        self.start_kiosk()
        self.tap(self.ids("home")["procedures"])
        procedures = self.screen
        panel, none_text = self.ids()["none_panel"], self.ids()["none_text"]
        assert not self.on_window(panel)  # nothing typed: no such panel
        self.search(NONSENSE)
        self.wait_for(lambda: procedures.nothing_fits, what="nothing fits")
        assert self.ids()["results"].data == []
        assert self.on_window(panel) and self.on_window(self.ids()["browse_fields"])
        assert self.on_window(self.ids()["ask_counter"])
        text = none_text.text
        assert f"Ông/Bà đã tìm: “{NONSENSE}”" in text
        assert "Chưa tìm thấy thủ tục phù hợp. Ông/Bà hãy thử từ khác" in text and "hỏi cán bộ tại quầy" in text
        assert self.ids()["browse_fields"].text == "Xem thủ tục theo lĩnh vực"
        assert self.ids()["ask_counter"].text == "Hỏi cán bộ tại quầy"
        for button in ("browse_fields", "ask_counter"):
            assert self.ids()[button].height >= 88

        self.tap(procedures.ids.topbar.ids.lang)
        assert i18n.lang == "en"
        self.advance_frames(4)
        assert (
            "No matching procedure" in none_text.text
            and self.ids()["browse_fields"].text == "Browse procedures by field"
        )
        self.tap(procedures.ids.topbar.ids.lang)
        assert i18n.lang == "vi"

        # Ask at the counter: where to go, and a way back to searching.
        self.tap(self.ids()["ask_counter"])
        self.advance_frames(4)
        assert "Mời Ông/Bà đến quầy tiếp nhận hồ sơ" in none_text.text and not procedures.keyboard_open
        assert self.ids()["ask_counter"].text == "Tìm bằng từ khác"
        self.tap(self.ids()["ask_counter"])
        self.advance_frames(12)
        assert self.ids()["query"].text == "" and procedures.keyboard_open and not procedures.nothing_fits

        # Browse by field: the search is left, every field is listed and one can be opened.
        self.search(NONSENSE)
        self.wait_for(lambda: procedures.nothing_fits, what="nothing fits again")
        self.tap(self.ids()["browse_fields"])
        self.advance_frames(12)
        assert not procedures.keyboard_open and self.ids()["query"].text == ""
        assert not procedures.nothing_fits and not self.on_window(panel)
        fields = self.ids()["fields"]
        assert fields.opacity == 1 and not fields.disabled and len(fields.data) > 2
        civil = next(row for row in fields.data if row["title"] == "Hộ tịch")
        self.tap(self.row_for(fields, code=civil["code"]))
        results = self.ids()["results"].data
        assert results and all("Hộ tịch" in row["subtitle"] for row in results)

        # Both nonsense searches ended with nothing offered: counted (query only) for the dashboard.
        counts = self.services.missed.counts()
        assert [(c["query"], c["outcome"], c["count"]) for c in counts] == [(NONSENSE, "none", 2)]

    def test_a_search_left_without_a_tap_is_counted_and_a_tapped_one_is_not(self):
        self.start_kiosk()
        before = {(c["query"], c["outcome"]): c["count"] for c in self.services.missed.counts()}
        self.tap(self.ids("home")["procedures"])
        self.search("bao tu")  # everyday words: "báo tử" is the lexicon's khai tử
        self.wait_for(lambda: self.ids()["results"].data, what="results")
        assert "khai tử" in self.ids()["results"].data[0]["title"].lower()
        self.tap(self.ids()["keyboard_toggle"])
        self.advance_frames(4)
        self.tap(self.screen.ids.topbar.ids.home)  # left without a tap
        self.tap(self.ids("home")["procedures"])
        self.search("ket hon")
        self.wait_for(lambda: self.ids()["results"].data, what="results")
        self.tap(self.ids()["keyboard_toggle"])
        self.advance_frames(4)
        first = self.ids()["results"].data[0]["code"]
        self.tap(self.row_for(self.ids()["results"], code=first))
        assert self.app.root.current == "detail"
        self.tap(self.screen.ids.topbar.ids.lang)  # the language switched on the procedure's screen
        self.tap(self.screen.ids.topbar.ids.back)  # back to the same results, then home
        assert self.app.root.current == "procedures" and self.ids()["query"].text == "ket hon"
        self.tap(self.screen.ids.topbar.ids.home)
        after = {(c["query"], c["outcome"]): c["count"] for c in self.services.missed.counts()}
        assert after.get(("bao tu", "untapped"), 0) == before.get(("bao tu", "untapped"), 0) + 1
        assert ("ket hon", "untapped") not in after and ("ket hon", "none") not in after
        assert ("bao", "untapped") not in after and ("bao t", "untapped") not in after  # prefixes are not searches
