"""Search that understands how citizens speak (issue 17), on the sample commune catalogue with every
hand-written keyword removed: what the portal sends. The query set is tests/motcua/data/everyday_queries.tsv.

The catalogue is stored in a real SQLite file through `Catalogue.sync` fed in-process, as in
test_search_quality.py."""

import json
import re
import warnings
from pathlib import Path

import pytest

from central.demo.sample import load_sample_procedures
from central.portal import from_portal
from motcua.catalogue import Catalogue
from motcua.search import QueryPlan, Synonyms, Vocabulary, syllables
from motcua.store import open_store
from motcua.syllables import generate

QUERIES = Path(__file__).resolve().parent / "data" / "everyday_queries.tsv"
PARTS = ("tune", "held", "seen", "blind")
# The targets of issue 17, for each part of the query set.
TARGETS = {"top3": 0.90, "first": 0.75, "nothing_fits": 0.80}
# Measures a part is reported on but not yet held to. `blind` was written by someone who never saw the lexicon, the
# search code or a search result, and is never tuned on; measured once on 2026-12-04 it met "nothing fits" (22/25)
# but not the top 3 (54/75 = 72%) or first (49/75 = 65%). `seen` was the blind part before it was tuned on.
NOT_YET = {"tune": set(), "held": set(), "seen": set(), "blind": {"top3", "first"}}


class Feed:
    def __init__(self, items, cursor="1"):
        self.items, self.cursor = items, cursor

    def procedures(self, since=None, etag=None):
        return {"items": self.items, "deleted": [], "cursor": self.cursor, "complete": True, "etag": None}


def without_keywords(records) -> list[dict]:
    return [dict(from_portal(r), keywords=[]) for r in records]


def query_set() -> list[tuple[str, str | None, str, set]]:
    """(query, wanted code or None for "nothing fits", part: "tune", "held" or "blind", codes also accepted)."""
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, wanted, part, *also = line.split("\t")
        out.append((query, None if wanted == "-" else wanted, part, set(also[0].split()) if also else set()))
    return out


def measure(search, cases) -> dict:
    """Share of in-catalogue queries with the wanted procedure in the top 3 and first; share of the others
    that found nothing (an accepted alternative counts as wanted)."""
    top3 = first = found = nothing = 0
    misses = []
    for query, wanted, _part, also in cases:
        codes = [h["code"] for h in search(query)]
        if wanted is None:
            nothing += not codes
            if codes:
                misses.append((query, "-", codes[:3]))
            continue
        found += 1
        ok = {wanted} | also
        top3 += bool(ok & set(codes[:3]))
        first += bool(codes[:1] and codes[0] in ok)
        if not (codes[:1] and codes[0] in ok):
            misses.append((query, wanted, codes[:3]))
    outside = sum(1 for c in cases if c[1] is None)
    return {
        "queries": len(cases),
        "top3": top3 / max(found, 1),
        "first": first / max(found, 1),
        "nothing_fits": nothing / max(outside, 1),
        "misses": misses,
    }


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    catalogue = Catalogue(open_store(tmp_path_factory.mktemp("kiosk") / "kiosk.db"))
    catalogue.sync(Feed(without_keywords(load_sample_procedures())))
    return catalogue


@pytest.mark.parametrize("part", PARTS)
def test_the_query_set_finds_what_citizens_mean_and_says_when_nothing_fits(cat, part):
    cases = [c for c in query_set() if c[2] == part]
    got = measure(cat.search, cases)
    report = json.dumps({k: v for k, v in got.items() if k != "misses"}) + "\n" + "\n".join(map(str, got["misses"]))
    print(f"{part}: {report}")
    short = {k for k, goal in TARGETS.items() if got[k] < goal}
    if NOT_YET[part]:  # reported on every run, met or not, so the figures are seen
        warnings.warn(
            f"{part} part, not yet held to {sorted(NOT_YET[part])} (missed: {sorted(short)}): {report}", stacklevel=1
        )
    assert not short - NOT_YET[part], report


