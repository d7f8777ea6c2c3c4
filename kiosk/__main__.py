"""motcua-kiosk: run the lobby kiosk, check its config and server (`check`), preload its catalogue (`sync`),
or search the local cache (`search`).

Exit codes: 0 normal stop, 1 `check` found a problem, 2 sync failed, 75 restart asked by the server
(heartbeat command `restart`): the systemd unit restarts the kiosk on it.
"""

import argparse
import json
import logging
import sys
from pathlib import Path

import motcua

DEFAULT_CONFIG = "config/kiosk.ini"
log = logging.getLogger("kiosk")


def load(config_path):
    from kiosk.settings import load as load_config
    from motcua.config import ConfigError

    try:
        return load_config(config_path)
    except ConfigError as exc:
        sys.exit(f"motcua-kiosk: configuration problem:\n{exc}")


def build_services(cfg, warm_search: bool = False):
    """The store, client, catalogue and services of one kiosk, from its config; `warm_search`: build the
    in-memory search index now (at start), not on the first citizen's keystroke."""
    from kiosk.missed import MissedSearches
    from kiosk.services import KioskServices
    from motcua.catalogue import Catalogue
    from motcua.client import Client
    from motcua.search import Synonyms
    from motcua.store import open_store

    data_dir = Path(cfg.device.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = open_store(data_dir / "kiosk.db")
    client = Client(cfg.server.url, cfg.server.token, timeout=cfg.server.timeout_seconds, user_agent="motcua-kiosk")
    synonyms = None
    if cfg.kiosk.extra_words:
        try:
            synonyms = Synonyms.default(str(cfg.kiosk.extra_words))
        except ValueError as exc:  # the kiosk keeps searching with the shipped words; `check` names the problem
            logging.getLogger("kiosk").error("[kiosk] extra_words not used: %s", exc)
    catalogue = Catalogue(db, synonyms=synonyms)
    if warm_search:
        catalogue.search_index()  # a few hundred ms on 5,000 procedures: paid at start, not by a citizen
    return KioskServices(
        catalogue,
        client,
        cfg.device.office_code,
        stats_period=cfg.kiosk.stats_period,
        search_limit=cfg.kiosk.search_limit,
        portal_link=cfg.kiosk.portal_link,
        missed=MissedSearches(db),
    )


def cmd_sync(cfg) -> int:
    from motcua.check import sync_problem
    from motcua.client import SyncError

    services = build_services(cfg)
    try:
        result = services.sync_catalogue()
    except SyncError as exc:
        print(f"motcua-kiosk sync: the catalogue was not updated: {sync_problem(exc, cfg.server.url)}", file=sys.stderr)
        return 2
    count = sum(f.get("count", 0) for f in services.fields())
    print(f"catalogue synced: {count} procedures in {len(services.fields())} fields ({sync_changes(result)})")
    return 0


def sync_changes(result) -> str:
    """What one catalogue sync changed (a motcua.catalogue.SyncResult), in words."""
    if result.not_modified:
        return "no change since the last sync"
    said = f"{result.updated} new or changed, {result.deleted} removed"
    if result.skipped:
        said += f", {result.skipped} skipped without code or name"
    return said


def cmd_search(cfg, query, as_json, limit, config_path=DEFAULT_CONFIG) -> int:
    """Prints what the kiosk would offer for `query` (nothing when nothing fits); exit 3 on an empty cache."""
    from kiosk import present

    services = build_services(cfg)
    if services.data_age() is None or not services.fields():
        print(
            "motcua-kiosk search: the catalogue cache is empty (this kiosk never synced), so no search can find "
            f"anything: run `motcua-kiosk sync --config {config_path}` first",
            file=sys.stderr,
        )
        return 3
    results = services.search(query, limit=limit)
    if as_json:
        json.dump(
            [
                {
                    "code": r.get("code"),
                    "name": r.get("name"),
                    "field": present.field_name(r),
                    "summary": present.summary_line(r),
                    "score": r.get("score"),
                }
                for r in results
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
    else:
        if not results:
            print("nothing fits: no procedure of the catalogue matches this search", file=sys.stderr)
        for r in results:
            print(f"{r.get('code', ''):<14} {r.get('name', '')}  [{present.field_name(r)}]  {present.summary_line(r)}")
    return 0


def cmd_check(config_path) -> int:
    from kiosk.check import check

    return check(config_path)


def cmd_run(cfg, config_path) -> int:
    from touchui import startup

    startup.prepare(cfg.device.data_dir)  # before kivy is imported
    from touchui.lockdown import configure_display

    configure_display(cfg.display)
    from kiosk import slip
    from kiosk.app import KioskApp
    from kiosk.background import CatalogueRefresher, kiosk_heartbeat

    services = build_services(cfg, warm_search=True)
    refresher = CatalogueRefresher(
        services, cfg.server.sync_interval_seconds, cfg.server.backoff_base_seconds, cfg.server.backoff_cap_seconds
    )
    printer_factory = (lambda: slip.open_printer(cfg.printer)) if cfg.printer.kind != "none" else None
    from kivy.clock import Clock

    from motcua.commands import DeviceCommands
    from kiosk.settings import load as load_config

    app = None

    def on_ui_thread(fn):
        return lambda *args: Clock.schedule_once(lambda _: fn(*args))

    commands = DeviceCommands(
        sync=refresher.wake,
        reload=lambda: load_config(config_path),
        apply=on_ui_thread(lambda new: app.apply_config(new)),
        restart=on_ui_thread(lambda code: app.restart(code)),
    )
    heartbeat = kiosk_heartbeat(
        services.client, services, refresher, motcua.__version__, cfg.server.heartbeat_seconds, commands=commands
    )
    app = KioskApp(cfg, services, printer_factory=printer_factory, workers=[refresher, heartbeat])
    startup.stop_on_signals(app)
    app.run()
    return app.exit_code


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="motcua-kiosk", description=__doc__)
    ap.add_argument("--config", default=DEFAULT_CONFIG, help=f"kiosk config file (default {DEFAULT_CONFIG})")
    sub = ap.add_subparsers(dest="command")
    sp = sub.add_parser("sync", help="sync the catalogue and statistics once, then exit (preload a kiosk)")
    sp.add_argument("--config", dest="sub_config", help="kiosk config file")
    ck = sub.add_parser("check", help="check the config, reach the server and verify the device token; exit 0/1")
    ck.add_argument("--config", dest="sub_config", help="kiosk config file")
    se = sub.add_parser(
        "search",
        help="print what the kiosk offers for a search in the local catalogue cache (nothing when nothing fits; "
        "exit 3 when the cache is empty)",
    )
    se.add_argument("query")
    se.add_argument("--config", dest="sub_config", help="kiosk config file")
    se.add_argument("--json", action="store_true", help="JSON list of {code, name, field, summary}")
    se.add_argument("--limit", type=int, default=20)
    args = ap.parse_args(argv)
    config_path = getattr(args, "sub_config", None) or args.config
    if args.command is None:  # the kiosk app itself
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return cmd_run(load(config_path), config_path)
    try:
        if args.command == "check":  # problems are printed as lines, not log records
            logging.basicConfig(level=logging.ERROR)
            return cmd_check(config_path)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        cfg = load(config_path)
        if args.command == "sync":
            return cmd_sync(cfg)
        return cmd_search(cfg, args.query, args.json, args.limit, config_path)
    except BrokenPipeError:  # e.g. `motcua-kiosk search ... | head`: the reader stopped reading
        from motcua.pipes import stdout_closed

        return stdout_closed()


if __name__ == "__main__":
    sys.exit(main())
