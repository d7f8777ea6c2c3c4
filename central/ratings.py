"""Rating ingest: validate each item, store it exactly once, classify the rest, find seq gaps.

Uniqueness is the database's job (primary key on the rating id, unique (device, device_seq),
unique (office, dossier_code) where a code is given); the pre-checks here only give better
reasons. Each item is inserted in its own savepoint, so one bad item never fails the batch, and a
concurrent twin from another server process surfaces as IntegrityError → re-read → classified.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from central import rules
from central.cleantext import storable
from central.errors import BadInput
from central.staff import belonged_to
from central.storage.schema import devices, rating_gaps, ratings
from central.timeutil import OFFICE_TZ, BadTime, parse_time, to_db, utcnow
from motcua import dossier_code
from motcua.scale import DEFAULT_SCALE, SCALES

# A tablet's clock is trusted within these bounds (docs/ARCHITECTURE.md, rating item): before the
# first of 2020 (office time) or more than a day after the server received it, the clock is wrong.
EARLIEST_CREATED = to_db(datetime(2020, 1, 1, tzinfo=OFFICE_TZ))
MAX_AHEAD = timedelta(days=1)


@lru_cache(maxsize=8)
def reason_codes(custom: str = "") -> frozenset:
    """The reason codes a rating may carry: the standard ones (rules.REASON_LABELS) and the
    office's own, `custom` being [server] custom_reason_codes (comma-separated)."""
    return frozenset(rules.REASON_LABELS) | {c.strip() for c in custom.split(",") if c.strip()}


class Status(StrEnum):
    """An item's answer in a batch (`status` on the wire, docs/ARCHITECTURE.md)."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the same id with the same content is stored: delivered
    CONFLICT = "conflict"  # the same id with other content is stored
    REJECTED = "rejected"  # `reason` says why


class Reason(StrEnum):
    """The `reason` of an answer other than `invalid:<field>` (Invalid)."""

    DIFFERENT_CONTENT = "different_content"
    SEQ_TAKEN = "seq_taken"  # its device_seq belongs to another rating of the device
    ALREADY_RATED = "already_rated"  # the dossier has a rating
    WRONG_OFFICE = "wrong_office"
    UNKNOWN_STAFF = "unknown_staff"
    CONSTRAINT = "constraint"  # the database refused it for a reason none of the above explains


class Outcome(NamedTuple):
    """What happened to one item of a batch."""

    status: Status
    reason: str | None = None


ACCEPTED = Outcome(Status.ACCEPTED)


class Invalid(BadInput):
    """An item the client must quarantine; `reason` is what the response says (its result, never an
    HTTP error)."""

    def __init__(self, reason: str):
        super().__init__(reason.partition("invalid:")[2] or None, reason)
        self.reason = reason


def _int(raw: dict, name: str, low: int, high: int, required: bool = True):
    value = raw.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"invalid:{name}")
    return value


def _text(raw: dict, name: str, limit: int):
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or not storable(value):
        raise Invalid(f"invalid:{name}")
    return value.strip() or None


def _created_at(raw: dict, now: datetime) -> datetime:
    """The tablet's time of the rating, stored as naive UTC, within the clock bounds above."""
    try:
        created = to_db(parse_time(raw.get("created_at")))
    except BadTime:
        raise Invalid("invalid:created_at") from None
    if not EARLIEST_CREATED <= created <= now + MAX_AHEAD:
        raise Invalid("invalid:created_at")
    return created


def _reasons(raw: dict, allowed: frozenset) -> list[str]:
    reasons = raw.get("reasons") or []
    if (
        not isinstance(reasons, list)
        or len(reasons) > 50
        or not all(isinstance(r, str) and r in allowed for r in reasons)
    ):
        raise Invalid("invalid:reasons")
    return reasons


