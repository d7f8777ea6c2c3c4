"""Screenshots of the shared widgets at a given screen size: `python -m touchui.preview 1920x1080 DIR`.

The window size must be fixed before Kivy creates the window (the offscreen driver keeps its
first framebuffer), so each size runs in a process of its own. Writes keyboard_<size>.png,
keyboard_code_<size>.png and pin_pad_<size>.png into DIR and prints their paths.
"""

import os
import sys


def _parse_size(text):
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"size {text!r}: expected WIDTHxHEIGHT, e.g. 1920x1080") from None
    return width, height


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        raise SystemExit("usage: python -m touchui.preview WIDTHxHEIGHT OUTPUT_DIR [vi|en]")
    width, height = _parse_size(argv[0])
    out_dir = argv[1]
    lang = argv[2] if len(argv) > 2 else "vi"
    os.makedirs(out_dir, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")

    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")

    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label
    from kivy.uix.textinput import TextInput

    from touchui.admin import PinGuard, PinPad, plain_pin_checker
    from touchui.i18n import i18n
    from touchui.keyboard import VietKeyboard
    from touchui.theme import theme
    from touchui.widgets import TopBar

    i18n.lang = lang
    size = f"{width}x{height}"
    written = []

    class PreviewApp(App):
        def build(self):
            Window.clearcolor = theme.background
            root = BoxLayout(orientation="vertical")
            root.add_widget(TopBar(title="Tra cứu thủ tục hành chính"))
            self.field = TextInput(
                multiline=False, font_size=theme.sp_scaled(40), size_hint_y=None, height=theme.sp_scaled(84)
            )
            root.add_widget(self.field)
            root.add_widget(Label(text="Kết quả tìm kiếm hiện ở đây", color=theme.muted, font_size=theme.sp_scaled(28)))
            self.keyboard = VietKeyboard(target=self.field)
            root.add_widget(self.keyboard)
            self.steps = [self.text_mode, self.code_mode, self.pin_pad, self.stop]
            Clock.schedule_once(self.next_step, 0.1)
            return root

        def next_step(self, *_):
            step = self.steps.pop(0)
            name = step()
            if name is None:
                return
            Clock.schedule_once(lambda *_: self.shoot(name), 0.1)

        def shoot(self, name):
            def on_flip(window):
                window.unbind(on_flip=on_flip)
                path = window.screenshot(name=os.path.join(out_dir, f"{name}.png"))
                final = os.path.join(out_dir, f"{name}.png")
                os.replace(path, final)
                written.append(final)
                print(final)
                Clock.schedule_once(self.next_step, 0)

            Window.bind(on_flip=on_flip)
            Window.canvas.ask_update()

        def text_mode(self):
            self.keyboard.type_text("thủ tục đăng ký khai sinh")
            return f"keyboard_{size}"

        def code_mode(self):
            self.keyboard.mode = "code"
            self.keyboard.clear()
            self.keyboard.type_text("000.00.31.H29-251103")
            return f"keyboard_code_{size}"

        def pin_pad(self):
            pad = PinPad(PinGuard(plain_pin_checker("2468")))
            pad.open(animation=False)
            for digit in "13":
                pad.press_digit(digit)
            pad.submit()
            for digit in "24":
                pad.press_digit(digit)
            return f"pin_pad_{size}"

    PreviewApp().run()
    return written


if __name__ == "__main__":
    main()
