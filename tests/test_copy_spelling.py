"""The spelling rules of COPY.md (../shared/design/COPY.md), checked across everything a citizen, an officer
or an admin reads: every gettext catalogue, the dashboard's templates, the apps' .kv files, the Vietnamese
string literals of the code, the docs, README and the example configs.

- "Ông/Bà" always capitalised (as in the official forms);
- new-style tone placement: Xóa, Hủy, khóa (never Xoá, Huỷ, khoá: a mark on the a/e/y of a syllable-final
  oa/oe/uy; "quý" keeps its mark, qu is one consonant);
- "quá hạn", never "trễ hạn" (the reports' word; "trễ hẹn", late against the appointment, is another word);
- one name for the receipt: "giấy hẹn"; its full name "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" once, in the
  kiosk's help text, and no other name ("giấy tiếp nhận", "biên nhận", "phiếu hẹn").

A failure names the file and line, and whose area it is.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD_STYLE = re.compile(r"(?<![qQ])(?:[oO][áàảãạ]|[oO][éèẻẽẹ]|[uU][ýỳỷỹỵ])(?![\wà-ỹ])", re.I)  # XOÁ as well as Xoá
LOWER_ONG_BA = re.compile(r"ông/bà|Ông/bà|ông/Bà")
LATE = re.compile(r"trễ hạn", re.I)
RECEIPT_FULL = "giấy tiếp nhận hồ sơ và hẹn trả kết quả"
OTHER_RECEIPT = re.compile(r"giấy tiếp nhận|biên nhận|phiếu hẹn", re.I)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
AREAS = {
    "kiosk": "kiosk (kiosk engineer)",
    "rating": "rating tablet (tablet engineer)",
    "touchui": "touch widgets (kiosk/tablet engineers)",
    "central": "central server and dashboard",
    "motcua": "shared core",
    "docs": "docs",
    "config": "example configs",
    "README.md": "README",
}
CODE = ("kiosk", "rating", "touchui", "central", "motcua")


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal with Vietnamese letters in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and VIETNAMESE.search(node.value)
    ]


def _text_lines(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix in (".po", ".pot"):  # the msgstr lines, continuation lines included
        out, inside = [], False
        for n, line in enumerate(lines, 1):
            if line.startswith("msgstr"):
                inside = True
            elif not line.startswith('"'):
                inside = False
            if inside:
                out.append((n, line))
        return out
    return list(enumerate(lines, 1))


def sources() -> list[tuple[Path, list[tuple[int, str]]]]:
    found = []
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*")):
            if "migrations" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py":
                found.append((path, _code_lines(path)))
            elif path.suffix in (".kv", ".html") or (path.suffix == ".po" and "/vi/" in str(path)):
                found.append((path, _text_lines(path)))
    for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", *sorted((ROOT / "config").glob("*.ini"))]:
        found.append((path, _text_lines(path)))
    return found


def _area(path: Path) -> str:
    return AREAS.get(path.relative_to(ROOT).parts[0], "?")


def _where(path: Path, line: int, text: str) -> str:
    return f"{path.relative_to(ROOT)}:{line} [{_area(path)}]: {text.strip()[:140]}"


def test_the_sources_are_found():
    files = {p.relative_to(ROOT).as_posix() for p, _ in sources()}
    for expected in (
        "kiosk/locale/vi/LC_MESSAGES/kiosk.po",
        "rating/locale/vi/LC_MESSAGES/rating.po",
        "touchui/locale/vi/LC_MESSAGES/touchui.po",
        "central/locale/vi/LC_MESSAGES/dashboard.po",
        "central/templates/overview.html",
        "central/rules.py",
        "docs/HUONG-DAN.md",
        "config/kiosk.ini",
    ):
        assert expected in files


def test_ong_ba_is_capitalised():
    bad = [_where(p, n, t) for p, lines in sources() for n, t in lines if LOWER_ONG_BA.search(t)]
    assert not bad, 'write "Ông/Bà":\n' + "\n".join(bad)


def test_the_tone_mark_rule_finds_the_old_style_in_any_case():
    for old in ("Xoá", "XOÁ", "Huỷ", "HUỶ", "khoá", "khoẻ", "thuỷ", "hoà"):
        assert OLD_STYLE.search(old), old
    for new in ("Xóa", "XÓA", "Hủy", "HỦY", "khóa", "khỏe", "thủy", "hòa", "quý", "QUÝ", "toàn", "khoán", "tuyến"):
        assert not OLD_STYLE.search(new), new


def test_new_style_tone_marks():
    bad = [
        _where(p, n, f"{OLD_STYLE.findall(t)} in {t}")
        for p, lines in sources()
        for n, t in lines
        if OLD_STYLE.search(t)
    ]
    assert not bad, "write Xóa, Hủy, khóa (not Xoá, Huỷ, khoá):\n" + "\n".join(bad)


def test_qua_han_not_tre_han():
    bad = [_where(p, n, t) for p, lines in sources() for n, t in lines if LATE.search(t)]
    assert not bad, 'write "quá hạn":\n' + "\n".join(bad)


def test_one_name_for_the_receipt():
    full, other = [], []
    for path, lines in sources():
        for n, text in lines:
            lowered = text.lower()
            if RECEIPT_FULL in lowered:
                full.append(_where(path, n, text))
            if OTHER_RECEIPT.search(lowered.replace(RECEIPT_FULL, "")):
                other.append(_where(path, n, text))
    in_catalogues = [w for w in full if ".po:" in w]
    assert len(in_catalogues) == 1 and "kiosk/locale/vi" in in_catalogues[0], (
        "the receipt's full name belongs once in the kiosk's help text:\n" + "\n".join(full)
    )
    assert not other, 'the receipt is "giấy hẹn":\n' + "\n".join(other)
