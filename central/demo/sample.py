"""The sample data of the demo, the benchmarks and the tests: real commune procedures, demo offices,
staff, dossiers and ratings, and the word lists and generators behind them (people, receipts,
comments, a large procedure catalogue). Not used by a running office's server."""

from __future__ import annotations

import itertools
import json
import random
import uuid
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from central import rules
from motcua import officetime
from motcua.officetime import OFFICE_TZ, add_working_days, working_day_before
from motcua.scale import is_negative
from motcua.text import money

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "assets" / "sample"
DEMO_PIN = "1234"  # every demo officer's PIN: for the demo only, never for a real office
REASONS = tuple(rules.REASON_LABELS)  # the tablet's standard reasons, in its order
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by elderly citizens

# Family names with rough frequencies (per cent) as commonly cited for Vietnam.
SURNAMES = {
    "Nguyễn": 31,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Hoàng": 4,
    "Huỳnh": 5,
    "Phan": 4.5,
    "Vũ": 3,
    "Võ": 4,
    "Đặng": 2,
    "Bùi": 2,
    "Đỗ": 1.5,
    "Hồ": 1.5,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
    "Trương": 1,
    "Đinh": 0.7,
    "Lâm": 0.5,
    "Mai": 0.5,
    "Lương": 0.4,
    "Cao": 0.4,
    "Châu": 0.3,
    "Tạ": 0.3,
}
MIDDLE = {
    "m": [
        "Văn",
        "Hữu",
        "Đức",
        "Minh",
        "Quốc",
        "Thanh",
        "Hoàng",
        "Công",
        "Xuân",
        "Ngọc",
        "Tấn",
        "Trọng",
        "Quang",
        "Gia",
        "Anh",
    ],
    "f": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thùy", "Hồng", "Bảo", "Phương", "Minh", "Hoài", "Diệu", "Khánh"],
}
GIVEN = {
    "m": [
        "An",
        "Anh",
        "Bảo",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Đông",
        "Duy",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Hùng",
        "Huy",
        "Khang",
        "Khoa",
        "Kiên",
        "Lâm",
        "Long",
        "Lộc",
        "Minh",
        "Nam",
        "Nghĩa",
        "Nhân",
        "Phát",
        "Phong",
        "Phúc",
        "Quân",
        "Quang",
        "Sơn",
        "Tài",
        "Tâm",
        "Thắng",
        "Thành",
        "Thiện",
        "Thịnh",
        "Toàn",
        "Trí",
        "Trung",
        "Tuấn",
        "Tùng",
        "Vinh",
        "Vũ",
    ],
    "f": [
        "An",
        "Anh",
        "Châu",
        "Chi",
        "Diễm",
        "Dung",
        "Duyên",
        "Giang",
        "Hà",
        "Hân",
        "Hằng",
        "Hạnh",
        "Hiền",
        "Hoa",
        "Hồng",
        "Hương",
        "Huyền",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngân",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phượng",
        "Quyên",
        "Quỳnh",
        "Thảo",
        "Thơ",
        "Thủy",
        "Trang",
        "Trâm",
        "Tuyết",
        "Uyên",
        "Vân",
        "Vy",
        "Yến",
    ],
}
# Mobile prefixes in use since the 2018 renumbering (Viettel, VinaPhone, MobiFone, Vietnamobile).
PHONE_PREFIXES = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "086",
    "096",
    "097",
    "098",
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "091",
    "094",
    "070",
    "076",
    "077",
    "078",
    "079",
    "089",
    "090",
    "093",
    "056",
    "058",
    "092",
]
# What citizens write. The tablet asks for a comment only on the reasons screen, which follows a
# negative level (motcua.scale.is_negative: the lowest of 3 levels), so every comment is a complaint:
# about a reason ticked; about something else ("khac") only when none is.
COMMENTS = {
    "thai_do": ["Cán bộ nói chuyện cộc lốc, không vui vẻ.", "Thái độ chưa niềm nở, hỏi thêm thì bị gắt."],
    "cho_lau": ["Chờ gần một tiếng mới tới lượt.", "Lấy số từ sáng mà gần trưa mới được gọi."],
    "huong_dan": ["Hướng dẫn không rõ, phải hỏi lại nhiều lần.", "Không được chỉ cách điền tờ khai."],
    "giay_to_ngoai_quy_dinh": [
        "Bị yêu cầu nộp thêm giấy tờ không có trong danh mục niêm yết.",
        "Phải sao y thêm giấy tờ không cần thiết.",
    ],
    "tre_hen": ["Hẹn trả kết quả nhưng đến nơi vẫn chưa có.", "Quá ngày hẹn hai hôm mới có kết quả."],
    "di_lai_nhieu_lan": ["Phải đi lại ba lần mới nộp được hồ sơ.", "Lần nào đến cũng bị báo thiếu một giấy khác."],
    "den_nhieu_noi": ["Phải sang cả công an xã rồi mới quay lại đây nộp được.", "Bị chỉ đi hai nơi khác để xin giấy."],
    "khong_niem_yet": [
        "Không thấy bảng niêm yết mức lệ phí ở đâu.",
        "Hỏi mới biết phải nộp lệ phí, trên bảng không ghi.",
    ],
    "nhung_nhieu": ["Cán bộ gợi ý nộp thêm tiền để làm nhanh.", "Bị làm khó, hẹn tới hẹn lui."],
    "khac": [
        "Phòng chờ nóng, không đủ ghế ngồi.",
        "Bãi giữ xe quá chật, phải gửi xe bên ngoài.",
        "Không biết lấy số thứ tự ở đâu, không ai chỉ.",
    ],
}
AVATAR_COLOURS = [
    (38, 110, 160),
    (46, 139, 87),
    (156, 92, 52),
    (111, 78, 155),
    (196, 97, 55),
    (52, 120, 120),
    (150, 60, 90),
    (90, 110, 60),
    (70, 90, 140),
]
FONT_PATHS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf"]


