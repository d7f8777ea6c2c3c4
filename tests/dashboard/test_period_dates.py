"""The period form's date fields: whatever order the browser's own date field uses (month/day in an English
browser), the chosen day is also written day/month/year beside it, so 03/04 is never misread (COPY.md)."""

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from tests.support.dash_browser import FLAGS, click_and_wait, screenshot, sign_in


@pytest.fixture(scope="module")
def english_browser(dash):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument("--lang=en-US" if flag.startswith("--lang=") else flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    driver.set_page_load_timeout(30)
    sign_in(driver, dash.url, dash.admin, dash.password)
    yield driver
    driver.quit()


def test_the_chosen_days_are_written_day_month_year(dash, english_browser):
    driver = english_browser
    driver.get(dash.url + "/admin/overview")
    for field, day in (("from", "2026-04-03"), ("to", "2026-05-10")):
        driver.execute_script(
            "var i = document.getElementById(arguments[0]); i.value = arguments[1];"
            "i.dispatchEvent(new Event('input', {bubbles: true}));",
            field,
            day,
        )
    assert driver.find_element(By.ID, "from-said").text.strip() == "= 03/04/2026"
    assert driver.find_element(By.ID, "to-said").text.strip() == "= 10/05/2026"
    screenshot(driver, "period-dates-english-browser")
    driver.find_element(By.ID, "period").send_keys("custom")
    click_and_wait(driver, driver.find_element(By.ID, "show"))
    assert "from=2026-04-03" in driver.current_url
    assert driver.find_element(By.ID, "from-said").text.strip() == "= 03/04/2026"  # shown again after the reload
