"""motcua-central: the admin command line (database, devices, admins, staff, imports, serve)."""

import argparse
import itertools
import json
import os
import re
import sys
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ProgrammingError

from central import security
from central.errors import BadInput
from central.ratings import CLOCK_SHOWN_S, skewed_clocks
from central.storage import make_engine, normalize_url, refresh_statistics, upgrade
from central.storage.schema import COMMANDS, admin_tokens, admins, device_commands, devices, offices, ratings, staff
from central.timeutil import BadTime, parse_time, to_db, to_wire, utcnow
from motcua import dossier_code
from motcua.config import ConfigError
from motcua.devicemark import mark_of_hash
from motcua.pipes import stdout_closed


class CliError(Exception):
    """A problem the admin can fix; printed without a traceback. exit_code 2 = invalid input."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


_opened = []


def _engine(args):
    """The command's engine; disposed when main() returns (so main() can run in-process). Only init
    creates a SQLite file: any other command on a path with no database says so and creates nothing."""
    if not _opened:
        if getattr(args, "func", None) is not cmd_init:
            _refuse_missing_sqlite(args.db)
        _opened.append(make_engine(args.db))
    return _opened[0]


def _refuse_missing_sqlite(db: str | None) -> None:
    """A SQLite database that is not there: the command runs in another folder than the database's (the
    default var/central.db is relative), or --db has a typo. Said before anything creates an empty file."""
    url = normalize_url(db)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = Path(url[len("sqlite:///") :])
    if path.exists():
        return
    init = "motcua-central init" if not db else f"motcua-central --db {db} init"
    raise CliError(
        f"no database at {path}: run the command in the folder that holds the database, or give its path "
        f"with --db (or MOTCUA_DB); a new office creates one with: {init}",
        1,
    )


def _read_secret(prompt_name: str) -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise CliError(f"no {prompt_name} on standard input", 2)
    return value


def cmd_init(args):
    rev = upgrade(_engine(args))
    print(f"database {_where(args.db)} is at schema revision {rev}")


def cmd_serve(args):
    import uvicorn

    from central.api import create_app
    from central.connectors.config import connectors_of
    from central.settings import load_file

    whole = load_file(args.config)  # a ConfigError is printed by main()
    settings, connectors = whole.server, connectors_of(whole)
    # --db, then MOTCUA_DB, then the config file's db (settings: the environment wins over the file)
    db = args.db or settings.db
    _refuse_missing_sqlite(db)
    engine = make_engine(db)
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() is None:
            raise CliError("the database has no schema yet: run 'motcua-central init' first")
    engine.dispose()
    _say_where_it_serves(args, db, connectors)
    if args.workers > 1:
        # Each worker process builds its own app (engine, rate limiter, load shedding: all per process).
        os.environ["MOTCUA_SERVE_DB"] = db
        if args.config:
            os.environ["MOTCUA_CENTRAL_CONFIG"] = args.config
        from central.serving import run_workers

        run_workers(
            "central.cli:app_for_worker",
            workers=args.workers,
            loop=LOOP,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=args.access_log,
            timeout_graceful_shutdown=5,
        )
        return
    app = create_app(db, settings, connectors)
    _with_upward(app, whole, pusher=True)
    uvicorn.run(
        app,
        loop=LOOP,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
        timeout_graceful_shutdown=5,
    )


def _where(db: str) -> str:
    """A database URL as an admin may see it: never the user and password."""
    return normalize_url(db).split("@")[-1]


def _say_where_it_serves(args, db, connectors) -> None:
    """One line an admin reads before uvicorn's own: the addresses to open, the database (never its
    password), the config file and its connectors."""
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    base = f"http://{host}:{args.port}"
    where = _where(db)
    extra = f"; config {args.config}" if args.config else ""
    if connectors:
        extra += f"; connectors: {', '.join(c.name for c in connectors)}"
    print(
        f"motcua-central: serving {base} (dashboard {base}/admin/, API {base}/api/v1/) "
        f"on {where}, {args.workers} worker(s){extra}. Ctrl+C stops.",
        flush=True,
    )


# The standard asyncio loop, even where uvloop is installed: under saturation uvloop served some
# connections 2 s late while others got 50 ms (bench/bench_server.py); asyncio stayed fair.
LOOP = "asyncio"


def app_for_worker():
    """The app of one `serve --workers N` process (uvicorn imports this in each worker)."""
    import os

    from central.api import create_app
    from central.connectors.config import connectors_of
    from central.settings import load_file

    try:
        whole = load_file(os.environ.get("MOTCUA_CENTRAL_CONFIG"))
        settings, connectors = whole.server, connectors_of(whole)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    # every worker runs the push upward: a month's lease in the database lets one of them send it
    return _with_upward(create_app(os.environ["MOTCUA_SERVE_DB"], settings, connectors), whole, pusher=True)


def _with_upward(app, whole, pusher: bool):
    """[upward] of central.ini on the app (the dashboard's labels and push state) and, when `pusher`
    and a url is set, the background push of each month's rating aggregate (central.upward)."""
    from central import upward

    app.state.upward_section = whole.upward
    app.state.upward = upward.from_config(whole)  # a ConfigError (secret file mode...) stops serve
    if pusher and app.state.upward is not None:
        app.state.upward_pusher = upward.Pusher(app.state.engine, app.state.upward).start()
    return app


TOKEN_WORDS = ("list", "revoke")  # `admin token WORD ...`; no admin may be named so


def _new_password() -> str:
    password = _read_secret("password")
    problem = security.password_problem(password)
    if problem:
        raise CliError(problem.message, 2)
    return password


def _admin_row(conn, name: str):
    row = conn.execute(select(admins.c.id, admins.c.name, admins.c.disabled_at).where(admins.c.name == name)).first()
    if row is None:
        raise CliError(f"no admin {name!r} (motcua-central admin list)", 2)
    return row


def cmd_admin_add(args):
    if args.name in TOKEN_WORDS:
        raise CliError(f"{args.name!r} cannot be an admin's name (it is a word of 'admin token')", 2)
    password = _new_password() if args.password_stdin else None
    with _engine(args).begin() as conn:
        try:
            conn.execute(
                insert(admins).values(
                    name=args.name,
                    created_at=utcnow(),
                    password_hash=security.hash_password(password) if password else None,
                )
            )
        except IntegrityError:
            raise CliError(f"admin {args.name!r} already exists", 2) from None
    print(f"admin {args.name} added")


def cmd_admin_token(args):
    words = args.words
    if words[0] == "list" and len(words) <= 2:
        return _admin_token_list(args, words[1] if len(words) == 2 else None)
    if words[0] == "revoke":
        return _admin_token_revoke(args, words[1:])
    if len(words) != 1 or args.all is not None:
        raise CliError(
            "expected: admin token NAME | admin token list [NAME] | admin token revoke ID... | "
            "admin token revoke --all NAME",
            2,
        )
    token = security.new_token()
    with _engine(args).begin() as conn:
        admin = conn.execute(select(admins.c.id, admins.c.disabled_at).where(admins.c.name == words[0])).first()
        if admin is None:
            raise CliError(f"no admin {words[0]!r}; add it first: motcua-central admin add {words[0]}", 2)
        if admin.disabled_at is not None:
            raise CliError(
                f"admin {words[0]!r} is disabled; enable it first: motcua-central admin enable {words[0]}", 2
            )
        token_id = conn.execute(
            insert(admin_tokens).values(admin_id=admin.id, token_hash=security.token_hash(token), created_at=utcnow())
        ).inserted_primary_key[0]
    print(
        f"admin token {token_id} for {words[0]} (shown once; keep it secret; it expires after the server's "
        "[server] admin_token_days):"
    )
    print(token)


def _admin_token_list(args, name: str | None):
    query = (
        select(
            admin_tokens.c.id, admins.c.name, admin_tokens.c.created_at, admin_tokens.c.revoked_at, admins.c.disabled_at
        )
        .join(admins, admins.c.id == admin_tokens.c.admin_id)
        .order_by(admin_tokens.c.id)
    )
    with _engine(args).connect() as conn:
        if name is not None:
            query = query.where(admins.c.id == _admin_row(conn, name).id)
        rows = conn.execute(query).all()
    print("id	admin	created	state")
    for r in rows:
        state = f"revoked {to_wire(r.revoked_at)}" if r.revoked_at else "admin disabled" if r.disabled_at else "active"
        print(f"{r.id}	{r.name}	{to_wire(r.created_at)}	{state}")


def _admin_token_revoke(args, words: list[str]):
    now = utcnow()
    with _engine(args).begin() as conn:
        if args.all:
            if words:
                raise CliError("expected: admin token revoke --all NAME (no ids with --all)", 2)
            admin = _admin_row(conn, args.all)
            done = conn.execute(
                update(admin_tokens)
                .where(admin_tokens.c.admin_id == admin.id, admin_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            print(f"{done} tokens of {admin.name} revoked")
            return
        if not words or not all(w.isascii() and w.isdigit() and len(w) <= 12 for w in words):
            raise CliError("expected token ids (the first column of 'admin token list'), or --all NAME", 2)
        for token_id in dict.fromkeys(int(w) for w in words):
            if not conn.execute(
                update(admin_tokens)
                .where(admin_tokens.c.id == token_id, admin_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount:
                raise CliError(f"no active admin token with id {token_id}; nothing revoked", 2)
    print(f"admin token{'s' if len(words) > 1 else ''} {', '.join(words)} revoked")


def _set_disabled(args, disabled: bool):
    from central.dashboard.auth import end_sessions

    with _engine(args).begin() as conn:
        admin = _admin_row(conn, args.name)
        conn.execute(update(admins).where(admins.c.id == admin.id).values(disabled_at=utcnow() if disabled else None))
        ended = end_sessions(conn, admin.id) if disabled else 0
    if disabled:
        print(f"admin {args.name} disabled: its tokens stop working and {ended} dashboard sessions ended")
    else:
        print(f"admin {args.name} enabled: its tokens that are not revoked or expired work again")


def cmd_admin_disable(args):
    _set_disabled(args, True)


def cmd_admin_enable(args):
    _set_disabled(args, False)


def cmd_admin_password(args):
    from central.dashboard.auth import end_sessions

    password = _new_password()
    with _engine(args).begin() as conn:
        admin = _admin_row(conn, args.name)
        conn.execute(
            update(admins).where(admins.c.id == admin.id).values(password_hash=security.hash_password(password))
        )
        ended = end_sessions(conn, admin.id)
    print(f"password of {args.name} changed; {ended} dashboard sessions ended (sign in again)")


def cmd_admin_list(args):
    from sqlalchemy import func

    active = (
        select(admin_tokens.c.admin_id, func.count().label("n"))
        .where(admin_tokens.c.revoked_at.is_(None))
        .group_by(admin_tokens.c.admin_id)
        .subquery()
    )
    with _engine(args).connect() as conn:
        rows = conn.execute(
            select(
                admins.c.id,
                admins.c.name,
                admins.c.created_at,
                admins.c.disabled_at,
                admins.c.password_hash.isnot(None).label("has_password"),
                active.c.n,
            )
            .outerjoin(active, active.c.admin_id == admins.c.id)
            .order_by(admins.c.id)
        ).all()
    print("id	name	created	state	password	tokens_not_revoked")
    for r in rows:
        state = f"disabled {to_wire(r.disabled_at)}" if r.disabled_at else "active"
        print(
            f"{r.id}	{r.name}	{to_wire(r.created_at)}	{state}	{'yes' if r.has_password else 'no'}	{r.n or 0}"
        )


def cmd_device_add(args):
    from central.devices import add_device

    with _engine(args).begin() as conn:
        device_id, token = add_device(conn, args.kind, args.office, args.counter, args.name or "")
    print(f"device {device_id} ({args.kind}, office {args.office}) added; its token (shown once):")
    print(token)


def cmd_device_revoke(args):
    with _engine(args).begin() as conn:
        done = conn.execute(
            update(devices).where(devices.c.id == args.id, devices.c.revoked_at.is_(None)).values(revoked_at=utcnow())
        ).rowcount
    if not done:
        raise CliError(f"no active device with id {args.id}", 2)
    print(f"device {args.id} revoked")


def cmd_device_list(args):
    with _engine(args).connect() as conn:
        rows = conn.execute(select(devices).order_by(devices.c.id)).all()
        clocks = skewed_clocks(conn)
    red = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(
        "id\tkind\toffice\tcounter\tname\tstate\tlast_seen\tversion\tpending\tquarantined\tquarantine_reason\tclock"
        "\tseq_clashes\tmark"
    )
    for r in rows:
        state = "revoked" if r.revoked_at else "active"
        quarantine = f"{r.quarantined or 0}\t{r.quarantine_reason or '-'}" if r.quarantined else "0\t-"
        if r.quarantined and red:
            quarantine = f"\033[31m{quarantine}\033[0m"
        print(
            f"{r.id}\t{r.kind}\t{r.office_code}\t{r.counter or ''}\t{r.name}\t{state}\t"
            f"{to_wire(r.last_seen_at) or '-'}\t{r.version or '-'}\t{r.pending if r.pending is not None else '-'}\t"
            f"{quarantine}\t{_clock(clocks.get(r.id), red)}\t{r.seq_clashes or 0}\t{mark_of_hash(r.token_hash)}"
        )  # mark: the "Mã thiết bị" the device shows (motcua.devicemark)


def _clock(offset_s: float | None, red: bool) -> str:
    """A tablet's clock minus the server's, shown when off by more than ratings.CLOCK_SHOWN_S."""
    if offset_s is None:
        return "-"
    text = f"{round(offset_s / 60):+d} min"
    return f"\033[31m{text}\033[0m" if red else text


def cmd_device_quarantined(args):
    with _engine(args).connect() as conn:
        row = conn.execute(
            select(devices.c.quarantined, devices.c.quarantine_items).where(devices.c.id == args.id)
        ).first()
    if row is None:
        raise CliError(f"no device with id {args.id}", 2)
    items = json.loads(row.quarantine_items or "[]")
    print(
        f"device {args.id}: {row.quarantined or 0} items refused by the server and kept on the device"
        + (f" (the oldest {len(items)} below)" if len(items) < (row.quarantined or 0) else "")
    )
    print("device_seq\tcreated_at\tscore\treason\tid")
    for i in items:
        print(
            f"{i.get('device_seq', '')}\t{i.get('created_at') or ''}\t"
            f"{i.get('score') if i.get('score') is not None else ''}"
            f"\t{i.get('reason') or ''}\t{i.get('id')}"
        )


def cmd_device_command(args):
    with _engine(args).begin() as conn:
        device = conn.execute(select(devices.c.id, devices.c.revoked_at).where(devices.c.id == args.id)).first()
        if device is None:
            raise CliError(f"no device with id {args.id}", 2)
        if device.revoked_at is not None:
            raise CliError(f"device {args.id} is revoked: it no longer connects, so no command reaches it", 2)
        conn.execute(insert(device_commands).values(device_id=args.id, name=args.name, created_at=utcnow()))
    print(f"command {args.name} queued for device {args.id} (delivered on its next heartbeat)")


OFFICE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def cmd_office_add(args):
    if not OFFICE_CODE.match(args.code):
        raise CliError(
            f'office code "{args.code}": use letters without diacritics, digits, "-", "_" or "." and no spaces, '
            "up to 64 characters, e.g. XA-PHUOCLONG (devices name it in [device] office_code)",
            2,
        )
    if args.unit_code is not None and not dossier_code.UNIT_PATTERN.match(args.unit_code):
        raise CliError(
            f'--unit-code "{args.unit_code}": the unit code that starts the office\'s dossier codes, in capitals, '
            "digits and dots, e.g. 000.00.31.H29",
            2,
        )
    with _engine(args).begin() as conn:
        try:
            conn.execute(insert(offices).values(code=args.code, name=args.name, unit_code=args.unit_code))
        except IntegrityError:
            unit = f" or an office with unit code {args.unit_code}" if args.unit_code else ""
            raise CliError(f"office {args.code}{unit} already exists", 2) from None
    print(f"office {args.code} added")


def _print_rows(args, columns: list[str], rows: list[dict]) -> None:
    """A list for people (aligned columns, "-" for nothing) or, with --format json, for scripts."""
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    cells = [columns] + [["-" if r[c] is None or r[c] == "" else str(r[c]) for c in columns] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    for row in cells:
        print("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a combining tone mark (decomposed Vietnamese) takes none."""
    import unicodedata

    return sum(1 for ch in text if not unicodedata.combining(ch))


def cmd_office_list(args):
    from motcua.text import sort_key

    with _engine(args).connect() as conn:
        found = conn.execute(select(offices.c.code, offices.c.name, offices.c.unit_code)).all()
        counts = dict(
            conn.execute(
                select(staff.c.office_code, func.count()).where(staff.c.active.is_(True)).group_by(staff.c.office_code)
            ).all()
        )
    found = sorted(found, key=lambda r: (sort_key(r.name or r.code), r.code))
    rows = [{"code": r.code, "name": r.name, "unit_code": r.unit_code, "staff": counts.get(r.code, 0)} for r in found]
    _print_rows(args, ["code", "name", "unit_code", "staff"], rows)


def cmd_staff_list(args):
    """The officers (of one office), by office then name in Vietnamese order; `id` is the staff_id of
    rating.ini. PINs are never shown, only whether one is set."""
    from central.devices import office_exists
    from motcua.text import sort_key

    query = select(
        staff.c.id,
        staff.c.office_code,
        offices.c.name.label("office_name"),
        staff.c.counter,
        staff.c.name,
        staff.c.title,
        staff.c.active,
        staff.c.pin_hash.isnot(None).label("has_pin"),
        staff.c.photo.isnot(None).label("has_photo"),
    ).join(offices, offices.c.code == staff.c.office_code)
    with _engine(args).connect() as conn:
        if args.office is not None:
            office_exists(conn, args.office)
            query = query.where(staff.c.office_code == args.office)
        found = conn.execute(query).all()
    found = sorted(found, key=lambda r: (sort_key(r.office_name), r.office_code, sort_key(r.name), r.id))
    rows = [
        {
            "id": r.id,
            "office": r.office_code,
            "counter": r.counter,
            "name": r.name,
            "title": r.title,
            "state": "active" if r.active else "inactive",
            "pin": bool(r.has_pin),
            "photo": bool(r.has_photo),
        }
        for r in found
    ]
    if args.format == "json":
        _print_rows(args, [], rows)
        return
    shown = [{**r, "pin": "yes" if r["pin"] else "no", "photo": "yes" if r["photo"] else "no"} for r in rows]
    _print_rows(args, ["id", "office", "counter", "name", "title", "state", "pin", "photo"], shown)


def cmd_staff_add(args):
    from central.staff import add_officer

    photo = None
    if args.photo:
        path = Path(args.photo)
        if not path.is_file():
            raise CliError(f"photo {path} does not exist", 2)
        photo = path.read_bytes()
    pin = _read_secret("PIN") if args.pin_stdin else None
    with _engine(args).begin() as conn:
        staff_id = add_officer(
            conn, args.office, args.name, title=args.title or "", counter=args.counter, photo=photo, pin=pin
        )
    print(f"officer {staff_id} added to {args.office}, counter {args.counter}")
    print(staff_id)


def cmd_staff_move(args):
    from central.staff import update_officer

    changes = {"office": args.office} if args.counter is None else {"office": args.office, "counter": args.counter}
    with _engine(args).begin() as conn:
        moved = update_officer(conn, args.id, **changes)
    print(
        f"officer {args.id} {'moved to' if moved else 'already in'} {args.office}"
        + (f", counter {args.counter}" if args.counter is not None else "")
        + ("; ratings made before now still count for the previous office" if moved else "")
    )


def cmd_staff_pin(args):
    from central.staff import update_officer

    pin = _read_secret("PIN")
    with _engine(args).begin() as conn:
        update_officer(conn, args.id, pin=pin)
    print(f"PIN of officer {args.id} set; tablets of her office use it after their next staff sync")


def cmd_import(args):
    from central import importers

    path = Path(args.file)
    if path.is_dir():
        raise CliError(f"{path} is a folder; give the CSV or JSON file to import", 2)
    if not path.is_file():
        raise CliError(f"{path} does not exist", 2)
    engine = _engine(args)
    if args.what == "procedures":
        summary = importers.import_procedures_file(engine, path)
    else:
        summary = importers.import_dossiers_file(engine, path, office=args.office)
    refresh_statistics(engine)  # a bulk import changes the tables' sizes: tell the query planner
    print(summary)


def cmd_sync_dossiers(args):
    import logging

    from central.connectors.commands import CommandFailed, sync_dossiers

    # A pass logs its error and skipped items for the server's journal; here they are printed once, in
    # the summary or the error below (Python's last-resort handler printed each a second time).
    quiet = logging.getLogger("central.connectors")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())

    if args.db is None and (args.config or os.environ.get("MOTCUA_CENTRAL_CONFIG")):
        from central.settings import load_settings

        args.db = load_settings(args.config).db  # the config file's database (MOTCUA_DB over it)
    try:
        lines = sync_dossiers(_engine(args), args.config, args.connector)
    except CommandFailed as exc:
        raise CliError(str(exc)) from None
    print("\n".join(lines))


def _sync_commands(sub) -> None:
    """sync dossiers: read the province's systems now (central.connectors)."""
    from central.connectors.commands import HELP

    sync = sub.add_parser("sync", help="read data from its sources now (national portal, province)").add_subparsers(
        dest="sync_cmd", required=True
    )
    p = sync.add_parser("dossiers", help="one pass of each dossier connector", description=HELP)
    p.add_argument("--config", help="central.ini with [connector:NAME] sections (env MOTCUA_CENTRAL_CONFIG)")
    p.add_argument("--connector", help="only this connector (its NAME)")
    p.set_defaults(func=cmd_sync_dossiers)
    _sync_procedures_command(sync)


def cmd_sync_procedures(args):
    from central import portalsync
    from central.settings import SCHEMA
    from motcua.config import load_config

    path = args.config or os.environ.get("MOTCUA_CENTRAL_CONFIG")
    config = load_config(path, SCHEMA, os.environ)
    if args.db is None and path:
        args.db = config.server.db  # the config file's database (MOTCUA_DB over it)
    codes = portalsync.read_codes(Path(args.codes)) if args.codes else None
    try:
        report = portalsync.sync_procedures(_engine(args), config.portal, codes)
    except portalsync.SyncFailed as failed:
        raise CliError(f"sync procedures: {failed}", 1) from None
    print("\n".join(report.lines()))
    if report.failed:
        raise CliError(f"sync procedures: {len(report.failed)} procedures failed (kept as they were)", 3)


def _sync_procedures_command(sync) -> None:
    """sync procedures: the catalogue from the national portal (central.portalsync)."""
    from central.portalsync import HELP

    p = sync.add_parser(
        "procedures",
        help="the catalogue from the national portal ([portal] of central.ini)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--config", help="central.ini with a [portal] section (default: env MOTCUA_CENTRAL_CONFIG)")
    p.add_argument(
        "--codes", metavar="FILE", help="only these procedures: codes one per line, a JSON list, or a saved list page"
    )
    p.set_defaults(func=cmd_sync_procedures)


def cmd_procedure_delete(args):
    from central.catalogue import delete_procedures

    with _engine(args).begin() as conn:
        done = delete_procedures(conn, args.codes)
    if done < len(args.codes):
        raise CliError(f"{done} of {len(args.codes)} procedures deleted; the others were not in the catalogue", 2)
    print(f"{done} procedures deleted (kiosks drop them on their next sync)")


def cmd_export_ratings(args):
    def bound(text, name):
        if not text:
            return None
        try:
            return to_db(parse_time(text if "T" in text else text + "T00:00:00", allow_naive=True))
        except BadTime:
            raise CliError(
                f'--{name}: "{text}" is not a day (YYYY-MM-DD, e.g. 2026-11-01, or an ISO time)', 2
            ) from None

    start, end = bound(args.from_, "from"), bound(args.to, "to")
    if start and end and end < start:
        raise CliError(f"--to {args.to} is before --from {args.from_}", 2)
    query = select(ratings).order_by(ratings.c.created_at, ratings.c.id)
    if args.office:
        query = query.where(ratings.c.office_code == args.office)
    if start:
        query = query.where(ratings.c.created_at >= start)
    if end:
        query = query.where(ratings.c.created_at < end)
    from central.exports import write_csv
    from motcua.text import hide_phones

    # No phone column, and numbers typed into comments hidden: personal data stays out of exports
    # (call-back list only). Text cells are never formulas (central.exports).
    header = [
        "id",
        "created_at",
        "received_at",
        "office",
        "counter",
        "staff_id",
        "scale",
        "score",
        "reasons",
        "comment",
        "dossier_code",
        "device_id",
        "device_seq",
    ]
    with _engine(args).connect() as conn:
        rows = (
            [
                r.id,
                to_wire(r.created_at),
                to_wire(r.received_at),
                r.office_code,
                r.counter,
                r.staff_id,
                r.scale,
                r.score,
                " ".join(json.loads(r.reasons)),
                hide_phones(r.comment),
                r.dossier_code,
                r.device_id,
                r.device_seq,
            ]
            for r in conn.execute(query)
        )
        write_csv(sys.stdout, itertools.chain([header], rows))


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 10000:
        raise argparse.ArgumentTypeError(f'"{text}" is not a whole number from 1 to 10000')
    return int(text)


def cmd_callbacks_list(args):
    from central import callbacks

    with _engine(args).connect() as conn:
        items = callbacks.list_callbacks(conn, args.office, args.state, args.limit)
    print("id\tcreated_at\toffice\tcounter\tofficer\tscore\tphone\tcalled_back_by\tcalled_back_at\tnote\tcomment")

    def flat(text):  # one line per call-back
        return " ".join((text or "").split()) or "-"

    for i in items:
        done = i["called_back"] or {}
        print(
            f"{i['id']}\t{i['created_at']}\t{i['office']}\t{i['counter'] if i['counter'] is not None else '-'}\t"
            f"{flat(i['officer'])}\t{i['score']}/{i['scale']}\t{i['phone']}\t{flat(done.get('by'))}\t"
            f"{done.get('at') or '-'}\t{flat(done.get('note'))}\t{flat(i['comment'])}"
        )


def cmd_callbacks_done(args):
    from central import callbacks

    engine = _engine(args)
    with engine.connect() as conn:
        admin = conn.execute(select(admins.c.id).where(admins.c.name == args.by.strip())).first()
        if admin is None:
            raise CliError(f'--by: no admin account "{args.by}" (motcua-central admin add NAME)', 2)
        rating_id = callbacks.resolve_id(conn, args.id)
    item = callbacks.mark_done(engine, rating_id, admin.id, args.note)
    print(f"{item['id']}: called back by {item['called_back']['by']} at {item['called_back']['at']}")


def cmd_seed_demo(args):
    from central.demo import seed as demo_seed

    engine = _engine(args)
    print(demo_seed.seed(engine))
    refresh_statistics(engine)


def cmd_demo_hints(args):
    from central.demo import seed as demo_seed

    print(demo_seed.hints(_engine(args)))


def build_parser() -> argparse.ArgumentParser:
    """The command line: one function per command group below."""
    ap = argparse.ArgumentParser(prog="motcua-central", description=__doc__)
    ap.add_argument(
        "--db", default=None, help="SQLite file path or postgresql:// URL (default: env MOTCUA_DB, else var/central.db)"
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_commands in (
        _server_commands,
        _admin_commands,
        _device_commands,
        _people_commands,
        _data_commands,
        _sync_commands,
        _callback_commands,
        _report_commands,
        _demo_commands,
    ):
        add_commands(sub)
    return ap


def _server_commands(sub) -> None:
    """init, serve: the database and the HTTP server."""
    sub.add_parser("init", help="create or upgrade the database schema").set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="run the HTTP server (uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8080)
    p.add_argument("--config", help="central.ini with a [server] section (env MOTCUA_CENTRAL_CONFIG)")
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    p.add_argument("--access-log", action="store_true", help="log every request line")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes on the port, each with its own listening socket (the kernel spreads "
        "connections over them); rate limits and load shedding count per process",
    )
    p.set_defaults(func=cmd_serve)


def _admin_commands(sub) -> None:
    """admin add|token|list|disable|enable|password: admin accounts and their API tokens."""
    admin = sub.add_parser("admin", help="admin accounts").add_subparsers(dest="admin_cmd", required=True)
    p = admin.add_parser("add", help="add an admin account")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_admin_add)
    p = admin.add_parser(
        "token",
        help="issue (printed on the last line), list or revoke admin API tokens",
        usage="motcua-central admin token NAME\n"
        "       motcua-central admin token list [NAME]\n"
        "       motcua-central admin token revoke ID [ID ...]\n"
        "       motcua-central admin token revoke --all NAME",
        description="NAME: issue a token for admin NAME, printed once, alone on the last line. "
        "list: every token (or NAME's) with its id, issue time and state. "
        "revoke ID...: revoke tokens by id; revoke --all NAME: every token of NAME. "
        "A revoked token gets 401 on its next request. A token also stops working "
        "[server] admin_token_days after it was issued (config/central.ini), and while "
        "its admin is disabled.",
    )
    p.add_argument("words", nargs="+", metavar="NAME | list [NAME] | revoke ID...")
    p.add_argument("--all", metavar="NAME", help="with revoke: every token of the admin NAME")
    p.set_defaults(func=cmd_admin_token)
    p = admin.add_parser("list", help="admin accounts: state, password or not, tokens not revoked")
    p.set_defaults(func=cmd_admin_list)
    p = admin.add_parser(
        "disable",
        help="disable an admin: its tokens and dashboard sessions stop at once",
        description="Disable admin NAME: its API tokens get 401 and its dashboard sessions "
        "end at once; it cannot sign in. 'admin enable NAME' undoes it (tokens "
        "neither revoked nor expired work again; sessions do not come back).",
    )
    p.add_argument("name")
    p.set_defaults(func=cmd_admin_disable)
    p = admin.add_parser("enable", help="enable a disabled admin again")
    p.add_argument("name")
    p.set_defaults(func=cmd_admin_enable)
    p = admin.add_parser(
        "password",
        help="set an admin's password, read from standard input (ends its sessions)",
        description="Reads the new password (at least 8 characters) from the first line "
        "of standard input, e.g. 'motcua-central admin password quantri' then "
        "type it and Enter. Every dashboard session of the admin ends.",
    )
    p.add_argument("name")
    p.set_defaults(func=cmd_admin_password)


def _device_commands(sub) -> None:
    """device add|revoke|list|quarantined|command: kiosks and rating tablets."""
    dev = sub.add_parser("device", help="kiosks and rating tablets").add_subparsers(dest="device_cmd", required=True)
    p = dev.add_parser("add", help="register a device; prints its token alone on the last line")
    p.add_argument("--kind", required=True, choices=["kiosk", "rating"])
    p.add_argument("--office", required=True)
    p.add_argument("--counter", type=int, help="the counter it faces, 0-9999 (a rating tablet needs one)")
    p.add_argument("--name")
    p.set_defaults(func=cmd_device_add)
    p = dev.add_parser("revoke", help="revoke a device's token")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_device_revoke)
    dev.add_parser(
        "list",
        help="list devices and their last heartbeat (quarantined items in red on a terminal); "
        "clock: a rating tablet's clock minus the server's in minutes (+ ahead, - behind) when more "
        f"than {CLOCK_SHOWN_S // 60} min off (its time of its last delivered batch, from its heartbeat, "
        "against the server's)",
    ).set_defaults(func=cmd_device_list)
    p = dev.add_parser(
        "quarantined",
        help="a tablet's items the server refused, as its last heartbeat listed them "
        "(no phone numbers or comments); ask it to send them again with: device command ID "
        "retry_quarantined",
    )
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_device_quarantined)
    p = dev.add_parser(
        "command",
        help="queue a command for a device's next heartbeat (retry_quarantined: a rating "
        "tablet sends the items the server refused again, e.g. after an officer or office was fixed)",
    )
    p.add_argument("id", type=int)
    p.add_argument("name", choices=COMMANDS)
    p.set_defaults(func=cmd_device_command)


def _people_commands(sub) -> None:
    """office add, staff ...: offices and their officers."""
    off = sub.add_parser("office", help="offices").add_subparsers(dest="office_cmd", required=True)
    p = off.add_parser("add", help="add an office")
    p.add_argument("code")
    p.add_argument("name")
    p.add_argument("--unit-code", help="unit code that prefixes its dossier codes, e.g. 000.00.31.H29")
    p.set_defaults(func=cmd_office_add)
    p = off.add_parser("list", help="offices in Vietnamese alphabetical order, with their codes and active officers")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: for scripts")
    p.set_defaults(func=cmd_office_list)

    st = sub.add_parser("staff", help="officers").add_subparsers(dest="staff_cmd", required=True)
    p = st.add_parser(
        "list",
        help="officers with their ids (the staff_id of rating.ini), by office and name; no PINs",
        description="Lists officers by office, then name in Vietnamese alphabetical order. The id "
        "column is what a rating tablet's config asks for ([rating] staff_id). PINs are never "
        "shown, only whether one is set.",
    )
    p.add_argument("--office", help="only the officers of this office (its code)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: for scripts")
    p.set_defaults(func=cmd_staff_list)
    p = st.add_parser("add", help="add an officer (prints the new id last)")
    p.add_argument("--office", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--title", default="")
    p.add_argument("--counter", type=int, required=True)
    p.add_argument("--photo", help="JPEG or PNG file, at most 2 MB")
    p.add_argument("--pin-stdin", action="store_true", help="read the officer's PIN (4-8 digits) from standard input")
    p.set_defaults(func=cmd_staff_add)
    p = st.add_parser(
        "move",
        help="move an officer to another office (and counter); ratings she got before the "
        "move, even those a tablet sends later, still count for the office she was in then",
    )
    p.add_argument("id", type=int)
    p.add_argument("--office", required=True)
    p.add_argument("--counter", type=int)
    p.set_defaults(func=cmd_staff_move)
    p = st.add_parser(
        "pin",
        help="set or reset an officer's PIN, read from standard input (4-8 digits)",
        description="Reads the officer's new PIN (4 to 8 digits) from the first line of standard "
        "input, e.g. 'motcua-central staff pin 5' then type it and Enter. Only its hash "
        "is kept; the rating tablets of her office get it with the staff list.",
    )
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_staff_pin)


def _data_commands(sub) -> None:
    """import, procedure delete, export ratings: data in and out."""
    imp = sub.add_parser("import", help="import procedures or dossiers").add_subparsers(dest="what", required=True)
    from central.importers import DOSSIER_HELP, PROCEDURE_HELP

    p = imp.add_parser(
        "procedures",
        help="national-portal JSON or CSV",
        description=PROCEDURE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.set_defaults(func=cmd_import)
    p = imp.add_parser(
        "dossiers",
        help="JSON list or CSV",
        description=DOSSIER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--office", help="office of dossiers without an office column (else found by unit code)")
    p.set_defaults(func=cmd_import)

    proc = sub.add_parser("procedure", help="catalogue").add_subparsers(dest="procedure_cmd", required=True)
    p = proc.add_parser("delete", help="remove procedures from the catalogue")
    p.add_argument("codes", nargs="+")
    p.set_defaults(func=cmd_procedure_delete)

    exp = sub.add_parser("export", help="export data").add_subparsers(dest="export_cmd", required=True)
    p = exp.add_parser(
        "ratings",
        help="ratings as CSV on standard output (no phone numbers: none of the call-back numbers, "
        "and numbers typed into comments hidden)",
    )
    p.add_argument("--office")
    p.add_argument("--from", dest="from_", help="first day (YYYY-MM-DD or ISO time), office time")
    p.add_argument("--to", help="end (exclusive), same forms")
    p.set_defaults(func=cmd_export_ratings)


def _callback_commands(sub) -> None:
    """callbacks list|done: citizens who asked to be called back."""
    cb = sub.add_parser(
        "callbacks",
        help="citizens who left a phone number on the rating tablet to be called back "
        "(the only listing with phone numbers)",
    ).add_subparsers(dest="callbacks_cmd", required=True)
    p = cb.add_parser(
        "list", help="ratings that left a phone number, newest first, tab-separated, with who called back and when"
    )
    p.add_argument("--office", help="only this office (default: all)")
    p.add_argument(
        "--state",
        default="all",
        choices=["open", "done", "all"],
        help="open: not called back yet; done: called back (default: all)",
    )
    p.add_argument("--limit", type=_limit, default=200, help="at most this many, 1-10000 (default 200)")
    p.set_defaults(func=cmd_callbacks_list)
    p = cb.add_parser("done", help="record that an admin called the citizen back (now), with an optional note")
    p.add_argument("id", help="the rating id from 'callbacks list' (its first 8 characters are enough)")
    p.add_argument("--by", required=True, help="the admin account who called (motcua-central admin add NAME)")
    p.add_argument("--note", help="what was said or agreed (at most 500 characters)")
    p.set_defaults(func=cmd_callbacks_done)


def cmd_report(args):
    """report bieu06|late: the figures an office sends upward (central.bieu06), on standard output."""
    from central import bieu06

    if args.format == "xlsx" and sys.stdout.isatty():
        raise CliError("--format xlsx writes a binary file: send it to a file, e.g. > bieu06.xlsx", 2)
    period = bieu06.period_of(day_from=args.from_, day_to=args.to)
    with _engine(args).connect() as conn:
        name = bieu06.office_name(conn, args.office)
        if args.report == "bieu06":
            data = bieu06.report(conn, args.office, period)
        else:
            data = {"office": args.office, "from": period.first.isoformat(), "to": period.last.isoformat()}
            data["items"] = bieu06.late_list(conn, args.office, period)
    label = name or "Tất cả đơn vị"
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.report == "bieu06":
        if args.format == "csv":
            sys.stdout.write(bieu06.to_csv(data, label, args.recipient or ""))
        else:
            sys.stdout.buffer.write(bieu06.to_xlsx(data, label, args.recipient or ""))
    else:
        from central.exports import write_csv, xlsx_bytes

        rows = bieu06.late_rows(data["items"])
        if args.format == "csv":
            write_csv(sys.stdout, rows)
        else:
            sys.stdout.buffer.write(xlsx_bytes(rows, "Hồ sơ quá hạn", widths={"A": 28, "B": 48, "C": 24}))


def cmd_report_votes(args):
    """report votes: the month's ratings as OpenCPS's /Vote/UpdateVote body (central.legal)."""
    from central import bieu06, legal

    with _engine(args).connect() as conn:
        name = bieu06.office_name(conn, args.office) if args.office else ""
        try:
            data = legal.votes(conn, args.month, args.office, name or "")
        except BadInput as err:
            raise CliError(str(err), 2) from None
    print(json.dumps(data, ensure_ascii=False, indent=2))
    if args.push:
        from central import upward

        settings = upward.load(getattr(args, "config", None))
        outcome = upward.push_month(_engine(args), settings, args.month, args.office)
        print(f"push: {outcome}", file=sys.stderr)
        if not outcome.startswith("sent"):
            raise CliError(f"push not done yet: {outcome}", 1)


def cmd_fee_pause(args):
    from central.storage import verdicts

    with _engine(args).begin() as conn:
        if args.fields is None:
            print(" ".join(sorted(verdicts.fee_pause_fields(conn))) or "(none)")
            return
        fields = [f.strip() for f in args.fields.split(",") if f.strip()]
        judged = verdicts.set_fee_pause_fields(conn, fields)
    print(f"status 6 pauses the clock in: {', '.join(fields) or '(no field)'}; {judged} dossiers judged again")


def _report_commands(sub) -> None:
    """report bieu06|late|fee-pause: the official figures (REPORTING.md)."""
    rep = sub.add_parser("report", help="the figures an office reports upward (Biểu 06, late dossiers)").add_subparsers(
        dest="report", required=True
    )
    for name, help_text in (
        (
            "bieu06",
            "Biểu số 06/VPCP/KSTT per field: received (online, in person/by post, carried over), "
            "finished (early, on time, late), open (in time, late), and the two rates",
        ),
        ("late", "the late dossiers of the period: code, procedure, field, appointment, days late, apology"),
    ):
        p = rep.add_parser(name, help=help_text)
        p.add_argument("--office", help="office code (default: all offices, the province)")
        p.add_argument("--from", dest="from_", metavar="YYYY-MM-DD", required=True, help="first day (office time)")
        p.add_argument("--to", metavar="YYYY-MM-DD", required=True, help="last day, included")
        p.add_argument(
            "--format",
            choices=["json", "csv", "xlsx"],
            default="json",
            help="json (default), or the form's layout as csv or xlsx (write xlsx to a file: > bieu06.xlsx)",
        )
        if name == "bieu06":
            p.add_argument("--recipient", help="Đơn vị nhận báo cáo, printed in the form's header")
        p.set_defaults(func=cmd_report)
    p = rep.add_parser(
        "votes",
        help="a month's rating aggregate in the shape OpenCPS sends to a province's exchange platform "
        "(/Vote/UpdateVote): TotalVoted and PercentVeryGood / PercentGood / PercentBad, per question",
    )
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="the month (office time)")
    p.add_argument("--office", help="office code (default: all offices)")
    p.add_argument("--format", choices=["json"], default="json", help="json (the only one)")
    p.add_argument(
        "--push",
        action="store_true",
        help="also send it to [upward] url (OAuth2 client credentials); on failure it is kept and retried; "
        "while a server process is sending that month, says so and sends nothing",
    )
    p.set_defaults(func=cmd_report_votes)
    p = rep.add_parser(
        "fee-pause",
        help="fields (lĩnh vực codes) where status 6 (nghĩa vụ tài chính) pauses the clock; "
        "without --fields, print them (none by default)",
    )
    p.add_argument("--fields", help='comma-separated field codes, e.g. "G09-TN01,G09-TN02"; "" for none')
    p.set_defaults(func=cmd_fee_pause)


def _demo_commands(sub) -> None:
    """seed-demo, demo-hints: the sample office."""
    sub.add_parser("seed-demo", help="load the sample offices, staff, catalogue, dossiers and ratings").set_defaults(
        func=cmd_seed_demo
    )
    sub.add_parser("demo-hints", help="print a few demo dossier codes and secrets to try").set_defaults(
        func=cmd_demo_hints
    )


def _port(text: str) -> int:
    """argparse type of --port: a TCP port number."""
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f'"{text}" is not a port number 1-65535')
    return int(text)


def database_problem(err: Exception, db: str | None) -> str:
    """A sentence for a database the command could not use: not set up yet, or not reachable."""
    where = _where(db)
    text = str(getattr(err, "orig", err)).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        init = "motcua-central init" if not db else f"motcua-central --db {where if '://' in db else db} init"
        return f"the database {where} is not set up for this version of motcua; run: {init}"
    if "file is not a database" in first:  # SQLite: the path names some other file
        return (
            f"{db or where} is not a database (SQLite cannot read it): give --db the file that "
            "`motcua-central init` created, or the path of a new file for init to create"
        )
    return f"cannot use the database {where}: {first}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (OperationalError, ProgrammingError) as err:  # not initialised, not reachable, locked
        print(f"motcua-central: {database_problem(err, args.db)}", file=sys.stderr)
        return 1
    except DatabaseError as err:  # e.g. a --db path that is some other file
        if isinstance(err, IntegrityError):
            raise
        print(f"motcua-central: {database_problem(err, args.db)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `motcua-central export ratings | head`: the reader stopped reading
        return stdout_closed()
    except CliError as err:
        print(f"motcua-central: {err}", file=sys.stderr)
        return err.exit_code
    except BadInput as err:  # central.errors: what the admin typed or gave; nothing was written
        print(f"motcua-central: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:  # central.ini or a MOTCUA_* variable: every problem, one per line
        print(f"motcua-central: {err}", file=sys.stderr)
        return 2
    finally:
        while _opened:
            _opened.pop().dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