def test_the_query_set_is_big_enough_and_holds_every_example_of_the_issue():
    cases = query_set()
    assert len(cases) >= 150 and sum(1 for c in cases if c[2] == "held") >= 40
    assert sum(1 for c in cases if c[1] is None) >= 20
    assert {c[2] for c in cases} == set(PARTS)
    for part in ("seen", "blind"):
        written_blind = [c for c in cases if c[2] == part]
        assert len(written_blind) >= 80 and sum(1 for c in written_blind if c[1] is None) >= 20, part
    said = {c[0] for c in cases}
    issue = ["dang ky xe may", "sua ten trong giay khai sinh", "bo toi mat", "mat giay khai sinh"]
    issue += ["lam giay khai sinh cho con", "sang ten so do", "lam so do", "can cuoc cong dan", "lam cccd"]
    issue += ["tro cap nguoi gia", "lay chong nuoc ngoai", "chuyen khau", "tach ho khau", "xin phep xay nha"]
    issue += ["lam ho chieu", "dong tien dien"]
    assert set(issue) <= said
    codes = {p["code"] for p in load_sample_procedures()}
    assert {c[1] for c in cases if c[1]} | {a for c in cases for a in c[3]} <= codes


@pytest.mark.parametrize(
    "query, wanted",
    [
        ("dang ky xe may", []),  # was Đăng ký kết hôn: "may" corrected to "mat"
        ("sua ten trong giay khai sinh", ["1.004859"]),  # was Đăng ký khai sinh: "sua" corrected to "cua"
        ("bo toi mat", ["1.000656", "2.002913"]),  # was cải chính hộ tịch: "mất" dropped
        ("lam giay khai sinh cho con", ["1.001193"]),  # was khai sinh kết hợp nhận cha, mẹ, con
        ("lam ho chieu", []),
        ("dong tien dien", []),
    ],
)
def test_the_examples_of_the_issue(cat, query, wanted):
    codes = [h["code"] for h in cat.search(query)]
    assert codes[:1] == wanted[:1] if wanted else codes == [], codes[:3]


@pytest.mark.parametrize("word", ["sang", "may", "xay", "sua", "cai", "nuoc", "phong", "mua", "tien", "cao", "tuoi"])
def test_a_real_syllable_is_never_corrected(cat, word):
    assert word in syllables()
    plan = QueryPlan(f"dang ky {word} ", cat.vocabulary())
    assert plan.corrected == {} and word in plan.words + plan.optional, plan.words


def test_typos_that_are_not_syllables_are_still_fixed(cat):
    vocabulary = cat.vocabulary()
    for typo in ("kahi", "sihn", "hno", "chng"):
        assert typo not in syllables()
    assert QueryPlan("dang ky kahi sinh", vocabulary).corrected == {"kahi": "khai"}
    assert QueryPlan("khai xinh ", vocabulary).corrected == {"xinh": "sinh"}  # a syllable, but a catalogue pair


def test_the_shipped_syllable_list_is_what_the_rules_generate():
    shipped = (Path(__file__).resolve().parents[2] / "motcua" / "data" / "syllables.txt").read_text(encoding="utf-8")
    assert shipped.split() == generate()
    assert {"hòa", "khỏe", "thủy", "gì", "quyết", "nghiêng", "căn", "cần", "hồi", "hỏi", "mất"} <= set(shipped.split())


def test_stop_words_know_their_marks(cat):
    vocabulary = cat.vocabulary()
    assert QueryPlan("cần thẻ căn cước", vocabulary).words == ["can", "cuoc"]  # căn stays, cần goes
    assert "can" in QueryPlan("can cuoc", vocabulary).words
    assert QueryPlan("hỏi thu hồi", vocabulary).words == ["thu", "hoi"]
    unmarked = QueryPlan("can khai sinh", vocabulary)  # cần or căn? kept, but only as an optional word
    assert unmarked.words == ["khai", "sinh"] and unmarked.optional == ["can"]


def test_mat_means_died_next_to_a_person_and_lost_next_to_a_document(cat):
    vocabulary = cat.vocabulary()
    assert QueryPlan("bo toi mat", vocabulary).words == ["khai", "tu"]
    assert QueryPlan("mẹ mất", vocabulary).words == ["khai", "tu"]
    lost = QueryPlan("mat giay khai sinh", vocabulary)
    assert lost.words == ["khai", "sinh"] and "lai" in lost.optional
    assert QueryPlan("mặt", vocabulary).words == ["mat"]  # "mặt" typed with its marks is not "mất"


