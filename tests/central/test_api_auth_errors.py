"""Auth (401/403), the JSON error envelope, body limits and request budgets, against a live server."""

import socket

import requests


def envelope(r, status, code=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code


def test_missing_invalid_and_revoked_tokens_get_401(storage_server, office, api_for):
    for token in (None, "nonsense", ""):
        envelope(api_for(storage_server, token).get("/api/v1/procedures"), 401, "unauthorized")
    r = requests.get(storage_server.url + "/api/v1/procedures", headers={"Authorization": "Basic eDp5"}, timeout=5)
    envelope(r, 401)
    out = storage_server.cli("device", "add", "--kind", "kiosk", "--office", office)
    device_id = out.split()[1]
    kiosk = api_for(storage_server, out.strip().splitlines()[-1])
    assert kiosk.get("/api/v1/procedures").status_code == 200
    storage_server.cli("device", "revoke", device_id)
    envelope(kiosk.get("/api/v1/procedures"), 401, "unauthorized")


def test_device_token_on_admin_endpoints_gets_403(kiosk, tablet):
    for device in (kiosk, tablet):
        envelope(device.get("/api/v1/reports/summary"), 403, "forbidden")
        envelope(device.get("/api/v1/admin/devices"), 403, "forbidden")


def test_admin_token_reads_reports(storage_server, api_for):
    admin = api_for(storage_server, storage_server.admin_token())
    r = admin.get("/api/v1/reports/summary?period=year")
    assert r.status_code == 200
    assert {"dossiers", "ratings", "series", "period"} <= set(r.json())


def test_unknown_path_and_wrong_method_use_the_envelope(kiosk):
    envelope(kiosk.get("/api/v1/nothing-here"), 404, "not_found")
    envelope(
        kiosk.session.delete(kiosk.server.url + "/api/v1/procedures", headers=kiosk.headers(), timeout=5),
        405,
        "method_not_allowed",
    )


def test_malformed_json_and_wrong_types_are_4xx(tablet):
    url = tablet.server.url + "/api/v1/ratings"
    headers = tablet.headers({"Content-Type": "application/json"})
    envelope(requests.post(url, data=b'{"ratings": [', headers=headers, timeout=5), 400, "malformed_json")
    envelope(requests.post(url, data=b"\xff\xfe\x00", headers=headers, timeout=5), 400)
    envelope(requests.post(url, data=b"[1, 2]", headers=headers, timeout=5), 422, "invalid_request")
    envelope(tablet.post("/api/v1/heartbeat", {"app": "toaster"}), 422, "invalid_request")
    envelope(tablet.post("/api/v1/heartbeat", {"app": "rating", "pending": "many"}), 422)
    envelope(tablet.get("/api/v1/stats?office=X&period=decade"), 422)
    envelope(tablet.get("/api/v1/staff/abc/photo"), 422)


def test_ten_megabyte_body_is_refused_with_413(tablet):
    url = tablet.server.url + "/api/v1/ratings"
    big = b'{"ratings": ["' + b"x" * (10 * 1024 * 1024) + b'"]}'
    envelope(
        requests.post(url, data=big, headers=tablet.headers({"Content-Type": "application/json"}), timeout=30),
        413,
        "body_too_large",
    )

    def chunks():  # no Content-Length: counted while it streams
        yield b'{"ratings": ["'
        for _ in range(160):
            yield b"y" * 65536
        yield b'"]}'

    try:
        r = requests.post(url, data=chunks(), headers=tablet.headers({"Content-Type": "application/json"}), timeout=30)
        envelope(r, 413, "body_too_large")
    except requests.ConnectionError:
        pass  # the server may close while we still send; what matters is it is still healthy
    assert requests.get(tablet.server.url + "/healthz", timeout=5).status_code == 200


def test_lying_content_length_never_gets_5xx(tablet):
    host, port = tablet.server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(
            b"POST /api/v1/ratings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + tablet.token.encode() + b"\r\nContent-Length: abc\r\n\r\n{}"
        )
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 4"), reply[:100]


def test_openapi_and_healthz_need_no_token(storage_server):
    assert requests.get(storage_server.url + "/healthz", timeout=5).json() == {"status": "ok"}
    spec = requests.get(storage_server.url + "/openapi.json", timeout=5).json()
    for path in (
        "/api/v1/procedures",
        "/api/v1/dossiers/{code}",
        "/api/v1/ratings",
        "/api/v1/heartbeat",
        "/api/v1/staff",
        "/api/v1/stats",
        "/api/v1/fields",
    ):
        assert path in spec["paths"]


def test_request_budget_per_token_gives_429_with_retry_after(launch_server, api_for):
    srv = launch_server(env={"MOTCUA_REQUESTS_PER_MINUTE_PER_TOKEN": "5"})
    kiosk = api_for(srv, srv.device_token("kiosk", "XA-PHUOCLONG", None))
    other = api_for(srv, srv.device_token("kiosk", "XA-PHUOCLONG", None))
    codes = [kiosk.get("/api/v1/fields").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    r = kiosk.get("/api/v1/fields")
    envelope(r, 429, "rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert other.get("/api/v1/fields").status_code == 200  # budgets are per token
