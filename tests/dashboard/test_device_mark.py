"""The "Mã thiết bị" a kiosk or tablet shows on its admin screen is on the dashboard's device list, and
the list finds the device by it (as shown, or as the whole line the device shows), by id, name or office."""

from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By

from rating.services import TabletServices
from rating.settings import load as load_rating
from tests.support.dash_browser import click_and_wait, make_driver, screenshot, sign_in
from tests.support.tablet_setup import OFFICE, write_config

PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture(scope="module")
def setup(shared_server, tmp_path_factory):
    srv = shared_server
    kiosk_token = srv.device_token("kiosk", office=OFFICE, counter=None)
    rating_token = srv.device_token("rating", office=OFFICE, counter=1)
    srv.device_token("rating", office="XA-KHAC", counter=2)  # another office's tablet, never found
    srv.cli("admin", "add", "quantri-mark", "--password-stdin", stdin=PASSWORD + "\n")
    driver = make_driver(tmp_path_factory.mktemp("downloads"))
    sign_in(driver, srv.url, "quantri-mark", PASSWORD, "/admin/devices")
    yield SimpleNamespace(srv=srv, kiosk_token=kiosk_token, rating_token=rating_token, driver=driver)
    driver.quit()


def _shown_by_the_tablet(setup, tmp_path) -> str:
    cfg = load_rating(write_config(tmp_path, setup.srv, setup.rating_token))
    services = TabletServices(cfg, staff=False)
    return services.device_id  # "Quầy 1 · 1a2b3c4d", as its admin screen shows it


def _shown_by_the_kiosk(setup) -> str:
    from kiosk.app import KioskApp

    cfg = SimpleNamespace(server=SimpleNamespace(token=setup.kiosk_token), device=SimpleNamespace(name="Kiosk sảnh"))
    return KioskApp.device_id(SimpleNamespace(cfg=cfg))  # "Kiosk sảnh (1a2b3c4d)"


def _rows(driver) -> list[str]:
    return [row.get_attribute("id") for row in driver.find_elements(By.CSS_SELECTOR, "#devices > tbody > tr[id]")]


def _search(driver, text: str) -> list[str]:
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    click_and_wait(driver, driver.find_element(By.ID, "find"))
    return _rows(driver)


def test_the_mark_a_device_shows_is_listed_and_found(setup, tmp_path):
    driver = setup.driver
    tablet = _shown_by_the_tablet(setup, tmp_path)
    kiosk = _shown_by_the_kiosk(setup)
    assert tablet.startswith("Quầy 1 · ") and kiosk.startswith("Kiosk sảnh (") and kiosk.endswith(")")
    tablet_mark, kiosk_mark = tablet.rsplit(" ", 1)[1], kiosk[-9:-1]
    assert len(tablet_mark) == len(kiosk_mark) == 8 and tablet_mark != kiosk_mark
    listed = setup.srv.cli("device", "list").splitlines()
    column = listed[0].split("\t").index("mark")
    assert {tablet_mark, kiosk_mark} <= {line.split("\t")[column] for line in listed[1:]}  # the CLI shows it too
    driver.get(setup.srv.url + "/admin/devices?lang=vi")
    marks = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "code.mark")]
    assert tablet_mark in marks and kiosk_mark in marks
    assert "Mã thiết bị" in driver.find_element(By.CSS_SELECTOR, "#devices thead").text
    for typed, mark in ((tablet_mark, tablet_mark), (kiosk, kiosk_mark), (tablet_mark[:5].upper(), tablet_mark)):
        found = _search(driver, typed)
        assert len(found) == 1, (typed, found)
        assert driver.find_element(By.CSS_SELECTOR, f"#{found[0]} code.mark").text == mark
    screenshot(driver, "devices-found-by-mark")
    assert len(_search(driver, "XA-KHAC")) == 1
    assert _search(driver, "ffffffff") == [] and "ffffffff" in driver.find_element(By.ID, "none-found").text
    click_and_wait(driver, driver.find_element(By.ID, "show-all"))
    assert len(_rows(driver)) >= 3