def test_the_plain_procedure_comes_before_its_variants_unless_the_query_names_them(cat):
    assert [h["code"] for h in cat.search("dang ky khai sinh cho con")][:1] == ["1.001193"]
    assert [h["code"] for h in cat.search("ket hon")][:1] == ["1.000894"]
    assert [h["code"] for h in cat.search("ket hon luu dong")][:1] == ["1.000593"]
    assert [h["code"] for h in cat.search("ket hon yeu to nuoc ngoai")][:1] == ["2.000806"]
    assert [h["code"] for h in cat.search("dang ky lai khai sinh")][:1] == ["1.004884"]


def test_an_office_adds_its_own_words_without_code(tmp_path, cat):
    extra = tmp_path / "words.txt"
    extra.write_text(
        "# our commune says it so\nlàm giấy ra riêng = tách hộ\nxin dấu đỏ = xác nhận thông tin về cư trú\n"
    )
    office = Catalogue(cat.db, synonyms=Synonyms.default(str(extra)))
    assert [h["code"] for h in cat.search("xin dau do")][:1] != ["1.010041"]
    assert [h["code"] for h in office.search("xin dau do")][:1] == ["1.010041"]
    bad = tmp_path / "bad.txt"
    bad.write_text("tách hộ khẩu\n")
    with pytest.raises(ValueError, match=r"bad.txt line 1"):
        Synonyms.default(str(bad))


def test_what_fits_is_not_followed_by_procedures_that_only_mention_it_in_their_documents(cat):
    """Most checklists ask for the căn cước: a search for it offered Đăng ký kết hôn second."""
    assert [h["code"] for h in cat.search("can cuoc")] == ["1.116410"]
    assert [h["code"] for h in cat.search("di chuc")] == ["2.001019"]
    assert [h["code"] for h in cat.search("sổ đỏ")][:1] == ["1.013978"]


def test_the_words_of_one_rule_fit_together(cat):
    """ "báo tử" is the lexicon's "khai tử": a name with "từ" (từ bản chính) and no "khai" does not fit."""
    codes = [h["code"] for h in cat.search("bao tu")]
    assert codes[:1] == ["1.000656"] and "2.000815" not in codes and "2.000942" not in codes


def test_an_office_file_may_use_the_shipped_classes_and_its_mistakes_are_named_by_its_own_line(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# ours\nqua [person] = khai tử\n", encoding="utf-8")
    assert ("qua", "person", ["khai", "tu"]) in Synonyms.default(str(words)).context
    for text, problem in [
        ("# ours\n\nsổ đỏ quyền sử dụng đất\n", "line 3: expected"),
        ("đi đâu [person] = khai tử\n", "line 1: a context rule is one word"),
        ("mất [nobody] = khai tử\n", "line 1: class [nobody] is not defined"),
        ("sổ đỏ = ,\n", "line 1: both sides need words"),
    ]:
        bad = tmp_path / f"bad{len(text)}.txt"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=rf"{bad.name} {re.escape(problem)}"):
            Synonyms.default(str(bad))


RULES = """
class person: cha, mẹ, bố
class document: giấy, giấy khai sinh
{first}
{second}
nhận con = nhận cha mẹ con
con liệt sĩ = thân nhân người có công
stop: làm giấy, hôm nay, gì, tôi, vừa, của
"""
LOST, DIED = "mất [document] = ~lại ~cấp", "mất [person] = khai tử"


@pytest.mark.parametrize("first, second", [(LOST, DIED), (DIED, LOST)])
def test_a_context_rule_takes_the_nearest_word_of_its_class_whatever_the_file_order(first, second):
    synonyms = Synonyms(RULES.format(first=first, second=second))
    # the father is three words away; "giấy" of "làm giấy gì" is not a paper that was lost
    assert QueryPlan("cha toi vua mat lam giay gi ", None, synonyms).words == ["khai", "tu"]
    lost = QueryPlan("mat giay khai sinh cua cha ", None, synonyms)  # the paper is next to "mất"
    assert "tu" not in lost.words and {"lai", "cap"} <= set(lost.optional), (lost.words, lost.optional)


