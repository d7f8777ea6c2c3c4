"""Kiosk search quality on a realistic catalogue: the sample commune procedures among generated ones, 5,000 in all.

The catalogue is stored in a real SQLite file through `Catalogue.sync` fed in-process (the transport is
tested in test_catalogue.py; importing 5,000 procedures through the server would only make this slower).
"""

import time

import pytest

from central.portal import from_portal
from central.demo.sample import generate_procedures, load_sample_procedures
from motcua.catalogue import Catalogue
from motcua.search import QueryPlan, Synonyms
from motcua.store import open_store


class Feed:
    """A full catalogue answer, as the server's /procedures would give it."""

    def __init__(self, items, cursor="1"):
        self.items, self.cursor = items, cursor

    def procedures(self, since=None, etag=None):
        return {"items": self.items, "deleted": [], "cursor": self.cursor, "complete": True, "etag": None}


def realistic_items() -> list[dict]:
    real = load_sample_procedures()
    return [from_portal(r) for r in real + generate_procedures(5000 - len(real), seed=1)]


@pytest.fixture(scope="module")
def catalogue_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("kiosk") / "kiosk.db"
    Catalogue(open_store(path)).sync(Feed(realistic_items()))
    return path


@pytest.fixture(scope="module")
def cat(catalogue_file):
    return Catalogue(open_store(catalogue_file))


def codes(hits, n=3):
    return [h["code"] for h in hits[:n]]


def shown(hits):
    return [(h["code"], h["name"][:50], h["score"]) for h in hits[:5]]


# (what a citizen types, the real procedure it means): that procedure must come first
FIRST = [
    ("lam giay khai sinh", "1.001193"),
    ("dang ki ket hon", "1.000894"),
    ("Đăng ký kết hôn", "1.000894"),
    ("cong chung ban sao", "2.000815"),
    ("chung thuc chu ky", "2.000884"),
    ("chứng thực chữ ký", "2.000884"),
    ("nhap ho khau", "1.004222"),
    ("ho khau", "1.004222"),
    ("cat ho khau", "1.003197"),
    ("gia han tam tru", "1.002755"),
    ("đăng ký tạm trú", "1.004194"),
    ("xac nhan doc than", "1.004873"),
    ("giay chung nhan khuyet tat", "1.001699"),
    ("mo quan an", "1.001612"),
    ("khai tu", "1.000656"),
    ("ban sao giay khai sinh", "2.000635"),
    ("trich luc ho tich", "2.000635"),
    ("giam ho", "1.004837"),
    ("cham dut giam ho", "1.004845"),
    ("dang ky lai khai sinh", "1.004884"),
    ("ket hon luu dong", "1.000593"),
    ("nhan cha me con", "1.001022"),
    ("dang ky kahi sinh", "1.001193"),  # swapped letters
    ("ket hno", "1.000894"),  # swapped letters in the word being typed
    ("dang ky khai sihn", "1.001193"),
    ("ho kahu", "1.004222"),  # a typo inside a synonym phrase: fixed first, then rewritten
    ("dang ky thuong tr", "1.004222"),  # still typing
    ("1.001193", "1.001193"),  # a procedure code read off a leaflet
]

# (query, real procedure that must be among the first three)
TOP3 = [
    ("tam tru", "1.004194"),
    ("tam tru", "1.002755"),
    ("kinh doanh", "1.001612"),
    ("khai sinh cho con", "1.001193"),
    ("khai s", "1.001193"),
    ("2.00088", "2.000884"),  # the beginning of a code
]


@pytest.mark.parametrize("query, code", FIRST)
def test_the_meant_procedure_comes_first(cat, query, code):
    hits = cat.search(query)
    assert codes(hits, 1) == [code], shown(hits)


@pytest.mark.parametrize("query, code", TOP3)
def test_the_meant_procedure_is_in_the_first_three(cat, query, code):
    hits = cat.search(query)
    assert code in codes(hits), shown(hits)


@pytest.mark.parametrize("query", ["cong chung", "cong chng", "công chứng"])
def test_cong_chung_finds_chung_thuc_not_chung_nhan(cat, query):
    hits = cat.search(query)
    assert {h["field"] for h in hits[:3]} == {"Chứng thực"}, shown(hits)


