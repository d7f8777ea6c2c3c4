"""Word lists and generators behind the sample data: people, receipts, comments, a large procedure catalogue."""
from __future__ import annotations

import itertools
import json
import random
import uuid
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from central import rules
from motcua.officetime import OFFICE_TZ

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "assets" / "sample"
DEMO_PIN = "1234"  # every demo officer's PIN: for the demo only, never for a real office
REASONS = tuple(rules.REASON_LABELS)  # the tablet's standard reasons, in its order
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by elderly citizens

# Family names with rough frequencies (per cent) as commonly cited for Vietnam.
SURNAMES = {"Nguyễn": 31, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Huỳnh": 5, "Phan": 4.5, "Vũ": 3,
            "Võ": 4, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.5, "Ngô": 1.3, "Dương": 1, "Lý": 0.5, "Trương": 1,
            "Đinh": 0.7, "Lâm": 0.5, "Mai": 0.5, "Lương": 0.4, "Cao": 0.4, "Châu": 0.3, "Tạ": 0.3}
MIDDLE = {"m": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Hoàng", "Công", "Xuân", "Ngọc", "Tấn", "Trọng",
                "Quang", "Gia", "Anh"],
          "f": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thùy", "Hồng", "Bảo", "Phương", "Minh", "Hoài",
                "Diệu", "Khánh"]}
GIVEN = {"m": ["An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Duy", "Hải", "Hiếu", "Hoàng", "Hùng",
               "Huy", "Khang", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong",
               "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí",
               "Trung", "Tuấn", "Tùng", "Vinh", "Vũ"],
         "f": ["An", "Anh", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hân", "Hằng", "Hạnh", "Hiền",
               "Hoa", "Hồng", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
               "Nhung", "Oanh", "Phượng", "Quyên", "Quỳnh", "Thảo", "Thơ", "Thủy", "Trang", "Trâm", "Tuyết",
               "Uyên", "Vân", "Vy", "Yến"]}
# Mobile prefixes in use since the 2018 renumbering (Viettel, VinaPhone, MobiFone, Vietnamobile).
PHONE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098", "081", "082",
                  "083", "084", "085", "088", "091", "094", "070", "076", "077", "078", "079", "089", "090", "093",
                  "056", "058", "092"]
COMMENTS = {
    3: ["Cán bộ hướng dẫn tận tình, chu đáo.", "Làm nhanh, không phải chờ lâu. Cảm ơn cán bộ!",
        "Thủ tục gọn, trả kết quả đúng hẹn.", "Rất hài lòng với thái độ phục vụ.",
        "Được hướng dẫn kê khai tờ khai rất kỹ.", "Cảm ơn cán bộ đã giúp đỡ người già như tôi."],
    2: ["Ổn, nhưng nên có thêm ghế ngồi chờ.", "Cán bộ nhiệt tình nhưng phải chờ hơi lâu.",
        "Nên niêm yết rõ mẫu tờ khai ở sảnh.", "Bãi giữ xe hơi chật."],
    "thai_do": ["Cán bộ nói chuyện cộc lốc, không vui vẻ.", "Thái độ chưa niềm nở, hỏi thêm thì bị gắt."],
    "cho_lau": ["Chờ gần một tiếng mới tới lượt.", "Hẹn trả kết quả nhưng đến nơi vẫn chưa có."],
    "huong_dan": ["Hướng dẫn không rõ, phải đi lại nhiều lần.", "Không được chỉ cách điền tờ khai."],
    "giay_to_ngoai_quy_dinh": ["Bị yêu cầu nộp thêm giấy tờ không có trong danh mục niêm yết.",
                               "Phải sao y thêm giấy tờ không cần thiết."],
}
AVATAR_COLOURS = [(38, 110, 160), (46, 139, 87), (156, 92, 52), (111, 78, 155), (196, 97, 55), (52, 120, 120),
                  (150, 60, 90), (90, 110, 60), (70, 90, 140)]
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


