"""The dashboard in headless Chromium: sign in, change period, export, revoke, import; screenshots of every page."""

import csv

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.support.kiemtra import KIOSK_NAME, OFFICE, PERIOD, TABLET_NAME, UNIT, api_get
from tests.support.dash_browser import click_and_wait, screenshot, sign_in, wait_for_file
from tests.support.dash_web import pct


def _text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text.strip()


def test_sign_in_then_change_the_period_and_office(dash, browser):
    assert "/admin/overview" in browser.current_url and _text(browser, "fig-ratings")
    Select(browser.find_element(By.ID, "office")).select_by_value(OFFICE)
    Select(browser.find_element(By.ID, "period")).select_by_value("custom")
    browser.execute_script(
        "document.getElementById('from').value = arguments[0];document.getElementById('to').value = arguments[1];",
        PERIOD["from"],
        PERIOD["to"],
    )
    click_and_wait(browser, browser.find_element(By.ID, "show"))
    assert "from=2025-10-01" in browser.current_url
    data = api_get(dash, "/api/v1/reports/overview", **PERIOD)
    assert _text(browser, "fig-ratings") == str(data["ratings"]["count"]) == "7"
    assert _text(browser, "fig-satisfaction") == pct(data["ratings"]["satisfaction_rate"]) == "71,4%"
    assert _text(browser, "fig-on-time") == pct(data["dossiers"]["on_time_rate"]) == "60,0%"
    assert _text(browser, "fig-open-late") == "1" and "hết ngày 31/10/2025" in browser.page_source
    assert _text(browser, "fig-d766") == "42,9%"
    assert "01/10/2025" in _text(browser, "period-span") and "31/10/2025" in _text(browser, "period-span")
    screenshot(browser, "overview-office-october")
    Select(browser.find_element(By.ID, "granularity")).select_by_value("week")
    click_and_wait(browser, browser.find_element(By.ID, "show"))
    assert "Tuần 29/09" in browser.find_element(By.ID, "series").text


def test_export_csv_from_the_page_and_read_it_back(dash, browser):
    browser.get(
        dash.url + "/admin/by/officer?office={office}&from={from}&to={to}&sort=count&order=desc".format(**PERIOD)
    )
    screenshot(browser, "by-officer-october")
    browser.find_element(By.ID, "export-csv").click()
    path = wait_for_file(browser.downloads, ".csv")
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    items = sorted(api_get(dash, "/api/v1/reports/satisfaction/officer", **PERIOD)["items"], key=lambda i: -i["count"])
    assert [line[0] for line in lines[1:]] == [i["label"] for i in items]
    assert [int(line[1]) for line in lines[1:]] == [i["count"] for i in items] == [4, 3]
    assert [line[3] for line in lines[1:]] == [pct(i["satisfaction_rate"]) for i in items]
    shown = [
        tr.find_elements(By.TAG_NAME, "td")[0].text
        for tr in browser.find_elements(By.CSS_SELECTOR, "#breakdown tbody tr")
    ]
    assert shown == [line[0] for line in lines[1:]]


def test_revoke_a_device_and_its_token_is_refused(dash, browser):
    token = dash.server.device_token("kiosk", OFFICE, None, name=KIOSK_NAME)
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(dash.url + "/api/v1/fields", headers=auth, timeout=15).status_code == 200
    browser.get(dash.url + "/admin/devices")
    rows = browser.find_elements(By.CSS_SELECTOR, "#devices tbody tr")
    device_id = max(int(r.get_attribute("id").split("-")[1]) for r in rows)
    # the README's device list: a newcomer reads the names an office gives its devices, not a fixture's
    names = _text(browser, "devices")
    assert KIOSK_NAME in names and TABLET_NAME in names and "test " not in names, names
    screenshot(browser, "devices")
    click_and_wait(browser, browser.find_element(By.ID, f"revoke-{device_id}"))
    assert f"{device_id}" in _text(browser, "flash")  # the message kept in the session, shown once
    assert "revoked" in browser.find_element(By.ID, f"device-{device_id}").get_attribute("class")
    refused = requests.get(dash.url + "/api/v1/fields", headers=auth, timeout=15)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


def test_upload_an_import_with_an_error_and_read_the_report(dash, browser, tmp_path):
    path = tmp_path / "ho-so-loi.csv"
    path.write_text(
        "code,procedure_code,holder_name,phone,status,received_at,due_at,finished_at,returned_at,secret\n"
        f"{UNIT}-251121-0001,1.001193,Ngô Thị Thu,,4,2025-11-21T08:00:00+07:00,2025-11-20T17:00:00+07:00,,,QWER12\n",
        encoding="utf-8",
    )
    browser.get(dash.url + "/admin/imports")
    screenshot(browser, "imports")
    Select(browser.find_element(By.ID, "import-kind")).select_by_value("dossiers")
    browser.find_element(By.ID, "import-file").send_keys(str(path))
    click_and_wait(browser, browser.find_element(By.ID, "check"))
    problems = _text(browser, "problems")
    assert "ho-so-loi.csv dòng 2, due_at: sớm hơn received_at (ngày tiếp nhận)" in problems
    screenshot(browser, "imports-report-error")


def test_screenshots_of_every_page(dash, browser):
    query = "office={office}&from={from}&to={to}".format(**PERIOD)
    for name, path in [
        ("overview-all-year", "/admin/overview?period=year"),
        ("by-counter", f"/admin/by/counter?{query}"),
        ("by-field", "/admin/by/field?period=year"),
        ("by-procedure", "/admin/by/procedure?period=year"),
        ("staff", "/admin/staff"),
        ("overview-english", "/admin/overview?period=year&lang=en"),
    ]:
        browser.get(dash.url + path)
        assert browser.find_elements(By.TAG_NAME, "h1"), path
        screenshot(browser, name)
    assert "Overview" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(dash.url + "/admin/overview?lang=vi")
    browser.delete_all_cookies()
    browser.get(dash.url + "/admin/login")
    screenshot(browser, "login")
    sign_in(browser, dash.url, dash.admin, dash.password)