def test_a_word_from_the_synonym_list_is_not_corrected_into_another_word(cat):
    vocabulary = cat.vocabulary()
    assert QueryPlan("kt3", vocabulary).words == ["tam", "tru"]
    assert QueryPlan("dam cuoi", vocabulary).corrected == {}
    plan = QueryPlan("cong chng", vocabulary)
    # "công chứng" is what citizens call a certified copy: the lexicon sends it to chứng thực bản sao
    assert plan.corrected == {"chng": "chung"} and plan.words == ["chung", "thuc", "ban", "sao"]


def test_only_the_word_being_typed_is_a_prefix(cat):
    vocabulary = cat.vocabulary()
    plan = QueryPlan("ho kh", vocabulary)
    assert [plan.is_prefix(n) for n in range(len(plan.words))] == [False, True]
    assert not QueryPlan("ket hon ", vocabulary).prefix_last  # a space after it: finished
    assert not QueryPlan("cong chung", vocabulary).prefix_last  # rewritten by a rule: whole words
    assert all(
        " chung thuc" not in f" {h['name'].lower()}" or h["field"] == "Chứng thực" for h in cat.search("cong chung", 10)
    )


def test_a_phrase_does_not_run_across_brackets(cat):
    hits = cat.search("chung thuc", 20)
    assert hits[:3] and all(h["field"] == "Chứng thực" for h in hits[:3]), shown(hits)
    assert not any("quần chúng (thực" in h["name"] for h in hits[:3])


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND",
        "(",
        'khai sinh" OR *',
        "NEAR(khai sinh)",
        "ket-hon",
        "'; DROP TABLE procedures; --",
        "",
        "   ",
        "a" * 200,
        "khai sinh " * 40,
        "000.00.31.H29-251120-0001",
        "\x00",
        "🙂",
        "dang ky kết hôn?!",
        "1.",
        "9.999999",
    ],
)
def test_any_input_gives_a_list_and_loses_nothing(cat, query):
    hits = cat.search(query)
    assert isinstance(hits, list) and all({"code", "name", "field", "time", "fee", "score"} <= set(h) for h in hits)
    assert cat.count() == 5000


def test_scores_never_rise_down_the_list(cat):
    for query in ("khai sinh", "dang ky", "ho", "giay phep", "chung nhan an toan thuc pham"):
        scores = [h["score"] for h in cat.search(query, 50)]
        assert scores and scores == sorted(scores, reverse=True), query


def test_limit_is_respected_and_common_words_still_answer(cat):
    assert len(cat.search("dang ky", 7)) == 7
    assert len(cat.search("ho", 200)) == 200


def test_a_sync_through_another_connection_reaches_the_search(catalogue_file, tmp_path):
    reader = Catalogue(open_store(catalogue_file))
    assert codes(reader.search("khai sinh"), 1) == ["1.001193"]
    added = dict(reader.get("1.001193"), code="9.000001", name="Đăng ký khai sinh cho trẻ bị bỏ rơi")
    writer = Catalogue(open_store(catalogue_file))
    try:
        writer.sync(Feed(realistic_items() + [added], cursor="2"))
        assert "9.000001" in codes(reader.search("tre bi bo roi"), 1)
    finally:
        writer.sync(Feed(realistic_items(), cursor="3"))
    assert reader.get("9.000001") is None and "9.000001" not in codes(reader.search("tre bi bo roi"), 20)


def test_synonym_file_rejects_a_line_it_cannot_read():
    with pytest.raises(ValueError, match="line 2"):
        Synonyms("# ok\nhộ khẩu thường trú\n")
    assert Synonyms.default().rules[("nhap", "ho", "khau")] == ["dang", "ki", "thuong", "tru"]


def test_a_query_of_each_kind_answers_quickly(cat):
    """A loose guard against a return of the slow paths (the figures belong to bench/bench_search.py)."""
    queries = [q for q, _ in FIRST + TOP3] * 3
    took = []
    for q in queries:
        start = time.perf_counter()
        cat.search(q)
        took.append(time.perf_counter() - start)
    took.sort()
    assert took[len(took) // 2] < 0.01, took[len(took) // 2]