_SURNAME_LIST = list(SURNAMES)
_SURNAME_CUM = list(itertools.accumulate(SURNAMES.values()))


def holder_name(rng: random.Random) -> str:
    """A realistic Vietnamese full name (family, middle, given), in NFC."""
    sex = rng.choice("mf")
    surname = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]
    middle = [rng.choice(MIDDLE[sex])]
    if rng.random() < (0.3 if sex == "f" else 0.1):
        middle.append(rng.choice([m for m in MIDDLE[sex] if m not in ("Thị", "Văn", middle[0])]))
    return " ".join([surname, *middle, rng.choice(GIVEN[sex])])


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def receipt_secret(rng: random.Random, length: int = 6) -> str:
    """The short look-up secret printed on a receipt (mã tra cứu)."""
    return "".join(rng.choice(SECRET_ALPHABET) for _ in range(length))


def rating_comment(rng: random.Random, score: int, scale: int, reasons: list[str]) -> str | None:
    """A Vietnamese comment fitting the level and the reasons ticked, or None (most citizens write nothing).
    Only a negative level has one: the tablet asks for comments on its reasons screen alone."""
    if not is_negative(score, scale) or rng.random() >= 0.6:
        return None
    about = (reasons[0] if rng.random() < 0.8 else reasons[-1]) if reasons else "khac"
    return rng.choice(COMMENTS[about])


def initials(name: str) -> str:
    words = name.split()
    return (words[0][0] + words[-1][0]).upper()


def draw_staff_photo(name: str, index: int, size: int = 256):
    """A neutral avatar: a light head-and-shoulders silhouette with the officer's initials. No real face."""
    from PIL import Image, ImageDraw, ImageFont  # Pillow only where photos are drawn

    big = size * 4
    colour = AVATAR_COLOURS[index % len(AVATAR_COLOURS)]
    img = Image.new("RGB", (big, big), colour)
    draw = ImageDraw.Draw(img)
    light = tuple(int(c + (255 - c) * 0.75) for c in colour)
    draw.ellipse([big * 0.33, big * 0.16, big * 0.67, big * 0.52], fill=light)
    draw.ellipse([big * 0.14, big * 0.58, big * 0.86, big * 1.25], fill=light)
    font = None
    for path in FONT_PATHS:
        try:
            font = ImageFont.truetype(path, int(big * 0.17))
            break
        except OSError:
            continue
    font = font or ImageFont.load_default(int(big * 0.17))
    draw.text((big / 2, big * 0.82), initials(name), fill=colour, font=font, anchor="mm")
    return img.resize((size, size), Image.LANCZOS)


# ---- CSV form of procedures ----------------------------------------------------------------------------

CSV_COLUMNS = [
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "kind",
    "decision",
    "steps",
    "time",
    "time_unit",
    "fee_amount",
    "fee_text",
    "documents",
    "results",
    "legal_basis",
    "requirements",
    "keywords",
    "online_level",
    "updated_at",
]


def procedures_csv(procedures: list[dict]) -> str:
    """The CSV form of portal-shape procedures (assets/sample/README.md): ' | ' joins multi-valued cells."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in procedures:
        direct = next((m for m in p["executionMethods"] if m["submissionMethod"] == "DIRECT"), p["executionMethods"][0])
        fee = direct["fees"][0] if direct["fees"] else {"amount": "", "description": ""}
        writer.writerow(
            {
                "code": p["code"],
                "name": p["name"],
                "field_code": p["category"]["code"],
                "field_name": p["category"]["name"],
                "level": "province" if p["isProvince"] else "commune",
                "kind": p["procedureType"],
                "decision": p["decisionNumber"],
                "steps": " | ".join(p["executionSteps"]),
                "time": direct["processingTime"],
                "time_unit": direct["processingTimeUnit"],
                "fee_amount": fee["amount"],
                "fee_text": fee["description"],
                "documents": " | ".join(d["name"] for d in p["executionCases"][0]["profileComponents"]),
                "results": " | ".join(p["resultsDetails"]),
                "legal_basis": " | ".join(f"{b['number']} - {b['title']}" for b in p["legalBasisesDetails"]),
                "requirements": p["requirementsAndConditions"],
                "keywords": " | ".join(p["keywords"]),
                "online_level": (p["onlineServiceLevel"] or "").lower(),
                "updated_at": p["updatedAt"],
            }
        )
    return out.getvalue()


# ---- office calendar --------------------------------------------------------------------------------------


def office_hour(day: date, rng: random.Random, start=(7, 30), end=(16, 30)) -> datetime:
    lo, hi = start[0] * 60 + start[1], end[0] * 60 + end[1]
    minute = rng.randrange(lo, hi)
    return datetime.combine(day, time(minute // 60, minute % 60), OFFICE_TZ)


def office_time(moment: datetime, forward: bool) -> datetime:
    """The nearest moment of office hours (motcua.officetime) at or after (`forward`) or at or before `moment`."""
    return officetime.office_hours_at_or_after(moment) if forward else officetime.office_hours_at_or_before(moment)


# ---- ratings -------------------------------------------------------------------------------------------------


def rating_item(rng: random.Random, person: dict, index: int, created: datetime, dossier_code: str | None) -> dict:
    scale = 3
    score = rng.choices((3, 2, 1), (72, 22, 6))[0]
    reasons = []
    if is_negative(score, scale):  # the reasons screen follows a negative level only
        reasons = rng.sample(REASONS, rng.choice((1, 1, 2)))
    item = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "device_seq": 0,
        "created_at": created.isoformat(),
        "office": person["office"],
        "counter": person["counter"],
        "staff_id": person.get("id"),
        "scale": scale,
        "score": score,
        "reasons": reasons,
    }
    if person.get("id") is None:  # not yet stored: the caller maps the key to the server's id
        item["staff_key"] = person.get("key") or f"{person['office']}:{index}"
    comment = rating_comment(rng, score, scale, reasons)
    if comment:
        item["comment"] = comment
    if score == 1 and rng.random() < 0.3:
        item["phone"] = phone_number(rng)  # asked for a call-back
    if dossier_code:
        item["dossier_code"] = dossier_code
    return item


def number_devices(items: list[dict], per_office: bool = False) -> list[dict]:
    """Sorts by tap time and numbers `device_seq` 1, 2, 3 … per tablet: one per (office, counter), or
    one per office when an office's ratings are posted through a single device (seed-demo does)."""
    items.sort(key=lambda r: r["created_at"])
    seq: dict[tuple, int] = {}
    for r in items:
        key = (r["office"],) if per_office else (r["office"], r["counter"])
        seq[key] = seq.get(key, 0) + 1
        r["device_seq"] = seq[key]
    return items