def rating_comment(rng: random.Random, score: int, reasons: list[str]) -> str | None:
    """A Vietnamese comment fitting the score and reasons, or None (most citizens write nothing)."""
    if score >= 3:
        return rng.choice(COMMENTS[3]) if rng.random() < 0.2 else None
    if reasons and rng.random() < 0.7:
        return rng.choice(COMMENTS[reasons[0]])
    return rng.choice(COMMENTS[2]) if rng.random() < 0.2 else None


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

CSV_COLUMNS = ["code", "name", "field_code", "field_name", "level", "kind", "decision", "steps", "time", "time_unit",
               "fee_amount", "fee_text", "documents", "results", "legal_basis", "requirements", "keywords",
               "online_level", "updated_at"]


def procedures_csv(procedures: list[dict]) -> str:
    """The CSV form of portal-shape procedures (assets/sample/README.md): ' | ' joins multi-valued cells."""
    import csv
    import io
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in procedures:
        direct = next((m for m in p["executionMethods"] if m["submissionMethod"] == "DIRECT"),
                      p["executionMethods"][0])
        fee = direct["fees"][0] if direct["fees"] else {"amount": "", "description": ""}
        writer.writerow({
            "code": p["code"], "name": p["name"], "field_code": p["category"]["code"],
            "field_name": p["category"]["name"], "level": "province" if p["isProvince"] else "commune",
            "kind": p["procedureType"], "decision": p["decisionNumber"], "steps": " | ".join(p["executionSteps"]),
            "time": direct["processingTime"], "time_unit": direct["processingTimeUnit"], "fee_amount": fee["amount"],
            "fee_text": fee["description"],
            "documents": " | ".join(d["name"] for d in p["executionCases"][0]["profileComponents"]),
            "results": " | ".join(p["resultsDetails"]),
            "legal_basis": " | ".join(f"{b['number']} - {b['title']}" for b in p["legalBasisesDetails"]),
            "requirements": p["requirementsAndConditions"], "keywords": " | ".join(p["keywords"]),
            "online_level": (p["onlineServiceLevel"] or "").lower(), "updated_at": p["updatedAt"]})
    return out.getvalue()


# ---- office calendar --------------------------------------------------------------------------------------

