"""Kivy-free presentation: how procedures, dossiers and figures read on the kiosk screen."""

from __future__ import annotations

import re
from urllib.parse import quote

from kiosk.i18n import tr
from motcua import officetime
from motcua.text import fee_words, mask_name

FINISHING_STATUSES = {3, 7, 8, 9, 10}


parse_time = officetime.parse


def format_moment(moment, with_time: bool = True, lang: str = "vi") -> str:
    """The one way the kiosk writes a date: "16:30 ngày 25/11/2026" in Vietnamese (COPY.md),
    "16:30 25/11/2026" in English, "25/11/2026" without the time; "—" for none."""
    if moment is None:
        return "—"
    if not with_time:
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%H:%M ngày %d/%m/%Y" if lang == "vi" else "%H:%M %d/%m/%Y")


def format_date(value: str | None, with_time: bool = True, lang: str = "vi") -> str:
    """A wire time (ISO text) in office time, as `format_moment` writes it."""
    return format_moment(parse_time(value), with_time, lang)


_PORTAL_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def with_portal_link(item: dict, template: str) -> dict:
    """The procedure with `portal_url` built from its portal id and [kiosk] portal_link, or without one:
    no id (or no template), no QR and no link. A `portal_url` an older server stored is never used (it was
    built from the procedure code and opened an empty page)."""
    item = dict(item)
    item.pop("portal_url", None)
    pid = item.get("portal_id")
    if template and isinstance(pid, str) and _PORTAL_ID.match(pid):
        item["portal_url"] = template.replace("{id}", quote(pid.lower(), safe=""))
    return item


def procedure_steps(steps) -> list[str]:
    """Numbered steps ("1. ..."); a step that still begins with its own "Bước 1" (stored before the
    importer dropped those prefixes) keeps it instead of getting a second number."""
    lines = []
    for i, step in enumerate(s for s in steps or [] if isinstance(s, str) and s.strip()):
        text = step.strip()
        lines.append(text if re.match(r"^(bước|buoc|step)\s*\d", text, re.IGNORECASE) else f"{i + 1}. {text}")
    return lines


def format_fees(fees: list[dict] | None, lang: str = "vi") -> str:
    """A channel's fees as the search results, the detail screen and the slip all write them: each through
    motcua.text.fee_words ("Lệ phí đăng ký khai sinh: 8.000 đồng", "VND 8,000")."""
    if not fees:
        return tr("fee.none", lang)
    return "; ".join(fee_words(fee.get("text"), fee.get("amount"), lang) or tr("fee.free", lang) for fee in fees)


# unit codes of the catalogue (central/portal.py TIME_UNITS) the kiosk catalogue translates (unit.<code>)
TIME_UNIT_CODES = ("working_day", "day", "hour", "working_hour", "month", "year")


def time_unit(method: dict, lang: str = "vi") -> str:
    """The words after the number: the kiosk catalogue's for a known unit code (unit.<code>, and
    unit.<code>_1 after the number 1), else the item's own words."""
    code = method.get("unit")
    if code in TIME_UNIT_CODES:
        return tr(f"unit.{code}_1" if method.get("time") == 1 else f"unit.{code}", lang)
    return (method.get("time_unit") or "").strip()


def format_duration(method: dict, lang: str = "vi") -> str:
    time, unit = method.get("time"), time_unit(method, lang)
    note = (method.get("time_note") or "").strip()
    if time in (None, "", 0) and not note:
        return tr("time.none", lang)
    amount = f"{time:g}" if isinstance(time, float) else str(time) if time not in (None, "") else ""
    text = " ".join(p for p in (amount, unit) if p)
    return f"{text} ({note})" if note and text else (text or note)


def channel_name(channel: str, lang: str = "vi") -> str:
    key = f"channel.{channel}"
    try:
        return tr(key, lang)
    except KeyError:
        return channel


def field_name(item: dict) -> str:
    """The field of a full procedure ({"field": {"name"}}) or of a search hit ({"field": "name"})."""
    field = item.get("field")
    return (field.get("name") or "") if isinstance(field, dict) else (field or "")


