"""The device's copy of the procedure catalogue (plus staff, photos, stats): atomic sync, offline use, search."""

import json
import logging
import re
import sqlite3
import time
from dataclasses import dataclass

from sqlite_utils import Database

from motcua.client import SyncError
from motcua.search import QueryPlan, SearchIndex, Synonyms, Vocabulary, search_words
from motcua.store import ThreadConnections
from motcua.text import fee_words, sort_key

__all__ = ["Catalogue", "SyncResult", "summary"]

log = logging.getLogger(__name__)
BM25 = "bm25(procedures_fts, 0.0, 10.0, 2.0, 5.0, 1.0)"  # code, name, field, keywords, documents
SEARCH_MAX = 200  # most results one search answers (the kiosk's [kiosk] search_limit allows up to this)
_CODE = re.compile(r"^\d\.\d{3,6}(\.[0-9A-Za-z.]*)?$")  # a procedure code or its beginning: 1.001193, 2.0008


@dataclass
class SyncResult:
    """What one catalogue sync did."""

    not_modified: bool = False
    complete: bool = False
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    cursor: str | None = None


def summary(item: dict) -> dict:
    """Processing time and fee of the in-person channel (else the first), in a few words; `fees` are that
    channel's fees as stored, for a screen that writes them in its own language (kiosk.present.format_fees,
    the same words as the procedure's detail and slip)."""
    methods = item.get("methods") or []
    method = next((m for m in methods if m.get("channel") == "direct"), methods[0] if methods else {})
    time_text = ""
    if method.get("time") not in (None, ""):
        time_text = (
            f"{method['time']:g} {method.get('time_unit') or ''}".strip()
            if isinstance(method["time"], (int, float))
            else str(method["time"])
        )
    time_text = time_text or (method.get("time_note") or "")
    fees = method.get("fees") or []
    if not fees:
        fee_text = ""
    elif all((f.get("amount") or 0) == 0 for f in fees):
        fee_text = fees[0].get("text") or "Miễn phí"
    else:
        fee = next(f for f in fees if f.get("amount"))
        fee_text = fee_words(fee.get("text"), fee["amount"])
    # the method's time as parts, so a screen in another language writes its unit in that language
    duration = {k: method.get(k) for k in ("time", "unit", "time_unit", "time_note")}
    return {"time": time_text, "fee": fee_text, "fees": fees, "duration": duration if time_text else None}


def _documents_text(item: dict) -> str:
    parts = []
    for case in item.get("documents") or []:
        parts.append(str(case.get("case") or ""))
        parts += [str(d.get("name") or "") for d in case.get("items") or [] if isinstance(d, dict)]
    parts += [str(r) for r in item.get("results") or []]
    return " ".join(parts)


