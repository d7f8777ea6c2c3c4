"""The dashboard's "Nguồn hồ sơ" (dossier sources) page reads a connector's last error as advice first,
in the page's language, then the raw cause, smaller and labelled for IT. It showed the technical cause
alone, in English, on the Vietnamese page ("GET …: HTTP 401 the credential was refused …").

Each failure is caused for real against the fake upstreams of tests/support/upstream.py (a timeout, a
closed port, 401, 403, 500, a body that is not JSON, a body cut short, a half page, the exchange
platform's refused login and IP_DISALLOWED, an office the server lacks, a status the map lacks), the
pass is run on the server's database (SQLite, then PostgreSQL), and the page comes from the real server
over a real socket."""

import html
import os
import re
import socket

import pytest

from central.connectors.config import load_connectors
from central.connectors.sync import SyncFailed, run_pass
from central.dashboard.web import text
from central.storage import make_engine
from tests.support import upstream as up_mod
from tests.support.dash_web import signed_in
from tests.support.upstream import Upstream, opencps_dossier

OFFICE = "XA-PHUOCLONG"
OPENCPS = """
[connector:tinh]
kind = opencps
url = {url}
group_id = 35404
office = {office}
token_file = tinh.token
status_map = status.csv
page_size = 2
timeout_seconds = 1
"""
EXCHANGE = """
[connector:tinh]
kind = dvcqg
url = {url}/api
auth_url = {url}/auth
username = motcua
dstcode = {dstcode}
unit_code = 000.00.31.H29
office = XA-PHUOCLONG
token_file = tinh.token
"""


def closed_port_url() -> str:
    with socket.socket() as s:  # a port nothing listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    up = Upstream()
    up.put(*(opencps_dossier(n) for n in range(1, 6)))
    yield up
    up.close()


@pytest.fixture
def page(launch_server, storage_url, tmp_path):
    srv = launch_server(storage_url)
    srv.cli("office", "add", OFFICE, "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
    srv.cli("admin", "add", "chi", "--password-stdin", stdin="mat-khau-dai-123\n")
    web = signed_in(srv.url, "chi", "mat-khau-dai-123")
    engine = make_engine(storage_url)
    (tmp_path / "status.csv").write_text("source,national\nprocessing,4\n")

    def connector(ini: str, token: str = up_mod.TOKEN, **values):
        (tmp_path / "tinh.token").write_text(token + "\n")
        os.chmod(tmp_path / "tinh.token", 0o600)
        path = tmp_path / "central.ini"
        body = ini
        for key, value in values.items():
            body = body.replace("{" + key + "}", value)
        path.write_text(body)
        return load_connectors(str(path))[0]

    def cell(lang: str, column: str) -> str:
        got = web.get(f"{srv.url}/admin/connectors?lang={lang}", timeout=15)
        assert got.status_code == 200
        row = re.search(r'<tr data-connector="tinh".*?</tr>', got.text, re.S).group(0)
        return re.search(rf'<td data-column="{column}">(.*?)</td>', row, re.S).group(1)

    yield connector, cell, engine
    engine.dispose()


PARTS = r'<div data-advice="([a-z_]+)">(.*?)</div>\s*<div class="hint" data-part="cause">(.*?)</div>'


def parts(cell: str) -> tuple[str, str, str]:
    """(advice kind, advice, cause) of the error cell, as the page shows them, in that order."""
    found = re.search(PARTS, cell, re.S)
    assert found, cell
    return found.group(1), html.unescape(found.group(2)).strip(), html.unescape(found.group(3)).strip()


CASES = [
    # (what goes wrong, the fault or the connector, the advice's kind, its values, a word of the raw cause)
    ("timeout", "timeout", "timeout", {"seconds": "1"}, "no answer within 1 s"),
    ("closed port", "closed", "unreachable", {}, "cannot connect"),
    ("401", "401", "credentials", {}, "HTTP 401"),
    ("403", "403", "forbidden", {}, "HTTP 403"),
    ("500", "500", "source_fault", {"status": 500}, "HTTP 500"),
    ("not JSON", "garbage", "garbled", {}, "the answer is not JSON"),
    ("cut short", "cut", "garbled", {}, "broke off before its end"),
    ("half page", "half", "garbled", {}, "though the total is"),
    ("wrong password", "password", "credentials", {}, "login refused"),
    ("IP not allowed", "dstcode", "forbidden", {}, "IP_DISALLOWED"),
    ("no such office", "office", "office", {}, "XA-KHONGCO is not on the server"),
]


@pytest.mark.parametrize("what, fault, kind, values, cause", CASES, ids=[c[0] for c in CASES])
def test_the_last_error_reads_as_advice_then_the_cause_for_it(page, site, what, fault, kind, values, cause):
    connector, cell, engine = page
    url, office = site.url, OFFICE
    if fault == "closed":
        url = closed_port_url()
    if fault == "office":
        office = "XA-KHONGCO"
    if fault in ("password", "dstcode"):
        spec = connector(
            EXCHANGE,
            token="wrong-password" if fault == "password" else up_mod.PASSWORD,
            url=site.url,
            dstcode="000.00.00.H29" if fault == "password" else "000.00.00.X99",
        )
    else:
        spec = connector(OPENCPS, url=url, office=office)
        if fault in ("timeout", "401", "403", "500", "garbage", "cut", "half"):
            site.fault("/o/rest/v2/dossiers", fault, times=1)
    with pytest.raises(SyncFailed):
        run_pass(engine, spec)
    site.faults.clear()

    got_kind, advice, raw = parts(cell("vi", "error"))
    assert got_kind == kind
    assert advice == text(f"connectors.advice.{kind}", "vi", **values)  # Vietnamese advice on the Vietnamese page
    assert raw.startswith("Chi tiết kỹ thuật (cho bộ phận CNTT): connector tinh (") and cause in raw
    assert cause not in advice
    got_kind, advice, raw = parts(cell("en", "error"))
    assert got_kind == kind and advice == text(f"connectors.advice.{kind}", "en", **values)
    assert raw.startswith("Technical detail (for IT): connector tinh (") and cause in raw
    assert up_mod.TOKEN not in raw and up_mod.PASSWORD not in raw


def test_a_status_the_map_lacks_says_to_add_a_row(page, site):
    connector, cell, engine = page
    site.put(opencps_dossier(9, status="interoperating"))
    try:
        run_pass(engine, connector(OPENCPS, url=site.url, office=OFFICE))
    finally:
        site.dossiers.pop(opencps_dossier(9)["dossierNo"])
        site._reorder()
    unknown = cell("vi", "unknown")
    assert "<code>interoperating</code> × 1" in unknown
    assert html.unescape(re.search(r'<div data-advice="unknown_status">(.*?)</div>', unknown, re.S).group(1)) == (
        text("connectors.advice.unknown_status", "vi")
    )
    assert "status_map" in text("connectors.advice.unknown_status", "en")
    assert cell("vi", "error").strip() == "—"  # a status the map lacks is no failure
