"""Page rendering for the dashboard: templates, the Vietnamese/English switch, number formats."""

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from motcua import translations

from central.dashboard.auth import take_flash
from central.storage.schema import offices
from central.timeutil import from_db
from motcua.scale import score_name
from motcua.text import sort_key

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
LANG_COOKIE = "motcua_lang"
log = logging.getLogger(__name__)
# The dashboard's texts: central/locale/{vi,en}/LC_MESSAGES/dashboard.po (keys as msgids, see
# motcua.translations); templates call t("key", name=value), Python code translator(lang) or texts(key).
LOCALE = TEMPLATES.parent / "locale"
CATALOGS = translations.load(LOCALE, "dashboard")
DIMENSION_NAMES = {d: f"dimension.{d}" for d in ("officer", "counter", "field", "procedure", "day")}
PERIOD_NAMES = {p: f"period.{p}" for p in ("30d", "month", "quarter", "year", "custom")}
GRANULARITY_NAMES = {g: f"granularity.{g}" for g in ("day", "week", "month")}

env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def text(key: str, lang: str = "vi", **values) -> str:
    """The dashboard text `key` in `lang` (Vietnamese when it has none), formatted with `values`."""
    found = CATALOGS.get(lang, {}).get(key) or CATALOGS["vi"].get(key)
    if found is None:  # tests/test_translations.py keeps this from happening; a page still shows
        log.warning("no dashboard text named %r", key)
        return key
    return found.format(**values) if values else found


def translator(lang: str):
    """t(key, **values) in one language: what pages and forms call."""
    return lambda key, **values: text(key, lang, **values)


def texts(key: str, **values) -> tuple[str, str]:
    """(Vietnamese, English) of one text: a flash message keeps both (auth.set_flash)."""
    return text(key, "vi", **values), text(key, "en", **values)


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


def office_list(conn) -> list:
    """The offices for the pages' selectors, by name in Vietnamese alphabetical order."""
    rows = conn.execute(select(offices.c.code, offices.c.name)).all()
    return sorted(rows, key=lambda r: (sort_key(r.name or r.code), r.code))


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    lang = lang_of(request)

    t = translator(lang)

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
        request=request,
        lang=lang,
        t=t,
        link=link,
        session=session,
        flash=flash,
        csrf=session.csrf if session else "",
        pct=lambda r: fmt_pct(r, lang),
        num=lambda n: fmt_int(n, lang),
        when=lambda d: fmt_time(d, lang),
        score_name=lambda s, sc: score_name(s, sc, lang),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
            "Referrer-Policy": "same-origin",
        },
    )
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
