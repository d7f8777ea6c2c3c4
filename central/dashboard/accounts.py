"""Dashboard admin accounts (/admin/admins): API tokens with their ids (issue, revoke), disabling
and enabling other admins, changing one's own password. The CLI's `admin ...` commands do the same."""

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import insert, select, update

from central import security
from central.api.deps import database
from central.dashboard.auth import Session, check_csrf, end_sessions, page_admin, set_flash
from central.errors import number_field
from central.dashboard.web import lang_of, render, texts, translator
from central.storage.schema import admin_tokens, admins
from central.timeutil import utcnow

router = APIRouter(prefix="/admin", include_in_schema=False)


def _view(
    request: Request,
    session: Session,
    notice: str | None = None,
    new_token: str | None = None,
    status: int | None = None,
):
    """The page; a problem or a new token only from this request's own form, never the address."""
    days = request.app.state.settings.admin_token_days
    now = utcnow()
    with database(request).read() as conn:
        accounts = conn.execute(
            select(admins.c.id, admins.c.name, admins.c.created_at, admins.c.disabled_at).order_by(admins.c.name)
        ).all()
        rows = conn.execute(
            select(
                admin_tokens.c.id,
                admin_tokens.c.admin_id,
                admin_tokens.c.created_at,
                admin_tokens.c.revoked_at,
                admins.c.name,
                admins.c.disabled_at,
            )
            .join(admins, admins.c.id == admin_tokens.c.admin_id)
            .order_by(admin_tokens.c.admin_id != session.admin_id, admins.c.name, admin_tokens.c.id.desc())
        ).all()
    tokens = []
    for r in rows:
        expires = r.created_at + timedelta(days=days) if days > 0 else None
        state = (
            "revoked"
            if r.revoked_at
            else "expired"
            if expires and expires <= now
            else "disabled"
            if r.disabled_at
            else "active"
        )
        tokens.append({"row": r, "expires": expires, "state": state, "own": r.admin_id == session.admin_id})
    return render(
        request,
        "admins.html",
        status=status or (422 if notice else 200),
        accounts=accounts,
        tokens=tokens,
        token_days=days,
        notice=notice,
        new_token=new_token,
        min_length=security.PASSWORD_MIN_LENGTH,
    )


@router.get("/admins")
def admins_page(request: Request, session: Session = Depends(page_admin)):
    return _view(request, session)


@router.post("/admins/tokens/new")
def token_new(request: Request, csrf: str = Form(""), session: Session = Depends(page_admin)):
    """A token for the signed-in admin, shown once in this answer (never stored, never in an address)."""
    check_csrf(session, csrf)
    token = security.new_token()
    with database(request).write() as conn:
        conn.execute(
            insert(admin_tokens).values(
                admin_id=session.admin_id, token_hash=security.token_hash(token), created_at=utcnow()
            )
        )
    return _view(request, session, new_token=token)


@router.post("/admins/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: str, csrf: str = Form(""), session: Session = Depends(page_admin)):
    check_csrf(session, csrf)
    token_id = number_field(token_id, "token_id")
    with database(request).write() as conn:
        done = conn.execute(
            update(admin_tokens)
            .where(admin_tokens.c.id == token_id, admin_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        ).rowcount
    if not done:
        t = translator(lang_of(request))
        return _view(request, session, notice=t("admins.no_active_token", id=token_id))
    set_flash(request.app.state.engine, session, *texts("admins.token_revoked", id=token_id))
    return RedirectResponse("/admin/admins", 303)


def _set_disabled(request: Request, admin_id: str, csrf: str, session: Session, disabled: bool):
    check_csrf(session, csrf)
    admin_id = number_field(admin_id, "admin_id")
    t = translator(lang_of(request))
    if disabled and admin_id == session.admin_id:
        return _view(request, session, notice=t("admins.cannot_disable_yourself"))
    with database(request).write() as conn:
        name = conn.execute(select(admins.c.name).where(admins.c.id == admin_id)).scalar()
        if name is not None:
            conn.execute(
                update(admins).where(admins.c.id == admin_id).values(disabled_at=utcnow() if disabled else None)
            )
            if disabled:
                end_sessions(conn, admin_id)  # signed out everywhere at once
    if name is None:
        return _view(request, session, notice=t("admins.no_such_admin", id=admin_id))
    if disabled:
        set_flash(request.app.state.engine, session, *texts("admins.account_disabled_now", name=name))
    else:
        set_flash(request.app.state.engine, session, *texts("admins.account_enabled", name=name))
    return RedirectResponse("/admin/admins", 303)


@router.post("/admins/{admin_id}/disable")
def admin_disable(request: Request, admin_id: str, csrf: str = Form(""), session: Session = Depends(page_admin)):
    return _set_disabled(request, admin_id, csrf, session, True)


@router.post("/admins/{admin_id}/enable")
def admin_enable(request: Request, admin_id: str, csrf: str = Form(""), session: Session = Depends(page_admin)):
    return _set_disabled(request, admin_id, csrf, session, False)


@router.post("/admins/password")
def change_password(
    request: Request,
    csrf: str = Form(""),
    current: str = Form("", max_length=256),
    new: str = Form("", max_length=256),
    repeat: str = Form("", max_length=256),
    session: Session = Depends(page_admin),
):
    """The signed-in admin's own password; every other session of the account ends."""
    check_csrf(session, csrf)
    t = translator(lang_of(request))
    engine = request.app.state.engine
    with engine.connect() as conn:
        stored = conn.execute(select(admins.c.password_hash).where(admins.c.id == session.admin_id)).scalar()
    problem = security.password_problem(new)
    if not security.check_password(current, stored):
        notice = t("admins.wrong_current_password")
    elif problem:
        notice = problem.text(t)
    elif new != repeat:
        notice = t("admins.new_passwords_differ")
    else:
        with engine.begin() as conn:
            conn.execute(
                update(admins).where(admins.c.id == session.admin_id).values(password_hash=security.hash_password(new))
            )
            end_sessions(conn, session.admin_id, keep=session.id)
        set_flash(engine, session, *texts("admins.password_changed"))
        return RedirectResponse("/admin/admins", 303)
    return _view(request, session, notice=notice)
