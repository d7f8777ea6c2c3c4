"""Helpers for the kiosk window tests: a configured kiosk against a real server, taps, keys, screenshots."""

import os
import shutil
from pathlib import Path

from tests.support.ui import FakeClock, WindowGestures  # noqa: E402  (first: Kivy runs headless)

# Screenshots need the window created at its final size (resizing an offscreen window garbles
# its frames), so the screenshot run gives the size before Kivy makes the window.
if os.environ.get("MOTCUA_KIOSK_SIZE"):
    from kivy.config import Config

    _w, _h = os.environ["MOTCUA_KIOSK_SIZE"].split("x")
    Config.set("graphics", "width", _w)
    Config.set("graphics", "height", _h)
    from kivy.core.window import Window  # noqa: F401,E402

from kivy.tests.common import GraphicUnitTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
OFFICE = "XA-PHUOCLONG"
PIN = "2468"


def artifacts_dir() -> Path:
    path = Path(os.environ.get("MOTCUA_ARTIFACTS") or ROOT / "artifacts") / "kiosk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_kiosk_config(folder: Path, server, idle_seconds=60, attract="no") -> Path:
    """A kiosk.ini + token file for a kiosk registered on `server`."""
    token = server.device_token(kind="kiosk", office=OFFICE, counter=None)
    (folder / "kiosk.token").write_text(token + "\n", encoding="utf-8")
    (folder / "kiosk.token").chmod(0o600)
    ini = folder / "kiosk.ini"
    ini.write_text(
        f"""[server]
url = {server.url}
token_file = kiosk.token
timeout_seconds = 3
[device]
office_code = {OFFICE}
office_name = Trung tâm Phục vụ hành chính công xã Phước Long
data_dir = data
name = Kiosk thử
[display]
fullscreen = no
kiosk_mode = no
[admin]
pin = {PIN}
[kiosk]
idle_seconds = {idle_seconds}
[attract]
enabled = {attract}
after_seconds = 5
texts = Giờ làm việc: 7 giờ 30 – 17 giờ 00 | Tra cứu miễn phí
[printer]
kind = dummy
""",
        encoding="utf-8",
    )
    return ini


def demo_hints(server) -> list[tuple[str, str, int]]:
    """(code, secret, status) of the demo dossiers the seed prints for kiosk testing."""
    hints = []
    for line in server.cli("demo-hints").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "status":
            hints.append((parts[0], parts[1], int(parts[3])))
    assert hints, "seed-demo printed no dossier hints"
    return hints


def assert_not_noise(path) -> None:
    """A screenshot people can read: the kiosk's screens are light, so one mostly pure black is the
    noise a broken read-back gives, and a test that shows it has not shown the screen."""
    from PIL import Image

    small = Image.open(path).convert("RGB").resize((96, 54))
    black = sum(1 for r, g, b in small.getdata() if r < 16 and g < 16 and b < 16)
    assert black < 0.5 * 96 * 54, f"{path}: the screenshot is mostly black (noise, not the screen)"


class KioskTestCase(WindowGestures, GraphicUnitTest):
    """Starts a KioskApp in the test's window; taps, types, waits and takes screenshots."""

    config_path: Path = None
    size = (1920, 1080)

    def start_kiosk(self, size=None, lock=False):
        from escpos.printer import Dummy
        from kivy.core.window import Window

        from kiosk.__main__ import build_services, load
        from kiosk.app import KioskApp

        self.cfg = load(self.config_path)
        self.services = build_services(self.cfg)
        self.clock = FakeClock()
        self.printer = Dummy()
        Window.size = size or self.size
        self.advance_frames(2)
        self.app = KioskApp(self.cfg, self.services, printer_factory=lambda: self.printer, lock=lock, now=self.clock)
        self.app._run_prepare()
        self.advance_frames(3)
        return self.app

    def tearDown(self, fake=False):
        app = getattr(self, "app", None)
        if app is not None and not fake:
            app.on_stop()
            from touchui.i18n import i18n
            from touchui.theme import theme

            i18n.lang = "vi"
            theme.reset()
            self.app = None
        super().tearDown(fake)

    # ---- looking -------------------------------------------------------------------------
    @property
    def screen(self):
        return self.app.root.current_screen

    def ids(self, name=None):
        return (self.app.root.get_screen(name) if name else self.screen).ids

    def shot(self, name):
        from kivy.core.window import Window

        self.advance_frames(8)
        width, height = Window.size
        target = artifacts_dir() / f"{name}-{int(width)}x{int(height)}.png"
        if len(Window.children) == 1:
            # Drawn into a frame buffer of its own: after the suite's window changed size, reading the
            # offscreen window's buffer back (Window.screenshot) gave noise instead of the screen.
            Window.children[0].export_to_png(str(target))
        else:
            shutil.move(Window.screenshot(name=str(artifacts_dir() / "tmp.png")), target)
        assert_not_noise(target)
        return target

    # ---- acting --------------------------------------------------------------------------
    def go(self, name, **kwargs):
        """Navigate as a screen's button would, then let the new screen lay itself out."""
        self.app.go(name, **kwargs)
        self.advance_frames(8)

    def tap_keys(self, keyboard, text):
        """Types `text` with taps on the on-screen keyboard's keys."""
        for char in text:
            if char == " ":
                self.tap(keyboard.find_key("space"))
            else:
                value = char.upper() if keyboard.mode == "code" else char
                self.tap(keyboard.find_key("char", value))

    def open_dossier_steps(self, code, secret):
        """From home: the dossier screen, the code typed on the on-screen keyboard and looked up, then the
        receipt's lookup code: the dossier shown with its steps."""
        self.tap(self.ids("home")["dossier"])
        self.tap_keys(self.screen.keyboard, code)
        self.tap(self.screen.keyboard.find_key("enter"))
        self.wait_for(lambda: self.screen.state == "found" and not self.screen.busy, what="the dossier")
        self.tap(self.ids()["secret"])
        self.tap_keys(self.screen.keyboard, secret)
        self.tap(self.screen.keyboard.find_key("enter"))
        self.wait_for(lambda: "steps" in self.screen.dossier and not self.screen.busy, what="its steps")

    def scan(self, code):
        """A USB barcode scanner: the characters a few ms apart, then Enter, as keyboard events."""
        from kivy.core.window import Window

        for char in code:
            self.clock.t += 0.005
            Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
            Window.dispatch("on_textinput", char)
            Window.dispatch("on_key_up", ord(char.lower()), 0)
        self.clock.t += 0.005
        Window.dispatch("on_key_down", 13, 40, None, [])
        Window.dispatch("on_key_up", 13, 40)
        self.advance_frames(2)

    def row_for(self, recycleview, **match):
        """The visible view of the RecycleView row whose data matches `match` (scrolls to it)."""
        data = recycleview.data
        index = next(i for i, row in enumerate(data) if all(row.get(k) == v for k, v in match.items()))
        for _ in range(30):
            view = recycleview.view_adapter.get_visible_view(index)
            if view is not None:
                return view
            recycleview.scroll_y = max(0.0, 1 - index / max(1, len(data) - 1))
            self.advance_frames(2)
        raise AssertionError(f"row {match} never became visible")
