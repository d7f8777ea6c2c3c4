"""Small fake upstream systems on a real socket, answering in the shapes of the design notes
(CONNECTORS.md): OpenCPS REST (list paged by start/end, detail behind secretCode with 203, step
logs), the exchange platform (login with dstcode, sessions that expire, error_code, DongBoHoSoMC
items, TraCuuHoSo) and a plain JSON list (Spring-style pages). Faults are queued per path prefix:
a timeout, 401, 500, a body that is not JSON, a body cut short, a change of the data between two
pages. Used by the connector tests and bench/bench_connectors.py."""

import json
import os
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

TOKEN = "tinh-secret-token-0123456789"
GROUP_ID = "35404"
DSTCODE = "000.00.00.H29"
USERNAME, PASSWORD = "motcua", "mat-khau-rat-dai"


# One OpenCPS connector to an Upstream, as an office declares it in central.ini ({url}: the upstream's).
OPENCPS_SECTION = """
[connector:tinh]
kind = opencps
url = {url}
group_id = 35404
office = XA-PHUOCLONG
token_file = tinh.token
status_map = status.csv
"""


def connector_config(
    folder: Path,
    upstream: "Upstream",
    extra: str = "",
    *,
    body: str = OPENCPS_SECTION,
    token: str = TOKEN,
    mode: int = 0o600,
    status_map: str = "processing,4\ndone,10\n",
) -> Path:
    """central.ini in `folder` with the connector `body` + `extra` keys pointing at `upstream`, beside its
    token file (`mode`) and status map."""
    token_file = Path(folder) / "tinh.token"
    token_file.write_text(token + "\n")
    os.chmod(token_file, mode)
    (Path(folder) / "status.csv").write_text(status_map)
    path = Path(folder) / "central.ini"
    path.write_text((body + extra).replace("{url}", upstream.url))
    return path


def opencps_date(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M:%S")


def opencps_dossier(n: int, *, status="processing", modified: datetime | None = None, unit="000.00.31.H29") -> dict:
    """An OpenCPS list item; receipt secret 'secret-{n}'."""
    received = datetime(2026, 11, 2, 8, 0) + timedelta(minutes=n % 5000)
    return {
        "dossierId": 70000 + n,
        "dossierNo": f"{unit}-261102-{n % 10000:04d}" if n < 10000 else f"G{n // 10000:02d}.20-20261102-{n:07d}",
        "serviceCode": "1.001234",
        "serviceName": "Đăng ký khai sinh",
        "govAgencyCode": unit,
        "govAgencyName": "UBND xã Phước Long",
        "applicantName": "Nguyễn Văn An",
        "applicantIdNo": "079123456789",
        "contactTelNo": "0901234567",
        "receiveDate": opencps_date(received),
        "dueDate": opencps_date(received + timedelta(days=3)),
        "extendDate": "",
        "finishDate": "",
        "releaseDate": "",
        "dossierStatus": status,
        "dossierStatusText": "Đang xử lý",
        "online": n % 3 == 0,
        "submitDate": opencps_date(received - timedelta(minutes=30)),
        "modifiedDate": opencps_date(modified or received),
        "secret": f"secret-{n}",  # the fake's own: never sent in a list item
    }


class Upstream:
    """The fake systems' state and faults; `url` is where they answer."""

    def __init__(self):
        self.dossiers: dict[str, dict] = {}  # dossierNo -> OpenCPS item
        self.order: list[dict] = []  # newest modified first
        self.logs: dict[str, list] = {}  # dossierId -> log entries
        self.exchange: list[dict] = []  # DongBoHoSoMC items
        self.json_items: list[dict] = []
        self.sessions: set[str] = set()
        self.faults: list[list] = []  # [path prefix, kind, times left]
        self.after_page = None  # called once after the next list page is answered (a change mid-pass)
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.sort = True
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def put(self, *items: dict) -> None:
        with self.lock:
            for item in items:
                self.dossiers[item["dossierNo"]] = item
            self._reorder()

    def _reorder(self):
        items = list(self.dossiers.values())
        if self.sort:
            items.sort(key=lambda d: datetime.strptime(d["modifiedDate"], "%d/%m/%Y %H:%M:%S"), reverse=True)
        self.order = items

    def fault(self, prefix: str, kind: str, times: int = 1) -> None:
        """kind: timeout | 401 | 403 | 500 | garbage | cut | half (OpenCPS: a short page) | expire (exchange:
        the session ends)."""
        self.faults.append([prefix, kind, times])

    def _fault_for(self, path: str):
        for f in self.faults:
            if path.startswith(f[0]) and f[2] > 0:
                f[2] -= 1
                return f[1]
        return None


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "secret"}


