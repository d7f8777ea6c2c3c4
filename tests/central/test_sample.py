"""The sample data: real procedures as DOMAIN.md lists them, generators, demo dossiers and ratings."""

import csv
import io
import json
import re
import time
import unicodedata
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from central.demo import sample
from motcua.officetime import OFFICE_TZ, OFFSET
from tests.central.reference import sample_on_time

VN = OFFICE_TZ
# DOMAIN.md, "Real commune-level procedures": code, name, field, exactly.
DOMAIN_TABLE = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.000689", "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con", "Hộ tịch"),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch"),
    ("1.000593", "Đăng ký kết hôn lưu động", "Hộ tịch"),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch"),
    ("1.000419", "Đăng ký khai tử lưu động", "Hộ tịch"),
    ("1.004884", "Đăng ký lại khai sinh", "Hộ tịch"),
    ("1.005461", "Đăng ký lại khai tử", "Hộ tịch"),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
    ("1.001022", "Đăng ký nhận cha, mẹ, con", "Hộ tịch"),
    ("1.004837", "Đăng ký giám hộ", "Hộ tịch"),
    ("1.004845", "Đăng ký chấm dứt giám hộ", "Hộ tịch"),
    ("2.000635", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", "Hộ tịch"),
    (
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "Chứng thực",
    ),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực"),
    ("2.000942", "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", "Chứng thực"),
    ("1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú"),
    ("1.004194", "Đăng ký tạm trú", "Đăng ký, quản lý cư trú"),
    ("1.002755", "Gia hạn tạm trú", "Đăng ký, quản lý cư trú"),
    ("1.003197", "Xóa đăng ký thường trú", "Đăng ký, quản lý cư trú"),
    ("1.001699", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", "Bảo trợ xã hội"),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh"),
]
VERIFIED_FIELD_CODES = {"Hộ tịch": "G15-TP07", "Đăng ký, quản lý cư trú": "G01-CA05"}
VI_LETTERS = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
VI_LETTERS |= {c.upper() for c in VI_LETTERS}
ALLOWED_NON_ASCII = VI_LETTERS | set("…–“”")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def procedures():
    return sample.load_sample_procedures()


@pytest.fixture(scope="module")
def generated():
    return sample.generate_procedures(5000, seed=1)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_vietnamese_text(value, where):
    for text in strings(value):
        assert text == unicodedata.normalize("NFC", text), f"{where}: not NFC: {text!r}"
        odd = {c for c in text if ord(c) > 127 and c not in ALLOWED_NON_ASCII}
        assert not odd, f"{where}: characters outside Vietnamese text {odd} in {text!r}"


def test_real_procedures_match_domain_table_exactly(procedures):
    assert [(p["code"], p["name"], p["category"]["name"]) for p in procedures[:22]] == DOMAIN_TABLE
    for p in procedures:
        expected = VERIFIED_FIELD_CODES.get(p["category"]["name"])
        if expected:
            assert p["category"]["code"] == expected, p["code"]
        assert p["isWard"] is True and p["implementationLevel"] == "Cấp Xã"