def normalize(raw, now: datetime | None = None, reasons: frozenset | None = None) -> dict:
    """Wire item → the stored columns (without device and received_at), or raises Invalid.
    `now` (naive UTC, default the clock) is when the server received it; `reasons` the codes it may
    carry (reason_codes(): the standard ones by default)."""
    if not isinstance(raw, dict):
        raise Invalid("invalid:item")
    rid = raw.get("id")
    try:
        if not isinstance(rid, str):
            raise ValueError
        rid = str(uuid.UUID(rid))
    except ValueError:
        raise Invalid("invalid:id") from None
    seq = _int(raw, "device_seq", 1, 2**31 - 1)
    created = _created_at(raw, now or utcnow())
    office = _text(raw, "office", 64)
    if office is None:
        raise Invalid("invalid:office")
    scale = DEFAULT_SCALE if raw.get("scale") is None else _int(raw, "scale", min(SCALES), max(SCALES))
    score = _int(raw, "score", 1, scale)
    reasons = _reasons(raw, reason_codes() if reasons is None else reasons)
    dossier = _text(raw, "dossier_code", 64)
    return {
        "id": rid,
        "device_seq": seq,
        "created_at": created,
        "office_code": office,
        "counter": _int(raw, "counter", 0, 9999, required=False),
        "staff_id": _int(raw, "staff_id", 1, 2**31 - 1, required=False),
        "scale": scale,
        "score": score,
        "reasons": json.dumps(sorted(set(reasons)), ensure_ascii=False),
        "comment": _text(raw, "comment", 2000),
        "phone": _text(raw, "phone", 32),
        "dossier_code": dossier_code.normalise(dossier) if dossier else None,
    }


def content_hash(values: dict) -> str:
    """Equality of two items 'as sent, normalised' (times parsed, reasons sorted)."""
    canon = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
    return hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Stored:
    """What the database holds that an item may clash with, read for a whole batch (`read`); items
    accepted earlier in the batch are added (`add`), so they count for the later ones."""

    hashes: dict  # rating id → content hash
    seqs: set  # device_seq values taken on the device
    rated: set  # (office code, dossier code) already rated

    @classmethod
    def read(cls, conn: Connection, device_id: int, rows: list[dict]) -> "Stored":
        """Three queries per batch (not per item): stored hashes by id, taken seqs, rated dossiers."""
        # Ids are read LAST: under READ COMMITTED a twin committed between these statements shows up
        # in the later ones, so it is seen as the same id (duplicate), never as seq_taken/already_rated.
        seqs = set(
            conn.execute(
                select(ratings.c.device_seq).where(
                    ratings.c.device_id == device_id, ratings.c.device_seq.in_([v["device_seq"] for v in rows])
                )
            ).scalars()
        )
        codes = {(v["office_code"], v["dossier_code"]) for v in rows if v["dossier_code"]}
        rated = set()
        if codes:
            # Both columns of the (office_code, dossier_code) index: on the dossier code alone the
            # database walks the whole index for every batch that links a dossier.
            rated = {
                (r[0], r[1])
                for r in conn.execute(
                    select(ratings.c.office_code, ratings.c.dossier_code).where(
                        ratings.c.office_code.in_(sorted({o for o, _ in codes})),
                        ratings.c.dossier_code.in_(sorted({c for _, c in codes})),
                    )
                )
            }
        ids = [v["id"] for v in rows]
        hashes = dict(conn.execute(select(ratings.c.id, ratings.c.content_hash).where(ratings.c.id.in_(ids))).all())
        return cls(hashes, seqs, rated)

    def classify(self, values: dict, digest: str) -> Outcome:
        """The one classifier: the same id first (duplicate when the content is the same, else
        conflict), then a taken device_seq, then a dossier already rated; else ACCEPTED."""
        if values["id"] in self.hashes:
            same = self.hashes[values["id"]] == digest
            return Outcome(Status.DUPLICATE) if same else Outcome(Status.CONFLICT, Reason.DIFFERENT_CONTENT)
        if values["device_seq"] in self.seqs:
            return Outcome(Status.REJECTED, Reason.SEQ_TAKEN)
        if values["dossier_code"] and (values["office_code"], values["dossier_code"]) in self.rated:
            return Outcome(Status.REJECTED, Reason.ALREADY_RATED)
        return ACCEPTED

    def add(self, values: dict, digest: str) -> None:
        self.hashes[values["id"]] = digest
        self.seqs.add(values["device_seq"])
        if values["dossier_code"]:
            self.rated.add((values["office_code"], values["dossier_code"]))