def summary_line(item: dict, lang: str = "vi") -> str:
    """Time and fee at a glance for a result row: the direct channel when there is one."""
    methods = item.get("methods") or []
    if not methods and ("time" in item or "fee" in item):  # a search hit carries its own summary
        # its method's time (motcua.catalogue.summary) reads in the kiosk's language; its text is Vietnamese
        duration = format_duration(item["duration"], lang) if item.get("duration") else item.get("time")
        # its fees (motcua.catalogue.summary) read as on the detail screen and the slip; an older hit has words only
        fee = format_fees(item["fees"], lang) if "fees" in item else item.get("fee") or tr("fee.none", lang)
        parts = [duration or tr("time.none", lang), fee]
        return " · ".join(parts)
    if not methods:
        return tr("time.none", lang)
    method = next((m for m in methods if m.get("channel") == "direct"), methods[0])
    return f"{format_duration(method, lang)} · {format_fees(method.get('fees'), lang)}"


def online_level_text(level: str | None, lang: str = "vi") -> str:
    return tr(
        {"full": "detail.online_full", "partial": "detail.online_partial"}.get(level or "", "detail.online_none"), lang
    )


def level_name(level: str | None, lang: str = "vi") -> str:
    try:
        return tr(f"level.{level}", lang)
    except KeyError:
        return level or "—"


def document_lines(procedure: dict, lang: str = "vi") -> list[tuple[str, list[str]]]:
    """[(case name, ['Tờ khai ... — 1 bản chính, 0 bản sao', ...]), ...]."""
    out = []
    for case in procedure.get("documents") or []:
        rows = []
        for doc in case.get("items") or []:
            counts = []
            if doc.get("originals"):
                counts.append(f"{doc['originals']} {tr('detail.originals', lang)}")
            if doc.get("copies"):
                counts.append(f"{doc['copies']} {tr('detail.copies', lang)}")
            rows.append(doc.get("name", "") + (f" — {', '.join(counts)}" if counts else ""))
        out.append(((case.get("case") or "").strip(), rows))
    return out


def legal_lines(procedure: dict) -> list[str]:
    lines = []
    for law in procedure.get("legal_basis") or []:
        parts = [law.get("number") or "", law.get("title") or ""]
        tail = ", ".join(
            p for p in (law.get("issuer"), format_date(law.get("date"), False) if law.get("date") else None) if p
        )
        lines.append(" ".join(p for p in parts if p) + (f" ({tail})" if tail else ""))
    return lines


