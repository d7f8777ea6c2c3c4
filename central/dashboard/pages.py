"""Dashboard report pages: login, overview with charts, breakdowns by officer/counter/field/procedure, exports."""

import io
import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from central import exports, reports, rules
from central.dashboard import charts
from central.api.deps import database
from central.dashboard.auth import (
    DISABLED,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Session,
    check_csrf,
    current_session,
    page_admin,
    sign_in,
    sign_out,
)
from central.dashboard.legal_pages import custom_reason_labels
from central.dashboard.web import (
    DIMENSION_NAMES,
    GRANULARITY_NAMES,
    PERIOD_NAMES,
    fmt_int,
    fmt_pct,
    fmt_time,
    lang_of,
    office_list,
    render,
    score_name,
    text,
    translator,
)
from motcua.scale import reason_name

router = APIRouter(prefix="/admin", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path of this dashboard: never an outside address."""
    if not target:
        return "/admin/overview"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not parsed.path.startswith("/admin/") or target.startswith("//"):
        return "/admin/overview"
    return target


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/")
def home():
    return RedirectResponse("/admin/overview", 303)


@router.get("/login")
def login_page(request: Request, next: str | None = None):
    if current_session(request):
        return RedirectResponse(_safe_next(next), 303)
    return _login_form(request, next)


def _login_form(
    request: Request, next_path: str | None, error: str | None = None, status: int = 200, headers: dict | None = None
):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status=status, login_csrf=token, next=_safe_next(next_path), error=error)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/admin")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@router.post("/login")
def login(
    request: Request,
    name: str = Form("", max_length=128),
    password: str = Form("", max_length=256),
    csrf: str = Form("", max_length=128),
    next: str = Form("", max_length=500),
):
    lang = lang_of(request)
    t = translator(lang)
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, csrf):
        return _login_form(request, next, t("login.form_expired"), 403)
    brake, address = request.app.state.login_brake, _client(request)
    wait = brake.wait_s(address, name)
    if wait:
        minutes = max(1, -(-wait // 60))
        return _login_form(
            request, next, t("login.too_many_failures", minutes=minutes), 429, {"Retry-After": str(wait)}
        )
    signed = sign_in(request.app.state.engine, name, password)
    if signed is None:
        brake.failed(address, name)
        return _login_form(request, next, t("login.wrong_name_or_password"), 401)
    if signed == DISABLED:
        return _login_form(request, next, t("login.account_disabled"), 403)
    brake.succeeded(address, name)
    token, _session = signed
    response = RedirectResponse(_safe_next(next), 303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", path="/", secure=request.url.scheme == "https"
    )
    response.delete_cookie(LOGIN_COOKIE, path="/admin")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form(""), session: Session = Depends(page_admin)):
    check_csrf(session, csrf)
    sign_out(request.app.state.engine, request)
    response = RedirectResponse("/admin/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def read_period(request: Request) -> reports.Period:
    q = request.query_params
    return reports.parse_period(
        q.get("period") or None, q.get("from") or None, q.get("to") or None, q.get("granularity") or None
    )


def _conn(request: Request):
    return database(request).read()


def _selector_context(conn, request: Request, period: reports.Period) -> dict:
    return {
        "offices": office_list(conn),
        "office": request.query_params.get("office") or "",
        "period": period,
        "period_names": PERIOD_NAMES,
        "granularity_names": GRANULARITY_NAMES,
        "dimension_names": DIMENSION_NAMES,
    }


@router.get("/overview")
def overview_page(request: Request, _s: Session = Depends(page_admin)):
    period = read_period(request)
    lang = lang_of(request)
    office = request.query_params.get("office") or None
    with _conn(request) as conn:
        data = reports.overview(conn, office, period)
        context = _selector_context(conn, request, period)
    judged_at = fmt_time(period.end, lang)
    if judged_at.endswith(" 00:00"):  # a whole last day: 'end of 31/10/2025', not '01/11/2025 00:00'
        judged_at = text("overview.end_of_the_day", lang, day=period.last_day().strftime("%d/%m/%Y"))
    return render(
        request,
        "overview.html",
        data=data,
        charts=_overview_charts(data, period, lang),
        judged_at=judged_at,
        quick_seconds=rules.QUICK_SECONDS,
        **context,
    )


def _overview_charts(data: dict, period: reports.Period, lang: str) -> dict:
    t = translator(lang)
    series = data["series"]
    labels = [reports.bucket_label(reports.buckets(period)[i][2], period.granularity, lang) for i in range(len(series))]
    scale = data["ratings"]["scale"]
    dist = data["ratings"]["distribution"]
    order = sorted(dist, key=int, reverse=True)
    return {
        "ratings": charts.bar_chart(t("reports.ratings"), labels, [p["ratings"] for p in series]),
        "satisfaction": charts.line_chart(
            t("overview.satisfaction_rate"),
            labels,
            [(t("overview.satisfaction_rate"), [p["satisfaction_rate"] for p in series])],
        ),
        "distribution": charts.bar_chart(
            t("overview.ratings_by_level"),
            [score_name(int(k), scale, lang) for k in order],
            [dist[k] for k in order],
            colour=charts.COLOURS[2],
        ),
        "on_time": charts.line_chart(
            t("reports.on_time_rate"), labels, [(t("reports.on_time_rate"), [p["on_time_rate"] for p in series])]
        ),
        "late": charts.bar_chart(
            t("reports.dossiers_finished_late"), labels, [p["late"] for p in series], colour=charts.COLOURS[1]
        ),
        "d766": charts.line_chart(
            t("reports.decision_766_satisfaction"),
            labels,
            [(t("reports.decision_766_figure"), data["decision_766"]["series"])],
        ),
    }


def breakdown_columns(dimension: str, scale: int, lang: str) -> list[tuple[str, str, str]]:
    """(key, heading, kind) of each column the breakdown table shows, in order; kind: text|int|pct."""
    t = translator(lang)
    first = {
        "officer": t("common.officer"),
        "counter": t("common.counter"),
        "field": t("reports.field"),
        "procedure": t("reports.procedure"),
        "day": t("reports.day"),
    }[dimension]
    cols = [
        ("label", first, "text"),
        ("count", t("overview.ratings"), "int"),
        ("satisfied", t("reports.satisfied"), "int"),
        ("satisfaction_rate", t("overview.satisfaction_rate"), "pct"),
    ]
    cols += [(f"d{i}", score_name(i, scale, lang), "int") for i in range(scale, 0, -1)]
    cols += [
        ("reasons_text", t("reports.usual_reasons_when_not_satisfied"), "text"),
        ("comments", t("reports.comments"), "int"),
        ("quick", t("reports.quick"), "int"),
    ]  # explained under the table
    if dimension in ("field", "procedure"):
        cols += [
            ("finished", t("reports.dossiers_finished"), "int"),
            ("late", t("overview.late"), "int"),
            ("on_time_rate", t("reports.on_time_rate"), "pct"),
        ]
    return cols


def breakdown_rows(data: dict, lang: str, sort: str, descending: bool, custom: dict | None = None) -> list[dict]:
    """`custom`: {code: (label, label)} of the office's own reasons ([upward] custom_reason_labels)."""
    t = translator(lang)
    rows = []
    for item in data["items"]:
        row = dict(item)
        if item.get("label_key"):  # a row without a name of its own: "(rating not linked to a dossier)", "Counter 2"
            row["label"] = t(f"breakdown.row.{item['label_key']}", counter=item["key"])
        for k, v in item["distribution"].items():
            row[f"d{k}"] = v
        row["reasons_text"] = (
            "; ".join(f"{reason_name(r['code'], lang, custom)} ({r['count']})" for r in item["top_reasons"]) or None
        )
        rows.append(row)
    return reports.sort_items(rows, sort, descending) if sort else rows


def _cell(value, kind: str, lang: str) -> str:
    if kind == "pct":
        return fmt_pct(value, lang)
    if kind == "int":
        return fmt_int(value, lang)
    return "" if value is None else str(value)


@router.get("/by/{dimension}")
def breakdown_page(request: Request, dimension: str, _s: Session = Depends(page_admin)):
    if dimension not in reports.DIMENSIONS:
        raise reports.BadPeriod(f'by: "{dimension}" is not one of {", ".join(reports.DIMENSIONS)}')
    period = read_period(request)
    lang = lang_of(request)
    office = request.query_params.get("office") or None
    q = request.query_params
    with _conn(request) as conn:
        data = reports.satisfaction_by(conn, dimension, office, period)
        columns = breakdown_columns(dimension, data["scale"], lang)
        sort = q.get("sort") if q.get("sort") in {c[0] for c in columns} else ""
        descending = q.get("order") == "desc"
        rows = breakdown_rows(data, lang, sort, descending, custom_reason_labels(request))
        fmt = q.get("format")
        if fmt in ("csv", "xlsx"):
            return export(rows, columns, lang, fmt, f"bao-cao-{dimension}-{period.first_day()}-{period.last_day()}")
        latest = reports.comments(conn, office, period, limit=50)
        context = _selector_context(conn, request, period)
    return render(
        request,
        "breakdown.html",
        dimension=dimension,
        data=data,
        columns=columns,
        rows=rows,
        sort=sort,
        descending=descending,
        comments=latest,
        quick_seconds=rules.QUICK_SECONDS,
        cell=lambda v, kind: _cell(v, kind, lang),
        **context,
    )


def export(rows: list[dict], columns: list, lang: str, fmt: str, name: str) -> Response:
    """The table shown: same columns, headings and order; CSV has the page's formatted figures, XLSX
    the figures as numbers (rates as fractions formatted 0.0%). Text is never a formula (exports)."""
    headings = [c[1] for c in columns]
    if fmt == "csv":
        out = io.StringIO()
        exports.write_csv(
            out, [headings] + [[_cell(r.get(c[0]), c[2], lang) for c in columns] for r in rows], lineterminator="\r\n"
        )
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    typed = [[_typed(r.get(c[0]), c[2]) for c in columns] for r in rows]
    book = exports.xlsx_bytes(
        [headings] + typed,
        text("reports.sheet_name", lang),
        number_formats=[{"pct": "0.0%"}.get(c[2]) for c in columns],
        widths={"A": 40},
    )
    return Response(
        book,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _typed(value, kind: str):
    """A cell of the XLSX export: numbers as numbers, nothing as an empty cell."""
    if value is None:
        return None
    if kind == "pct":
        return float(value)
    if kind == "int":
        return int(value)
    return str(value)
