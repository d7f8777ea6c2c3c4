"""The call-back list: citizens who left a phone number on the tablet are listed for admins (page,
CLI, report API), an admin records calling back (who, when, a note), and the numbers appear nowhere else."""

import itertools
import re
import uuid

import pytest
import requests

from tests.support.dash_web import csrf_of, signed_in

PASSWORD = "mật-khẩu-đủ-dài"
CALL_ME = "0901234567"
CALL_ME_TOO = "+84 98 765 4321"
OTHER = "0912 345 678"  # typed into a comment, not left for the call-back: hidden even here
_n = itertools.count(1)


@pytest.fixture
def office(storage_server):
    """A fresh office with an officer, three ratings (two left a number), and a signed-in admin."""
    srv, n = storage_server, next(_n)
    code = f"XA-GOILAI{n}"
    srv.ensure_office(code)
    officer = int(srv.cli("staff", "add", "--office", code, "--name", "Đỗ Thị Hạnh", "--counter", "4").split()[-1])
    token = srv.device_token("rating", code, 4)

    def rating(seq, when, score, comment, phone):
        return {
            "id": str(uuid.uuid4()),
            "device_seq": seq,
            "created_at": when,
            "office": code,
            "counter": 4,
            "staff_id": officer,
            "scale": 3,
            "score": score,
            "reasons": ["cho_lau"] if score == 1 else [],
            "comment": comment,
            "phone": phone,
            "dossier_code": None,
        }

    items = [
        rating(
            1,
            "2025-10-06T09:00:00+07:00",
            1,
            f"Chờ lâu, gọi {CALL_ME[:3]} {CALL_ME[3:6]} {CALL_ME[6:]} hoặc {OTHER}",
            CALL_ME,
        ),
        rating(2, "2025-10-07T10:00:00+07:00", 3, "Rất tốt, mong được phản hồi", CALL_ME_TOO),
        rating(3, "2025-10-08T11:00:00+07:00", 2, "Không để lại số", None),
    ]
    answer = requests.post(
        srv.url + "/api/v1/ratings",
        json={"ratings": items},
        timeout=15,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert {r["status"] for r in answer.json()["results"]} == {"accepted"}, answer.text
    admin = f"goilai{n}-{srv.port}"
    srv.cli("admin", "add", admin, "--password-stdin", stdin=PASSWORD + "\n")
    token_line = srv.cli("admin", "token", admin).strip().splitlines()[-1]
    return type(
        "Office",
        (),
        {
            "code": code,
            "items": items,
            "admin": admin,
            "admin_token": token_line,
            "device_token": token,
            "session": signed_in(srv.url, admin, PASSWORD),
        },
    )


def _rows(html: str) -> list[str]:
    body = html.split('id="callbacks"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr id="cb-([0-9a-f-]+)"', body)


def test_page_lists_numbers_newest_first_and_records_who_called_back(storage_server, office):
    url = storage_server.url + "/admin/callbacks"
    stranger = requests.get(url, timeout=15, allow_redirects=False)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/admin/login?next=")
    page = office.session.get(url, params={"office": office.code}, timeout=15)
    assert page.status_code == 200 and 'href="/admin/callbacks"' in page.text  # in the nav
    first, second, without = office.items
    assert _rows(page.text) == [second["id"], first["id"]]  # newest first; no number, no row
    assert CALL_ME in page.text and CALL_ME_TOO in page.text and "Đỗ Thị Hạnh" in page.text
    row = page.text.split(f'id="cb-{first["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert f"gọi {CALL_ME[:3]} {CALL_ME[3:6]} {CALL_ME[6:]} hoặc [số điện thoại đã ẩn]" in row  # its own number kept
    assert OTHER not in page.text and "Không hài lòng" in row

    refused = office.session.post(f"{url}/{first['id']}/done", data={"note": "x"}, timeout=15)
    assert refused.status_code == 403  # no CSRF token: nothing recorded
    done = office.session.post(
        f"{url}/{first['id']}/done",
        timeout=15,
        allow_redirects=False,
        data={
            "csrf": csrf_of(page.text),
            "note": "Đã xin lỗi, hẹn gặp trưởng bộ phận",
            "office": office.code,
            "state": "all",
        },
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/admin/callbacks?")
    shown = office.session.get(storage_server.url + done.headers["location"], timeout=15).text
    row = shown.split(f'id="cb-{first["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert f"Đã gọi: {office.admin}, " in row and "Đã xin lỗi, hẹn gặp trưởng bộ phận" in row
    assert 'id="flash"' in shown and "Đã ghi nhận cuộc gọi lại." in shown
    assert re.search(r"Đã gọi: [^,]+, \d\d/\d\d/\d{4} \d\d:\d\d", row)

    again = office.session.post(f"{url}/{first['id']}/done", data={"csrf": csrf_of(page.text)}, timeout=15)
    assert again.status_code == 409 and "đã được ghi nhận gọi lại" in again.text
    assert _rows(office.session.get(url, params={"office": office.code, "state": "open"}, timeout=15).text) == [
        second["id"]
    ]
    assert _rows(office.session.get(url, params={"office": office.code, "state": "done"}, timeout=15).text) == [
        first["id"]
    ]
    planted = office.session.get(url, params={"notice": "Gọi số 0999999999 ngay", "status": "500"}, timeout=15)
    assert planted.status_code == 200 and 'id="notice"' not in planted.text  # the address carries no message
    english = office.session.get(url, params={"office": office.code, "lang": "en"}, timeout=15).text
    assert "Call-backs" in english and f"Called: {office.admin}" in english and "Called back" in english
    missing = office.session.post(f"{url}/{without['id']}/done", data={"csrf": csrf_of(page.text)}, timeout=15)
    assert missing.status_code == 404
    long_note = office.session.post(
        f"{url}/{second['id']}/done", timeout=15, data={"csrf": csrf_of(page.text), "note": "x" * 501}
    )
    assert long_note.status_code == 422
    nul_note = office.session.post(
        f"{url}/{second['id']}/done", timeout=15, data={"csrf": csrf_of(page.text), "note": "a\x00b"}
    )
    assert nul_note.status_code == 422
    assert _rows(office.session.get(url, params={"office": office.code, "state": "open"}, timeout=15).text) == [
        second["id"]
    ]


def test_numbers_appear_only_on_the_call_back_list(storage_server, office):
    period = {"office": office.code, "from": "2025-10-01", "to": "2025-10-31"}
    seen = [
        office.session.get(storage_server.url + path, params=period, timeout=15).text
        for path in ("/admin/overview", "/admin/by/counter", "/admin/by/officer", "/admin/devices")
    ]
    seen.append(
        office.session.get(
            storage_server.url + "/admin/by/officer", timeout=15, params={**period, "format": "csv"}
        ).text
    )
    seen.append(
        requests.get(
            storage_server.url + "/api/v1/reports/comments",
            params=period,
            timeout=15,
            headers={"Authorization": f"Bearer {office.admin_token}"},
        ).text
    )
    seen.append(storage_server.cli("export", "ratings", "--office", office.code))
    seen.append(storage_server.log())
    for text in seen:
        for number in (CALL_ME, CALL_ME_TOO, "765 4321", "123 4567", OTHER):
            assert number not in text
    assert "[số điện thoại đã ẩn]" in seen[1]


def test_cli_lists_and_records_call_backs(storage_server, office):
    srv = storage_server
    listing = srv.cli("callbacks", "list", "--office", office.code)
    lines = listing.strip().splitlines()
    assert lines[0].startswith("id\tcreated_at\toffice")
    first, second, _ = office.items
    assert [line.split("\t")[0] for line in lines[1:]] == [second["id"], first["id"]]
    assert CALL_ME in listing and CALL_ME_TOO in listing and OTHER not in listing

    out = srv.cli("callbacks", "done", first["id"][:8], "--by", office.admin, "--note", "Đã gọi, ổn")
    assert out.startswith(f"{first['id']}: called back by {office.admin} at ")
    done_line = srv.cli("callbacks", "list", "--office", office.code, "--state", "done").strip().splitlines()[1:]
    assert len(done_line) == 1 and f"\t{office.admin}\t" in done_line[0] and "\tĐã gọi, ổn\t" in done_line[0]
    open_lines = srv.cli("callbacks", "list", "--office", office.code, "--state", "open").strip().splitlines()[1:]
    assert [line.split("\t")[0] for line in open_lines] == [second["id"]]

    twice = srv.run_cli("callbacks", "done", first["id"], "--by", office.admin)
    assert twice.returncode == 2 and "already called back by" in twice.stderr
    nobody = srv.run_cli("callbacks", "done", second["id"], "--by", "khong-co-ai")
    assert nobody.returncode == 2 and "no admin account" in nobody.stderr
    short = srv.run_cli("callbacks", "done", second["id"][:4], "--by", office.admin)
    assert short.returncode == 2 and "at least 8" in short.stderr
    bad_limit = srv.run_cli("callbacks", "list", "--limit", "-1")
    assert bad_limit.returncode == 2 and "Traceback" not in bad_limit.stderr
    assert srv.cli("callbacks", "list", "--office", office.code, "--state", "open").count(CALL_ME_TOO) == 1


def test_report_api_lists_and_records_call_backs(storage_server, office):
    url = storage_server.url + "/api/v1/reports/callbacks"
    admin = {"Authorization": f"Bearer {office.admin_token}"}
    got = requests.get(url, params={"office": office.code}, headers=admin, timeout=15)
    assert got.status_code == 200
    items = got.json()["items"]
    first, second, _ = office.items
    assert [i["id"] for i in items] == [second["id"], first["id"]]
    assert items[1]["phone"] == CALL_ME and items[1]["officer"] == "Đỗ Thị Hạnh" and items[1]["counter"] == 4
    assert items[1]["comment"].endswith("hoặc [số điện thoại đã ẩn]") and items[1]["called_back"] is None
    device = {"Authorization": f"Bearer {office.device_token}"}
    assert requests.get(url, headers=device, timeout=15).status_code == 403
    assert requests.get(url, timeout=15).status_code == 401
    assert requests.get(url, params={"state": "later"}, headers=admin, timeout=15).status_code == 422

    done_url = f"{url}/{second['id']}/done"
    assert requests.post(done_url, json={"note": "x"}, headers=device, timeout=15).status_code == 403
    assert requests.post(done_url, json={"note": "x" * 501}, headers=admin, timeout=15).status_code == 422
    assert requests.post(done_url, json={"note": "a\u0000b"}, headers=admin, timeout=15).status_code == 422
    assert requests.post(f"{url}/{uuid.uuid4()}/done", json={}, headers=admin, timeout=15).status_code == 404
    assert requests.post(f"{url}/%00/done", json={}, headers=admin, timeout=15).status_code in (400, 404)
    done = requests.post(done_url, json={"note": "Hẹn gọi lại thứ Hai"}, headers=admin, timeout=15)
    assert done.status_code == 200, done.text
    called = done.json()["called_back"]
    assert called["by"] == office.admin and called["note"] == "Hẹn gọi lại thứ Hai" and called["at"].endswith("+07:00")
    again = requests.post(done_url, json={}, headers=admin, timeout=15)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    still_open = requests.get(url, params={"office": office.code, "state": "open"}, headers=admin, timeout=15)
    assert [i["id"] for i in still_open.json()["items"]] == [first["id"]]