# ---- a large, realistic but invented catalogue for benchmarks ------------------------------------------------

MINISTRIES = {
    "TN": "BNNMT",
    "NN": "BNNMT",
    "XD": "BXD",
    "GT": "BXD",
    "GD": "BGDĐT",
    "LĐ": "BNV",
    "NV": "BNV",
    "YT": "BYT",
    "VH": "BVHTTDL",
    "TP": "BTP",
    "CT": "BCT",
    "CA": "BCA",
    "TC": "BTC",
}
TIMES = [1, 2, 3, 5, 7, 10, 15, 20, 30]
FEES = [10000, 20000, 30000, 50000, 100000, 150000, 200000, 500000]
CODE_SPACE = 110_000  # 1.0xxxxx (100,000 codes) then 2.00xxxx (10,000 codes)


@lru_cache(maxsize=1)
def catalogue_vocabulary() -> dict:
    with open(SAMPLE_DIR / "catalogue_vocabulary.json", encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _name_pool() -> tuple[tuple[int, str, str, str], ...]:
    """Every (field index, pattern, object, name) the word lists can make, in a fixed order."""
    vocab = catalogue_vocabulary()
    pool = []
    for i, field in enumerate(vocab["fields"]):
        for pattern, objects in field["objects"].items():
            for obj in objects:
                for template in vocab["patterns"][pattern]:
                    for qualifier in vocab["qualifiers"]:
                        if "đối với" in obj and "đối với" in qualifier:
                            continue  # "… đối với trường mầm non đối với cá nhân" reads wrong
                        pool.append((i, pattern, obj, template.format(x=obj) + qualifier))
    return tuple(pool)


def _code(k: int) -> str:
    return f"1.0{k:05d}" if k < 100_000 else f"2.00{k - 100_000:04d}"


def generate_procedures(n: int = 5000, seed: int = 1) -> list[dict]:
    """`n` invented procedures in the portal shape (like procedures.json), unique codes and names, by seed.

    Names come from real patterns ("Cấp giấy phép …", "Công nhận …") over real fields; every item has
    `isSample: true` and `sampleFields: ["*"]`. Beyond the word lists' ~6,000 names, local variants
    ("… - áp dụng tại <tỉnh>") keep names unique.
    """
    pool = _name_pool()
    if not 0 <= n <= CODE_SPACE - 100:
        raise ValueError(f"n must be between 0 and {CODE_SPACE - 100}, got {n}")
    rng = random.Random(f"catalogue:{seed}")
    real = {p_code for p_code in _real_codes()}
    codes = [c for c in map(_code, rng.sample(range(CODE_SPACE), n + len(real))) if c not in real][:n]
    order = rng.sample(range(len(pool)), min(n, len(pool)))
    provinces = catalogue_vocabulary()["provinces"]
    while len(order) < n:  # local variants: same pattern, one province's version
        order.append(len(order))
    vocab = catalogue_vocabulary()
    base = datetime(2025, 7, 1, 8, 0, tzinfo=OFFICE_TZ)
    items = []
    for code, k in zip(codes, order):
        fi, pattern, obj, name = pool[k % len(pool)]
        if k >= len(pool):
            name += f" - áp dụng tại {provinces[(k // len(pool) - 1) % len(provinces)]}"
        items.append(
            _procedure(
                code,
                name,
                obj,
                pattern,
                vocab["fields"][fi],
                vocab,
                rng,
                base + timedelta(minutes=rng.randrange(0, 500 * 24 * 60)),
            )
        )
    return items


def _real_codes() -> list[str]:
    with open(SAMPLE_DIR / "procedures.json", encoding="utf-8") as f:
        return [p["code"] for p in json.load(f)["items"]]


def _procedure(code, name, obj, pattern, field, vocab, rng, updated) -> dict:
    if "(cấp tỉnh)" in name:
        province = True
    elif "(cấp xã)" in name:
        province = False
    else:
        province = field["agency"].startswith("Sở") or "tỉnh" in field["agency"] or rng.random() < 0.35
    provincial_field = field["agency"].startswith("Sở") or "tỉnh" in field["agency"]
    if province:
        agency = field["agency"] if provincial_field else "Ủy ban nhân dân cấp tỉnh"
    else:
        agency = "Ủy ban nhân dân cấp xã"
    days = rng.choice(TIMES)
    amount = rng.choice(FEES) if rng.random() < 0.3 else 0
    fees = [
        {
            "kind": "Lệ phí" if amount else "Không",
            "amount": amount,
            "description": f"{money(amount)}/hồ sơ (mức mẫu)" if amount else "Không thu phí, lệ phí",
        }
    ]
    online = rng.choices(["FULL", "PARTIAL", None], [0.35, 0.45, 0.2])[0]
    channels = ["DIRECT"] + (["ONLINE"] if online else []) + (["POSTAL"] if rng.random() < 0.5 else [])
    ministry = MINISTRIES.get(field["code"].split("-")[1][:-2], "BNV")
    docs = vocab["documents"][pattern]
    law = field["laws"][0]
    return {
        "code": code,
        "name": name,
        "decisionNumber": f"{rng.randrange(100, 4000)}/QĐ-{ministry}",
        "category": {"code": field["code"], "name": field["name"]},
        "implementationLevel": "Cấp Tỉnh" if province else "Cấp Xã",
        "isWard": not province,
        "isProvince": province,
        "procedureType": rng.choice(["TTHC không được luân chuyển", "TTHC được luân chuyển trong nội bộ cơ quan"]),
        "executionSteps": [
            f"Bước 1: Tổ chức, cá nhân nộp hồ sơ tại Bộ phận Một cửa của {agency} hoặc qua Cổng Dịch vụ công.",
            "Bước 2: Cán bộ tiếp nhận kiểm tra hồ sơ; hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần.",
            f"Bước 3: Trong thời hạn {days:02d} ngày làm việc, cơ quan chuyên môn thẩm định và trình {agency} "
            f"quyết định.",
            "Bước 4: Trả kết quả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính.",
        ],
        "executionMethods": [
            {
                "submissionMethod": c,
                "processingTime": days,
                "processingTimeUnit": "Ngày làm việc",
                "processingTimeNote": "",
                "fees": fees,
            }
            for c in channels
        ],
        "executionCases": [
            {
                "name": "Trường hợp thông thường",
                "profileComponents": [
                    {
                        "name": d,
                        "originalQty": 1 if i == 0 else rng.choice([0, 1]),
                        "copyQty": 0 if i == 0 else 1,
                        "template": None,
                        "note": "",
                    }
                    for i, d in enumerate(docs)
                ],
            }
        ],
        "subjects": rng.choice(["Cá nhân", "Tổ chức", "Cá nhân, tổ chức", "Hộ gia đình, cá nhân"]),
        "implementingAgency": agency,
        "competentAgency": agency,
        "coordinatingAgency": "",
        "receivingAddress": f"Bộ phận Một cửa - {agency}",
        "resultsDetails": [vocab["results"][pattern]],
        "legalBasisesDetails": [dict(x) for x in field["laws"]],
        "requirementsAndConditions": f"Đáp ứng các điều kiện theo quy định của {law['title']} số {law['number']}.",
        "keywords": [obj, field["name"].lower()],
        "description": f"{name}. Thủ tục do bộ sinh dữ liệu mẫu tạo ra để thử tải, không phải thủ tục thật.",
        "onlineServiceLevel": online,
        "isSample": True,
        "sampleFields": ["*"],
        "portalUrl": "",
        "updatedAt": updated.isoformat(),
    }


STAFF_PHOTO_DIR = SAMPLE_DIR / "staff"
DEFAULT_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=OFFICE_TZ)  # fixed "now" of the benchmark generators

