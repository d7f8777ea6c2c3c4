"""Dashboard page "Tìm không thấy" / "Missed searches": what citizens searched for on the kiosks and did
not find, the most missed first, per office and period (central.missed), so an admin can add their
words to the search lexicon."""

from fastapi import APIRouter, Depends, Request

from central import missed
from central.api.deps import database
from central.dashboard.auth import Session, page_admin
from central.dashboard.pages import _selector_context, read_period
from central.dashboard.web import render

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/searches")
def missed_searches_page(request: Request, _s: Session = Depends(page_admin)):
    period = read_period(request)
    office = request.query_params.get("office") or None
    with database(request).read() as conn:
        context = _selector_context(conn, request, period)
        if office is not None and office not in {o.code for o in context["offices"]}:
            office = context["office"] = None  # an office that is gone: every office, as the selector shows
        rows = missed.top(conn, office, period.first_day(), period.last_day())
    return render(request, "missed.html", rows=rows, limit=missed.TOP_SHOWN, by_office=office is None, **context)
