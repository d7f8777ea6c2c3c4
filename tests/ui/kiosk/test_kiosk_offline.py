"""The kiosk keeps working with the server stopped mid-test: catalogue from cache, data age, no stale dossier."""

import pytest

from tests.ui.kiosk.kiosk_harness import KioskTestCase, demo_hints, write_kiosk_config  # noqa: E402


@pytest.fixture
def seeded_server(server):
    server.cli("seed-demo")
    return server


class KioskOfflineTest(KioskTestCase):
    @pytest.fixture(autouse=True)
    def _kiosk(self, seeded_server, tmp_path):
        from kiosk.__main__ import main

        self.server = seeded_server
        self.config_path = write_kiosk_config(tmp_path, seeded_server)
        assert main(["sync", "--config", str(self.config_path)]) == 0

    def test_server_stopped_mid_session(self):
        code, _secret, _status = demo_hints(self.server)[0]
        self.start_kiosk()
        self.go("dossier", code=code)
        self.wait_for(lambda: self.screen.state == "found", what="lookup while online")

        self.server.stop()
        # The same citizen asks again: the kiosk says it is offline and shows nothing stale.
        self.tap(self.ids()["lookup"])
        self.wait_for(lambda: self.screen.state == "message", seconds=15, what="offline answer")
        assert "không kết nối được máy chủ" in self.screen.message
        assert not self.screen.dossier and not list(self.ids()["result"].children)

        # The catalogue still works from the local cache.
        self.tap(self.screen.ids.topbar.ids.home)
        home = self.screen
        home.tick()
        assert "Mất kết nối" in home.status_text and "cập nhật" in home.status_text and home.offline
        self.tap(home.ids.procedures)
        self.tap(self.ids()["keyboard_toggle"])
        self.tap_keys(self.screen.keyboard, "chung thuc")
        self.wait_for(lambda: self.ids()["results"].data, what="search from cache")
        assert self.ids()["results"].data[0]["title"].startswith("Chứng thực")
        self.tap(self.row_for(self.ids()["results"], code=self.ids()["results"].data[0]["code"]))
        assert self.app.root.current == "detail" and self.screen.procedure.get("steps")

        # Statistics stay as of the last sync, said so.
        self.go("stats")
        assert self.screen.has_stats and self.screen.as_of_text.startswith("Số liệu đến")

        # Admin "sync now" fails kindly while the server is down, then works again after restart.
        self.go("admin")
        self.screen.sync_now()
        self.wait_for(lambda: "Không đồng bộ" in self.screen.sync_text, seconds=15, what="sync failure")
        self.server.start()
        self.screen.sync_now()
        self.wait_for(lambda: "Đồng bộ xong" in self.screen.sync_text, seconds=15, what="sync after restart")
        self.go("dossier", code=code)
        self.wait_for(lambda: self.screen.state == "found", what="lookup after restart")
