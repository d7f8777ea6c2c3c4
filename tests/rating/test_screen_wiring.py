"""The tablet's screens get what they use passed in (rating.screens.base.TabletScreen), as the kiosk's do."""

import re
from pathlib import Path

RATING = Path(__file__).resolve().parents[2] / "rating"


def test_no_kv_rule_or_screen_reaches_for_the_running_app():
    reaching = [
        f"{path.relative_to(RATING)}: {line.strip()}"
        for path in sorted(RATING.rglob("*.kv")) + sorted(RATING.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if (path.suffix == ".kv" and re.search(r"\bapp\.", line)) or "get_running_app" in line
    ]
    assert reaching == []


def test_every_screen_is_a_tablet_screen():
    screens = [
        m
        for path in sorted((RATING / "screens").glob("*.py"))
        for m in re.findall(r"^class (\w+Screen)\((\w+)\)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert len(screens) == 8  # TabletScreen itself and the seven screens
    assert [name for name, base in screens if base != "TabletScreen" and name != "TabletScreen"] == []
