"""One way to write a fee amount: a procedure imported on a real server and synced to a kiosk's
catalogue over a real socket reads its fee the same in the search results, on the detail screen and on
the slip, in Vietnamese ("8.000 đồng") and in English ("VND 8,000"). The search results wrote
"8.000 đồng" while the detail and the slip wrote "8.000đ", and a free procedure was "Miễn phí" in the
results and "Không thu phí, lệ phí" on the detail, in Vietnamese on the English kiosk too."""

import json

import pytest

from kiosk import slip
from kiosk.screens.detail import DetailScreen
from kiosk.screens.procedures import ProceduresScreen
from motcua.catalogue import Catalogue
from motcua.client import Client
from motcua.store import open_store
from motcua.text import money

RECORDS = [
    {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "field": {"code": "G15-TP07", "name": "Hộ tịch"},
        "methods": [
            {"channel": "direct", "time": 1, "unit": "working_day", "time_unit": "ngày làm việc", "fees": []},
        ],
        "documents": [{"case": "", "items": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0}]}],
    },
    {
        "code": "2.000986",
        "name": "Cấp bản sao trích lục hộ tịch",
        "field": {"code": "G15-TP07", "name": "Hộ tịch"},
        "methods": [
            {"channel": "direct", "time": 1, "unit": "working_day", "time_unit": "ngày làm việc", "fees": []},
        ],
        "documents": [{"case": "", "items": [{"name": "Tờ khai cấp bản sao", "originals": 1, "copies": 0}]}],
    },
]
FEES = {
    "1.001193": [{"amount": 8000, "text": "Lệ phí đăng ký khai sinh"}],  # the words name the fee, not its amount
    "2.000986": [{"amount": 0, "text": ""}],  # free
}


def test_money_is_written_one_way():
    assert money(8000) == "8.000 đồng" and money(1200000) == "1.200.000 đồng" and money(8000.4) == "8.000 đồng"
    assert money(8000, "en") == "VND 8,000" and money(1200000, "en") == "VND 1,200,000"


@pytest.fixture(scope="module")
def catalogue(shared_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("money")
    records = [
        dict(r, methods=[dict(m, fees=FEES[r["code"]]) for m in r["methods"]]) for r in RECORDS
    ]  # a fee with an amount, and a free one
    path = tmp / "procedures.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert "2 procedures" in shared_server.cli("import", "procedures", str(path))
    token = shared_server.device_token("kiosk", "XA-MONEY", None)
    catalogue = Catalogue(open_store(tmp / "kiosk.db"))
    catalogue.sync(Client(shared_server.url, token))
    return catalogue


@pytest.mark.parametrize(
    "code, query, lang, fee",
    [
        ("1.001193", "khai sinh", "vi", "Lệ phí đăng ký khai sinh: 8.000 đồng"),
        ("1.001193", "khai sinh", "en", "Lệ phí đăng ký khai sinh: VND 8,000"),
        ("2.000986", "trích lục", "vi", "Không thu phí, lệ phí"),
        ("2.000986", "trích lục", "en", "Free"),
    ],
)
def test_the_same_fee_reads_the_same_in_results_detail_and_slip(catalogue, code, query, lang, fee):
    hit = next(h for h in catalogue.search(query) if h["code"] == code)
    row = ProceduresScreen._row(hit, lang)  # the search result's row as the kiosk draws it
    assert row["subtitle"].endswith(f" · {fee}"), row["subtitle"]
    procedure = catalogue.get(code)
    methods = DetailScreen.sections(DetailScreen, procedure, lang)["methods"][1]  # the detail screen's lines
    assert len(methods) == 1 and methods[0].endswith(f" — {fee}"), methods
    line = next(x for x in slip.slip_lines(procedure, lang) if x.startswith("- "))  # the printed slip
    assert line.endswith(f"; {fee}"), line
    assert "000đ" not in row["subtitle"] + methods[0] + line
