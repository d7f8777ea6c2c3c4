"""The rating scale has one home (motcua.scale): the tablet, the server and the dashboard read the same names."""

from pathlib import Path

from motcua import scale

ROOT = Path(__file__).resolve().parents[2]


def test_every_level_of_every_scale_has_its_name_in_both_languages():
    assert scale.score_name(4, 4) == "Rất hài lòng" and scale.score_name(2, 4, "en") == "Not quite satisfied"
    assert scale.score_name(3, 5) == "Bình thường" and scale.score_name(1, 5, "en") == "Not satisfied"
    assert scale.score_name(2, 7) == "Mức 2/7"


def test_satisfied_and_negative_follow_the_levels():
    assert [s for s in range(1, 4) if scale.is_satisfied(s, 3)] == [2, 3]
    assert [s for s in range(1, 6) if scale.is_negative(s, 5)] == [1, 2]


def test_the_dashboard_the_server_and_the_tablet_use_this_one_home():
    from central import rules
    from central.dashboard import web
    from rating import flow, texts

    assert web.score_name is scale.score_name
    assert rules.REASON_LABELS is scale.STANDARD_REASONS and texts.DEFAULT_REASONS is scale.STANDARD_REASONS
    assert texts.SCALE_LABELS is scale.SCALE_LABELS and flow.is_negative is scale.is_negative
    copies = [
        p
        for p in ROOT.glob("*/**/*.py")
        if ".venv" not in p.parts
        and "tests" not in p.parts
        and p.name != "scale.py"
        and '"Không hài lòng"' in p.read_text(encoding="utf-8")
    ]
    assert copies == []