def test_every_real_procedure_has_steps_documents_methods_and_legal_basis(procedures):
    for p in procedures:
        code = p["code"]
        assert len(p["executionSteps"]) >= 3 and p["executionSteps"][0].startswith("Bước 1:"), code
        assert [s.split(":")[0] for s in p["executionSteps"]] == [
            f"Bước {i}" for i in range(1, len(p["executionSteps"]) + 1)
        ]
        assert p["executionMethods"] and p["executionMethods"][0]["submissionMethod"] == "DIRECT", code
        for m in p["executionMethods"]:
            assert m["submissionMethod"] in ("DIRECT", "ONLINE", "POSTAL"), code
            assert isinstance(m["processingTime"], int) and m["processingTime"] > 0, code
            assert m["processingTimeUnit"] in ("Ngày làm việc", "Ngày"), code
            assert m["fees"], code
            for fee in m["fees"]:
                assert isinstance(fee["amount"], int) and fee["amount"] >= 0 and fee["description"], code
        assert p["executionCases"], code
        for case in p["executionCases"]:
            assert case["name"] and case["profileComponents"], code
            for doc in case["profileComponents"]:
                assert doc["name"] and doc["originalQty"] + doc["copyQty"] >= 1, (code, doc["name"])
        assert p["legalBasisesDetails"], code
        for law in p["legalBasisesDetails"]:
            assert re.fullmatch(r"\d+/\d{4}/[A-ZĐ0-9][A-ZĐa-z0-9-]*", law["number"]), law  # QĐ-TTg: the Prime Minister
            assert law["title"] and law["issuer"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", law["issuedDate"])
        assert p["resultsDetails"] and p["requirementsAndConditions"] and p["description"], code
        assert p["onlineServiceLevel"] in ("FULL", "PARTIAL", None), code
        assert p["portalUrl"].endswith("ma_thu_tuc=" + code)


def test_real_procedures_cite_the_real_laws(procedures):
    cited = {p["code"]: {law["number"] for law in p["legalBasisesDetails"]} for p in procedures}
    for code, _, field in DOMAIN_TABLE:
        if field == "Hộ tịch":
            assert {"60/2014/QH13", "123/2015/NĐ-CP"} <= cited[code], code
        if field == "Chứng thực":
            assert "23/2015/NĐ-CP" in cited[code], code
        if field == "Đăng ký, quản lý cư trú":
            assert "68/2020/QH14" in cited[code], code
    assert "51/2010/QH12" in cited["1.001699"]
    assert {"168/2025/NĐ-CP", "68/2025/TT-BTC"} <= cited["1.001612"]  # COPY.md: the 2025 rules


def test_fees_stated_in_domain_are_used(procedures):
    by_code = {p["code"]: p for p in procedures}
    copy_fee = by_code["2.000815"]["executionMethods"][0]["fees"][0]
    assert copy_fee["amount"] == 2000 and "1.000 đồng/trang" in copy_fee["description"]
    assert "200.000 đồng/bản" in copy_fee["description"]
    assert by_code["2.000815"]["executionMethods"][0]["processingTimeNote"].startswith("Ngay trong ngày")
    assert by_code["2.000884"]["executionMethods"][0]["fees"][0]["amount"] == 10000
    assert all(m["fees"][0]["amount"] == 8000 for m in by_code["2.000635"]["executionMethods"])


def test_unverified_times_fees_and_codes_are_marked_as_samples(procedures):
    for p in procedures:
        marked = set(p["sampleFields"])
        assert p["isSample"] == bool(marked & {"executionMethods.processingTime", "executionMethods.fees"})
        assert ("category.code" in marked) == (p["category"]["name"] not in VERIFIED_FIELD_CODES), p["code"]
        assert {"decisionNumber", "onlineServiceLevel"} <= marked
    unmarked_fee = {p["code"] for p in procedures if "executionMethods.fees" not in p["sampleFields"]}
    unmarked_time = {p["code"] for p in procedures if "executionMethods.processingTime" not in p["sampleFields"]}
    assert unmarked_fee == {"2.000815", "2.000884", "2.000635"}
    assert unmarked_time == {"2.000815"}
    assert [p["code"] for p in procedures if not p["isSample"]] == ["2.000815"]


@pytest.mark.parametrize(
    "said, code",
    [
        ("giấy khai sinh", "1.001193"),
        ("làm giấy kết hôn", "1.000894"),
        ("công chứng", "2.000815"),
        ("hộ khẩu", "1.004222"),
        ("tạm trú", "1.004194"),
        ("xác nhận độc thân", "1.004873"),
        ("mở cửa hàng", "1.001612"),
        ("kinh doanh", "1.001612"),
        ("giấy chứng tử", "1.000656"),
        ("trích lục", "2.000635"),
        ("khuyết tật", "1.001699"),
    ],
)
def test_keywords_include_how_citizens_say_it(procedures, said, code):
    assert said in next(p for p in procedures if p["code"] == code)["keywords"]


def test_all_sample_text_is_nfc_vietnamese(procedures, generated):
    assert_vietnamese_text(procedures, "procedures.json")
    assert_vietnamese_text(sample.catalogue_vocabulary(), "catalogue_vocabulary.json")
    assert_vietnamese_text(generated[:500], "generated procedures")
    assert_vietnamese_text(sample.demo_staff(), "staff")
    assert_vietnamese_text(sample.demo_offices(), "offices")
    assert_vietnamese_text(sample.demo_dossiers(NOW, count=200), "dossiers")
    assert_vietnamese_text(sample.demo_ratings(NOW, count=400), "ratings")


def test_central_importer_accepts_every_sample_and_generated_procedure(procedures, generated):
    from central import portal

    items = [portal.from_portal(p) for p in procedures + generated[:300]]
    assert [i["code"] for i in items[:22]] == [c for c, _, _ in DOMAIN_TABLE]
    assert all(i["level"] == "commune" for i in items[:22])
    assert items[0]["sample"] is True and items[13]["sample"] is False  # 2.000815 is fully verified


def test_csv_file_is_current_and_importable(procedures):
    from central import portal

    path = sample.SAMPLE_DIR / "procedures.csv"
    wanted = [p for p in procedures if p["code"] in sample.CSV_SAMPLE_CODES]
    assert path.read_text(encoding="utf-8") == sample.procedures_csv(wanted), "run write_procedures_csv()"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(portal.PROCEDURE_CSV_COLUMNS)
    items = [portal.from_csv_row(r) for r in rows]
    by_code = {i["code"]: i for i in items}
    assert by_code["2.000884"]["methods"][0]["fees"][0]["amount"] == 10000
    assert len(by_code["1.001193"]["steps"]) == 4 and by_code["1.001193"]["legal_basis"][0]["number"] == "60/2014/QH13"


def test_generator_makes_5000_unique_realistic_procedures_fast():
    started = time.perf_counter()
    items = sample.generate_procedures(5000, seed=7)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"5,000 procedures took {elapsed:.2f} s"
    codes = [p["code"] for p in items]
    assert len(set(codes)) == 5000 and len({p["name"] for p in items}) == 5000
    assert all(re.fullmatch(r"1\.0\d{5}|2\.00\d{4}", c) for c in codes)
    assert not set(codes) & {c for c, _, _ in DOMAIN_TABLE}
    assert len({p["category"]["name"] for p in items}) >= 15
    assert all(p["isSample"] and p["sampleFields"] == ["*"] for p in items)
    verbs = Counter(p["name"].split()[0] for p in items)
    assert {"Cấp", "Đăng", "Thẩm", "Công", "Gia"} <= set(verbs)


def test_generator_is_deterministic_by_seed_and_unique_beyond_its_word_lists():
    assert sample.generate_procedures(300, seed=3) == sample.generate_procedures(300, seed=3)
    assert sample.generate_procedures(300, seed=3) != sample.generate_procedures(300, seed=4)
    many = sample.generate_procedures(9000, seed=2)
    assert len({p["code"] for p in many}) == len({p["name"] for p in many}) == 9000
    with pytest.raises(ValueError, match="n must be"):
        sample.generate_procedures(-1)


@pytest.mark.parametrize(
    "now",
    [
        NOW,
        datetime(2026, 11, 22, 20, 0, tzinfo=VN),
        datetime(2026, 11, 23, 7, 0),
        datetime(2026, 11, 19, 16, 45, tzinfo=timezone.utc),
    ],
)
def test_demo_dossiers_cover_every_status_on_time_and_late(now):
    dossiers = sample.demo_dossiers(now, count=60)
    assert {d["status"] for d in dossiers} == set(range(1, 11))
    judged = Counter((d["status"], sample_on_time(d, now)) for d in dossiers)
    for status in (9, 10):
        assert judged[(status, True)] and judged[(status, False)], judged
    assert judged[(4, False)], "an open dossier already past its appointment"
    assert judged[(3, True)] and judged[(8, True)] and judged[(8, False)]
    assert not judged[(2, False)], "a dossier just received is not late"
    saved = [
        d
        for d in dossiers
        if d["finished_at"]
        and d["finished_at"] > d["due_at"]
        and sample_on_time(d, now)
        and any(s["status"] == 5 for s in d["steps"])
    ]
    assert len(saved) >= 2, "late on the calendar, on time once supplement time is not counted"
    for d in saved:  # the same dossier without its supplement step would be late
        bare = dict(d, steps=[s for s in d["steps"] if s["status"] != 5])
        assert sample_on_time(bare, now) is False


def test_demo_dossier_times_are_consistent():
    for seed in range(1, 6):
        for office in ("XA-PHUOCLONG", "PHUONG-TANDINH"):
            for d in sample.demo_dossiers(NOW, office=office, seed=seed):
                received = datetime.fromisoformat(d["received_at"])
                assert received <= NOW and received.utcoffset() == OFFSET
                assert received.weekday() < 5 and "07:30" <= received.strftime("%H:%M") <= "17:00"
                for key in ("due_at", "finished_at", "returned_at"):
                    assert d[key] is None or d[key] >= d["received_at"], (d["code"], key)
                if d["returned_at"]:
                    assert d["finished_at"] <= d["returned_at"]
                assert (d["due_at"] is None) == (d["status"] == 1)
                steps = d["steps"]
                assert steps and steps[0]["started_at"] == d["received_at"]
                for a, b in zip(steps, steps[1:]):
                    assert a["started_at"] <= b["started_at"] and a["finished_at"] <= b["started_at"]
                assert (steps[-1]["finished_at"] is None) == (d["status"] in (1, 2, 4, 5, 6))


def test_demo_dossier_codes_secrets_and_holders():
    dossiers = sample.demo_dossiers(NOW, office="PHUONG-TANDINH", count=120)
    codes = [d["code"] for d in dossiers]
    assert len(set(codes)) == 120
    for d in dossiers:
        unit, day, seq = re.fullmatch(r"(000\.00\.12\.H29)-(\d{6})-(\d{4})", d["code"]).groups()
        assert day == datetime.fromisoformat(d["received_at"]).strftime("%y%m%d") and int(seq) >= 1
        assert re.fullmatch(rf"[{sample.SECRET_ALPHABET}]{{6}}", d["secret"])
        assert re.fullmatch(r"0[35789]\d{8}", d["phone"])
        words = d["holder_name"].split()
        assert 3 <= len(words) <= 4 and all(w[0].isupper() for w in words)
    assert len({d["secret"] for d in dossiers}) >= 118
    assert sum(any(c in VI_LETTERS for c in d["holder_name"]) for d in dossiers) > 100
    assert dossiers == sample.demo_dossiers(NOW, office="PHUONG-TANDINH", count=120)
    assert dossiers != sample.demo_dossiers(NOW, office="PHUONG-TANDINH", count=120, seed=2)
    with pytest.raises(ValueError, match="XA-KHONGCO"):
        sample.demo_dossiers(NOW, office="XA-KHONGCO")


def test_demo_dossiers_pass_the_central_import_check():
    from central.importers import check_dossier

    for d in sample.demo_dossiers(NOW, count=60) + sample.large_dossiers(300, seed=5):
        values, steps = check_dossier(d, lambda _code, _office: "XA-PHUOCLONG", secret_key=b"k" * 32)
        assert values["status"] == d["status"] and len(steps) == len(d["steps"])


def test_demo_ratings_are_mostly_satisfied_with_reasons_on_low_scores():
    ratings = sample.demo_ratings(NOW, count=600)
    scores = Counter(r["score"] for r in ratings)
    assert scores[3] / 600 > 0.6 and (scores[3] + scores[2]) / 600 > 0.85 and scores[1] >= 10
    for r in ratings:
        assert uuid.UUID(r["id"]).version == 4 and r["scale"] == 3
        assert datetime.fromisoformat(r["created_at"]) <= NOW
        assert set(r["reasons"]) <= set(sample.REASONS)
        if r["score"] == 1:
            assert r["reasons"]
        assert r["staff_id"] is None and r["staff_key"] in {p["key"] for p in sample.demo_staff()}
    assert len({r["id"] for r in ratings}) == 600
    assert any(r.get("comment") for r in ratings if r["score"] == 1)
    for per_office, key in ((True, lambda r: r["office"]), (False, lambda r: (r["office"], r["counter"]))):
        per_device = {}
        for r in sample.demo_ratings(NOW, count=200, seq_per_office=per_office):
            per_device.setdefault(key(r), []).append(r["device_seq"])
        assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in per_device.values())