OFFICES = [
    {
        # Several communes are called Phước Long, in different provinces: the demo names none of them, and
        # its unit code's province part H99 belongs to no province (a sample, never a real office's code).
        "code": "XA-PHUOCLONG",
        "name": "Trung tâm Phục vụ hành chính công xã Phước Long",
        "unit_code": "000.00.31.H99",
        "address": "Trụ sở Ủy ban nhân dân xã Phước Long",
    },
    {
        # Phường Tân Định is in Ho Chi Minh City, whose unit codes end in H29.
        "code": "PHUONG-TANDINH",
        "name": "Trung tâm Phục vụ hành chính công phường Tân Định",
        "unit_code": "000.00.12.H29",
        "address": "Trụ sở Ủy ban nhân dân phường Tân Định, Thành phố Hồ Chí Minh",
    },
]
# (office, counter, name, title); every name is invented, every photo a drawn silhouette. Titles are those of
# a commune or ward since the two-level local government of 01/7/2025 (Nghị định 150/2025/NĐ-CP): an officer
# of the People's Committee's own departments (Văn phòng HĐND và UBND; Phòng Văn hóa - Xã hội; Phòng Kinh tế,
# in a ward Phòng Kinh tế, Hạ tầng và Đô thị), of the public-administration service centre, or of the
# commune's police. The pre-2025 commune posts ("Công chức Tư pháp - Hộ tịch", "Công chức Văn hóa - Xã hội")
# are gone. tests/central/test_demo_plausible.py checks them.
STAFF = [
    ("XA-PHUOCLONG", 1, "Nguyễn Thị Thu Hằng", "Công chức Văn phòng HĐND và UBND xã"),
    ("XA-PHUOCLONG", 2, "Trần Văn Minh", "Công chức Văn phòng HĐND và UBND xã"),
    ("XA-PHUOCLONG", 3, "Lê Hoàng Phúc", "Cán bộ Công an xã"),
    ("XA-PHUOCLONG", 4, "Phạm Ngọc Lan", "Công chức Phòng Văn hóa - Xã hội"),
    ("XA-PHUOCLONG", 5, "Võ Minh Tuấn", "Công chức Phòng Kinh tế"),
    ("XA-PHUOCLONG", 6, "Huỳnh Thị Kim Ngân", "Chuyên viên Trung tâm Phục vụ hành chính công"),
    ("PHUONG-TANDINH", 1, "Đặng Quốc Bảo", "Công chức Văn phòng HĐND và UBND phường"),
    ("PHUONG-TANDINH", 2, "Bùi Thị Thanh Thảo", "Chuyên viên Trung tâm Phục vụ hành chính công"),
    ("PHUONG-TANDINH", 3, "Đỗ Đức Anh", "Cán bộ Công an phường"),
]
# Who handles a field's dossiers after the one-stop counter (the commune's departments, as above), and who
# signs the result.
FIELD_UNITS = {
    "G15-TP07": "Văn phòng HĐND và UBND cấp xã",
    "G15-TP02": "Văn phòng HĐND và UBND cấp xã",
    "G01-CA05": "Công an cấp xã",
    "G12-YT09": "Phòng Văn hóa - Xã hội",
    "G10-TC04": "Phòng Kinh tế",
}
SIGNER = {"G01-CA05": "Lãnh đạo Công an cấp xã"}
COUNTER_UNIT = "Bộ phận Một cửa"
# How often each real procedure is asked for at a commune counter (demo weights, not statistics).
PROCEDURE_WEIGHTS = {
    "2.000815": 30,
    "2.000884": 10,
    "1.001193": 12,
    "1.004194": 10,
    "1.004873": 8,
    "1.000656": 5,
    "1.004222": 6,
    "1.000894": 5,
    "2.000635": 5,
    "1.001612": 4,
    "1.002755": 3,
    "1.003197": 2,
    "1.001699": 2,
}
# Dossiers every demo data set holds whatever the seed: (status, timing).
SCENARIOS = [
    (1, "open"),
    (2, "open"),
    (3, "on_time"),
    (4, "open"),
    (4, "open_late"),
    (5, "open"),
    (6, "open"),
    (7, "withdrawn"),
    (8, "on_time"),
    (8, "late"),
    (9, "on_time"),
    (9, "late"),
    (9, "supplement_saved"),
    (10, "on_time"),
    (10, "late"),
    (10, "supplement_saved"),
]
FILL = [
    ((10, "on_time"), 55),
    ((10, "late"), 4),
    ((9, "on_time"), 8),
    ((9, "late"), 1),
    ((4, "open"), 12),
    ((4, "open_late"), 2),
    ((2, "open"), 5),
    ((5, "open"), 3),
    ((6, "open"), 2),
    ((3, "on_time"), 2),
    ((7, "withdrawn"), 2),
    ((8, "on_time"), 1),
    ((1, "open"), 3),
    ((10, "supplement_saved"), 2),
]


