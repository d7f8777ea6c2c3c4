"""Page rendering for the dashboard: templates, the Vietnamese/English switch, number formats."""
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from central.dashboard.auth import take_flash
from central.storage.schema import offices
from central.timeutil import from_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
LANG_COOKIE = "motcua_lang"
SCORE_NAMES = {3: {3: ("Rất hài lòng", "Very satisfied"), 2: ("Hài lòng", "Satisfied"),
                   1: ("Không hài lòng", "Not satisfied")}}
DIMENSION_NAMES = {"officer": ("Theo cán bộ", "By officer"), "counter": ("Theo quầy", "By counter"),
                   "field": ("Theo lĩnh vực", "By field"), "procedure": ("Theo thủ tục", "By procedure"),
                   "day": ("Theo ngày", "By day")}
PERIOD_NAMES = {"30d": ("30 ngày qua", "Last 30 days"), "month": ("Tháng này", "This month"),
                "quarter": ("Quý này", "This quarter"), "year": ("Năm nay", "This year"),
                "custom": ("Tùy chọn", "Custom")}
GRANULARITY_NAMES = {"day": ("Theo ngày", "Daily"), "week": ("Theo tuần", "Weekly"),
                     "month": ("Theo tháng", "Monthly")}

env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def lang_of(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if chosen == "en" else "vi"


def fmt_int(value, lang: str = "vi") -> str:
    if value is None:
        return "—"
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def fmt_pct(rate, lang: str = "vi") -> str:
    """0.9745 → '97,5%' (vi) / '97.5%' (en); None (nothing to divide) → '—'."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


def fmt_time(stored, lang: str = "vi") -> str:
    """Naive-UTC datetime or ISO text → office time, day first."""
    if stored is None or stored == "":
        return "—"
    if isinstance(stored, str):
        from datetime import datetime
        moment = datetime.fromisoformat(stored)
    else:
        moment = from_db(stored)
    return moment.strftime("%d/%m/%Y %H:%M")


def score_name(score: int, scale: int, lang: str = "vi") -> str:
    names = SCORE_NAMES.get(scale)
    if names and score in names:
        return names[score][0 if lang == "vi" else 1]
    return f"Mức {score}/{scale}" if lang == "vi" else f"Level {score}/{scale}"


def office_list(conn) -> list:
    return conn.execute(select(offices.c.code, offices.c.name).order_by(offices.c.code)).all()


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    lang = lang_of(request)

    def t(vi: str, en: str) -> str:
        return vi if lang == "vi" else en

    def link(path: str, **params) -> str:
        """`path` with the current query, `params` replacing (None removes)."""
        query = dict(request.query_params)
        query.pop("lang", None)
        query.pop("format", None)
        for key, value in params.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return path + ("?" + urlencode(query) if query else "")

    session = getattr(request.state, "session", None)
    flash = take_flash(request.app.state.engine, session) if session else None
    html = env.get_template(template).render(
        request=request, lang=lang, t=t, link=link, session=session, flash=flash,
        csrf=session.csrf if session else "", pct=lambda r: fmt_pct(r, lang),
        num=lambda n: fmt_int(n, lang), when=lambda d: fmt_time(d, lang),
        score_name=lambda s, sc: score_name(s, sc, lang), path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store", "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                   "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        "Referrer-Policy": "same-origin"})
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
