"""What the tablet's admin screen says about a delivery problem: each fault is caused for real (a closed port,
a fault proxy, a wrong token, a captive-portal page on a real socket) and the real client's stored error
reads as advice in Vietnamese and English, never as the exception."""

import http.server
import threading

import pytest

from rating import advice
from rating.services import TabletServices
from rating.settings import load as load_config
from tests.support.faultproxy import FaultProxy
from tests.support.pg import free_port
from tests.support.tablet_setup import add_officers, write_config

RAW = ("Error", "HTTP", "POST", "/api/", "Max retries", "Traceback", "injected")


class At:
    """write_config takes the server's `url`: here a proxy's, a closed port's or a portal's."""

    def __init__(self, url):
        self.url = url


def stored_error(tmp_path, server, url, token=None) -> str:
    """One rating on a tablet configured for `url`, one delivery attempt; the error the outbox keeps."""
    ids = add_officers(server)
    tmp_path.mkdir(parents=True, exist_ok=True)
    token = token if token is not None else server.device_token(counter=1)
    services = TabletServices(load_config(write_config(tmp_path, At(url), token)))
    services.flow.sign_in({"id": ids["lan"], "name": "Nguyễn Thị Lan"})  # the staff list is not what is tried here
    services.flow.start()
    services.flow.choose(3)
    services.flow.skip_dossier()
    assert services.outbox.pending() == 1
    services.drain_once()
    error = services.admin_status()["last_error"]
    assert error, "the delivery did not fail"
    return error


def check(error, kind, url, vi_start, en_start):
    assert advice.kind(error)[0] == kind, error
    vi, en = advice.error_advice(error, url, "vi"), advice.error_advice(error, url, "en")
    assert vi.startswith(vi_start) and en.startswith(en_start), (vi, en)
    for raw in RAW:
        assert raw not in vi and raw not in en, (raw, vi, en)


@pytest.fixture
def proxy(shared_server):
    proxies = []

    def make(fault):
        p = FaultProxy(("127.0.0.1", shared_server.port), choose=lambda: fault)
        proxies.append(p)
        return p

    yield make
    for p in proxies:
        p.close()


def test_a_closed_port_is_unreachable(tmp_path, shared_server):
    url = f"http://127.0.0.1:{free_port()}"
    error = stored_error(tmp_path, shared_server, url)
    assert "HTTPConnectionPool" in error  # what the admin screen used to show
    check(error, "unreachable", url, "Không kết nối được máy chủ (127.0.0.1:", "Cannot reach the server (127.0.0.1:")


@pytest.mark.parametrize(
    "fault, kind, vi, en",
    [
        ("reset", "unreachable", "Không kết nối được máy chủ", "Cannot reach the server"),
        ("http500", "server", "Máy chủ đang gặp lỗi hoặc quá tải (mã 500)", "The server has a problem"),
        ("http429", "server", "Máy chủ đang gặp lỗi hoặc quá tải (mã 429)", "The server has a problem"),
        ("blackhole", "timeout", "Máy chủ không trả lời trong 2 giây", "The server did not answer within 2 seconds"),
    ],
)
def test_network_and_server_faults(tmp_path, shared_server, proxy, fault, kind, vi, en):
    p = proxy(fault)
    check(stored_error(tmp_path, shared_server, p.url), kind, p.url, vi, en)


def test_a_refused_token_and_a_wrong_address(tmp_path, shared_server):
    error = stored_error(tmp_path / "a", shared_server, shared_server.url, token="not-a-token-of-this-server")
    check(error, "token", shared_server.url, "Máy chủ không nhận mã thiết bị", "The server does not accept")
    wrong = shared_server.url + "/motcua"  # the admin typed a path after the address
    check(
        stored_error(tmp_path / "b", shared_server, wrong), "not_found", wrong, "Địa chỉ máy chủ", "The server address"
    )


def test_a_kiosk_token_on_a_tablet_is_refused_with_advice(tmp_path, shared_server):
    token = shared_server.device_token(kind="kiosk", counter=None)
    error = stored_error(tmp_path, shared_server, shared_server.url, token=token)
    check(error, "forbidden", shared_server.url, "Máy chủ không cho máy này gửi đánh giá", "The server does not let")


def test_a_wifi_login_page_is_a_garbled_answer(tmp_path, shared_server):
    class Portal(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = b"<html><body>Dang nhap Wi-Fi</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    portal = http.server.HTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{portal.server_port}"
        check(
            stored_error(tmp_path, shared_server, url), "garbled", url, "Máy chủ trả lời không đúng dạng", "The server"
        )
    finally:
        portal.shutdown()


def test_no_device_token_and_a_full_disk(tmp_path, shared_server):
    add_officers(shared_server)
    services = TabletServices(load_config(write_config(tmp_path, shared_server, "x")), client=None)
    services.client = None  # as a tablet without a token file runs
    done = []
    services.sync_now(on_done=lambda: done.append(1))
    error = services.admin_status()["last_error"]
    assert done == [1]
    check(error, "no_token", shared_server.url, "Máy chưa có mã thiết bị", "This tablet has no device token")
    assert advice.storage_advice("08:05:00 04/12/2026") == (
        "Từ 08:05:00 04/12/2026, máy không lưu được đánh giá (bộ nhớ đầy hoặc hỏng). Báo ngay bộ phận CNTT."
    )


def test_refused_items_read_as_reasons():
    assert advice.refusal("rejected: already_rated") == "hồ sơ này đã được đánh giá trên máy khác"
    assert advice.refusal("rejected: already_rated", "en") == "this dossier was already rated on another tablet"
    assert advice.refusal("rejected: invalid:phone") == "dữ liệu không hợp lệ: phone"
    assert (
        advice.refusal("server_error: POST /api/v1/ratings: HTTP 500") == "máy chủ gặp lỗi khi nhận; sẽ tự gửi lại sau"
    )
    other = advice.refusal("rejected: POST /api/v1/ratings: HTTP 422 invalid body")
    assert other == "xem chi tiết bằng lệnh motcua-rating status"
