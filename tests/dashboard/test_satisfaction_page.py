"""The dashboard's satisfaction page in the legal frame (issue 15, item 6), on the real server, against
the hand count of office XA-KIEMTRA (tests/support/kiemtra.py), and in headless Chromium.

October 2025 at XA-KIEMTRA: 7 ratings on the 3-level scale, scores 3, 1, 2, 2, 1, 3, 3: Rất hài lòng
3 (42.9%), Hài lòng 2 (28.6%), Không hài lòng 2 (28.6%). Reasons ticked: thai_do once (criterion 7),
cho_lau twice and huong_dan once (tied to no criterion).
"""

import json
import re
from html import unescape

from selenium.webdriver.common.by import By

from tests.support.dash_browser import screenshot
from tests.support.dash_web import pct, signed_in
from tests.support.kiemtra import OFFICE

OCTOBER = {"office": OFFICE, "kind": "month", "year": "2025", "n": "10"}


def _row_text(html: str, row_id: str) -> str:
    row = html.split(f'id="{row_id}"', 1)[1].split(">", 1)[1].split("</tr>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip()


def test_section_ii_and_reasons_by_criterion_are_the_hand_count(dash):
    s = signed_in(dash.url, dash.admin, dash.password)
    r = s.get(dash.url + "/admin/satisfaction", params=OCTOBER, timeout=15)
    assert r.status_code == 200, r.text[:500]
    html = r.text
    total = _row_text(html, "levels-total")
    assert total.split()[:3] == ["Cả", "kỳ", "7"]
    for rate in (2 / 7, 2 / 7, 3 / 7):  # không hài lòng, hài lòng, rất hài lòng, in that order
        assert pct(rate) in total
    assert total.index(pct(2 / 7)) < total.index(pct(3 / 7))
    assert "Thái độ chưa tốt (1)" in _row_text(html, "criterion-7")
    none = _row_text(html, "criterion-none")
    assert "Phải chờ lâu (2)" in none and "Hướng dẫn chưa rõ (1)" in none
    assert _row_text(html, "criterion-1").split()[-2:] == ["0", "—"]
    assert not re.search(r"Mức \d", html) and "thai_do" not in html and "cho_lau" not in html
    assert 'href="/admin/satisfaction"' in html  # in the navigation
    assert 'id="upward-off"' in html and 'id="no-pushes"' in html
    data = s.get(dash.url + "/admin/satisfaction", params={**OCTOBER, "format": "json"}, timeout=15).json()
    assert data["levels"]["counts"] == {"khong_hai_long": 2, "hai_long": 2, "rat_hai_long": 3}
    assert json.dumps(data["criteria"][6]["reasons"], ensure_ascii=False).count("Thái độ chưa tốt") == 1
    en = s.get(dash.url + "/admin/satisfaction", params={**OCTOBER, "lang": "en"}, timeout=15).text
    assert "Whole period" in en and "Unfriendly attitude (1)" in _row_text(en, "criterion-7")
    s.get(dash.url + "/admin/satisfaction", params={"lang": "vi"}, timeout=15)


def test_officer_table_says_it_serves_internal_improvement(dash):
    s = signed_in(dash.url, dash.admin, dash.password)
    html = s.get(
        dash.url + "/admin/by/officer", params={"office": OFFICE, "from": "2025-10-01", "to": "2025-10-31"}, timeout=15
    ).text
    assert 'id="officer-note"' in html and "đơn vị đánh giá theo quy định là hồ sơ" in unescape(html)
    counters = s.get(dash.url + "/admin/by/counter", params={"office": OFFICE}, timeout=15).text
    assert 'id="officer-note"' not in counters


def test_the_page_in_chromium_fits_and_reads(dash, browser):
    query = "&".join(f"{k}={v}" for k, v in OCTOBER.items())
    browser.get(f"{dash.url}/admin/satisfaction?{query}")
    table = browser.find_element(By.ID, "levels")
    assert table.is_displayed()
    width = browser.execute_script("return document.documentElement.scrollWidth")
    viewport = browser.execute_script("return window.innerWidth")
    assert width <= viewport + 1, (width, viewport)
    assert "Thái độ chưa tốt (1)" in browser.find_element(By.ID, "criterion-7").text
    screenshot(browser, "dashboard-satisfaction")


def test_own_reasons_by_their_labels_and_the_push_state_on_the_page(launch_server, tmp_path):
    """An office's own reason shows by the label central.ini gives it, else as 'Lý do riêng của văn
    phòng: CODE'; a push the platform refused (HTTP 500) shows with its error and next try."""
    import os
    import uuid

    import requests

    from tests.support.upward_platform import Platform

    platform = Platform()
    # the server's own push of last month may come (2-10 s after start) before the command's: both refused
    platform.answers = [500, 500]
    secret = tmp_path / "lgsp.secret"
    secret.write_text(platform.secret, encoding="utf-8")
    os.chmod(secret, 0o600)
    ini = tmp_path / "central.ini"
    ini.write_text(
        "[server]\ncustom_reason_codes = phi_cao,xe\n\n"
        f"[upward]\nurl = {platform.url}\nclient_id = motcua-xa\nclient_secret_file = {secret}\n"
        "custom_reason_labels = phi_cao=Phí cao quá\n",
        encoding="utf-8",
    )
    try:
        srv = launch_server(env={"MOTCUA_CENTRAL_CONFIG": str(ini)})
        office = "XA-RIENG"
        srv.ensure_office(office)
        token = srv.device_token("rating", office, 1)
        items = [
            {
                "id": str(uuid.uuid4()),
                "device_seq": 1,
                "created_at": "2026-10-05T09:00:00+07:00",
                "office": office,
                "counter": 1,
                "staff_id": None,
                "scale": 4,
                "score": 1,
                "reasons": ["phi_cao", "xe", "den_nhieu_noi"],
                "comment": None,
                "dossier_code": None,
            }
        ]
        r = requests.post(srv.url + "/api/v1/ratings", json={"ratings": items}, headers=srv.headers(token), timeout=15)
        assert [x["status"] for x in r.json()["results"]] == ["accepted"], r.text
        pushed = srv.run_cli("report", "votes", "--month", "2026-10", "--office", office, "--push")
        assert pushed.returncode == 1 and "HTTP 500" in pushed.stderr, pushed.stderr
        assert platform.secret not in pushed.stderr + pushed.stdout
        assert json.loads(pushed.stdout)["PercentBad"] == 100.0
        srv.cli("admin", "add", "quantri", "--password-stdin", stdin="mat-khau-dai-1234\n")
        s = signed_in(srv.url, "quantri", "mat-khau-dai-1234")
        html = s.get(
            srv.url + "/admin/satisfaction", params={"office": office, "kind": "month", "year": "2026", "n": "10"}
        ).text
        none = _row_text(html, "criterion-none")
        assert "Phí cao quá (1)" in none and "Lý do riêng của văn phòng: xe (1)" in none
        assert "Phải đến nhiều nơi (1)" in _row_text(html, "criterion-4")
        push = _row_text(html, f"push-2026-10-{office}")
        assert "HTTP 500" in push and "Chưa nhận" in push
        assert 'id="upward-target"' in html and platform.secret not in html
        by_counter = s.get(
            srv.url + "/admin/by/counter", params={"office": office, "from": "2026-10-01", "to": "2026-10-31"}
        )
        cells = unescape(by_counter.text)
        assert (
            "Phí cao quá (1)" in cells
            and "Lý do riêng của văn phòng: xe (1)" in cells
            and "Phải đến nhiều nơi (1)" in cells
        )
    finally:
        platform.stop()
