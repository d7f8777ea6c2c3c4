"""`motcua-central sync procedures`: the catalogue brought up to date from the national portal.

Which procedures: a file of codes (one per line, or a JSON list of codes, or a saved page of the
portal's list with ids), else the portal's list endpoint ([portal] list_url, filtered by
department_code/category_id). Each procedure is read in full ([portal] detail_url, by the portal's
id) when it is new or the list says it changed, converted by `central.portal` and upserted: kiosks get
the change on their next catalogue sync, as after an import.

Nothing is half done: every answer is read first; a portal that cannot be reached, times out, answers
an HTTP error or something that is not JSON stops the sync (SyncFailed names the URL and the cause)
and changes nothing. A record that is readable JSON but not a procedure the importer accepts is
counted `failed`, named with its code and field, and leaves the stored version as it was.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy.engine import Engine

from central import portal
from central.catalogue import portal_ids, upsert_procedures
from central.errors import BadInput
from central.importers import typed_time
from central.timeutil import BadTime, parse_time

HELP = """Bring the procedure catalogue up to date from the national portal (dichvucong.gov.vn),
where the server can reach it: reads the portal's list ([portal] list_url of central.ini, filtered
by department_code / category_id), or only the procedures of --codes FILE (codes one per line, a
JSON list of codes, or a saved page of the portal's list), then each new or changed procedure in
full ([portal] detail_url, by the portal's id) and stores it as `import procedures` would; kiosks get
the change on their next sync. Prints how many were added, updated, unchanged and failed.

Exit status: 0 done; 1 the portal could not be read (the URL and the cause are printed; nothing was
changed); 2 bad input (config, codes file); 3 some procedures failed (each named with its field;
they keep what was stored, the others were updated). Run it from cron, e.g. nightly."""
MAX_PAGES = 1000  # a list that never ends (a lastId the portal ignores) stops here
MAX_CODES = 20_000


class SyncFailed(Exception):
    """The portal could not be read: `url` and `cause`; nothing stored changed."""

    def __init__(self, url: str, cause: str):
        super().__init__(f"{url}: {cause}; nothing was changed")
        self.url, self.cause = url, cause


@dataclass
class SyncReport:
    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    not_listed: list[str] = field(default_factory=list)  # stored, not on the portal's (whole) list: kept

    def lines(self) -> list[str]:
        total = self.added + self.updated + self.unchanged + len(self.failed)
        head = (
            f"{total} procedures from {self.source}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed"
        )
        lines = [head] + [f"  failed {line}" for line in self.failed]
        if self.not_listed:
            shown = ", ".join(self.not_listed[:20]) + (", ..." if len(self.not_listed) > 20 else "")
            lines.append(
                f"  {len(self.not_listed)} stored procedures are not on the portal's list (kept; "
                f"'motcua-central procedure delete CODE' removes one): {shown}"
            )
        return lines


class Portal:
    """The portal's two endpoints over HTTP (requests), each answer checked."""

    def __init__(self, settings, session: requests.Session | None = None):
        self.s = settings
        self.http = session or requests.Session()

    def _post(self, url: str, body: dict):
        try:
            answer = self.http.post(
                url, json=body, timeout=self.s.timeout_seconds, headers={"Accept": "application/json"}
            )
        except requests.Timeout:
            raise SyncFailed(url, f"no answer within {self.s.timeout_seconds:g} s ([portal] timeout_seconds)") from None
        except requests.RequestException as exc:
            raise SyncFailed(url, f"cannot connect ({exc.__class__.__name__})") from None
        if answer.status_code != 200:
            raise SyncFailed(url, f"answered HTTP {answer.status_code}")
        try:
            return answer.json()
        except ValueError:
            raise SyncFailed(url, "the answer is not JSON") from None

    def _records(self, url: str, data) -> list:
        try:
            return portal.records_in(data)
        except BadInput as bad:
            raise SyncFailed(url, str(bad)) from None

    def listing(self, q: str = "") -> list[dict]:
        """Every entry of the list ({id, code, updatedAt, ...}), page by page (lastId)."""
        entries, last_id, seen = [], None, set()
        for _page in range(MAX_PAGES):
            body = {
                "limit": self.s.page_size,
                "lastId": last_id,
                "q": q,
                "categoryId": self.s.category_id or None,
                "departmentCode": self.s.department_code or None,
            }
            page = self._records(self.s.list_url, self._post(self.s.list_url, body))
            page = [e for e in page if isinstance(e, dict)]
            fresh = [e for e in page if str(e.get("id")) not in seen]
            entries += fresh
            seen.update(str(e.get("id")) for e in fresh)
            if len(page) < self.s.page_size or not fresh:
                return entries
            last_id = page[-1].get("id")
        raise SyncFailed(self.s.list_url, f"the list did not end after {MAX_PAGES} pages")

    def detail(self, pid: str):
        records = self._records(self.s.detail_url, self._post(self.s.detail_url, {"id": pid}))
        if len(records) != 1:
            raise SyncFailed(self.s.detail_url, f"asked for procedure {pid}, got {len(records)} records")
        return records[0]


def read_codes(path: Path) -> list[dict]:
    """[{code, id?, updatedAt?}] from a codes file: codes one per line (# starts a comment), a JSON list of
    codes, or a saved answer of the portal's list (records with id and code)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BadInput("codes", f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as err:
        raise BadInput("codes", f"{path}: not UTF-8 text (byte {err.start})") from None
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise BadInput("codes", f"{path} line {err.lineno}: not valid JSON ({err.msg})") from None
        try:
            records = portal.records_in(data)
        except BadInput as bad:
            raise BadInput("codes", f"{path}: {bad}") from None
        wanted = []
        for i, entry in enumerate(records, 1):
            if isinstance(entry, str):
                entry = {"code": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not entry["code"].strip():
                raise BadInput("codes", f"{path} item {i}: expected a procedure code or a record with 'code'")
            wanted.append({**entry, "code": entry["code"].strip()})
    else:
        wanted = []
        for line in text.splitlines():
            for code in line.split("#", 1)[0].replace(",", " ").split():
                wanted.append({"code": code})
    if not wanted:
        raise BadInput("codes", f"{path}: no procedure codes in it")
    if len(wanted) > MAX_CODES:
        raise BadInput("codes", f"{path}: {len(wanted)} codes, more than {MAX_CODES}")
    return wanted


def _same_time(a, b) -> bool:
    try:
        return parse_time(a, allow_naive=True) == parse_time(b, allow_naive=True)
    except BadTime:
        return False


def sync_procedures(
    engine: Engine, settings, codes: list[dict] | None = None, client: Portal | None = None
) -> SyncReport:
    """Brings the stored catalogue up to date with the portal (module docstring); SyncFailed when it cannot."""
    client = client or Portal(settings)
    with engine.connect() as conn:
        stored = portal_ids(conn)
    report = SyncReport(source=settings.list_url if codes is None else "the codes file")
    if codes is None:
        wanted = client.listing()
        if not (settings.department_code or settings.category_id):
            listed = {str(e.get("code")) for e in wanted}
            report.not_listed = sorted(code for code in stored if code not in listed)
    else:
        wanted = []
        for entry in codes:
            code = entry["code"]
            pid = portal.portal_id(entry.get("id")) or (stored.get(code) or {}).get("portal_id")
            if pid is None:  # not known here yet: the portal's list finds it by its code
                found = [e for e in client.listing(q=code) if isinstance(e, dict) and e.get("code") == code]
                if not found:
                    report.failed.append(f"{code}: not on the portal's list ({settings.list_url})")
                    continue
                entry = {**found[0], **entry, "id": found[0].get("id")}
            wanted.append({**entry, "id": entry.get("id") or pid})
    items, seen = [], set()
    for entry in wanted:
        code = str(entry.get("code") or "").strip()
        pid = portal.portal_id(entry.get("id"))
        label = code or "(no code)"
        if pid is None:
            report.failed.append(f"{label}: the portal's list gives no id (a UUID) for it: {entry.get('id')!r}")
            continue
        if code in seen:
            continue
        seen.add(code)
        have = stored.get(code)
        try:
            listed_at = portal.updated_time(entry.get("updatedAt"))
        except portal.BadRecord:
            listed_at = None
        if (
            have
            and have["portal_id"] == pid
            and listed_at
            and have["updated_at"]
            and _same_time(listed_at, have["updated_at"])
        ):
            report.unchanged += 1  # the list says it has not changed since it was stored: not read again
            continue
        record = client.detail(pid)
        try:
            item = portal.from_portal(record)
            if item.get("updated_at"):
                item["updated_at"] = typed_time(item["updated_at"]).isoformat()
        except (portal.BadRecord, BadTime) as bad:
            report.failed.append(f"{label} (portal id {pid}): {bad}")
            continue
        if code and item["code"] != code:
            report.failed.append(f"{label} (portal id {pid}): the portal's detail is of procedure {item['code']}")
            continue
        item["portal_id"] = item.get("portal_id") or pid
        items.append(item)
    if items:
        with engine.begin() as conn:
            counts = upsert_procedures(conn, items)
        report.added, report.updated = counts["added"], counts["updated"]
        report.unchanged += counts["unchanged"]
    return report
