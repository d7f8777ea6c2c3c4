"""One pass of a connector: read what changed at the source, store it the way imports do.

Each item is mapped (central.connectors.sources), its status put through the connector's status
map, and checked by the import's own check (central.importers.check_dossier): a dossier read from a
source obeys the import's rules (codes, times, personal fields). Then, a page at a time, only what
differs from what the source said last time (`dossiers.source_hash`) is written, by the one store
function (central.dossiers.store).

Nothing lost, nothing wrong:
- the cursor (the newest modified time a complete pass read) moves only when a pass ends well, and
  not when the list changed under it (its total moved between two pages): the next pass re-reads
  from the old cursor, and what it finds again is "unchanged";
- a timeout, a refusal, an answer that is not the expected shape ends the pass with an error naming
  the connector, the request and the cause (kept for the dashboard); the page that failed wrote
  nothing, and the pages before it wrote only what the source said;
- an item whose status the map lacks is left as it was (not written) and its status counted for
  the dashboard; an item that cannot be read is skipped and named by its code and field.
Pages are read newest-modified first where the source sorts so; then reading stops once items are
older than the cursor. A source that does not sort is read whole each pass (unchanged items cost a
hash comparison, not a write).
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from central import leases, portal
from central.leases import owner_id  # noqa: F401 - re-exported for the runner and commands
from central.cleantext import storable
from central.connectors.config import Connector
from central.connectors.sources import BadItem, Item, SourceError, source_for
from central.dossiers import store
from central.importers import check_dossier
from central.storage.schema import connectors, dossiers, offices, procedures
from central.security import lookup_key
from central.timeutil import to_db, utcnow
from motcua import officetime

log = logging.getLogger(__name__)
CHUNK = 500
MAX_PROBLEMS = 20
EXCHANGE_OVERLAP = timedelta(minutes=10)  # dvcqg: the next pass asks from this long before the last began


class SyncFailed(Exception):
    """A pass that could not finish; the message names the connector, the URL and the cause."""


@dataclass
class PassResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    unknown: dict = field(default_factory=dict)  # source status -> {"count", "example"}
    problems: list = field(default_factory=list)  # "CODE: field: what" (never a personal value)
    cursor: str | None = None

    def summary(self, name: str) -> str:
        text = f"{name}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.skipped} skipped"
        if self.unknown:
            text += " (unknown statuses: " + ", ".join(f"{s} x{v['count']}" for s, v in self.unknown.items()) + ")"
        return text


def _write(engine, fn):
    return leases.write(engine, fn)


def ensure_row(engine, spec: Connector) -> None:
    def add(conn):
        have = conn.execute(select(connectors.c.name).where(connectors.c.name == spec.name)).first()
        if have is None:
            conn.execute(insert(connectors).values(name=spec.name, kind=spec.kind, url=spec.url))
        else:
            conn.execute(update(connectors).where(connectors.c.name == spec.name).values(kind=spec.kind, url=spec.url))

    try:
        _write(engine, add)
    except IntegrityError:  # another process added it at the same moment
        pass


def take_lease(engine, name: str, owner: str, seconds: float) -> bool:
    """True when `owner` now holds the connector (central.leases: one atomic UPDATE)."""
    return leases.take(engine, connectors, connectors.c.name, name, owner, seconds)


def release_lease(engine, name: str, owner: str) -> None:
    leases.release(engine, connectors, connectors.c.name, name, owner)


def ran_within(engine, name: str, seconds: float) -> bool:
    """True when a pass of the connector ended (well or not) less than `seconds` ago, in any process."""
    with engine.connect() as conn:
        last = conn.execute(select(connectors.c.last_run_at).where(connectors.c.name == name)).scalar()
    return last is not None and (utcnow() - last).total_seconds() < seconds


def lease_holder(engine, name: str) -> str | None:
    return leases.holder(engine, connectors, connectors.c.name, name)


class Context:
    """What mapping needs from the database, read once per pass: the lookup-secret key, the offices
    by unit code, procedure names."""

    def __init__(self, engine, spec: Connector):
        with engine.connect() as conn:
            self.key = lookup_key(conn)
            known = {r.code: r.unit_code for r in conn.execute(select(offices.c.code, offices.c.unit_code))}
            self.names = dict(conn.execute(select(procedures.c.code, procedures.c.name)).all())
        if spec.office and spec.office not in known:
            raise SyncFailed(
                f"connector {spec.name} ({spec.url}): office {spec.office} is not on the server "
                "(motcua-central office add)"
            )
        self.known, self.by_unit, self.spec = known, {u: c for c, u in known.items() if u}, spec


def national(status: str, spec: Connector) -> int | None:
    """The national 1..10 of a source status: with a status map, the map's (a source's own numbers,
    as iGate's, are never taken for national ones); without, the status itself when it is 1..10;
    None when unknown."""
    text = (status or "").strip()
    if spec.status_map:
        return spec.status_map.get(text.lower())
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 10:
        return int(text)
    return None


def to_row(item: Item, ctx: Context, result: PassResult, now, source: str):
    """(values, steps) for dossiers.store, or None when the item is skipped (counted in result)."""
    status = national(item.status, ctx.spec)
    if status is None:
        seen = result.unknown.setdefault(item.status or "(empty)", {"count": 0, "example": item.code})
        seen["count"] += 1
        result.skipped += 1
        return None
    record = dict(item.record, status=status)
    if item.steps:
        record["steps"] = item.steps  # a lookup's step history, checked like an import's steps
    unit = record.pop("unit_code", "")
    extended = record.get("extended_due_at")

    def office_for(code, column):
        chosen = column or ctx.spec.office or ctx.by_unit.get(unit) or ctx.by_unit.get(code.rsplit("-", 2)[0])
        if not chosen:
            raise portal.BadRecord("office", "no office set for the connector and none has the dossier's unit code")
        if chosen not in ctx.known:
            raise portal.BadRecord("office", f'"{chosen}" is not a known office')
        return chosen

    try:
        values, steps = check_dossier(record, office_for, secret_key=ctx.key)
    except portal.BadRecord as bad:
        result.skipped += 1
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(f"{item.code}: {bad}")
        return None
    if values.get("secret_hash") is None:
        values.pop("secret_hash", None)  # a source never gives the secret: keep an imported one
    if extended is not None and "extended_due_at" in dossiers.c and values.get("extended_due_at") is None:
        values["extended_due_at"] = to_db(extended)
    values["procedure_name"] = values["procedure_name"] or ctx.names.get(values["procedure_code"], "")
    digest = json.dumps([values, steps, item.source_id], sort_keys=True, default=str)
    values.update(
        source=source,
        source_id=item.source_id
        if item.source_id and len(item.source_id) <= 128 and storable(item.source_id)
        else None,
        source_hash=hashlib.sha256(digest.encode()).hexdigest(),
        synced_at=now,
    )
    return values, steps


def write_page(engine, rows: list, result: PassResult, now) -> dict:
    """Stores the rows that differ from what their source said last time; the rest only get synced_at.
    Answers {code: "added" | "updated" | "unchanged"}."""
    if not rows:
        return {}

    def write(conn):
        codes = [values["code"] for values, _ in rows]
        stored = {}
        for i in range(0, len(codes), CHUNK):
            q = select(dossiers.c.code, dossiers.c.source_hash).where(dossiers.c.code.in_(codes[i : i + CHUNK]))
            stored.update(conn.execute(q).all())
        changed = [(v, s) for v, s in rows if stored.get(v["code"]) != v["source_hash"]]
        same = [v["code"] for v, _ in rows if stored.get(v["code"]) == v["source_hash"]]
        for i in range(0, len(same), CHUNK):
            conn.execute(update(dossiers).where(dossiers.c.code.in_(same[i : i + CHUNK])).values(synced_at=now))
        added, updated = store(conn, changed)
        outcome = {v["code"]: ("added" if v["code"] not in stored else "updated") for v, _ in changed}
        return added, updated, len(same), dict(outcome, **{code: "unchanged" for code in same})

    added, updated, same, outcome = _write(engine, write)
    result.added += added
    result.updated += updated
    result.unchanged += same
    return outcome


def run_pass(engine, spec: Connector, renew=None, source=None) -> PassResult:
    """One incremental pass; raises SyncFailed (after recording the error) when the source fails.
    `renew()`, when given, is called after each page (a long first pass keeps its lease)."""
    ensure_row(engine, spec)
    with engine.connect() as conn:
        state = conn.execute(select(connectors.c.cursor).where(connectors.c.name == spec.name)).first()
    cursor_raw = json.loads(state.cursor).get("modified") if state and state.cursor else None
    cursor_at = None
    if cursor_raw and spec.kind != "dvcqg":
        try:
            cursor_at = officetime.parse_any(cursor_raw)
        except ValueError:
            cursor_raw = None
    result, now, began = PassResult(), utcnow(), officetime.now()
    own = source is None
    source = source or source_for(spec)
    try:
        ctx = Context(engine, spec)
        seen, newest, newest_raw, previous, descending, totals = set(), None, None, None, True, set()
        held_back = None  # the oldest item left out for its status: the next pass reads from it again
        for data, total, _start in source.pages(cursor_raw):
            if total is not None:
                totals.add(total)
            rows = []
            for raw in data:
                try:
                    item = source.item(raw)
                except BadItem as bad:
                    result.skipped += 1
                    if len(result.problems) < MAX_PROBLEMS:
                        result.problems.append(str(bad))
                    continue
                if item.code in seen:  # the list moved under us: the same dossier twice
                    continue
                seen.add(item.code)
                if item.modified is not None:
                    if previous is not None and item.modified > previous:
                        descending = False
                    previous = item.modified
                    if newest is None or item.modified > newest:
                        newest, newest_raw = item.modified, item.modified_raw
                row = to_row(item, ctx, result, now, spec.name)
                if row is not None:
                    rows.append(row)
                elif item.modified is not None and (held_back is None or item.modified < held_back[0]):
                    held_back = (item.modified, item.modified_raw)
            write_page(engine, rows, result, now)
            if renew is not None:
                renew()
            if descending and cursor_at is not None and previous is not None and previous < cursor_at:
                break  # everything after this is older than the last complete pass
    except SourceError as exc:
        _failed(engine, spec, f"connector {spec.name} ({spec.url}): {exc}")
    except SyncFailed as exc:
        _failed(engine, spec, str(exc))
    finally:
        if own:
            source.close()
    if spec.kind == "dvcqg":
        result.cursor = (began - EXCHANGE_OVERLAP).strftime("%Y%m%d%H%M%S")
    elif len(totals) > 1:
        result.cursor = cursor_raw  # the list changed during the pass: read again from the old cursor
    elif newest is not None and (cursor_at is None or newest > cursor_at):
        result.cursor = newest_raw
    else:
        result.cursor = cursor_raw
    if spec.kind != "dvcqg" and held_back is not None:
        # Items left out (a status the map lacks) are read again by every pass until they are stored,
        # so a row added to the map takes effect without waiting for the source to change them.
        moved_to = officetime.parse_any(result.cursor) if result.cursor else None
        if moved_to is None or held_back[0] < moved_to:
            result.cursor = held_back[1]
    _succeeded(engine, spec, result)
    for problem in result.problems:
        log.warning("connector %s: skipped %s", spec.name, problem)
    return result


def _storable(text: str) -> str:
    """A source's words (an error message) as text every database stores: no NUL, no lone surrogate."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _failed(engine, spec: Connector, message: str):
    message = _storable(message)
    log.warning("%s", message)
    stmt = (
        update(connectors)
        .where(connectors.c.name == spec.name)
        .values(last_error=message[:1000], last_error_at=utcnow(), last_run_at=utcnow())
    )
    _write(engine, lambda conn: conn.execute(stmt))
    raise SyncFailed(message) from None


def _succeeded(engine, spec: Connector, result: PassResult) -> None:
    now = utcnow()
    stmt = (
        update(connectors)
        .where(connectors.c.name == spec.name)
        .values(
            cursor=json.dumps({"modified": result.cursor}) if result.cursor else None,
            last_run_at=now,
            last_success_at=now,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=result.skipped,
            unknown_statuses=json.dumps(result.unknown) if result.unknown else None,  # ASCII: any status stores
        )
    )
    _write(engine, lambda conn: conn.execute(stmt))


def status_rows(engine) -> list:
    """Every connector's state for the dashboard, with the lag (seconds since its last success)."""
    with engine.connect() as conn:
        rows = conn.execute(select(connectors).order_by(connectors.c.name)).all()
    now, found = utcnow(), []
    for r in rows:
        d = dict(r._mapping)
        d["lag_s"] = int((now - r.last_success_at).total_seconds()) if r.last_success_at else None
        d["unknown"] = json.loads(r.unknown_statuses) if r.unknown_statuses else {}
        d["failing"] = r.last_error_at is not None and (
            r.last_success_at is None or r.last_error_at > r.last_success_at
        )
        found.append(d)
    return found
