"""Live lookup through the source (issue 16, item 7): a kiosk asks for a code the server does not
hold, or holds stale, or with a receipt secret the server cannot check (a dossier read from a
source carries no secret), and a connector with `live_lookup = yes` asks its source, within
`lookup_timeout_seconds` (less than the kiosk's own timeout).

- OpenCPS: the dossier is found by `dossierNo` (or its stored `dossierId`), then
  `GET /dossiers/{id}` with the receipt's secret as the `secretCode` header; HTTP 203 (wrong
  secret) is answered with the same 404 as today, and a right one adds the step history
  (`/dossierlogs/{id}/logs`). The exchange platform: `TraCuuHoSo {mahoso}` (it checks no secret:
  the public view only).
- What the source says is stored like a sync pass's item (the public view is then served from the
  server, and the next lookups within `stale_seconds` never leave it); the secret is passed through
  and never stored or logged.
- A source that is slow, down or answers garbage changes nothing: the server answers from what it
  holds (the public view; steps only when its own stored secret matches), or the usual 404.
"""

import logging
from datetime import timedelta

import anyio
from anyio.to_thread import run_sync

from central.connectors.sources import BadItem, NotFound, SourceError, WrongSecret, source_for
from central.connectors.sync import Context, PassResult, SyncFailed, to_row, write_page
from central.timeutil import utcnow

log = logging.getLogger(__name__)

FOUND, MISS, HELD = "found", "miss", "held"  # answer the stored (fresh) row; 404; answer what is held


def candidates(connectors: dict, code: str, row, unit_offices: dict) -> list:
    """The live connectors to ask about `code`: the one it came from, else those of its office."""
    live = [c for c in connectors.values() if c.live_lookup]
    if row is not None:
        return [c for c in live if c.name == row.source]
    office = unit_offices.get(code.rsplit("-", 2)[0])
    mine = [c for c in live if c.office and c.office == office]
    return mine or [c for c in live if not c.office] or live


def needs_source(spec, row, secret: str | None) -> bool:
    if row is None:
        return True
    if secret is not None and row.secret_hash is None:
        return True  # the source checks the secret
    return row.synced_at is None or utcnow() - row.synced_at > timedelta(seconds=spec.stale_s)


def ask(engine, spec, code: str, secret: str | None, source_id: str | None) -> tuple[str, bool]:
    """(FOUND | MISS | HELD, whether the source accepted the secret); runs in a worker thread."""
    source = source_for(spec)
    try:
        item = source.lookup(code, secret, source_id)
        ctx = Context(engine, spec)
        result, now = PassResult(), utcnow()
        row = to_row(item, ctx, result, now, spec.name)
        if row is None:  # a status the map lacks, or an item that cannot be read: keep what is held
            log.warning("connector %s: live lookup of %s not stored (%s)", spec.name, code, result.problems or "status")
            return HELD, False
        write_page(engine, [row], result, now)
        return FOUND, secret is not None and spec.kind == "opencps"
    except WrongSecret:
        return MISS, False
    except NotFound:
        return MISS, False
    except (SourceError, BadItem, SyncFailed) as exc:
        log.warning("connector %s: live lookup failed: %s", spec.name, exc)
        return HELD, False
    finally:
        source.close()


async def lookup(engine, connectors: dict, code: str, secret: str | None, row, unit_offices: dict):
    """(FOUND | MISS | HELD, secret accepted) or None when no connector is asked."""
    for spec in candidates(connectors, code, row, unit_offices):
        if not needs_source(spec, row, secret):
            return None
        with anyio.move_on_after(spec.lookup_timeout_s + 0.5):
            source_id = row.source_id if row is not None else None
            return await run_sync(ask, engine, spec, code, secret, source_id, abandon_on_cancel=True)
        log.warning("connector %s: live lookup of %s took longer than %g s", spec.name, code, spec.lookup_timeout_s)
        return HELD, False
    return None