def test_demo_ratings_follow_returned_dossiers_once_each():
    ratings = sample.demo_ratings(NOW, count=300)
    returned = {
        d["code"]: d
        for o in sample.demo_offices()
        for d in sample.demo_dossiers(NOW, office=o["code"])
        if d["status"] == 10
    }
    linked = [r for r in ratings if "dossier_code" in r]
    assert len(linked) >= 30 and len({r["dossier_code"] for r in linked}) == len(linked)
    for r in linked:
        assert r["created_at"] >= returned[r["dossier_code"]]["returned_at"]
    staff = [dict(p, id=i) for i, p in enumerate(sample.demo_staff(), start=10)]
    with_ids = sample.demo_ratings(NOW, staff=staff, count=50)
    assert all(r["staff_id"] >= 10 and "staff_key" not in r for r in with_ids)


def test_large_generators_are_fast_unique_and_deterministic():
    started = time.perf_counter()
    dossiers = sample.large_dossiers(50_000, seed=1)
    ratings = sample.large_ratings(100_000, seed=1)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"took {elapsed:.1f} s"
    assert len({d["code"] for d in dossiers}) == 50_000 and len({r["id"] for r in ratings}) == 100_000
    assert {d["status"] for d in dossiers} == set(range(1, 11))
    assert sample.large_dossiers(200, seed=4) == sample.large_dossiers(200, seed=4)
    assert sample.large_ratings(200, seed=4) == sample.large_ratings(200, seed=4)