class Catalogue:
    """Reads and refreshes the local catalogue. Every sync is one transaction: never half a catalogue.

    Threads: the one that builds it uses `db`; another (the kiosk's sync thread, the heartbeat) reads
    and writes through its own connection to the same file (motcua.store.ThreadConnections), so a
    sync's transaction is never shared with a write of another thread, and a search sees the catalogue
    before the sync or after its commit. The search index is reloaded once a sync has committed."""

    def __init__(self, db: Database, clock=time.time, synonyms: Synonyms | None = None):
        """`synonyms`: the everyday-words lexicon (default: the shipped one; [kiosk] extra_words adds an office's)."""
        self.db, self.clock = db, clock
        self.synonyms = synonyms
        self._conn = ThreadConnections(db)
        # The search index, the connection and data_version it was last checked at, the catalogue it
        # holds (stamp), and its hits (fields without score, by code): one tuple, replaced whole (the
        # sync thread builds the new index while the UI thread searches the old one).
        self._indexed: tuple = (None, None, None, {})
        self._synced = 0  # syncs through this object (on the reader's own connection data_version stays)

    @property
    def _index(self) -> SearchIndex | None:
        return self._indexed[0]

    def _rows(self, sql: str, params=()) -> list:
        with self._conn.read() as db:
            return db.execute(sql, params).fetchall()

    def _row(self, sql: str, params=()):
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def close(self) -> None:
        """Closes the calling thread's own connection (a thread that synced, before it ends)."""
        self._conn.close()

    # -- small cached values (procedures cursor, staff lists, stats) with their age
    def _cache_get(self, key: str):
        return self._row("SELECT value, etag, fetched_at FROM cache WHERE key = ?", [key])

    def _cache_put(self, db: Database, key: str, value, etag=None) -> None:
        db.execute(
            "INSERT INTO cache (key, value, etag, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) "
            "DO UPDATE SET value = excluded.value, etag = excluded.etag, fetched_at = excluded.fetched_at",
            [key, json.dumps(value, ensure_ascii=False), etag, self.clock()],
        )

    # -- sync
    def sync(self, client) -> SyncResult:
        """Pulls changes since the last cursor (ETag-checked); raises SyncError and keeps the cache on failure."""
        row = self._cache_get("procedures")
        state = json.loads(row[0]) if row else {}
        cursor, etag = state.get("cursor"), (row[1] if row else None)
        body = client.procedures(since=cursor, etag=etag if cursor else None)
        result = SyncResult(cursor=cursor)
        if body is None:
            result.not_modified = True
            with self._conn.write() as db:
                self._cache_put(db, "procedures", state, etag)
            return result
        result.complete = bool(body.get("complete")) or cursor is None
        prepared = {}  # code -> (procedures row, procedures_fts row); a code sent twice: its last item
        for item in body["items"]:
            if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
                result.skipped += 1
                continue
            prepared[str(item["code"])] = self._prepare(item)
            result.updated += 1
        # only the writes inside the transaction: the UI thread counting a missed search waits for it
        with self._conn.write() as db:
            if result.complete:
                db.execute("DELETE FROM procedures")
                db.execute("DELETE FROM procedures_fts")
            else:  # a scan of the FTS table per code (code is not indexed): a full sync emptied it instead
                db.conn.executemany("DELETE FROM procedures_fts WHERE code = ?", [(code,) for code in prepared])
            db.conn.executemany(
                "INSERT OR REPLACE INTO procedures (code, name, field_code, field_name, item, folded_name, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [procedure for procedure, _ in prepared.values()],
            )
            db.conn.executemany(
                "INSERT INTO procedures_fts (code, name, field, keywords, documents) VALUES (?, ?, ?, ?, ?)",
                [words for _, words in prepared.values()],
            )
            for code in body.get("deleted") or []:
                result.deleted += db.execute("DELETE FROM procedures WHERE code = ?", [code]).rowcount
                db.execute("DELETE FROM procedures_fts WHERE code = ?", [code])
            result.cursor = body.get("cursor")
            self._cache_put(db, "procedures", {"cursor": result.cursor}, body.get("etag"))
        if result.skipped:
            log.warning("catalogue sync skipped %d items without code or name", result.skipped)
        self._synced += 1
        if self._index is not None:  # searched already: the new index is built here, not at a keystroke
            self.search_index()
        return result

    @staticmethod
    def _prepare(item: dict) -> tuple[tuple, tuple]:
        """One procedure's row and its folded search row (folded columns: unicode61 alone cannot fold đ)."""
        code = str(item["code"])
        field = item.get("field") or {}
        field = field if isinstance(field, dict) else {"code": None, "name": str(field)}
        keywords = item.get("keywords") or []
        keywords = keywords if isinstance(keywords, list) else [str(keywords)]
        folded_name = " ".join(search_words(item["name"]))
        procedure = (
            code,
            item["name"],
            field.get("code"),
            field.get("name"),
            json.dumps(item, ensure_ascii=False),
            folded_name,
            item.get("updated_at"),
        )
        words = (
            code,
            folded_name,
            " ".join(search_words(field.get("name") or "")),
            " ".join(search_words(" , ".join(map(str, keywords)))),
            " ".join(search_words(_documents_text(item) + " " + str(item.get("description") or ""))),
        )
        return procedure, words

    def sync_staff(self, client, office: str, photos: bool = True) -> list[dict]:
        """Caches the office's officers and their photos (a photo that fails to load is kept from before)."""
        staff = client.staff(office)
        with self._conn.write() as db:
            self._cache_put(db, f"staff:{office}", staff)
        for person in staff if photos else []:
            url = person.get("photo_url")
            if not url:
                continue
            try:
                photo = client.staff_photo(url)
            except SyncError as exc:
                log.info("staff photo %s not refreshed: %s", url, exc)
                continue
            with self._conn.write() as db:
                db.execute(
                    "INSERT OR REPLACE INTO staff_photos (url, photo, fetched_at) VALUES (?, ?, ?)",
                    [url, photo, self.clock()],
                )
        return staff

    def staff(self, office: str) -> list[dict]:
        row = self._cache_get(f"staff:{office}")
        return json.loads(row[0]) if row else []

    def staff_photo(self, url: str) -> bytes | None:
        row = self._row("SELECT photo FROM staff_photos WHERE url = ?", [url])
        return row[0] if row else None

    def sync_stats(self, client, office: str, period: str = "30d") -> dict:
        stats = client.stats(office, period)
        with self._conn.write() as db:
            self._cache_put(db, f"stats:{office}:{period}", stats)
        return stats

    def stats(self, office: str, period: str = "30d") -> tuple[dict | None, float | None]:
        """The last statistics received and their age in seconds (None, None before the first sync)."""
        row = self._cache_get(f"stats:{office}:{period}")
        return (json.loads(row[0]), max(0.0, self.clock() - row[2])) if row else (None, None)

    # -- reading
    def data_age(self) -> float | None:
        """Seconds since the catalogue was last confirmed current with the server (None: never synced)."""
        row = self._cache_get("procedures")
        return None if row is None else max(0.0, self.clock() - row[2])

    def version(self) -> str | None:
        """The server cursor the cache is at (sent in the heartbeat as catalogue_version)."""
        row = self._cache_get("procedures")
        return json.loads(row[0]).get("cursor") if row else None

    def count(self) -> int:
        return self._row("SELECT count(*) FROM procedures")[0]

    def get(self, code: str) -> dict | None:
        row = self._row("SELECT item FROM procedures WHERE code = ?", [code.strip()])
        return json.loads(row[0]) if row else None

    def fields(self) -> list[dict]:
        rows = self._rows("SELECT field_code, field_name, count(*) FROM procedures GROUP BY field_code, field_name")
        return sorted(({"code": c, "name": n, "count": k} for c, n, k in rows), key=lambda f: sort_key(f["name"]))

    def by_field(self, code: str) -> list[dict]:
        rows = self._rows("SELECT item FROM procedures WHERE field_code = ?", [code])
        return sorted((self._hit(json.loads(r[0]), None) for r in rows), key=lambda h: sort_key(h["name"]))

    def _hit(self, item: dict, score) -> dict:
        field = item.get("field") or {}
        return {
            "code": item["code"],
            "name": item["name"],
            "field": field.get("name") if isinstance(field, dict) else field,
            "field_code": field.get("code") if isinstance(field, dict) else None,
            **summary(item),
            "score": score,
        }

    # -- search
    def search_index(self) -> SearchIndex:
        """The in-memory search index, rebuilt when the catalogue changed (here or through another connection)."""
        with self._conn.read() as db:
            return self._current_index(db)[0]

    def _current_index(self, db: Database) -> tuple[SearchIndex, dict]:
        """The index and its hits for the catalogue `db` reads now (in one read transaction: never half a sync)."""
        index, checked, stamp_then, hits = self._indexed
        version = (id(db), db.execute("PRAGMA data_version").fetchone()[0], self._synced)
        if index is not None and version == checked:
            return index, hits
        stamp = (
            db.execute("SELECT value FROM cache WHERE key = 'procedures'").fetchone(),
            db.execute("SELECT count(*) FROM procedures").fetchone()[0],
            self._synced,
        )
        if index is None or stamp != stamp_then:
            names = dict(db.execute("SELECT code, name FROM procedures").fetchall())
            index = SearchIndex(
                [
                    (code, names.get(code, name), field, keywords)
                    for code, name, field, keywords in db.execute(
                        "SELECT code, name, field, keywords FROM procedures_fts"
                    ).fetchall()
                ],
                self.synonyms,
            )
            hits = {}
        self._indexed = (index, version, stamp, hits)
        return index, hits

    def vocabulary(self) -> Vocabulary:
        return self.search_index().vocabulary

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Procedures for what a citizen typed, best first: a procedure code, then the tiers of SearchIndex.ranked,
        then the documents and descriptions (FTS5), then names a few typos away."""
        limit = max(1, min(int(limit), SEARCH_MAX))
        query = (query or "")[:200]
        text = query.strip()
        if not text:
            return []
        with self._conn.read() as db:  # one snapshot: the catalogue before a sync or after it
            if _CODE.match(text):
                rows = db.execute(
                    "SELECT code FROM procedures WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
                    [text, text + "\uffff", limit],
                ).fetchall()
                if rows:
                    # hits kept with the index (after a sync, with the new one); none kept without an index
                    cache = self._current_index(db)[1] if self._index is not None else {}
                    return self._hits_for(db, [(code, 100.0) for (code,) in rows], cache)
            index, cache = self._current_index(db)
            plan = index.plan(query)
            if not plan:
                return []
            ranked = index.ranked(plan, limit)
            if not ranked and all(w in index.name_masks for w in plan.words):
                # words of procedure names that meet only in the documents; a word no name has ("chiếu" of
                # "hộ chiếu", which documents mention) never makes a procedure fit, and a procedure that fits
                # is not followed by every one whose documents mention it ("căn cước" in most checklists)
                ranked = self._in_documents(db, plan, limit, set())
            if not ranked and not any(index.matches(w, plan.is_prefix(n)) for n, w in enumerate(plan.words)):
                ranked = index.fuzzy(plan, limit)  # no word matched at all: maybe badly typed; else nothing fits
            return self._hits_for(db, ranked, cache)

    def _in_documents(self, db: Database, plan: QueryPlan, limit: int, seen: set) -> list[tuple[str, float]]:
        """Procedures whose documents, results or description hold every word (ranked below any name match)."""
        try:
            rows = db.execute(
                f"SELECT code, {BM25} AS r FROM procedures_fts WHERE procedures_fts MATCH ? ORDER BY r LIMIT ?",
                ["documents : (" + plan.all_words() + ")", limit],
            ).fetchall()
        except sqlite3.OperationalError as exc:  # never expected: terms are quoted; keep the kiosk alive
            log.error("search %r failed: %s", plan.words, exc)
            return []
        return [(code, 50.0) for code, _rank in rows if code not in seen]

    def _hits_for(self, db: Database, ranked: list[tuple[str, float]], cache: dict) -> list[dict]:
        hits = []
        for code, score in ranked:
            hit = cache.get(code)
            if hit is None:
                row = db.execute("SELECT item FROM procedures WHERE code = ?", [code]).fetchone()
                if row is None:  # never expected: the index and the rows come from one snapshot
                    continue
                hit = cache[code] = self._hit(json.loads(row[0]), None)
            hits.append(dict(hit, score=score))
        return hits
