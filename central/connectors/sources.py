"""The sources a connector reads, each in its own shape (docs/CONNECTORS.md of the design notes):
OpenCPS REST, the exchange platform (DongBoHoSoMC items), and any HTTP JSON list with a field map.

A source turns what it reads into `Item`s: the dossier as an import record (central.importers'
names, times already aware), its source status as sent, its modified time (the cursor) and its
own id. It never writes: central.connectors.sync decides what is stored. Every failure is a
SourceError naming the request and the cause; no credential, secret or personal field is ever in
one (the URL's query holds only paging, codes and times).
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import requests

from central.connectors.config import Connector
from motcua import dossier_code, officetime

OPENCPS_BASE = "/o/rest/v2"
OK_CODES = ("0", "00")


class SourceError(Exception):
    """The source failed (no answer in time, refused, 4xx/5xx, not the expected shape)."""


class BadItem(Exception):
    """One item the source sent cannot be read (its field is named; never its personal value)."""


class NotFound(Exception):
    """The source has no dossier of this code."""


class WrongSecret(Exception):
    """The source says the receipt's secret does not match (OpenCPS: HTTP 203)."""


@dataclass
class Item:
    code: str
    record: dict  # for central.importers.check_dossier
    status: str  # the source's status, as sent (mapped by the connector's status map)
    modified: datetime | None = None
    modified_raw: str | None = None
    source_id: str | None = None
    steps: list = field(default_factory=list)  # with a lookup's secret only


def _time(value, name: str):
    try:
        return officetime.parse_any(value)
    except ValueError as exc:
        raise BadItem(f"{name}: {exc}") from None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def dig(item, path: str):
    """item['a']['b'] for 'a.b' (a list index for a number); None when a part is missing."""
    for part in path.split("."):
        if isinstance(item, dict):
            item = item.get(part)
        elif isinstance(item, list) and part.isdigit() and int(part) < len(item):
            item = item[int(part)]
        else:
            return None
    return item


class Source:
    """What every source shares: one HTTP session, timeouts, errors that name the request."""

    def __init__(self, spec: Connector):
        self.spec = spec
        self.http = requests.Session()

    def call(self, method: str, url: str, *, timeout: float | None = None, ok=(200,), **kwargs):
        """(status, parsed JSON); SourceError for no answer, a status not in `ok`, or a body not JSON."""
        shown = f"{method} {url}"
        if kwargs.get("params"):
            shown += "?" + "&".join(f"{k}={v}" for k, v in kwargs["params"].items())
        try:
            resp = self.http.request(method, url, timeout=timeout or self.spec.timeout_s, **kwargs)
        except requests.Timeout:
            raise SourceError(f"{shown}: no answer within {timeout or self.spec.timeout_s:g} s") from None
        except requests.ConnectionError as exc:
            raise SourceError(f"{shown}: cannot connect ({type(exc).__name__})") from None
        except requests.RequestException as exc:  # a body cut short, a broken encoding
            raise SourceError(f"{shown}: the answer broke off before its end ({type(exc).__name__})") from None
        if resp.status_code not in ok:
            why = {401: "the credential was refused (check token_file)", 403: "refused (is this server's IP allowed?)"}
            detail = why.get(resp.status_code, (resp.reason or "").strip())
            raise SourceError(f"{shown}: HTTP {resp.status_code} {detail}".rstrip())
        if resp.status_code == 203:
            return resp.status_code, None
        try:
            return resp.status_code, resp.json()
        except (ValueError, json.JSONDecodeError):
            raise SourceError(f"{shown}: the answer is not JSON ({len(resp.content)} bytes)") from None

    def pages(self, cursor: str | None):
        """Lists of raw items, page after page, each list with the total the source gave (or None)."""
        raise NotImplementedError

    def item(self, raw) -> Item:
        raise NotImplementedError

    def lookup(self, code: str, secret: str | None, source_id: str | None) -> Item:
        raise NotImplementedError

    def close(self) -> None:
        self.http.close()


