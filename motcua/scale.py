"""The rating scale: its levels, their official names, the standard reasons and what counts as satisfied.

One home for the tablet (faces, labels, when to ask for reasons), the server (ingest checks, reports)
and the dashboard. Scores are 1..scale, higher is better; the legal default is 3 levels (Rất hài
lòng / Hài lòng / Không hài lòng), and an office may use 4 or 5 (docs/ARCHITECTURE.md).
"""

__all__ = [
    "SCALES",
    "DEFAULT_SCALE",
    "SCALE_LABELS",
    "STANDARD_REASONS",
    "CRITERIA",
    "REASON_CRITERIA",
    "LEGAL_LEVELS",
    "LEGAL_LEVEL_NAMES",
    "is_satisfied",
    "is_negative",
    "score_name",
    "legal_level",
    "reason_name",
    "reason_criterion",
]

SCALES = (3, 4, 5)
DEFAULT_SCALE = 3

# Each level's name (Vietnamese, English) per scale; keys are scores, best first.
SCALE_LABELS = {
    2: {2: ("Hài lòng", "Satisfied"), 1: ("Không hài lòng", "Not satisfied")},
    3: {3: ("Rất hài lòng", "Very satisfied"), 2: ("Hài lòng", "Satisfied"), 1: ("Không hài lòng", "Not satisfied")},
    4: {
        4: ("Rất hài lòng", "Very satisfied"),
        3: ("Hài lòng", "Satisfied"),
        2: ("Chưa hài lòng", "Not quite satisfied"),
        1: ("Không hài lòng", "Not satisfied"),
    },
    5: {
        5: ("Rất hài lòng", "Very satisfied"),
        4: ("Hài lòng", "Satisfied"),
        3: ("Bình thường", "Neutral"),
        2: ("Chưa hài lòng", "Not quite satisfied"),
        1: ("Không hài lòng", "Not satisfied"),
    },
}

# The reasons a tablet offers after a low score, in screen order: codes on the wire, names shown.
# The server always accepts these; an office's own codes once listed in [server] custom_reason_codes.
# Each is tied to a criterion of Điều 33 NĐ 61/2018 (REASON_CRITERIA, REPORTING.md's table); the
# four oldest codes (thai_do, cho_lau, huong_dan, giay_to_ngoai_quy_dinh) stay so stored ratings read.
STANDARD_REASONS = {
    "tre_hen": ("Trả kết quả trễ hẹn", "Result later than promised"),
    "di_lai_nhieu_lan": ("Phải đi lại nhiều lần", "Had to come back several times"),
    "den_nhieu_noi": ("Phải đến nhiều nơi", "Had to go to several offices"),
    "khong_niem_yet": ("Thủ tục, lệ phí không niêm yết rõ", "Procedure or fee not clearly posted"),
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "nhung_nhieu": ("Có biểu hiện nhũng nhiễu, gây phiền hà", "Harassment or obstruction"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
}

# The 9 criteria of Điều 33 NĐ 61/2018 (2 / 1 / 0 points each), by number.
CRITERIA = {
    1: ("Tổng thời gian giải quyết so với quy định", "Total processing time against the rules"),
    2: ("Thời gian giải quyết của từng cơ quan", "Time taken by each agency"),
    3: ("Số lần phải liên hệ để hoàn thiện hồ sơ", "Times the citizen had to come back to complete the file"),
    4: ("Số cơ quan phải liên hệ", "Number of agencies the citizen had to contact"),
    5: ("Tổ chức tiếp nhận, trả kết quả tại Bộ phận Một cửa", "Reception and return of results at the one-stop"),
    6: ("Công khai thủ tục hành chính", "Procedures made public"),
    7: ("Thái độ của cán bộ (nhũng nhiễu, gây phiền hà)", "Officers' conduct (harassment, obstruction)"),
    8: ("Tiếp thu, giải trình phản ánh, kiến nghị", "Handling of complaints and suggestions"),
    9: ("Tiến độ và chất lượng dịch vụ công trực tuyến", "Progress and quality of online public services"),
}
# reason code → criterion number; a reason missing here (cho_lau, huong_dan, an office's own) has none.
REASON_CRITERIA = {
    "tre_hen": 1,
    "di_lai_nhieu_lan": 3,
    "den_nhieu_noi": 4,
    "khong_niem_yet": 6,
    "thai_do": 7,
    "nhung_nhieu": 7,
    "giay_to_ngoai_quy_dinh": 7,
}

# The quarterly "Bảng đánh giá" section II counts three levels; every scale maps onto them by its
# levels' names: Rất hài lòng; Hài lòng and Bình thường; Chưa hài lòng and Không hài lòng.
LEGAL_LEVELS = ("khong_hai_long", "hai_long", "rat_hai_long")
LEGAL_LEVEL_NAMES = {
    "khong_hai_long": ("Không hài lòng", "Not satisfied"),
    "hai_long": ("Hài lòng", "Satisfied"),
    "rat_hai_long": ("Rất hài lòng", "Very satisfied"),
}


def legal_level(score: int, scale: int) -> str:
    """The "Bảng đánh giá" level of a score on any scale: khong_hai_long, hai_long or rat_hai_long.
    The top level of a scale of 3 or more is Rất hài lòng; a 2-level scale has no such level."""
    if is_negative(score, scale):
        return "khong_hai_long"
    if score >= scale and scale >= 3:
        return "rat_hai_long"
    return "hai_long"


def reason_name(code: str, lang: str = "vi", custom: dict | None = None) -> str:
    """A reason's label: the standard one, else the office's own from `custom` ({code: (vi, en)}),
    else "Lý do riêng của văn phòng: CODE" (never a bare code)."""
    pair = STANDARD_REASONS.get(code) or (custom or {}).get(code)
    if pair:
        return pair[1 if lang == "en" and len(pair) > 1 else 0]
    return f"Office's own reason: {code}" if lang == "en" else f"Lý do riêng của văn phòng: {code}"


def reason_criterion(code: str) -> int | None:
    """The criterion of Điều 33 NĐ 61/2018 a reason speaks to, or None."""
    return REASON_CRITERIA.get(code)


def is_satisfied(score: int, scale: int) -> bool:
    """The top two levels: Rất hài lòng + Hài lòng on the 3-level scale, as offices report."""
    return score >= scale - 1


def is_negative(score: int, scale: int) -> bool:
    """Below the middle of the scale: on 3 levels only Không hài lòng."""
    return score <= scale // 2


def score_name(score: int, scale: int, lang: str = "vi") -> str:
    """The level's name ("Hài lòng"), or "Mức 2/7" for a scale this project does not know."""
    names = SCALE_LABELS.get(scale, {})
    if score in names:
        return names[score][1 if lang == "en" else 0]
    return f"Level {score}/{scale}" if lang == "en" else f"Mức {score}/{scale}"
