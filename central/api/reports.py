"""Report data as JSON under /api/v1/reports (admins: a token or a dashboard session): the same
functions, hence the same numbers, as the dashboard's pages. A bad parameter is a BadPeriod or
CallbackProblem (central.errors), answered 4xx by the app's one handler."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request

from central import callbacks, missed, reports, stats
from central.api.auth import Caller, admin_caller, authenticate
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES, ApiError, ErrorEnvelope
from central.errors import NotFound
from central.dashboard.auth import current_session

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=ERROR_RESPONSES)
PERIOD_HELP = "30d | month | quarter | year (ending now); ignored when from and to are given"
_period = reports.parse_period


def report_admin(request: Request):
    """Dependency of /api/v1/reports: an admin bearer token, or a dashboard session; devices get 403."""
    if request.headers.get("authorization"):
        caller = authenticate(request)
        if caller.role != "admin":
            raise ApiError(
                403, "forbidden", "Reports need an admin token or a dashboard session; a device token is not enough."
            )
        return caller
    session = current_session(request)
    if session is None:
        raise ApiError(
            401,
            "unauthorized",
            "Sign in at /admin/login or send 'Authorization: Bearer <admin token>' (motcua-central admin token NAME).",
            {"WWW-Authenticate": "Bearer"},
        )
    return session


Office = Query(None, max_length=64, description="office code; all offices when absent")
PeriodName = Query(None, max_length=16, description=PERIOD_HELP)
From = Query(None, alias="from", max_length=10, description="first day YYYY-MM-DD, office time")
To = Query(None, max_length=10, description="last day YYYY-MM-DD (included), office time")
Granularity = Query(None, max_length=8, description="day | week | month (trend buckets)")


@dataclass
class Asked:
    """What a report request asks for: the office (None: all) and the period."""

    office: str | None
    period: reports.Period


def asked_with_trend(
    office: str | None = Office,
    period: str | None = PeriodName,
    day_from: str | None = From,
    to: str | None = To,
    granularity: str | None = Granularity,
) -> Asked:
    """The parameters of a report with a trend (overview, on-time)."""
    return Asked(office, _period(period, day_from, to, granularity))


def asked(
    office: str | None = Office, period: str | None = PeriodName, day_from: str | None = From, to: str | None = To
) -> Asked:
    """The parameters of a report without a trend (satisfaction by dimension, comments)."""
    return Asked(office, _period(period, day_from, to, None))


WithTrend = Annotated[Asked, Depends(asked_with_trend)]
Plain = Annotated[Asked, Depends(asked)]


@router.get(
    "/overview",
    summary="Overview: ratings, satisfaction, distribution, on-time, open late, Decision 766 figure, trend (admin)",
)
def overview(db: Db, q: WithTrend, _admin=Depends(report_admin)):
    with db.read() as conn:
        return reports.overview(conn, q.office, q.period)


@router.get("/on-time", summary="On-time rate of finished dossiers and its trend (admin)")
def on_time(db: Db, q: WithTrend, _admin=Depends(report_admin)):
    with db.read() as conn:
        return reports.on_time(conn, q.office, q.period)


@router.get("/satisfaction/{by}", summary="Satisfaction by officer, counter, field, procedure or day (admin)")
def satisfaction(db: Db, by: str, q: Plain, _admin=Depends(report_admin)):
    if by not in reports.DIMENSIONS:
        raise NotFound("by", f'by: "{by}" is not one of {", ".join(reports.DIMENSIONS)}')
    with db.read() as conn:
        return reports.satisfaction_by(conn, by, q.office, q.period)


@router.get("/comments", summary="Latest comments of the period, phone numbers hidden (admin)")
def comments(db: Db, q: Plain, limit: int = Query(100, ge=1, le=1000), _admin=Depends(report_admin)):
    with db.read() as conn:
        return {"items": reports.comments(conn, q.office, q.period, limit)}


@router.get(
    "/missed-searches",
    summary="What citizens searched for on the kiosks and did not find, most missed first (admin)",
)
def missed_searches(db: Db, q: Plain, _admin=Depends(report_admin)):
    """The dashboard's "Missed searches" table: per folded query (and office, when all offices are
    asked) its total, how many found nothing (`no_match`), on how many days, by how many kiosks, and
    the last day (YYYY-MM-DD); at most 100 rows."""
    with db.read() as conn:
        items = missed.top(conn, q.office, q.period.first_day(), q.period.last_day())
    return {"period": q.period.as_dict(), "office": q.office, "items": items}


@router.get(
    "/callbacks",
    summary="Call-back list: ratings that left a phone number, newest first, with who "
    "called back and when (admin; the only answer with phone numbers)",
)
def callback_list(
    db: Db,
    office: str | None = Office,
    state: str = Query("all", pattern="^(open|done|all)$", description="open: not called back yet | done | all"),
    limit: int = Query(200, ge=1, le=1000),
    _admin=Depends(report_admin),
):
    with db.read() as conn:
        return {"items": callbacks.list_callbacks(conn, office, state, limit)}


@router.post(
    "/callbacks/{rating_id}/done",
    summary="Record that the caller (an admin token) called the citizen back now, with an optional note",
    responses={409: {"model": ErrorEnvelope, "description": "Already called back (one call-back per rating)"}},
)
def callback_done(
    request: Request,
    rating_id: str,
    note: str | None = Body(None, embed=True, max_length=callbacks.NOTE_MAX, description="what was said or agreed"),
):
    caller = authenticate(request)  # a bearer token only: the dashboard has its own form (with CSRF)
    if caller.role != "admin":
        raise ApiError(403, "forbidden", "Recording a call-back needs an admin token.")
    if not callbacks.RATING_ID.fullmatch(rating_id):
        raise callbacks.CallbackProblem("not_found", "no rating with a call-back number has this id")
    return callbacks.mark_done(request.app.state.engine, rating_id, caller.id, note)


@router.get(
    "/summary", summary="The kiosk statistics screen's figures (GET /api/v1/stats), for one office or all (admin token)"
)
def summary(
    db: Db,
    office: str | None = Query(None, max_length=64),
    period: str = Query("month", pattern="^(30d|month|quarter|year)$"),
    _admin: Caller = Depends(admin_caller),
):
    with db.read() as conn:
        return stats.office_stats(conn, office, period)