def load_sample_procedures() -> list[dict]:
    """The 22 real commune-level procedures, in the national portal's JSON shape (assets/sample/README.md)."""
    with open(SAMPLE_DIR / "procedures.json", encoding="utf-8") as f:
        return json.load(f)["items"]


CSV_SAMPLE_CODES = ["1.001193", "1.000894", "2.000815", "2.000884", "1.004194"]


def write_procedures_csv(path: Path = SAMPLE_DIR / "procedures.csv") -> Path:
    """Writes assets/sample/procedures.csv: five of the real procedures in the CSV form."""
    wanted = [p for p in load_sample_procedures() if p["code"] in CSV_SAMPLE_CODES]
    path.write_text(procedures_csv(wanted), encoding="utf-8")
    return path


def demo_offices() -> list[dict]:
    """Two demo one-stop centres: `code`, `name`, `unit_code` (prefix of their dossier codes), `address`."""
    return [dict(o) for o in OFFICES]


def demo_staff() -> list[dict]:
    """Demo officers: `key`, `name`, `title`, `counter`, `office`, `photo` (PNG path), `pin` (demo only)."""
    staff = []
    for _i, (office, counter, name, title) in enumerate(STAFF, start=1):
        key = f"{office.lower()}-{counter:02d}"
        staff.append(
            {
                "key": key,
                "name": name,
                "title": title,
                "counter": counter,
                "office": office,
                "photo": str(STAFF_PHOTO_DIR / f"{key}.png"),
                "pin": DEMO_PIN,
            }
        )
    return staff


