"""Run by test_kiosk_comfort.py in a process of its own, the window made at 1080×1920 (MOTCUA_KIOSK_SIZE):
large text (font_scale = 1.3) on a portrait kiosk, where the top bar's title and the search field are
narrowest. Nothing a citizen reads is cut: the title gets smaller (down to 28 px) and the search field's
hint is the longest of its wordings that fits. Screenshots go to $MOTCUA_ARTIFACTS/kiosk/."""

import pytest

from tests.ui.kiosk.comfort_kiosk import check_nothing_cut, large_text_config  # noqa: F401  (the fixture)
from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints  # noqa: E402


class KioskPortraitLargeTextTest(KioskTestCase):
    size = (1080, 1920)

    @pytest.fixture(autouse=True)
    def _kiosk(self, large_text_config, demo_server):  # noqa: F811  (the fixture imported above)
        self.config_path, self.server = large_text_config, demo_server

    def check_nothing_cut(self, name):
        check_nothing_cut(self, name)

    def test_large_text_in_portrait_cuts_nothing(self):
        from touchui.theme import theme

        code, secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        assert theme.font_scale == 1.3
        self.check_nothing_cut("home")
        self.tap(self.ids("home")["procedures"])
        self.check_nothing_cut("procedures")  # the title "Thủ tục hành chính" and the search field's hint
        assert self.ids()["query"].hint_text.startswith("Gõ tên thủ tục")
        self.shot("procedures-portrait-font-1.3")
        self.tap(self.screen.ids.topbar.ids.home)
        self.tap(self.ids("home")["info"])
        self.check_nothing_cut("help")
        self.tap(self.screen.ids.topbar.ids.home)
        self.open_dossier_steps(code, secret)
        self.check_nothing_cut("dossier")
        self.shot("dossier-portrait-font-1.3")
        self.tap(self.screen.ids.topbar.ids.home)
        self.tap(self.ids("home")["stats"])
        self.check_nothing_cut("statistics")
