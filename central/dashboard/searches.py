"""Dashboard page "Tìm không thấy" / "Missed searches": what citizens searched for on the kiosks and did
not find, the most missed first, per office and period (central.missed), so an admin can add their
words to the search lexicon; the table downloads as CSV or XLSX like the report pages."""

from fastapi import APIRouter, Depends, Request

from central import missed
from central.api.deps import database
from central.dashboard.auth import Session, page_admin
from central.dashboard.pages import _selector_context, export, read_period
from central.dashboard.web import lang_of, render, translator

router = APIRouter(prefix="/admin", include_in_schema=False)


def columns(by_office: bool, lang: str) -> list[tuple[str, str, str]]:
    t = translator(lang)
    shown = [
        ("query", t("missed.query"), "text"),
        ("total", t("missed.times"), "int"),
        ("no_match", t("missed.no_match"), "int"),
        ("untapped", t("missed.untapped"), "int"),
        ("days", t("missed.days"), "int"),
        ("kiosks", t("missed.kiosks"), "int"),
        ("last_day", t("missed.last_day"), "text"),
    ]
    return ([("office_name", t("common.office"), "text")] if by_office else []) + shown


@router.get("/searches")
def missed_searches_page(request: Request, _s: Session = Depends(page_admin)):
    period = read_period(request)
    lang = lang_of(request)
    office = request.query_params.get("office") or None
    with database(request).read() as conn:
        context = _selector_context(conn, request, period)
        if office is not None and office not in {o.code for o in context["offices"]}:
            office = context["office"] = None  # an office that is gone: every office, as the selector shows
        rows = missed.top(conn, office, period.first_day(), period.last_day())
    for r in rows:
        r["untapped"] = r["total"] - r["no_match"]
        r["last_day"] = "/".join(reversed(r["last_day"].split("-")))  # 2026-12-04 -> 04/12/2026
    shown = columns(office is None, lang)
    fmt = request.query_params.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"tim-khong-thay-{office or 'tat-ca'}-{period.first_day()}-{period.last_day()}"
        return export(rows, shown, lang, fmt, name)
    return render(request, "missed.html", rows=rows, columns=shown, limit=missed.TOP_SHOWN, **context)