def write_staff_photos(directory: Path = STAFF_PHOTO_DIR) -> list[Path]:
    """Draws every demo officer's avatar (silhouette + initials) as PNG; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, person in enumerate(demo_staff()):
        path = directory / Path(person["photo"]).name
        draw_staff_photo(person["name"], i).save(path, optimize=True)
        paths.append(path)
    return paths


def _as_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OFFICE_TZ)
    return moment.astimezone(OFFICE_TZ).replace(second=0, microsecond=0)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _direct(procedure: dict) -> dict:
    methods = procedure["executionMethods"]
    return next((m for m in methods if m["submissionMethod"] == "DIRECT"), methods[0])


def appointment(procedure: dict, received: datetime) -> datetime:
    """The appointment (ngày hẹn trả) for a dossier received at `received`, from the direct channel's time."""
    method = _direct(procedure)
    days, unit = int(method["processingTime"]), method["processingTimeUnit"]
    if method["processingTimeNote"].startswith("Ngay trong ngày") and days <= 1:
        day = received.date() if received.hour < 15 else add_working_days(received.date(), 1)
    elif unit == "Ngày":
        day = received.date() + timedelta(days=days)
        day = day if day.weekday() < 5 else add_working_days(day, 1)
    else:
        day = add_working_days(received.date(), days)
    return datetime.combine(day, time(16, 30), OFFICE_TZ)


def _pick_procedure(procedures: list[dict], rng: random.Random) -> dict:
    weights = [PROCEDURE_WEIGHTS.get(p["code"], 1) for p in procedures]
    return rng.choices(procedures, weights)[0]  # 22 items: cheap enough per dossier


def _steps(procedure: dict, marks: list[tuple[str, str, int, datetime]], end: datetime | None) -> list[dict]:
    """Step history from (name, unit, status, start) marks; each step ends where the next starts."""
    steps = []
    for i, (name, unit, status, start) in enumerate(marks):
        finish = marks[i + 1][3] if i + 1 < len(marks) else end
        steps.append(
            {"name": name, "unit": unit, "status": status, "started_at": _iso(start), "finished_at": _iso(finish)}
        )
    return steps


def _between(a: datetime, b: datetime, fraction: float) -> datetime:
    return (a + (b - a) * fraction).replace(second=0, microsecond=0)