class OpenCPS(Source):
    """OpenCPS REST: GET /o/rest/v2/dossiers paged by start/end, header groupId, bearer token."""

    def headers(self, **extra) -> dict:
        return {
            "groupId": self.spec.group_id,
            "Authorization": f"Bearer {self.spec.token}",
            "Accept": "application/json",
            **extra,
        }

    def list_page(self, start: int, end: int, timeout=None, **params):
        url = self.spec.url + OPENCPS_BASE + "/dossiers"
        query = {"start": start, "end": end, "sort": "modifiedDate", "order": "true", **params}
        _, body = self.call("GET", url, params=query, headers=self.headers(), timeout=timeout)
        if isinstance(body, dict) and body.get("data") is None and body.get("total") in (0, "0"):
            return [], 0
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SourceError(f'GET {url}?start={start}&end={end}: expected {{"total", "data": [...]}}')
        total = body.get("total")
        return body["data"], (int(total) if isinstance(total, int) or str(total).isdigit() else None)

    def pages(self, cursor):
        start, size = 0, self.spec.page_size
        while True:
            data, total = self.list_page(start, start + size)
            if total is not None and len(data) < size and start + len(data) < total:
                # A half page: fewer items than asked while the total says more follow. Reading on
                # from here could skip some; the pass stops and the next starts from the same cursor.
                raise SourceError(
                    f"GET {self.spec.url}{OPENCPS_BASE}/dossiers?start={start}&end={start + size}: "
                    f"{len(data)} items of {size} asked, though the total is {total}"
                )
            yield data, total, start
            start += len(data)
            if not data or len(data) < size or (total is not None and start >= total):
                return

    def item(self, raw) -> Item:
        if not isinstance(raw, dict):
            raise BadItem("item: not an object")
        code = dossier_code.normalise(_text(raw.get("dossierNo")))
        if not code:
            raise BadItem("dossierNo: missing")
        record = {
            "code": code,
            "procedure_code": _text(raw.get("serviceCode")),
            "procedure_name": _text(raw.get("serviceName")),
            "holder_name": _text(raw.get("applicantName")),
            "received_at": _time(raw.get("receiveDate"), "receiveDate"),
            "due_at": _time(raw.get("dueDate"), "dueDate"),
            "extended_due_at": _time(raw.get("extendDate"), "extendDate"),
            "finished_at": _time(raw.get("finishDate"), "finishDate"),
            "returned_at": _time(raw.get("releaseDate"), "releaseDate"),
            "unit_code": _text(raw.get("govAgencyCode")),
        }
        if raw.get("submitDate"):
            record["submitted_at"] = _time(raw.get("submitDate"), "submitDate")
        if "online" in raw:  # submitted online (2) or at the counter (1); OpenCPS says nothing of post
            record["channel"] = "2" if str(raw.get("online")).strip().lower() in ("true", "1") else "1"
        modified_raw = raw.get("modifiedDate") or raw.get("modified")
        return Item(
            code,
            record,
            _text(raw.get("dossierStatus")),
            _time(modified_raw, "modifiedDate"),
            _text(modified_raw) or None,
            _text(raw.get("dossierId")) or None,
        )

    def lookup(self, code, secret, source_id):
        timeout = self.spec.lookup_timeout_s
        if not source_id:
            data, _ = self.list_page(0, 5, timeout=timeout, dossierNo=code)
            match = [
                d for d in data if isinstance(d, dict) and dossier_code.normalise(_text(d.get("dossierNo"))) == code
            ]
            if not match:
                raise NotFound(code)
            found = self.item(match[0])
            if secret is None:
                return found
            source_id = found.source_id
        if secret is None:
            url = f"{self.spec.url}{OPENCPS_BASE}/dossiers/{quote(str(source_id), safe='')}"
            _, body = self.call("GET", url, headers=self.headers(), timeout=timeout, ok=(200, 404))
            if not isinstance(body, dict) or not body.get("dossierNo"):
                raise NotFound(code)
            return self.item(body)
        url = f"{self.spec.url}{OPENCPS_BASE}/dossiers/{quote(str(source_id), safe='')}"
        status, body = self.call(
            "GET", url, headers=self.headers(secretCode=secret), timeout=timeout, ok=(200, 203, 404)
        )
        if status == 203:
            raise WrongSecret(code)
        if status == 404 or not isinstance(body, dict) or not body.get("dossierNo"):
            raise NotFound(code)
        found = self.item(body)
        found.steps = self.steps(source_id, timeout)
        return found

    def steps(self, source_id: str, timeout: float) -> list[dict]:
        """The step history from /dossierlogs/{id}/logs: PROCESS_TYPE entries in time order, each
        step lasting until the next began. Only the step's name, never who did it."""
        url = f"{self.spec.url}{OPENCPS_BASE}/dossierlogs/{quote(str(source_id), safe='')}/logs"
        _, body = self.call("GET", url, headers=self.headers(), timeout=timeout)
        entries = body.get("data") if isinstance(body, dict) else body
        if not isinstance(entries, list):
            raise SourceError(f'GET {url}: expected {{"total", "data": [...]}}')
        found = []
        for e in entries:
            if not isinstance(e, dict) or e.get("notificationType", "PROCESS_TYPE") != "PROCESS_TYPE":
                continue
            payload = e.get("payload")
            if isinstance(payload, str):
                try:
                    payload = json.loads(payload)
                except ValueError:
                    payload = {}
            name = _text(dig(payload, "stepName") if isinstance(payload, dict) else None) or _text(e.get("content"))
            try:
                at = officetime.parse_any(e.get("createDate"))
            except ValueError:
                continue
            if name and at:
                found.append({"name": name[:200], "unit": "", "status": None, "started_at": at})
        found.sort(key=lambda s: s["started_at"])
        for step, after in zip(found, found[1:]):
            step["finished_at"] = after["started_at"]
        return found