def data_age_text(age_seconds: float | None, lang: str = "vi") -> str:
    if age_seconds is None:
        return tr("net.age_never", lang)
    minutes = int(age_seconds // 60)
    if minutes < 1:
        return tr("net.age_now", lang)
    if minutes < 60:
        return tr("net.age_min", lang, n=minutes)
    if minutes < 48 * 60:
        return tr("net.age_hour", lang, n=minutes // 60)
    return tr("net.age_day", lang, n=minutes // 1440)


def percent(rate: float | None, lang: str = "vi") -> str:
    if rate is None:
        return tr("stats.no_value", lang)
    text = f"{rate * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


def timeliness(dossier: dict) -> str:
    """'early' | 'on_time' | 'late' | 'in_time' | 'not_judged': the server's verdict (REPORTING.md, in
    Biểu 06's words), never judged again here.

    Only the server knows the whole rule (time waiting for a supplement moves the due date), so a
    dossier without a verdict is not judged rather than guessed from its dates."""
    verdict = (dossier.get("verdict") or {}).get("code")
    if verdict in ("early", "on_time", "late", "in_time"):
        return verdict
    if "verdict" in dossier:  # a server that classifies: no verdict means not accepted (status 1, refused)
        return "not_judged"
    status = (dossier.get("status") or {}).get("code")
    if status == 7:
        return "not_judged"
    if dossier.get("on_time") is True:
        return "on_time"
    if dossier.get("on_time") is False:
        return "late"
    if status in FINISHING_STATUSES or dossier.get("finished_at") or dossier.get("returned_at"):
        return "not_judged"
    if dossier.get("late") is True:
        return "late"
    return "in_time" if dossier.get("late") is False else "not_judged"


def dossier_rows(dossier: dict, lang: str = "vi") -> list[tuple[str, str]]:
    """(label, value) rows of the public view, holder name masked again for safety."""
    status = dossier.get("status") or {}
    code = status.get("code")
    label = (
        status.get("label")
        if lang == "vi" and status.get("label")
        else tr(f"status.{code}", lang)
        if code in range(1, 11)
        else (status.get("label") or "—")
    )
    procedure = dossier.get("procedure") or {}
    rows = [
        (tr("dossier.code", lang), dossier.get("code", "")),
        # a procedure not (yet) in the server's catalogue has no name: its code, never an empty "Thủ tục:"
        (tr("dossier.procedure", lang), procedure.get("name") or procedure.get("code") or "—"),
        (tr("dossier.holder", lang), mask_name(dossier.get("holder")) or "—"),
        (tr("dossier.status", lang), label),
        (tr("dossier.received", lang), format_date(dossier.get("received_at"), lang=lang)),
    ]
    if dossier.get("extended_due_at"):  # an apology letter gave a new date: both, the new one current
        rows.append((tr("dossier.due_new", lang), format_date(dossier.get("extended_due_at"), lang=lang)))
        rows.append((tr("dossier.due_original", lang), format_date(dossier.get("due_at"), lang=lang)))
    elif not dossier.get("due_at") and dossier.get("deadline_from_max_time") and dossier.get("deadline_at"):
        # no appointment on the receipt: the deadline the verdict used, named for what it is
        rows.append((tr("dossier.due_max", lang), format_date(dossier.get("deadline_at"), lang=lang)))
    else:
        rows.append((tr("dossier.due", lang), format_date(dossier.get("due_at"), lang=lang)))
    finished = dossier.get("finished_at") or dossier.get("returned_at")
    if finished:
        rows.append((tr("dossier.finished", lang), format_date(finished, lang=lang)))
    rows.append((tr("dossier.timeliness", lang), tr(f"dossier.{timeliness(dossier)}", lang)))
    return rows


def is_open_and_late(dossier: dict) -> bool:
    """Past its appointment and not finished: the citizen is not sent back on a date that has passed."""
    finished = dossier.get("finished_at") or dossier.get("returned_at")
    code = (dossier.get("status") or {}).get("code")
    return timeliness(dossier) == "late" and not finished and code not in FINISHING_STATUSES


def next_step_text(dossier: dict, lang: str = "vi") -> str:
    code = (dossier.get("status") or {}).get("code")
    if is_open_and_late(dossier):
        if code in (5, 6):  # waiting on the citizen (documents, fees): the apology and what is still to do
            return f"{tr('next.late_apology', lang)} {tr(f'next.{code}', lang)}"
        new = dossier.get("extended_due_at")
        moment = parse_time(new) if new else None
        if moment is not None and dossier.get("apology") and moment > officetime.now():
            return tr("next.late_new_date", lang, when=format_date(new, lang=lang))
        return tr("next.late", lang)
    if lang == "vi" and dossier.get("next_step"):
        return dossier["next_step"]
    try:
        return tr(f"next.{code}", lang)
    except KeyError:
        return ""


def step_lines(dossier: dict, lang: str = "vi") -> list[str]:
    lines = []
    for i, step in enumerate(dossier.get("steps") or [], 1):
        when = format_date(step.get("started_at"), lang=lang)
        end = (
            format_date(step.get("finished_at"), lang=lang)
            if step.get("finished_at")
            else tr("dossier.step_open", lang)
        )
        verdict = {True: tr("dossier.on_time", lang), False: tr("dossier.late", lang)}.get(step.get("on_time"), "")
        unit = f" — {step['unit']}" if step.get("unit") else ""
        lines.append(f"{i}. {step.get('name', '')}{unit}: {when} – {end}" + (f" ({verdict})" if verdict else ""))
    return lines