def _checked(
    conn: Connection, office: str | None, items: list, now: datetime, reasons: frozenset | None
) -> tuple[list[dict], list[tuple[int, dict, str]]]:
    """(an answer per item, rejected until stored; (position, values, digest) of the valid ones)."""
    results: list[dict] = []
    valid: list[tuple[int, dict, str]] = []
    staff_office: dict = {}  # officers looked up in this batch (central.staff.belonged_to)
    for raw in items:
        rid = raw.get("id") if isinstance(raw, dict) else None
        results.append({"id": rid, "status": Status.REJECTED, "reason": None})
        try:
            values = normalize(raw, now, reasons)
            if office is not None and values["office_code"] != office:
                raise Invalid(Reason.WRONG_OFFICE)
            sid = values["staff_id"]  # judged by the office she was in when the rating was made
            if sid is not None and not belonged_to(
                conn, sid, values["office_code"], values["created_at"], staff_office
            ):
                raise Invalid(Reason.UNKNOWN_STAFF)
        except Invalid as bad:
            results[-1]["reason"] = bad.reason
            continue
        valid.append((len(results) - 1, values, content_hash(values)))
    return results, valid


def _store(conn: Connection, device_id: int, valid: list, results: list[dict], now: datetime) -> list[int]:
    """Classifies and stores the valid items, answering each in `results`; returns the stored seqs."""
    stored = Stored.read(conn, device_id, [v for _, v, _ in valid])
    fresh = []
    for pos, values, digest in valid:
        outcome = stored.classify(values, digest)
        if outcome is ACCEPTED:
            stored.add(values, digest)
            fresh.append((pos, values, digest))
        results[pos].update(outcome._asdict())
    rows = [dict(v, device_id=device_id, received_at=now, content_hash=d) for _, v, d in fresh]
    try:
        if rows:
            with conn.begin_nested():  # the common case: one statement for the whole batch
                conn.execute(insert(ratings), rows)
        return [v["device_seq"] for _, v, _ in fresh]
    except IntegrityError:
        # A twin committed meanwhile (another worker or server process): item by item, the stored
        # row decides.
        accepted = []
        for pos, values, digest in fresh:
            outcome = _insert_one(conn, device_id, values, digest, now)
            results[pos].update(outcome._asdict())
            if outcome is ACCEPTED:
                accepted.append(values["device_seq"])
        return accepted


def ingest(conn: Connection, device_id: int, office: str | None, items: list, reasons: frozenset | None = None) -> dict:
    """Stores a batch inside the caller's transaction; returns {"results", "gaps", "max_seq"}.

    `office` is the device's office (None for an admin, who may post for any office); `reasons` the
    reason codes the server accepts (reason_codes(custom_reason_codes); the standard ones by default).
    Every item of the batch is judged against one time, when it was received.
    """
    now = utcnow()
    results, valid = _checked(conn, office, items, now, reasons)
    accepted_seqs = _store(conn, device_id, valid, results, now) if valid else []
    gaps = record_gaps(conn, device_id, accepted_seqs) if accepted_seqs else []
    if accepted_seqs:
        mark_quick(conn, device_id, accepted_seqs)
    return {"results": results, "gaps": gaps, "max_seq": note_clashes(conn, device_id, results, now)}


def note_clashes(conn: Connection, device_id: int, results: list[dict], now) -> int:
    """Counts this batch's `seq_taken` answers on the device's row; returns its highest stored seq.

    A device whose store was lost or damaged numbers its ratings again from what it still knows, so
    a number it sends may already belong to another rating. The answer's `max_seq` lets it number
    those items again above it (docs/ARCHITECTURE.md, "Device sequence"); the clash stays visible."""
    clashes = sum(1 for r in results if r["reason"] == Reason.SEQ_TAKEN)
    if clashes:
        conn.execute(
            update(devices)
            .where(devices.c.id == device_id)
            .values(seq_clashes=devices.c.seq_clashes + clashes, last_seq_clash_at=now)
        )
    return conn.execute(select(devices.c.max_seq).where(devices.c.id == device_id)).scalar() or 0