def _handler(up: Upstream):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status: int, body, raw: bytes | None = None):
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

        def faulted(self, path) -> bool:
            kind = up._fault_for(path)
            if kind is None:
                return False
            if kind == "timeout":
                time.sleep(3)
                self.answer(200, {"total": 0, "data": []})
            elif kind in ("401", "403", "500"):
                self.answer(int(kind), {"message": "fault"})
            elif kind == "garbage":
                self.answer(200, None, raw=b"<html>Bad gateway</html>")
            elif kind == "cut":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b'{"total": 3, "data": [{"dossierNo": "000.00.31.H29-2611')
                self.wfile.flush()
                self.close_connection = True
            elif kind == "half":  # a page with half the items asked, the total unchanged
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                start, end = int(query.get("start", 0)), int(query.get("end", 15))
                rows = [_public(d) for d in up.order[start : start + (end - start) // 2]]
                self.answer(200, {"total": len(up.order), "data": rows})
            elif kind == "weird":  # an error whose message holds a NUL and a lone surrogate
                self.answer(200, None, raw=b'{"error_code": "9", "message": "sai\\u0000 \\ud800 m\\u1eadt kh\\u1ea9u"}')
            elif kind == "expire":
                up.sessions.clear()
                return False
            return True

        def do_GET(self):
            parts = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            path = parts.path
            up.requests.append(self.path)
            if self.faulted(path):
                return
            if path.startswith("/o/rest/v2/"):
                if self.headers.get("groupId") != GROUP_ID or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401, {"message": "Unauthorized"})
                return self.opencps(path[len("/o/rest/v2") :], query)
            if path == "/igate/list":
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401, {"message": "Unauthorized"})
                page, size = int(query.get("page", 0)), int(query.get("size", 20))
                since = query.get("since")
                items = [i for i in up.json_items if not since or i["updated"] >= since]
                return self.answer(200, {"content": items[page * size : (page + 1) * size], "number": page})
            self.answer(404, {"message": "no such path"})

        def opencps(self, path: str, query: dict):
            if path == "/dossiers":
                with up.lock:
                    if "dossierNo" in query:
                        rows = [d for d in up.order if d["dossierNo"] == query["dossierNo"]]
                    else:
                        rows = up.order
                    start, end = int(query.get("start", 0)), int(query.get("end", 15))
                    page = [_public(d) for d in rows[start:end]]
                    total = len(rows)
                self.answer(200, {"total": total, "data": page})
                hook, up.after_page = up.after_page, None
                if hook:
                    hook()
                return
            if path.startswith("/dossiers/"):
                ident = path.split("/")[2]
                found = next((d for d in up.dossiers.values() if str(d["dossierId"]) == ident), None)
                if found is None:
                    return self.answer(404, {"message": "not found"})
                secret = self.headers.get("secretCode") or ""
                if secret and secret != found["secret"]:
                    return self.answer(203, {"message": "secretCode không đúng"})
                return self.answer(200, _public(found))
            if path.startswith("/dossierlogs/"):
                ident = path.split("/")[2]
                logs = up.logs.get(ident, [])
                return self.answer(200, {"total": len(logs), "data": logs})
            self.answer(404, {"message": "no such path"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self.answer(400, {"error_code": "400", "message": "bad json"})
            up.requests.append(self.path)
            if self.faulted(self.path):
                return
            if self.path == "/auth":
                if self.headers.get("dstcode") != DSTCODE:
                    return self.answer(200, {"error_code": "101", "message": "IP_DISALLOWED or dstcode"})
                if body.get("username") != USERNAME or body.get("password") != PASSWORD:
                    return self.answer(200, {"error_code": "-1", "message": "wrong username or password"})
                session = f"s{len(up.sessions) + 1}-{time.monotonic_ns()}"
                up.sessions.add(session)
                return self.answer(200, {"session": session, "error_code": 0})
            if self.path == "/api":
                if body.get("session") not in up.sessions:
                    return self.answer(200, {"error_code": "-2", "message": "Session expired"})
                if body.get("service") == "LayDanhSachHoSo":
                    return self.answer(200, {"error_code": "0", "result": up.exchange})
                if body.get("service") == "TraCuuHoSo":
                    found = [i for i in up.exchange if i["MaHoSo"] == body.get("mahoso")]
                    return self.answer(200, {"error_code": "0", "result": found})
                return self.answer(200, {"error_code": "404", "message": "no such service"})
            self.answer(404, {"message": "no such path"})

    return Handler