def test_staff_photos_are_drawn_avatars_for_every_officer(tmp_path):
    from PIL import Image

    staff = sample.demo_staff()
    assert len({p["key"] for p in staff}) == len(staff) and all(p["pin"] == "1234" for p in staff)
    for person in staff:
        with Image.open(person["photo"]) as img:
            assert img.format == "PNG" and img.size == (256, 256)
    written = sample.write_staff_photos(tmp_path)
    assert [p.name for p in written] == [Path(p["photo"]).name for p in staff]
    offices = {o["code"] for o in sample.demo_offices()}
    assert {p["office"] for p in staff} == offices
    assert json.dumps(staff, ensure_ascii=False)  # plain data


def test_the_catalogue_has_what_citizens_ask_for_most_and_no_hand_written_keywords_on_it(procedures):
    """DOMAIN.md: since 01/7/2025 communes receive land, cải chính hộ tịch, foreign-element, adoption,
    linked procedures, social allowances, tách hộ, tạm vắng... Search must find them without keywords."""
    codes = [p["code"] for p in procedures]
    assert len(procedures) >= 60 and len(set(codes)) == len(codes)
    wanted = {"1.013978", "1.012787", "1.012786", "1.004859", "2.000806", "2.000528", "2.001263", "2.000986"}
    wanted |= {"2.002913", "1.001776", "1.011607", "1.003677", "1.010038", "1.010041", "2.001035", "1.013225"}
    assert wanted <= set(codes)
    for p in procedures[22:]:
        assert p["keywords"] == [], p["code"]
        assert p["isSample"] and {"executionMethods.processingTime", "executionMethods.fees"} <= set(p["sampleFields"])


def test_every_standard_reason_has_demo_comments():
    """seed-demo picks a comment by the first reason ticked: a standard reason without comments stops it."""
    from motcua import scale

    assert set(scale.STANDARD_REASONS) <= set(sample.COMMENTS)
    assert all(sample.COMMENTS[code] for code in scale.STANDARD_REASONS)
