"""The dashboard's page of satisfaction in the legal frame (REPORTING.md): the "Bảng đánh giá"
section II percentages per month of the chosen period, the reasons by criterion of Điều 33 NĐ
61/2018, and the state of the push upward (central.upward). Figures come from central.legal."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from central import legal, upward
from central.api.deps import database
from central.dashboard.auth import Session, page_admin
from central.dashboard.official import KIND_NAMES, _period
from central.dashboard.web import lang_of, office_list, render
from central.timeutil import utcnow
from motcua import scale

router = APIRouter(prefix="/admin", include_in_schema=False)


def custom_reason_labels(request: Request) -> dict:
    """{code: (label, label)} of [upward] custom_reason_labels, when the server was given it."""
    section = getattr(request.app.state, "upward_section", None)
    return legal.custom_labels(section.custom_reason_labels if section is not None else "")


@router.get("/satisfaction")
def satisfaction_page(request: Request, _s: Session = Depends(page_admin)):
    period, chosen = _period(request)
    office = chosen["office"] or None
    lang = lang_of(request)
    with database(request).read() as conn:
        data = legal.section_ii(conn, office, period.first, period.last, custom_reason_labels(request), lang)
        offices = office_list(conn)
        pushes = upward.state(conn)
    if request.query_params.get("format") == "json":
        return JSONResponse(data)
    month = f"{period.first.year:04d}-{period.first.month:02d}"
    up = getattr(request.app.state, "upward", None)
    return render(
        request,
        "satisfaction.html",
        data=data,
        levels=scale.LEGAL_LEVELS,
        levels_of={sc: {s: scale.legal_level(s, sc) for s in range(1, sc + 1)} for sc in data["scales"]},
        chosen=chosen,
        kind_names=KIND_NAMES,
        offices=offices,
        office=chosen["office"],
        period_label=period.label(lang),
        years=list(range(utcnow().year, utcnow().year - 6, -1)),
        pushes=pushes,
        upward_url=up.url if up else None,
        month=month,
    )
