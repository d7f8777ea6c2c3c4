"""motcua-rating: run the counter rating tablet, drain its outbox once, print its status, or check its set-up."""

import argparse
import logging
import sys

DEFAULT_CONFIG = "config/rating.ini"


def _load(path):
    from motcua.config import ConfigError
    from rating.settings import load

    try:
        return load(path)
    except ConfigError as exc:
        sys.exit(f"motcua-rating: configuration problem:\n{exc}")


def cmd_sync(cfg) -> int:
    from motcua.check import sync_problem
    from rating.advice import error_advice
    from rating.services import TabletServices

    services = TabletServices(cfg, staff=False)
    before = services.outbox.status()
    try:
        result = services.drain_once()
    except Exception as exc:  # unreachable server etc.: a summary, not a traceback
        after = services.outbox.status()
        print(f"sync failed: {sync_problem(exc, cfg.server.url)}")
        print(f"pending {after['pending']}, quarantined {after['quarantined']}")
        return 1
    after = services.outbox.status()
    error = (result or {}).get("error")
    print(
        f"sent {before['pending'] - after['pending']}, pending {after['pending']}, "
        f"quarantined {after['quarantined']}"
        + (f"; not sent: {error_advice(error, cfg.server.url, 'en')}" if error else "")
    )
    return 0 if after["pending"] == 0 else 1


def cmd_status(cfg) -> int:
    from motcua.outbox import Outbox
    from pathlib import Path

    path = Path(cfg.device.data_dir) / "rating.db"
    if not path.exists():
        print(f"no outbox yet at {path}: nothing recorded on this tablet")
        return 0
    status = Outbox.open(path).status()
    print(f"pending: {status['pending']}")
    print(f"oldest pending age: {_duration(status['oldest_pending_age_s'] or 0)}")
    print(f"quarantined: {status['quarantined']}")
    print(f"sent: {status.get('sent', 0)}")
    print(f"last sync: {status['last_success_at'] or 'never'}")
    error = status["last_error"]
    if error:
        from rating.advice import error_advice

        print(f"last error: {error_advice(error, cfg.server.url, 'en')}")
        print(f"  technical detail (for IT): {error}")
    else:
        print("last error: none")
    return 0


def _duration(seconds: float) -> str:
    """An age as people say it: 45 s, 20 min, 3 h 5 min."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def run_app(cfg) -> int:
    from touchui import startup

    startup.prepare(cfg.device.data_dir)  # before kivy is imported
    from touchui.lockdown import configure_display

    configure_display(cfg.display)
    from touchui.theme import configure_theme
    from motcua.settings import theme_colours

    configure_theme(theme_colours(cfg), font_scale=cfg.display.font_scale)
    from rating.app import RatingApp
    from rating.services import TabletServices

    services = TabletServices(cfg)
    app = RatingApp(services)
    startup.stop_on_signals(app)
    app.run()
    return services.exit_code


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="motcua-rating", description=__doc__)
    ap.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file (default {DEFAULT_CONFIG})")
    sub = ap.add_subparsers(dest="command")
    for name, text in (
        ("sync", "send pending ratings once and print a summary"),
        ("status", "print pending / quarantined counts and the last sync"),
        ("check", "check the config file, the server and the device token; exit 0 when all good"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", dest="sub_config", help="config file")
    args = ap.parse_args(argv)
    path = getattr(args, "sub_config", None) or args.config
    if args.command == "check":  # problems are printed as lines, not log records
        logging.basicConfig(level=logging.ERROR)
        from rating.check import check
        from motcua.pipes import stdout_closed

        try:
            return check(path)
        except BrokenPipeError:
            return stdout_closed()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = _load(path)
    from motcua.store import StoreError

    try:
        if args.command == "sync":
            return cmd_sync(cfg)
        if args.command == "status":
            return cmd_status(cfg)
        return run_app(cfg)
    except StoreError as exc:  # busy or damaged-and-held: nothing was moved or changed
        print(f"motcua-rating: the rating store cannot be opened now: {exc}", file=sys.stderr)
        from motcua.client import RESTART_EXIT_CODE

        return RESTART_EXIT_CODE  # systemd starts the tablet again a little later
    except BrokenPipeError:  # e.g. `motcua-rating status | head -1`; the app itself writes to no pipe
        if args.command not in ("sync", "status"):
            raise
        from motcua.pipes import stdout_closed

        return stdout_closed()


if __name__ == "__main__":
    sys.exit(main())