def exchange_item(raw) -> Item:
    """A DongBoHoSoMC item (the exchange API's dossier) → Item; national status codes, yyyyMMddHHmmss."""
    if not isinstance(raw, dict):
        raise BadItem("item: not an object")
    code = dossier_code.normalise(_text(raw.get("MaHoSo")))
    if not code:
        raise BadItem("MaHoSo: missing")
    record = {
        "code": code,
        "procedure_code": _text(raw.get("MaTTHC")),
        "procedure_name": _text(raw.get("TenTTHC")),
        "holder_name": _text(raw.get("ChuHoSo")),
        "phone": _text(raw.get("SoDienThoai"))[:32],
        "received_at": _time(raw.get("NgayTiepNhan"), "NgayTiepNhan"),
        "due_at": _time(raw.get("NgayHenTra"), "NgayHenTra"),
        "finished_at": _time(raw.get("NgayKetThucXuLy"), "NgayKetThucXuLy"),
        "returned_at": _time(raw.get("NgayTra"), "NgayTra"),
        "unit_code": _text(raw.get("DonViXuLy")),
    }
    return Item(code, record, _text(raw.get("TrangThaiHoSo")))


class Exchange(Source):
    """The exchange platform: log in with dstcode for a session, then POST {session, madonvi, service}."""

    session_id: str | None = None

    def login(self) -> str:
        _, body = self.call(
            "POST",
            self.spec.auth_url,
            json={"username": self.spec.username, "password": self.spec.token},
            headers={"dstcode": self.spec.dstcode},
        )
        if not isinstance(body, dict) or str(body.get("error_code")) not in OK_CODES or not body.get("session"):
            code = body.get("error_code") if isinstance(body, dict) else None
            raise SourceError(f"POST {self.spec.auth_url}: login refused (error_code {code}: {_message(body)})")
        self.session_id = str(body["session"])
        return self.session_id

    def service(self, name: str, timeout=None, **fields):
        """The answer's result/data of one service call; logs in first, and again once when the
        session has expired."""
        for attempt in (1, 2):
            fresh = self.session_id is None
            session = self.session_id or self.login()
            payload = {"session": session, "madonvi": self.spec.unit_code, "service": name, **fields}
            _, body = self.call("POST", self.spec.url, json=payload, timeout=timeout)
            if not isinstance(body, dict):
                raise SourceError(f"POST {self.spec.url} ({name}): expected an object with error_code")
            if str(body.get("error_code")) in OK_CODES:
                return body.get("result", body.get("data"))
            self.session_id = None
            if fresh or attempt == 2:  # a new session refused too: not an expiry
                raise SourceError(
                    f"POST {self.spec.url} ({name}): error_code {body.get('error_code')}: {_message(body)}"
                )
        raise AssertionError("unreachable")

    def pages(self, cursor):
        now = officetime.now().strftime("%Y%m%d%H%M%S")
        data = self.service(self.spec.service, tungay=cursor or "", denngay=now)
        if data is None:
            data = []
        if not isinstance(data, list):
            raise SourceError(f"POST {self.spec.url} ({self.spec.service}): expected a list in result or data")
        yield data, len(data), 0

    def item(self, raw):
        return exchange_item(raw)

    def lookup(self, code, secret, source_id):
        data = self.service("TraCuuHoSo", timeout=self.spec.lookup_timeout_s, mahoso=code)
        if isinstance(data, list):
            data = data[0] if data else None
        if not isinstance(data, dict) or not data.get("MaHoSo"):
            raise NotFound(code)
        return exchange_item(data)


