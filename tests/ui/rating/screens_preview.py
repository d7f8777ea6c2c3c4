"""Runs the real tablet app at one size and saves a screenshot of every screen (one process per size).

    python -m tests.ui.rating.screens_preview 1280x800 OUT_DIR --config rating.ini --staff-id 3 --pin 1357

Kivy's offscreen window cannot be resized once created, so each size needs its own process.
"""

import argparse
import os
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("size")
    ap.add_argument("out")
    ap.add_argument("--config", required=True)
    ap.add_argument("--staff-id", required=True)
    ap.add_argument("--pin", required=True)
    args = ap.parse_args()
    width, height = map(int, args.size.split("x"))
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    from kivy.clock import Clock
    from kivy.core.window import Window
    from rating.settings import load as load_config
    from rating.app import RatingApp
    from rating.services import TabletServices

    services = TabletServices(load_config(args.config))
    services.refresh_staff()
    app = RatingApp(services)
    flow = services.flow
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{width}x{height}"

    def english():
        from touchui.i18n import i18n

        i18n.lang = "en"

    def vietnamese():
        from touchui.i18n import i18n

        i18n.lang = "vi"

    def fill_the_disk():
        """Caps the outbox file at its size (as a full disk does) and rates until a rating is refused."""
        db = services.outbox.db
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        app.close_staff_screen()
        for _ in range(200):
            flow.reset()
            flow._last_recorded_at = None
            flow.start()
            flow.choose(3)
            flow.skip_dossier()
            if flow.notice is not None:
                return

    def type_comment():
        screen = app.screens["reasons"]
        screen.ids.comment.focus = True
        screen.open_keyboard(screen.ids.comment, "text")
        screen.keyboard.type_text("cho lau qua")
        flow.toggle_reason("cho_lau")
        flow.toggle_reason("thai_do")

    def officer_pin():
        app.open_signin()
        app.screens["signin"].choose(int(args.staff_id), "")

    server_url = services.client.base_url

    def server_down():
        """The admin screen after a delivery that found no server: the advice, not the exception."""
        services.outbox.db.execute("PRAGMA max_page_count = 1073741823")  # the disk has room again
        services.client.base_url = "http://127.0.0.1:9"  # nothing listens there
        flow.reset()
        flow._last_recorded_at = None
        flow.start()
        flow.choose(3)
        flow.skip_dossier()
        app.open_admin()
        app.screens["admin"].sync_now()

    def server_back():
        services.client.base_url = server_url
        app.screens["admin"].sync_now()

    steps = [
        ("signed_out", lambda: None),
        ("signin", app.open_signin),
        ("officer_pin", officer_pin),
        (
            "idle",
            lambda: (app.pin_pad.dismiss(), services.duty.sign_in(args.staff_id, args.pin), app.close_staff_screen()),
        ),
        ("rate", flow.start),
        ("reasons", lambda: flow.choose(1)),
        ("reasons_keyboard", type_comment),
        ("dossier", lambda: (app.screens["reasons"].close_keyboard(), flow.submit_reasons())),
        ("thanks", flow.skip_dossier),
        ("cooldown", lambda: (flow.reset(), flow.start())),
        ("admin_pin", app.ask_admin_pin),
        ("admin", lambda: (app.pin_pad.dismiss(), app.open_admin())),
        (
            "rate_en",
            lambda: (english(), app.close_staff_screen(), setattr(flow, "_last_recorded_at", None), flow.start()),
        ),
        ("reasons_en", lambda: flow.choose(1)),
        # back at idle the next citizen meets Vietnamese again (issue 18 item 2): this one taps English
        ("idle_en", lambda: (flow.reset(), services.duty.sign_in(args.staff_id, args.pin), english(), app.refresh())),
        ("not_saved", lambda: (vietnamese(), fill_the_disk())),
        ("admin_disk_full", app.open_admin),
        ("admin_server_down", server_down),
        ("admin_after_sync_now", server_back),
    ]

    def run(i=0):
        def shot(_dt):
            Window.on_draw()  # draw the whole frame now: under load the last one may be half done
            path = Window.screenshot(name=str(out / f"{steps[i][0]}_{tag}.png"))
            final = out / f"{steps[i][0]}_{tag}.png"
            os.replace(path, final)
            print(final, flush=True)
            if i + 1 < len(steps):
                Clock.schedule_once(lambda _dt: run(i + 1), 0)
            else:
                app.stop()

        steps[i][1]()
        Clock.schedule_once(shot, 1.5 if steps[i][0].startswith("admin_") else 0.4)  # sync now: its answer

    Clock.schedule_once(lambda _dt: run(), 0.6)
    app.run()


if __name__ == "__main__":
    main()