def _insert_one(conn: Connection, device_id: int, values: dict, digest: str, now) -> Outcome:
    """One item in its own savepoint, classified by what is stored before and, if the insert
    fails, after (a twin committed meanwhile)."""
    outcome = Stored.read(conn, device_id, [values]).classify(values, digest)
    if outcome is not ACCEPTED:
        return outcome
    try:
        with conn.begin_nested():
            conn.execute(insert(ratings).values(**values, device_id=device_id, received_at=now, content_hash=digest))
        return ACCEPTED
    except IntegrityError:
        outcome = Stored.read(conn, device_id, [values]).classify(values, digest)
        return outcome if outcome is not ACCEPTED else Outcome(Status.REJECTED, Reason.CONSTRAINT)


def record_gaps(conn: Connection, device_id: int, seqs: list[int]) -> list[list[int]]:
    """Updates the device's highest seq and its open gaps; returns gaps first seen in this batch."""
    prev_max = conn.execute(select(devices.c.max_seq).where(devices.c.id == device_id)).scalar() or 0
    for seq in (s for s in seqs if s <= prev_max):  # a late item fills (part of) an old gap
        for gap in conn.execute(
            select(rating_gaps).where(
                rating_gaps.c.device_id == device_id, rating_gaps.c.from_seq <= seq, rating_gaps.c.to_seq >= seq
            )
        ).all():
            conn.execute(delete(rating_gaps).where(rating_gaps.c.id == gap.id))
            pieces = [(gap.from_seq, seq - 1), (seq + 1, gap.to_seq)]
            for lo, hi in pieces:
                if lo <= hi:
                    conn.execute(
                        insert(rating_gaps).values(
                            device_id=device_id, from_seq=lo, to_seq=hi, detected_at=gap.detected_at
                        )
                    )
    new_max = max(prev_max, max(seqs))
    if new_max == prev_max:
        return []
    present = set(
        conn.execute(
            select(ratings.c.device_seq).where(and_(ratings.c.device_id == device_id, ratings.c.device_seq > prev_max))
        ).scalars()
    )
    gaps, expected = [], prev_max + 1
    for seq in sorted(present):  # walk what is stored, never the (client-chosen) range itself
        if seq > expected:
            gaps.append([expected, seq - 1])
        expected = seq + 1
    now = utcnow()
    for lo, hi in gaps:
        conn.execute(insert(rating_gaps).values(device_id=device_id, from_seq=lo, to_seq=hi, detected_at=now))
    conn.execute(update(devices).where(devices.c.id == device_id, devices.c.max_seq < new_max).values(max_seq=new_max))
    return gaps


def _runs(seqs: list[int]) -> list[tuple[int, int]]:
    """Sorted runs of consecutive numbers: [1, 2, 3, 7, 9, 10] → [(1, 3), (7, 7), (9, 10)]."""
    out: list[list[int]] = []
    for seq in sorted(set(seqs)):
        if out and seq == out[-1][1] + 1:
            out[-1][1] = seq
        else:
            out.append([seq, seq])
    return [(a, b) for a, b in out]


def _flag_changes(rows, has_predecessor: bool) -> list[dict]:
    """rows: (id, device_seq, created_at, quick) in seq order. The first row's own flag is left as
    it is when it is the predecessor fetched for context; otherwise it has no previous rating."""
    changes = []
    for i, row in enumerate(rows):
        if i == 0:
            if has_predecessor:
                continue
            quick = False
        else:
            quick = rules.is_quick((row.created_at - rows[i - 1].created_at).total_seconds())
        if bool(row.quick) != quick:
            changes.append({"rid": row.id, "flag": quick})
    return changes