def add_working_days(day: date, n: int) -> date:
    """The n-th working day (Monday to Friday) after `day`; public holidays are not modelled."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def working_day_before(day: date, n: int) -> date:
    while n > 0 or day.weekday() >= 5:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def office_hour(day: date, rng: random.Random, start=(7, 30), end=(16, 30)) -> datetime:
    lo, hi = start[0] * 60 + start[1], end[0] * 60 + end[1]
    minute = rng.randrange(lo, hi)
    return datetime.combine(day, time(minute // 60, minute % 60), OFFICE_TZ)


def office_time(moment: datetime, forward: bool) -> datetime:
    """The nearest office time (Mon-Fri 07:30-17:00) at or after (`forward`) or at or before `moment`."""
    day, opens, closes = moment.date(), time(7, 30), time(17, 0)
    if forward:
        if moment.weekday() < 5 and moment.time() <= closes:
            return max(moment, datetime.combine(day, opens, OFFICE_TZ))
        return datetime.combine(add_working_days(day, 1), opens, OFFICE_TZ)
    if moment.weekday() < 5 and moment.time() >= opens:
        return min(moment, datetime.combine(day, closes, OFFICE_TZ))
    return datetime.combine(working_day_before(day - timedelta(days=1), 0), closes, OFFICE_TZ)


# ---- ratings -------------------------------------------------------------------------------------------------

def rating_item(rng: random.Random, person: dict, index: int, created: datetime, dossier_code: str | None) -> dict:
    score = rng.choices((3, 2, 1), (72, 22, 6))[0]
    reasons = []
    if score == 1:
        reasons = rng.sample(REASONS, rng.choice((1, 1, 2)))
    elif score == 2 and rng.random() < 0.3:
        reasons = [rng.choice(REASONS[:3])]
    item = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "device_seq": 0,
            "created_at": created.isoformat(), "office": person["office"], "counter": person["counter"],
            "staff_id": person.get("id"), "scale": 3, "score": score, "reasons": reasons}
    if person.get("id") is None:  # not yet stored: the caller maps the key to the server's id
        item["staff_key"] = person.get("key") or f"{person['office']}:{index}"
    comment = rating_comment(rng, score, reasons)
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

MINISTRIES = {"TN": "BNNMT", "NN": "BNNMT", "XD": "BXD", "GT": "BXD", "GD": "BGDĐT", "LĐ": "BNV", "NV": "BNV",
              "YT": "BYT", "VH": "BVHTTDL", "TP": "BTP", "CT": "BCT", "CA": "BCA", "TC": "BTC"}
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
        items.append(_procedure(code, name, obj, pattern, vocab["fields"][fi], vocab, rng,
                                base + timedelta(minutes=rng.randrange(0, 500 * 24 * 60))))
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
    fees = [{"kind": "Lệ phí" if amount else "Không", "amount": amount,
             "description": f"{amount:,} đồng/hồ sơ (mức mẫu)".replace(",", ".") if amount
             else "Không thu phí, lệ phí"}]
    online = rng.choices(["FULL", "PARTIAL", None], [0.35, 0.45, 0.2])[0]
    channels = ["DIRECT"] + (["ONLINE"] if online else []) + (["POSTAL"] if rng.random() < 0.5 else [])
    ministry = MINISTRIES.get(field["code"].split("-")[1][:-2], "BNV")
    docs = vocab["documents"][pattern]
    law = field["laws"][0]
    return {
        "code": code, "name": name, "decisionNumber": f"{rng.randrange(100, 4000)}/QĐ-{ministry}",
        "category": {"code": field["code"], "name": field["name"]},
        "implementationLevel": "Cấp Tỉnh" if province else "Cấp Xã", "isWard": not province,
        "isProvince": province,
        "procedureType": rng.choice(["TTHC không được luân chuyển", "TTHC được luân chuyển trong nội bộ cơ quan"]),
        "executionSteps": [
            f"Bước 1: Tổ chức, cá nhân nộp hồ sơ tại Bộ phận Một cửa của {agency} hoặc qua Cổng Dịch vụ công.",
            "Bước 2: Cán bộ tiếp nhận kiểm tra hồ sơ; hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần.",
            f"Bước 3: Trong thời hạn {days:02d} ngày làm việc, cơ quan chuyên môn thẩm định và trình {agency} "
            f"quyết định.",
            "Bước 4: Trả kết quả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính."],
        "executionMethods": [{"submissionMethod": c, "processingTime": days, "processingTimeUnit": "Ngày làm việc",
                              "processingTimeNote": "", "fees": fees} for c in channels],
        "executionCases": [{"name": "Trường hợp thông thường", "profileComponents": [
            {"name": d, "originalQty": 1 if i == 0 else rng.choice([0, 1]), "copyQty": 0 if i == 0 else 1,
             "template": None, "note": ""} for i, d in enumerate(docs)]}],
        "subjects": rng.choice(["Cá nhân", "Tổ chức", "Cá nhân, tổ chức", "Hộ gia đình, cá nhân"]),
        "implementingAgency": agency, "competentAgency": agency, "coordinatingAgency": "",
        "receivingAddress": f"Bộ phận Một cửa - {agency}",
        "resultsDetails": [vocab["results"][pattern]],
        "legalBasisesDetails": [dict(x) for x in field["laws"]],
        "requirementsAndConditions": f"Đáp ứng các điều kiện theo quy định của {law['title']} số {law['number']}.",
        "keywords": [obj, field["name"].lower()],
        "description": f"{name}. Thủ tục do bộ sinh dữ liệu mẫu tạo ra để thử tải, không phải thủ tục thật.",
        "onlineServiceLevel": online, "isSample": True, "sampleFields": ["*"],
        "portalUrl": "", "updatedAt": updated.isoformat(),
    }