def _message(body) -> str:
    if not isinstance(body, dict):
        return "no message"
    return _text(body.get("message") or body.get("error_message") or body.get("error") or "no message")[:200]


class JsonList(Source):
    """Any HTTP JSON list, read through the connector's [connector_fields:NAME] map."""

    def pages(self, cursor):
        p = self.spec.paging
        url = self.spec.url + self.spec.list_path
        headers = {"Accept": "application/json"}
        if self.spec.token:
            headers["Authorization"] = f"Bearer {self.spec.token}"
        page, start = p.get("first_page", 0), 0
        while True:
            params = {}
            if p.get("page_param"):
                params[p["page_param"]] = page
                params[p.get("size_param") or "size"] = self.spec.page_size
            if p.get("since_param") and cursor:
                params[p["since_param"]] = cursor
            _, body = self.call("GET", url, params=params, headers=headers)
            data = dig(body, p["items"]) if p.get("items") else _list_in(body)
            if not isinstance(data, list):
                raise SourceError(
                    f"GET {url}: no list of items in the answer (field map items = {p.get('items') or ''})"
                )
            yield data, None, start
            start += len(data)
            if not p.get("page_param") or len(data) < self.spec.page_size:
                return
            page += 1

    def item(self, raw) -> Item:
        if not isinstance(raw, dict):
            raise BadItem("item: not an object")
        f = self.spec.fields

        def get(name):
            return dig(raw, f[name]) if name in f else None

        code = dossier_code.normalise(_text(get("code")))
        if not code:
            raise BadItem(f"{f['code']}: missing")
        record = {
            "code": code,
            "procedure_code": _text(get("procedure_code")),
            "procedure_name": _text(get("procedure_name")),
            "holder_name": _text(get("holder_name")),
            "unit_code": _text(get("unit_code")),
        }
        for name in ("received_at", "due_at", "extended_due_at", "finished_at", "returned_at", "status_at"):
            record[name] = _time(get(name), f.get(name, name))
        modified_raw = get("modified_at")
        return Item(
            code,
            record,
            _text(get("status")),
            _time(modified_raw, f.get("modified_at", "")),
            _text(modified_raw) or None,
        )


def _list_in(body):
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in ("data", "items", "content", "result"):
            if isinstance(body.get(key), list):
                return body[key]
    return None


KINDS = {"opencps": OpenCPS, "dvcqg": Exchange, "json": JsonList}


def source_for(spec: Connector) -> Source:
    return KINDS[spec.kind](spec)