def _apply(conn: Connection, changes: list[dict]) -> None:
    if changes:
        conn.execute(update(ratings).where(ratings.c.id == bindparam("rid")).values(quick=bindparam("flag")), changes)


def mark_quick(conn: Connection, device_id: int, seqs: list[int]) -> None:
    """Sets ratings.quick for the ratings just stored (`seqs`) and for the stored rating after each run
    of them (a late item changes its successor's previous rating). Reads, per run of consecutive
    seqs, the run and its two neighbours through the (device_id, device_seq) index."""
    for first, last in _runs(seqs):
        before = (
            select(func.max(ratings.c.device_seq))
            .where(ratings.c.device_id == device_id, ratings.c.device_seq < first)
            .scalar_subquery()
        )
        after = (
            select(func.min(ratings.c.device_seq))
            .where(ratings.c.device_id == device_id, ratings.c.device_seq > last)
            .scalar_subquery()
        )
        rows = conn.execute(
            select(ratings.c.id, ratings.c.device_seq, ratings.c.created_at, ratings.c.quick)
            .where(
                ratings.c.device_id == device_id,
                ratings.c.device_seq.between(func.coalesce(before, first), func.coalesce(after, last)),
            )
            .order_by(ratings.c.device_seq)
        ).all()
        _apply(conn, _flag_changes(rows, has_predecessor=bool(rows) and rows[0].device_seq < first))


def backfill_quick(conn: Connection, chunk: int = 5000) -> int:
    """Sets ratings.quick for every stored rating (migration 0006), device by device in seq order;
    returns how many are quick."""
    quick = 0
    for device_id in conn.execute(select(ratings.c.device_id).distinct()).scalars().all():
        previous = None
        last_seq = 0
        while True:
            rows = conn.execute(
                select(ratings.c.id, ratings.c.device_seq, ratings.c.created_at, ratings.c.quick)
                .where(ratings.c.device_id == device_id, ratings.c.device_seq > last_seq)
                .order_by(ratings.c.device_seq)
                .limit(chunk)
            ).all()
            if not rows:
                break
            window = ([previous] if previous is not None else []) + rows
            changes = _flag_changes(window, has_predecessor=previous is not None)
            _apply(conn, changes)
            flags = {c["rid"]: c["flag"] for c in changes}
            quick += sum(1 for r in rows if flags.get(r.id, bool(r.quick)))
            previous, last_seq = rows[-1], rows[-1].device_seq
    return quick


CLOCK_SHOWN_S = 600  # a tablet clock further than this from the server's is shown (device lists)
CLOCK_SAMPLE = 20  # the latest ratings (by device_seq) that tell when a tablet last delivered some


def skewed_clocks(conn: Connection) -> dict[int, float]:
    """{device id: its clock minus the server's, in seconds} for the rating tablets whose clock is off
    by more than CLOCK_SHOWN_S, judged at report time (no column of its own). A tablet's heartbeat
    carries `last_sync_at`, its own clock's time of its last delivered batch; the server's time of
    that batch is the latest `received_at` of its ratings. The two are compared only once a
    heartbeat came after that batch (so it reports it). Reads the (device_id, device_seq) index."""
    latest = (
        select(ratings.c.device_id, func.max(ratings.c.received_at).label("received"))
        .select_from(ratings.join(devices, devices.c.id == ratings.c.device_id))
        .where(ratings.c.device_seq > devices.c.max_seq - CLOCK_SAMPLE)
        .group_by(ratings.c.device_id)
        .subquery()
    )
    rows = conn.execute(
        select(devices.c.id, devices.c.last_sync_at, devices.c.last_seen_at, latest.c.received)
        .join(latest, latest.c.device_id == devices.c.id)
        .where(devices.c.last_sync_at.isnot(None), devices.c.last_seen_at >= latest.c.received)
    )
    offsets = {r.id: (r.last_sync_at - r.received).total_seconds() for r in rows}
    return {device: s for device, s in offsets.items() if abs(s) > CLOCK_SHOWN_S}
