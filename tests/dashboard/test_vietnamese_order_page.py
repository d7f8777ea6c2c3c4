"""The dashboard's lists of officers read in Vietnamese alphabetical order (Bùi < Đặng < Đỗ < Huỳnh), in the
page as Chromium shows it, by default and when sorted by the name column; code-point order put "Đ" last."""

import pytest


# Every officer of the demo and of the hand-made office, written out in Vietnamese order
OFFICERS = [
    "Bùi Thị Thanh Thảo",
    "Đặng Quốc Bảo",
    "Đỗ Đức Anh",
    "Huỳnh Thị Kim Ngân",
    "Lê Hoàng Phúc",
    "Nguyễn Thị Thu Hằng",
    "Phạm Ngọc Lan",
    "Phạm Thị Lan",
    "Trần Văn Minh",
    "Võ Minh Tuấn",
    "Võ Văn Bình",
]


def _names(browser) -> list[str]:
    return [c.text for c in browser.find_elements("css selector", "td[data-column=label]")]


@pytest.mark.parametrize("sort", ["", "&sort=label", "&sort=label&order=desc"])
def test_officers_in_vietnamese_order(dash, browser, sort):
    browser.get(f"{dash.url}/admin/by/officer?period=year{sort}")
    shown = _names(browser)
    assert len(shown) >= 5 and set(shown) <= set(OFFICERS), shown
    expected = [n for n in OFFICERS if n in shown]
    assert shown == (expected[::-1] if "desc" in sort else expected)


def test_the_office_selector_is_in_vietnamese_order(dash, browser):
    dash.server.cli("office", "add", "A-DAKO", "Trung tâm Phục vụ hành chính công xã Đắk Ơ")
    browser.get(f"{dash.url}/admin/overview")
    names = [o.text for o in browser.find_elements("css selector", "#office option")][1:]  # after "all offices"
    shown = [n.rsplit("công ", 1)[-1] for n in names]
    expected = ["phường Tân Định", "xã Đắk Ơ", "xã Kiểm Tra", "xã Phước Long"]  # code order puts Đắk Ơ first
    assert [s for s in shown if s in expected] == expected, shown
