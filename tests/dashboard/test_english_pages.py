"""The English dashboard is English: every page, read in Chromium, shows Vietnamese only where it shows the
office's own data (names of officers, offices and procedures, citizens' comments) and the "Tiếng Việt" switch."""

import re
import sqlite3

import pytest

from motcua.text import HIDDEN_PHONE, hide_phones
from tests.support.dash_browser import make_driver, screenshot, sign_in
from tests.support.kiemtra import PERIOD

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
PAGES = [
    "/admin/overview",
    "/admin/by/officer",
    "/admin/by/counter",
    "/admin/by/field",
    "/admin/by/procedure",
    "/admin/by/day",
    "/admin/devices",
    "/admin/staff",
    "/admin/imports",
    "/admin/callbacks",
    "/admin/admins",
    "/admin/late",
    "/admin/complaints",
    "/admin/satisfaction",
    "/admin/searches",
    "/admin/connectors",
]


def _data_texts(db_path: str) -> list[str]:
    """Every text the office stored (any text column of any table), longest first: what a page may show as is."""
    found = set()
    with sqlite3.connect(db_path) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in db.execute(
                    f'SELECT DISTINCT "{column}" FROM "{table}" WHERE typeof("{column}") = "text"'
                ):
                    for part in value.splitlines():  # comments are shown with their phone numbers hidden
                        found.update({part.strip(), hide_phones(part).strip()} if VIETNAMESE.search(part) else ())
    found.add(HIDDEN_PHONE)  # stands inside a citizen's comment, in the comment's language
    return sorted(found, key=len, reverse=True)


@pytest.fixture(scope="module")
def english(dash, tmp_path_factory):
    driver = make_driver(tmp_path_factory.mktemp("downloads"))
    sign_in(driver, dash.url, dash.admin, dash.password)
    yield driver
    driver.quit()


@pytest.mark.parametrize("query", ["", "&office={office}&from={from}&to={to}".format(**PERIOD)])
def test_every_english_page_shows_no_vietnamese_but_the_office_s_data(dash, english, query):
    data = _data_texts(dash.server.db_url)
    untranslated = []
    for path in PAGES:
        english.get(f"{dash.url}{path}?lang=en{query}")
        body = english.find_element("tag name", "body").text
        assert "Sign out" in body or "Overview" in body, f"{path} did not open in English:\n{body[:500]}"
        for line in body.splitlines():
            rest = line.replace("Tiếng Việt", "").replace("NĐ-CP", "")  # a decree's number is its name
            for text in data:
                if text in rest:
                    rest = rest.replace(text, "")
            if VIETNAMESE.search(rest):
                untranslated.append(f"{path}: {line.strip()}  [left: {rest.strip()}]")
        if not query and path == "/admin/by/procedure":
            screenshot(english, "english-by-procedure")
    assert not untranslated, "Vietnamese on the English dashboard:\n" + "\n".join(untranslated)


def test_the_row_of_ratings_without_a_dossier_is_named_in_english(dash, english):
    english.get(
        f"{dash.url}/admin/by/procedure?lang=en&office={PERIOD['office']}&from={PERIOD['from']}&to={PERIOD['to']}"
    )
    cells = [c.text for c in english.find_elements("css selector", "td[data-column=label]")]
    assert "(rating not linked to a dossier)" in cells, cells
    english.get(
        f"{dash.url}/admin/by/counter?lang=en&office={PERIOD['office']}&from={PERIOD['from']}&to={PERIOD['to']}"
    )
    cells = [c.text for c in english.find_elements("css selector", "td[data-column=label]")]
    assert cells[:2] == ["Counter 1", "Counter 2"], cells
    english.get(
        f"{dash.url}/admin/by/counter?lang=vi&office={PERIOD['office']}&from={PERIOD['from']}&to={PERIOD['to']}"
    )
    cells = [c.text for c in english.find_elements("css selector", "td[data-column=label]")]
    assert cells[:2] == ["Quầy 1", "Quầy 2"], cells