def test_a_longer_lexicon_phrase_wins_over_a_shorter_one_it_overlaps():
    synonyms = Synonyms(RULES.format(first=LOST, second=DIED))
    plan = QueryPlan("xac nhan con liet si ", None, synonyms)
    assert plan.words == ["xac", "nhan", "than", "nguoi", "co", "cong"], plan.words  # not "nhận cha mẹ con"
    assert QueryPlan("nhan con ", None, synonyms).words == ["nhan", "cha", "me", "con"]


def test_a_word_only_of_a_longer_stop_phrase_is_corrected_like_any_other():
    synonyms = Synonyms(RULES.format(first=LOST, second=DIED))
    vocabulary = Vocabulary({"ket", "hon", "khai", "sinh"} | synonyms.words, {}, {("ket", "hon")})
    assert QueryPlan("ket hom ", vocabulary, synonyms).corrected == {"hom": "hon"}  # "hôm" only of "hôm nay"
    assert QueryPlan("hom nay ket hon ", vocabulary, synonyms).words == ["ket", "hon"]


def test_a_lexicon_phrase_is_read_while_its_last_word_is_being_typed():
    synonyms = Synonyms("thôi kinh doanh = chấm dứt kinh doanh\nsổ đỏ = quyền sử dụng đất\nsổ hồng = nhà ở\n")
    assert QueryPlan("thoi kinh doa", None, synonyms).words == ["cham", "dut", "kinh", "doanh"]
    assert QueryPlan("thoi kinh do", None, synonyms).words == ["thoi", "kinh", "do"]  # two letters say too little
    assert QueryPlan("so do", None, synonyms).words == ["quyen", "su", "dung", "dat"]
    assert QueryPlan("thoi kinh doa ", None, synonyms).words == ["thoi", "kinh", "doa"]  # finished: as typed


def test_another_agencys_work_is_nothing_here_only_when_the_catalogue_lacks_it(cat, tmp_path):
    assert cat.search("lam ho chieu") == []  # the commune's catalogue: the police issue passports
    items = without_keywords(load_sample_procedures())
    passport = dict(items[0], code="2.001234", name="Cấp hộ chiếu phổ thông ở trong nước", keywords=[])
    wider = Catalogue(open_store(tmp_path / "province.db"))
    wider.sync(Feed(items + [passport]))
    assert [h["code"] for h in wider.search("lam ho chieu")][:1] == ["2.001234"]  # it was answered "nothing fits"


def test_words_run_together_split_where_the_catalogue_has_the_pair():
    # "ke" (thừa kế) + "thon" (thôn) are words too; the catalogue's pair is "kết hôn"
    vocabulary = Vocabulary({"ke", "thon", "ket", "hon", "dang", "ki"}, {"ke": 5, "thon": 9}, {("ket", "hon")})
    assert vocabulary.split("kethon") == ["ket", "hon"]
    assert Vocabulary({"ke", "thon"}, {}, set()).split("kethon") == ["ke", "thon"]


def test_a_stop_word_typed_without_marks_helps_only_where_the_catalogue_writes_it_otherwise(tmp_path):
    """ "ve" is "về" (about, back home) where the catalogue writes it only so: it must not pull a name that has
    "về" ahead of the plain procedure; "can" stays a maybe, the catalogue's "căn" (cước)."""
    items = without_keywords(load_sample_procedures())
    back = dict(items[0], code="9.000001", name="Đăng ký thường trú về nơi ở mới", keywords=[])
    catalogue = Catalogue(open_store(tmp_path / "kiosk.db"))
    catalogue.sync(Feed(items + [back]))
    assert [h["code"] for h in catalogue.search("dang ky thuong tru ve nha chong ")][:1] == ["1.004222"]
    plan = catalogue.search_index().plan("can khai sinh ")
    assert plan.words == ["khai", "sinh"] and plan.optional == ["can"]
