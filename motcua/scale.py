"""The rating scale: its levels, their official names, the standard reasons and what counts as satisfied.

One home for the tablet (faces, labels, when to ask for reasons), the server (ingest checks, reports)
and the dashboard. Scores are 1..scale, higher is better; the legal default is 3 levels (Rất hài
lòng / Hài lòng / Không hài lòng), and an office may use 4 or 5 (docs/ARCHITECTURE.md).
"""

__all__ = ["SCALES", "DEFAULT_SCALE", "SCALE_LABELS", "STANDARD_REASONS", "is_satisfied", "is_negative", "score_name"]

SCALES = (3, 4, 5)
DEFAULT_SCALE = 3

# Each level's name (Vietnamese, English) per scale; keys are scores, best first.
SCALE_LABELS = {
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
# The last three name criteria of the Decree 61/2018 evaluation (REPORTING.md): 1 the time taken,
# 3 how often the citizen had to come back, 7 the officers' conduct.
STANDARD_REASONS = {
    "thai_do": ("Thái độ chưa tốt", "Unfriendly attitude"),
    "cho_lau": ("Phải chờ lâu", "Long waiting time"),
    "huong_dan": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "giay_to_ngoai_quy_dinh": ("Yêu cầu giấy tờ ngoài quy định", "Asked for papers not required"),
    "tre_hen": ("Trả kết quả trễ hẹn", "Result later than promised"),
    "di_lai_nhieu_lan": ("Phải đi lại nhiều lần", "Had to come back several times"),
    "nhung_nhieu": ("Có biểu hiện nhũng nhiễu, gây phiền hà", "Harassment or obstruction"),
}


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
