"""Dashboard page "Gọi lại" / "Call-backs": citizens who left a phone number on the tablet, and who
called them back (central.callbacks). The only page that shows phone numbers."""

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from central import callbacks
from central.api.deps import database
from central.dashboard.auth import Session, check_csrf, page_admin, set_flash
from central.dashboard.web import lang_of, office_list, render, texts, translator

router = APIRouter(prefix="/admin", include_in_schema=False)
LIMIT = 500
STATE_NAMES = {"open": "callbacks.state_open", "done": "callbacks.state_done", "all": "callbacks.state_all"}


def _t(request: Request):
    lang = lang_of(request)
    return translator(lang)


def _problem_text(request: Request, problem: callbacks.CallbackProblem) -> str:
    t = _t(request)
    if problem.problem == "bad_note":
        return t("callbacks.bad_note", n=callbacks.NOTE_MAX)
    if problem.problem == "already_done":
        return t("callbacks.already_recorded")
    return t("callbacks.no_such_rating")


@router.get("/callbacks")
def callbacks_page(request: Request, _s: Session = Depends(page_admin)):
    return _callbacks_view(request)


def _callbacks_view(request: Request, notice: str | None = None, status: int = 200):
    """The list; a problem only from this request's own form, never the address."""
    q = request.query_params
    state = q.get("state") if q.get("state") in callbacks.STATES else "all"
    office = q.get("office") or None
    with database(request).read() as conn:
        items = callbacks.list_callbacks(conn, office, state, LIMIT)
        office_rows = office_list(conn)
    return render(
        request,
        "callbacks.html",
        calls=items,
        state=state,
        state_names=STATE_NAMES,
        offices=office_rows,
        office=office or "",
        limit=LIMIT,
        notice=notice,
        note_max=callbacks.NOTE_MAX,
        status=status,
    )


@router.post("/callbacks/{rating_id}/done")
def callback_done(
    request: Request,
    rating_id: str,
    csrf: str = Form(""),
    note: str = Form("", max_length=2000),
    state: str = Form("all", max_length=8),
    office: str = Form("", max_length=64),
    session: Session = Depends(page_admin),
):
    check_csrf(session, csrf)
    try:
        if not callbacks.RATING_ID.fullmatch(rating_id):
            raise callbacks.CallbackProblem("not_found", "no such id")
        callbacks.mark_done(request.app.state.engine, rating_id, session.admin_id, note)
    except callbacks.CallbackProblem as problem:
        return _callbacks_view(request, notice=_problem_text(request, problem), status=problem.status)
    set_flash(request.app.state.engine, session, *texts("callbacks.recorded"))
    back = {"state": state if state in callbacks.STATES else "all", "office": office}
    return RedirectResponse(f"/admin/callbacks?{urlencode({k: v for k, v in back.items() if v})}#cb-{rating_id}", 303)