def _dossier(procedure: dict, status: int, timing: str, now: datetime, rng: random.Random) -> dict:
    """One dossier whose times make it `timing` (on_time, late, supplement_saved, open, open_late, withdrawn)."""
    field = procedure["category"]["code"]
    handler = FIELD_UNITS.get(field, "Công chức chuyên môn")
    signer = SIGNER.get(field, "Lãnh đạo Ủy ban nhân dân cấp xã")
    if timing in ("open", "withdrawn") and status in (1, 2):
        received = office_hour(working_day_before(now.date(), rng.choice([0, 0, 1])), rng)
        received = min(received, office_time(now - timedelta(minutes=rng.randrange(5, 90)), forward=False))
    elif timing == "open":
        received = office_hour(working_day_before(now.date(), rng.randrange(0, 2)), rng)
        received = min(received, office_time(now - timedelta(minutes=rng.randrange(30, 240)), forward=False))
    elif timing == "open_late":
        received = office_hour(working_day_before(now.date(), rng.randrange(12, 20)), rng)
    else:  # finished: received long enough ago that even a late finish (due + up to 5 days) lies in the
        # past, and spread over the last months so this month's statistics have finished dossiers too
        span = _direct(procedure)["processingTime"]
        received = office_hour(working_day_before(now.date(), int(span) + 8 + rng.randrange(0, 110)), rng)
    due = appointment(procedure, received)
    if timing == "open" and status in (2, 4, 5, 6) and due <= now:  # keep open ones honest: not yet due
        due = datetime.combine(add_working_days(now.date(), rng.randrange(1, 4)), time(16, 30), OFFICE_TZ)
    checked = max(received, office_time(received + timedelta(minutes=rng.randrange(5, 25)), forward=False))
    marks = [("Tiếp nhận hồ sơ", COUNTER_UNIT, 2, received)]
    finished = returned = None
    if status == 1:
        return _record(
            procedure, 1, received, None, None, None, [("Nộp hồ sơ trực tuyến", "Công dân", 1, received)], None, rng
        )
    if status == 3:
        finished = checked
        marks = [
            ("Kiểm tra hồ sơ", COUNTER_UNIT, 2, received),
            ("Từ chối tiếp nhận: hồ sơ không thuộc thẩm quyền giải quyết", COUNTER_UNIT, 3, finished),
        ]
        return _record(procedure, 3, received, due, finished, None, marks, finished, rng)
    if status == 2:
        return _record(procedure, 2, received, due, None, None, marks, None, rng)
    span = due - checked
    if timing in ("open", "open_late", "withdrawn"):
        marks.append(("Thẩm định, xử lý hồ sơ", handler, 4, checked))
        if status == 5:
            marks.append(
                (
                    "Yêu cầu bổ sung giấy tờ",
                    "Công dân bổ sung hồ sơ",
                    5,
                    max(checked, office_time(now - timedelta(hours=rng.randrange(2, 30)), forward=False)),
                )
            )
        elif status == 6:
            marks.append(
                (
                    "Thực hiện nghĩa vụ tài chính",
                    "Công dân nộp phí, lệ phí",
                    6,
                    max(checked, office_time(now - timedelta(hours=rng.randrange(1, 20)), forward=False)),
                )
            )
        elif status == 7:
            finished_mark = max(checked, office_time(now - timedelta(hours=rng.randrange(1, 48)), forward=False))
            marks.append(("Công dân yêu cầu rút hồ sơ", COUNTER_UNIT, 7, finished_mark))
            return _record(procedure, 7, received, due, None, None, marks, finished_mark, rng)
        return _record(procedure, status, received, due, None, None, marks, None, rng)
    # finished dossiers: status 8, 9 or 10
    supplement = timedelta(0)
    if timing == "on_time":
        finished = max(checked, office_time(_between(checked, due, rng.uniform(0.35, 0.95)), forward=False))
    elif timing == "late":
        finished = office_time(due + timedelta(hours=rng.randrange(2, 24 * 5)), forward=True)
    else:  # supplement_saved: late on the calendar, on time once supplement time is not counted
        finished = office_time(due + timedelta(hours=rng.randrange(1, 40)), forward=True)
        margin = min(timedelta(minutes=30), (due - checked) * 0.1)
        supplement = finished - due + margin + (due - checked) * rng.uniform(0.1, 0.5)
        supplement = timedelta(minutes=int(supplement.total_seconds() // 60))
    finished = finished.replace(second=0, microsecond=0)
    work_start = checked
    marks.append(("Thẩm định, xử lý hồ sơ", handler, 4, work_start))
    if supplement:
        # so asked + supplement <= finished (see above); asked moves back and the resumption forward into
        # office hours, which only lengthens the pause (the dossier stays on time) and keeps it <= finished
        asked = max(work_start, office_time(_between(work_start, due, 0.2), forward=False))
        marks.append(("Yêu cầu bổ sung giấy tờ", "Công dân bổ sung hồ sơ", 5, asked))
        marks.append(("Tiếp tục xử lý sau khi bổ sung", handler, 4, office_time(asked + supplement, forward=True)))
    if status == 8:
        marks.append(("Dừng xử lý: người yêu cầu không đủ điều kiện theo quy định", handler, 8, finished))
        return _record(procedure, 8, received, due, finished, None, marks, finished, rng)
    signing = office_time(_between(marks[-1][3], finished, 0.7), forward=False)
    marks.append(("Phê duyệt, ký kết quả", signer, 4, max(marks[-1][3], signing)))
    if status == 10:
        returned = office_time(finished + timedelta(hours=rng.choice([0.25, 1, 3, 20, 50])), forward=True)
        returned = office_time(min(now - timedelta(minutes=5), returned), forward=False)
        returned = max(finished, returned).replace(second=0, microsecond=0)
        marks.append(("Trả kết quả", COUNTER_UNIT, 10, returned))
        return _record(procedure, 10, received, due, finished, returned, marks, returned, rng, signed_at=finished)
    return _record(procedure, 9, received, due, finished, None, marks, finished, rng)


def _record(procedure, status, received, due, finished, returned, marks, end, rng, signed_at=None) -> dict:
    steps = _steps(procedure, marks, end)
    if signed_at is not None:  # the signing step ends when processing finished, before the citizen came
        steps[-2]["finished_at"] = _iso(signed_at)
    return {
        "code": None,
        "procedure_code": procedure["code"],
        "holder_name": holder_name(rng),
        "phone": phone_number(rng),
        "status": status,
        "received_at": _iso(received),
        "due_at": _iso(due),
        "finished_at": _iso(finished),
        "returned_at": _iso(returned),
        "secret": receipt_secret(rng),
        "steps": steps,
    }


def _number(dossiers: list[dict], unit_code: str) -> list[dict]:
    """Gives codes `<unit>-YYMMDD-NNNN`, numbered in order of receipt within each day."""
    dossiers.sort(key=lambda d: d["received_at"])
    per_day: dict[str, int] = {}
    for d in dossiers:
        day = d["received_at"][2:10].replace("-", "")
        per_day[day] = per_day.get(day, 0) + 1
        d["code"] = f"{unit_code}-{day}-{per_day[day]:04d}"
    return dossiers


def _office(code: str) -> dict:
    for office in OFFICES:
        if office["code"] == code:
            return office
    raise ValueError(f"unknown demo office {code!r}; known: {', '.join(o['code'] for o in OFFICES)}")


def demo_dossiers(now: datetime, office: str = "XA-PHUOCLONG", count: int = 60, seed: int = 1) -> list[dict]:
    """Demo dossiers in the import shape, covering statuses 1–10, on time and late.

    The first 16 follow SCENARIOS (so any `count` >= 16 covers every status and timing, including a
    dossier on time only because supplement time is not counted); the rest are drawn at random.
    Times are ISO 8601 with +07:00; `due_at` is null only for status 1 (not yet accepted).
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    now = _as_local(now)
    unit = _office(office)["unit_code"]
    rng = random.Random(f"dossiers:{office}:{seed}")
    procedures = load_sample_procedures()
    plan = list(SCENARIOS[:count])
    plan += rng.choices([s for s, _ in FILL], [w for _, w in FILL], k=count - len(plan))
    days = {p["code"]: (_direct(p)["processingTime"], _direct(p)["processingTimeUnit"]) for p in procedures}
    # open dossiers get procedures long enough not to be due yet, open-late ones short enough to be overdue
    pools = {
        "open": [p for p in procedures if days[p["code"]][0] >= 3],
        "open_late": [p for p in procedures if days[p["code"]][0] <= 7 and days[p["code"]][1] == "Ngày làm việc"],
    }
    dossiers = [
        _dossier(_pick_procedure(pools.get(timing, procedures), rng), status, timing, now, rng)
        for status, timing in plan
    ]
    return _number(dossiers, unit)


def _returned_by_office(now: datetime, offices: set[str], seed: int) -> dict[str, list[tuple[datetime, str]]]:
    out = {}
    for office in offices:
        out[office] = [
            (datetime.fromisoformat(d["returned_at"]), d["code"])
            for d in demo_dossiers(now, office=office, seed=seed)
            if d["status"] == 10
        ]
    return out


def demo_ratings(
    now: datetime, staff: list[dict] | None = None, count: int = 300, seed: int = 1, seq_per_office: bool = True
) -> list[dict]:
    """Rating items (docs/ARCHITECTURE.md) over the last ~60 working days, mostly satisfied.

    `staff` defaults to demo_staff(). An officer with an `id` is rated by that `staff_id`; without
    one, `staff_id` is null and `staff_key` names the officer for the caller to map. About 40% of
    ratings follow a returned demo dossier of the same seed (`dossier_code`, at most one rating each).
    `device_seq` counts per office (seed-demo posts through one pseudo-tablet per office); pass
    `seq_per_office=False` for one tablet per counter.
    """
    now = _as_local(now)
    staff = demo_staff() if staff is None else staff
    if not staff:
        raise ValueError("staff is empty: a rating needs an officer")
    rng = random.Random(f"ratings:{seed}")
    known = {o["code"] for o in OFFICES}
    returned = _returned_by_office(now, {p["office"] for p in staff} & known, seed)
    for queue in returned.values():
        rng.shuffle(queue)
    items = []
    for _ in range(count):
        index = rng.randrange(len(staff))
        person = staff[index]
        queue = returned.get(person["office"])
        if queue and rng.random() < 0.4:
            handed, code = queue.pop()
            created = handed + timedelta(minutes=rng.randrange(1, 4), seconds=rng.randrange(60))
        else:
            code = None
            created = office_hour(working_day_before(now.date(), rng.randrange(0, 60)), rng)
            created += timedelta(seconds=rng.randrange(60))
        if created > now:
            created = now - timedelta(minutes=rng.randrange(1, 120))
        if not officetime.is_office_hours(created):  # ratings are given at the counter, in office hours
            created = office_time(created, forward=False)
        items.append(rating_item(rng, person, index, created, code))
    return number_devices(items, per_office=seq_per_office)


def large_ratings(n: int = 100_000, seed: int = 1, now: datetime | None = None) -> list[dict]:
    """`n` rating items over a year for benchmarks; staff ids are 1..9 in demo_staff() order."""
    now = _as_local(now or DEFAULT_NOW)
    rng = random.Random(f"large-ratings:{seed}")
    staff = [dict(p, id=i) for i, p in enumerate(demo_staff(), start=1)]
    days = [d for d in (now.date() - timedelta(days=k) for k in range(1, 366)) if d.weekday() < 5]
    items = []
    for _ in range(n):
        person = rng.choice(staff)
        created = datetime.combine(rng.choice(days), time(7, 30), OFFICE_TZ) + timedelta(seconds=rng.randrange(34200))
        items.append(rating_item(rng, person, 0, created, None))
    return number_devices(items)


def large_dossiers(
    n: int = 50_000, seed: int = 1, now: datetime | None = None, office: str = "XA-PHUOCLONG"
) -> list[dict]:
    """`n` dossiers in the import shape for benchmarks: mostly returned on time, all statuses present."""
    now = _as_local(now or DEFAULT_NOW)
    unit = _office(office)["unit_code"]
    rng = random.Random(f"large-dossiers:{seed}")
    procedures = load_sample_procedures()
    cum, total = [], 0
    for p in procedures:
        total += PROCEDURE_WEIGHTS.get(p["code"], 1)
        cum.append(total)
    span = max(365, n // 4000 * 7)  # keeps each day's sequence well under 10,000
    days = [d for d in (now.date() - timedelta(days=k) for k in range(45, 45 + span)) if d.weekday() < 5]
    statuses = [10] * 80 + [9] * 6 + [4] * 5 + [2, 2, 3, 5, 6, 7, 8, 1]
    out = []
    for _ in range(n):
        procedure = rng.choices(procedures, cum_weights=cum)[0]
        field = procedure["category"]["code"]
        received = datetime.combine(rng.choice(days), time(7, 30), OFFICE_TZ) + timedelta(minutes=rng.randrange(540))
        due = appointment(procedure, received)
        status = rng.choice(statuses)
        late = rng.random() < 0.04
        finished = (
            due + timedelta(hours=rng.randrange(1, 72)) if late else _between(received, due, rng.uniform(0.2, 0.95))
        )
        finished = finished if status in (3, 8, 9, 10) else None
        returned = finished + timedelta(hours=rng.randrange(1, 48)) if status == 10 else None
        marks = [
            ("Tiếp nhận hồ sơ", COUNTER_UNIT, 2, received),
            (
                "Thẩm định, xử lý hồ sơ",
                FIELD_UNITS.get(field, "Công chức chuyên môn"),
                4,
                received + timedelta(minutes=15),
            ),
        ]
        if returned:
            marks.append(("Trả kết quả", COUNTER_UNIT, 10, returned))
        end = returned or finished
        out.append(
            _record(
                procedure,
                status,
                received,
                due if status != 1 else None,
                finished,
                returned,
                marks,
                end,
                rng,
                signed_at=finished if returned else None,
            )
        )
    return _number(out, unit)
