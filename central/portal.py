"""Procedure records → the API item shape (docs/ARCHITECTURE.md, "Procedure item").

Read here, each tolerant (unknown fields ignored) and each failing with the record's field named:
- the national portal's detail JSON as the 2025-26 site sends it (CONNECTORS.md, A): `fees[].value`,
  `processingTimeUnit` WORKING_DAY/DAY/HOUR/MONTH/YEAR/OTHER (OTHER: the time is in
  `cases[].processingDay`), `submissionMethod` DIRECT_AND_ONLINE, steps `{name, description}` with
  HTML, legal bases `{code, name}`, `decisionNo`/`type`/`departmentsExecuting`/`categoriesDetails`,
  `isMinistry`, epoch-millisecond `updatedAt`, `keywords` as a string, and the portal's `id` (UUID),
  the only thing a link to its public page can be built from;
- the older portal shape the project imported before (`amount`, `number`/`title`, `decisionNumber`,
  `procedureType`, `implementingAgency`, steps as text);
- the national exchange API's `LayThuTuc` record (CONNECTORS.md, B: upper-case keys);
- the project's own API shape, and rows of the documented procedure CSV.
`records_in` unwraps the answers those come in (`{"code": "OK", "data": {...}}`, `{"items": [...]}`, ...).
"""

import html
import re
import uuid
from datetime import datetime, timezone
from html.parser import HTMLParser

from central.cleantext import UNSTORABLE, storable
from central.errors import BadInput
from motcua.officetime import OFFICE_TZ

METHOD_CHANNELS = {
    "DIRECT": ("direct",),
    "ONLINE": ("online",),
    "POSTAL": ("postal",),
    "DIRECT_AND_ONLINE": ("direct", "online"),
    "TRUC_TIEP": ("direct",),
    "TRUC_TUYEN": ("online",),
    "BUU_CHINH": ("postal",),
}
# LayThuTuc's KENH: 1 trực tiếp, 2 trực tuyến, 3 bưu chính
EXCHANGE_CHANNELS = {"1": "direct", "2": "online", "3": "postal"}
# processingTimeUnit → (unit code in the item, the words the kiosk shows after the number)
TIME_UNITS = {
    "WORKING_DAY": ("working_day", "ngày làm việc"),
    "DAY": ("day", "ngày"),
    "HOUR": ("hour", "giờ"),
    "WORKING_HOUR": ("working_hour", "giờ làm việc"),
    "MONTH": ("month", "tháng"),
    "YEAR": ("year", "năm"),
    "OTHER": ("other", ""),
}


def _unit(raw: str) -> tuple[str, str]:
    """(unit code, words) of a processingTimeUnit / DONVITINH: a code (WORKING_DAY) or Vietnamese words."""
    key = raw.strip().upper().replace(" ", "_")
    if key in TIME_UNITS:
        return TIME_UNITS[key]
    words = " ".join(raw.split()).lower()
    code = next((code for code, vi in TIME_UNITS.values() if vi and vi == words), "")
    return (code, words) if code else ("", raw.strip())


PROCEDURE_TYPES = {
    "STANDARD": "Thủ tục hành chính",
    "STANDARD_INTERNAL": "Thủ tục hành chính nội bộ",
    "SPECIFIC": "Thủ tục hành chính đặc thù",
}
LEVELS = {
    "xã": "commune",
    "xa": "commune",
    "phường": "commune",
    "tỉnh": "province",
    "tinh": "province",
    "bộ": "ministry",
    "trung ương": "ministry",
}
ONLINE_LEVELS = {
    "full": "full",
    "toàn trình": "full",
    "toan trinh": "full",
    "mức độ 4": "full",
    "4": "full",
    "partial": "partial",
    "một phần": "partial",
    "mot phan": "partial",
    "mức độ 3": "partial",
    "3": "partial",
    "": None,
    "none": None,
}

PROCEDURE_CSV_COLUMNS = {
    "code": "Mã thủ tục, e.g. 1.001193 (required)",
    "name": "Tên thủ tục (required)",
    "field_code": "Lĩnh vực code, e.g. G15-TP07 (required)",
    "field_name": "Lĩnh vực name, e.g. Hộ tịch (required)",
    "level": "commune | province | ministry (default commune)",
    "kind": "Loại thủ tục, free text",
    "decision": "Số quyết định",
    "steps": "steps separated by ' | '",
    "time": "processing time at the counter (number)",
    "time_unit": "e.g. Ngày làm việc",
    "fee_amount": "fee in đồng (number, 0 = free)",
    "fee_text": "fee description",
    "documents": "required documents separated by ' | '",
    "results": "results separated by ' | '",
    "legal_basis": "legal texts separated by ' | ', each 'number - title'",
    "requirements": "Yêu cầu điều kiện",
    "keywords": "search words separated by ' | '",
    "online_level": "full | partial | empty",
    "updated_at": "ISO 8601 time of the last change",
}
PROCEDURE_CSV_OPTIONAL = {
    "portal_id": "the procedure's id on dichvucong.gov.vn (a UUID; empty or absent = no link to the portal)",
}
_STEP_PREFIX = re.compile(r"^\s*(bước|buoc|step)\s*\d+\s*[:.\-–—)]?\s*", re.IGNORECASE)
_ONLY_STEP = re.compile(r"^\s*(bước|buoc|step)\s*\d+\s*[:.\-–—)]?\s*$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


class BadRecord(BadInput):
    """`field`: what is wrong with it (an import record's field; the message starts with it)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, f"{field}: {message}")


class BadAnswer(BadInput):
    """A file or an upstream answer that holds no procedure records (an error envelope, a bare value)."""

    def __init__(self, message: str):
        super().__init__(None, message)


# -- small readers ---------------------------------------------------------------------------------
def _text(value, field: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise BadRecord(field, "must be text")
    value = str(value).strip()
    if not storable(value):
        raise BadRecord(field, UNSTORABLE)
    if required and not value:
        raise BadRecord(field, "is missing")
    return value


class _Plain(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def _plain(value, field: str, required: bool = False) -> str:
    """Text that may be HTML (the portal's descriptions) → plain lines, entities resolved."""
    text = _text(value, field, required)
    if "<" in text and ">" in text:
        parser = _Plain()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    else:
        text = html.unescape(text)
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    if required and not text:
        raise BadRecord(field, "is missing")
    return text


def _list(value, field: str) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise BadRecord(field, "must be a list")
    return value


def _objects(value, field: str) -> list[tuple[str, dict]]:
    """(field[i], entry) for each entry of a list of objects."""
    out = []
    for i, entry in enumerate(_list(value, field)):
        if not isinstance(entry, dict):
            raise BadRecord(f"{field}[{i}]", "must be an object")
        out.append((f"{field}[{i}]", entry))
    return out


def _names(value, field: str, *keys: str) -> list[str]:
    """A list of texts or of objects (their first non-empty key of `keys`) → texts, empty ones dropped."""
    keys = keys or ("name", "content", "description")
    out = []
    for i, entry in enumerate(_list(value, field)):
        where = f"{field}[{i}]"
        if isinstance(entry, dict):
            entry = next((entry[k] for k in keys if entry.get(k) not in (None, "")), "")
        out.append(_plain(entry, where))
    return [e for e in out if e]


def _number(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise BadRecord(field, f'"{value}" is not a number')
    text = str(value).strip()
    if isinstance(value, str) and _THOUSANDS.match(text):  # 50.000 or 1,200,000 đồng in Vietnamese text
        text = re.sub(r"[.,]", "", text)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise BadRecord(field, f'"{value}" is not a number') from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadRecord(field, f'"{value}" is not a number')
    return int(number) if number.is_integer() else number


def _time_value(value, field: str):
    """A processing time: a number, or words the portal wrote instead ("Trong ngày")."""
    try:
        return _number(value, field)
    except BadRecord:
        return _plain(value, field)


def _online(value) -> str | None:
    key = str(value or "").strip().lower()
    if key not in ONLINE_LEVELS:
        raise BadRecord("onlineServiceLevel", f'"{value}" is not full/partial (toàn trình/một phần)')
    return ONLINE_LEVELS[key]


def updated_time(value, field: str = "updatedAt") -> str | None:
    """ISO 8601 text as given, or epoch milliseconds (the current portal) → ISO 8601 in office time."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise BadRecord(field, f'"{value}" is not a time')
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        millis = int(float(value))
        if not 946_684_800_000 <= millis <= 4_102_444_800_000:  # 2000-01-01 .. 2100-01-01
            raise BadRecord(field, f'"{value}" is not epoch milliseconds between the years 2000 and 2099')
        moment = datetime.fromtimestamp(millis / 1000, timezone.utc).astimezone(OFFICE_TZ)
        return moment.isoformat(timespec="seconds")
    return _text(value, field) or None


def portal_id(value) -> str | None:
    """The portal's id when it is one (a UUID, lower case), else None: no link is built from anything else."""
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value.strip())
    except ValueError:
        return None
    return str(parsed) if len(value.strip()) in (32, 36) else None


def steps_text(name, description, field: str) -> str:
    """One step without its "Bước 1:" prefix (the kiosk numbers steps): its description, after its name
    when the name says more than "Bước 1"."""
    name = _plain(name, f"{field}.name")
    body = _STEP_PREFIX.sub("", _plain(description, f"{field}.description"), count=1)
    if _ONLY_STEP.match(name) or not name:
        return body
    name = _STEP_PREFIX.sub("", name, count=1).rstrip(" :")
    if not body or body.startswith(name):
        return body or name
    return f"{name}: {body}"


def _steps(value, field: str) -> list[str]:
    out = []
    for i, entry in enumerate(_list(value, field)):
        where = f"{field}[{i}]"
        if isinstance(entry, dict):
            out.append(steps_text(entry.get("name"), entry.get("description") or entry.get("content"), where))
        else:
            out.append(_STEP_PREFIX.sub("", _plain(entry, where), count=1))
    return [s for s in out if s]


def _keywords(value, field: str = "keywords") -> list[str]:
    if isinstance(value, str):
        return [w.strip() for w in re.split(r"[,;|\n]", value) if w.strip() and storable(w)]
    return _names(value, field, "name", "keyword", "value")


# -- the portal's detail JSON (current and older shape) --------------------------------------------
def _fee(fee: dict, where: str) -> dict:
    raw = fee.get("value", fee.get("amount"))
    text = _plain(fee.get("description") or fee.get("name") or fee.get("kind"), f"{where}.description")
    try:
        amount = _number(raw, f"{where}.value")
    except BadRecord:  # a fee the portal wrote in words ("Theo quy định của HĐND tỉnh")
        words = _plain(raw, f"{where}.value")
        amount, text = None, (f"{words}; {text}" if text and words not in text else text or words)
    if amount is not None and amount < 0:
        raise BadRecord(f"{where}.value", f'"{raw}" is below 0')
    return {"amount": amount, "text": text}


def _method_time(m: dict, where: str) -> dict:
    """time, time_unit (words), unit (code), time_note and, for OTHER, the time of each case."""
    raw_unit = _text(m.get("processingTimeUnit"), f"{where}.processingTimeUnit")
    unit, words = _unit(raw_unit)
    note = _plain(m.get("processingTimeNote") or m.get("description"), f"{where}.description")
    out = {"time": None, "time_unit": words, "unit": unit, "time_note": note}
    cases = _objects(m.get("cases"), f"{where}.cases")
    if cases and (unit == "other" or m.get("processingTime") in (None, "")):
        parts, day, label, case_unit = [], None, "", ""
        for cwhere, case in cases:
            day = _time_value(case.get("processingDay", case.get("processingTime")), f"{cwhere}.processingDay")
            case_unit = _unit(_text(case.get("processingTimeUnit"), f"{cwhere}.processingTimeUnit"))[1]
            when = f"{day:g} {case_unit or 'ngày'}" if isinstance(day, (int, float)) else day
            label = _plain(case.get("name") or case.get("description"), f"{cwhere}.name")
            if when:
                parts.append(f"{label}: {when}" if label else when)
        if len(cases) == 1 and isinstance(day, (int, float)) and not label:
            out.update(time=day, time_unit=case_unit or "ngày", unit=unit or "day")
        elif parts:
            out["time_note"] = "; ".join(parts + ([note] if note else []))
        return out
    out["time"] = _time_value(m.get("processingTime"), f"{where}.processingTime")
    if isinstance(out["time"], str):  # words, not a number: they are the time
        out["time_note"] = "; ".join(p for p in (out["time"], note) if p)
        out["time"] = None
    return out


def _methods(value, field: str = "executionMethods") -> list[dict]:
    methods = []
    for where, m in _objects(value, field):
        raw = str(m.get("submissionMethod", "")).strip().upper()
        channels = METHOD_CHANNELS.get(raw)
        if channels is None:
            raise BadRecord(
                f"{where}.submissionMethod",
                f'"{m.get("submissionMethod")}" is not DIRECT, ONLINE, POSTAL or DIRECT_AND_ONLINE',
            )
        fees = [_fee(f, fw) for fw, f in _objects(m.get("fees"), f"{where}.fees")]
        timing = _method_time(m, where)
        methods += [{"channel": channel, **timing, "fees": [dict(f) for f in fees]} for channel in channels]
    return methods


def _documents(value, field: str = "executionCases") -> list[dict]:
    documents = []
    for where, case in _objects(value, field):
        items = []
        for pwhere, p in _objects(case.get("profileComponents"), f"{where}.profileComponents"):
            template = p.get("template")
            if not template:
                files = [a.get("fileName") for a in _list(p.get("attachments"), f"{pwhere}.attachments")]
                template = ", ".join(str(f) for f in files if isinstance(f, str) and f.strip())
            items.append(
                {
                    "name": _plain(p.get("name"), f"{pwhere}.name", True),
                    "originals": _number(p.get("originalQty"), f"{pwhere}.originalQty") or 0,
                    "copies": _number(p.get("copyQty"), f"{pwhere}.copyQty") or 0,
                    "template": _text(template, f"{pwhere}.template"),
                }
            )
        documents.append({"case": _plain(case.get("name"), f"{where}.name"), "items": items})
    return documents


def _legal(value, field: str = "legalBasisesDetails") -> list[dict]:
    return [
        {
            "number": _text(b.get("code") or b.get("number"), f"{where}.code"),
            "title": _plain(b.get("name") or b.get("title"), f"{where}.name"),
            "date": _text(b.get("issuedDate") or b.get("date"), f"{where}.issuedDate"),
            "issuer": _text(b.get("issuer"), f"{where}.issuer"),
        }
        for where, b in _objects(value, field)
    ]


def _field(record: dict) -> dict:
    category = record.get("category")
    where = "category"
    if category in (None, "", {}):
        details = _objects(record.get("categoriesDetails"), "categoriesDetails")
        where, category = details[0] if details else ("category", {})
    if not isinstance(category, dict):
        raise BadRecord("category", "must be an object {code, name}")
    return {
        "code": _text(category.get("code"), f"{where}.code", True),
        "name": _text(category.get("name"), f"{where}.name", True),
    }


def _level(record: dict) -> str:
    for flag, level in (("isWard", "commune"), ("isProvince", "province"), ("isMinistry", "ministry")):
        if record.get(flag) not in (None, False, 0, "", "false", "False", "0"):
            return level
    text = str(record.get("implementationLevel") or record.get("level") or "").lower()
    for word, level in LEVELS.items():
        if word in text:
            return level
    return text if text in ("commune", "province", "ministry") else "commune"


def _agency(record: dict) -> str:
    departments = record.get("departmentsExecuting")
    if departments not in (None, "", []):
        if isinstance(departments, str):
            return _plain(departments, "departmentsExecuting")
        return ", ".join(_names(departments, "departmentsExecuting", "name", "departmentName"))
    return _text(record.get("implementingAgency") or record.get("competentAgency"), "implementingAgency")


def _subjects(record: dict) -> str:
    value = record.get("subjectTypesDetails", record.get("subjects"))
    if isinstance(value, list):
        return ", ".join(_names(value, "subjectTypesDetails", "name"))
    return _plain(value, "subjects")


def from_portal(record) -> dict:
    """One national-portal record (current or older shape), a `LayThuTuc` record, or an item already
    in the API shape → the API item."""
    if not isinstance(record, dict):
        raise BadRecord("item", "must be a JSON object")
    if "MATTHC" in record or "TENTTHC" in record:
        return from_exchange(record)
    if "field" in record and "category" not in record and "categoriesDetails" not in record:
        return from_api_shape(record)
    kind = _text(record.get("type") or record.get("procedureType"), "type")
    return {
        "code": _text(record.get("code"), "code", True),
        "name": _plain(record.get("name"), "name", True),
        "field": _field(record),
        "level": _level(record),
        "kind": PROCEDURE_TYPES.get(kind.upper(), kind),
        "decision": _text(record.get("decisionNo") or record.get("decisionNumber"), "decisionNo"),
        "steps": _steps(record.get("executionSteps"), "executionSteps"),
        "methods": _methods(record.get("executionMethods")),
        "documents": _documents(record.get("executionCases")),
        "subjects": _subjects(record),
        "agency": _agency(record),
        "address": _plain(record.get("receivingAddress"), "receivingAddress"),
        "results": _names(record.get("resultsDetails"), "resultsDetails", "name", "content"),
        "legal_basis": _legal(record.get("legalBasisesDetails")),
        "requirements": _plain(record.get("requirementsAndConditions"), "requirementsAndConditions"),
        "keywords": _keywords(record.get("keywords")),
        "description": _plain(record.get("description"), "description"),
        "online_level": _online(record.get("onlineServiceLevel")),
        "sample": bool(record.get("isSample", False)),
        "portal_id": portal_id(record.get("id")) or portal_id(record.get("portalId")),
        "updated_at": updated_time(record.get("updatedAt") or record.get("createdAt")),
    }


# -- the exchange API's LayThuTuc record -----------------------------------------------------------
PUBLISHED = 1  # LayThuTuc's TRANGTHAI of a procedure in force (CONNECTORS.md B: "1 published")


def not_in_force(record) -> str | None:
    """The code of a `LayThuTuc` record whose TRANGTHAI says it is not in force (any value but 1), else
    None (in force, no TRANGTHAI, or not a LayThuTuc record). Such a procedure is never offered to
    citizens: the importer leaves it out, and withdraws it if the catalogue has it."""
    if not isinstance(record, dict) or not ("MATTHC" in record or "TENTTHC" in record):
        return None
    state = record.get("TRANGTHAI")
    if state in (None, ""):
        return None
    text = _text(state, "TRANGTHAI")
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise BadRecord("TRANGTHAI", f'"{text}" is not a state (1 published; any other number: not in force)')
    return None if int(text) == PUBLISHED else _text(record.get("MATTHC"), "MATTHC", True)


def _exchange_fee(fee: dict, where: str) -> dict:
    amount, text = None, _plain(fee.get("MOTA"), f"{where}.MOTA")
    for key in ("SOTIEN", "MUCPHI", "DONVI"):
        if fee.get(key) in (None, ""):
            continue
        try:
            amount = _number(fee[key], f"{where}.{key}")
            break
        except BadRecord:
            if key != "DONVI":  # DONVI may be the currency's name (đồng); elsewhere words are an error
                raise
    if amount is not None and amount < 0:
        raise BadRecord(f"{where}.SOTIEN", f'"{amount}" is below 0')
    return {"amount": amount, "text": text}


def from_exchange(record: dict) -> dict:
    """A `LayThuTuc` record of the national exchange API (upper-case keys) → the API item."""
    fields = _objects(record.get("LINHVUCTHUCHIEN"), "LINHVUCTHUCHIEN")
    if not fields:
        raise BadRecord("LINHVUCTHUCHIEN", "is missing (the procedure's field, {MALINHVUC, TENLINHVUC})")
    fwhere, first = fields[0]
    steps = []
    groups = _objects(record.get("TRINHTUTHUCHIEN"), "TRINHTUTHUCHIEN")
    for gwhere, group in groups:
        case = _plain(group.get("TRUONGHOP"), f"{gwhere}.TRUONGHOP") if len(groups) > 1 else ""
        for swhere, step in _objects(group.get("TRINHTU"), f"{gwhere}.TRINHTU"):
            text = _STEP_PREFIX.sub("", _plain(step.get("TENTRINHTU"), f"{swhere}.TENTRINHTU"), count=1)
            if text:
                steps.append(f"{case}: {text}" if case else text)
    methods = []
    for mwhere, m in _objects(record.get("CACHTHUCTHUCHIEN"), "CACHTHUCTHUCHIEN"):
        channel = EXCHANGE_CHANNELS.get(str(m.get("KENH", "")).strip())
        if channel is None:
            allowed = "1 (trực tiếp), 2 (trực tuyến) or 3 (bưu chính)"
            raise BadRecord(f"{mwhere}.KENH", f'"{m.get("KENH")}" is not {allowed}')
        for twhere, t in _objects(m.get("THOIGIAN"), f"{mwhere}.THOIGIAN") or [(f"{mwhere}.THOIGIAN", {})]:
            time = _time_value(t.get("THOIGIANGIAIQUYET"), f"{twhere}.THOIGIANGIAIQUYET")
            unit_text = _plain(t.get("DONVITINH"), f"{twhere}.DONVITINH")
            unit, words = _unit(unit_text)
            note = _plain(t.get("MOTA"), f"{twhere}.MOTA")
            if isinstance(time, str):
                time, note = None, "; ".join(p for p in (time, note) if p)
            methods.append(
                {
                    "channel": channel,
                    "time": time,
                    "time_unit": words,
                    "unit": unit,
                    "time_note": note,
                    "fees": [_exchange_fee(f, fw) for fw, f in _objects(t.get("PHILEPHI"), f"{twhere}.PHILEPHI")],
                }
            )
    documents = []
    for dwhere, group in _objects(record.get("THANHPHANHOSO"), "THANHPHANHOSO"):
        items = [
            {
                "name": _plain(d.get("TENGIAYTO"), f"{w}.TENGIAYTO", True),
                # LayThuTuc gives no numbers of copies unless SOBANCHINH/SOBANSAO are there: one original
                "originals": _number(
                    d.get("SOBANCHINH", 1 if d.get("SOBANSAO") in (None, "") else 0), f"{w}.SOBANCHINH"
                )
                or 0,
                "copies": _number(d.get("SOBANSAO"), f"{w}.SOBANSAO") or 0,
                "template": _text(d.get("TENMAUDON"), f"{w}.TENMAUDON"),
            }
            for w, d in _objects(group.get("GIAYTO"), f"{dwhere}.GIAYTO")
        ]
        documents.append({"case": _plain(group.get("TRUONGHOP"), f"{dwhere}.TRUONGHOP"), "items": items})
    subjects = record.get("DOITUONGTHUCHIEN")
    return {
        "code": _text(record.get("MATTHC"), "MATTHC", True),
        "name": _plain(record.get("TENTTHC"), "TENTTHC", True),
        "field": {
            "code": _text(first.get("MALINHVUC"), f"{fwhere}.MALINHVUC", True),
            "name": _text(first.get("TENLINHVUC"), f"{fwhere}.TENLINHVUC", True),
        },
        "level": _level({"level": record.get("CAPTHUCHIEN")}) if record.get("CAPTHUCHIEN") else "commune",
        "kind": "",
        "decision": _text(record.get("QDCONGBO") or record.get("SOQUYETDINH"), "QDCONGBO"),
        "steps": steps,
        "methods": methods,
        "documents": documents,
        "subjects": (
            ", ".join(_names(subjects, "DOITUONGTHUCHIEN", "TENDOITUONG", "name"))
            if isinstance(subjects, list)
            else _plain(subjects, "DOITUONGTHUCHIEN")
        ),
        "agency": ", ".join(_names(record.get("COQUANTHUCHIEN"), "COQUANTHUCHIEN", "TENDONVI")),
        "address": "",
        "results": _names(record.get("KETQUATHUCHIEN"), "KETQUATHUCHIEN", "TENKETQUA"),
        "legal_basis": [
            {
                "number": _text(b.get("SOVANBAN"), f"{w}.SOVANBAN"),
                "title": _plain(b.get("TENVANBAN"), f"{w}.TENVANBAN"),
                "date": _text(b.get("NGAYBANHANH"), f"{w}.NGAYBANHANH"),
                "issuer": _text(b.get("COQUANBANHANH"), f"{w}.COQUANBANHANH"),
            }
            for w, b in _objects(record.get("CANCUPHAPLY"), "CANCUPHAPLY")
        ],
        "requirements": _plain(record.get("YEUCAU"), "YEUCAU"),
        "keywords": [],
        "description": "",
        "online_level": None,
        "sample": False,
        "portal_id": None,  # the exchange API carries no id of the portal's public page
        "updated_at": None,
    }


# -- the project's own shapes ----------------------------------------------------------------------
def from_api_shape(record: dict) -> dict:
    """An item already in the API shape: checked, defaults filled."""
    field = record.get("field")
    if not isinstance(field, dict):
        raise BadRecord("field", "must be an object {code, name}")
    item = dict(record)
    item["code"] = _text(record.get("code"), "code", True)
    item["name"] = _text(record.get("name"), "name", True)
    item["field"] = {
        "code": _text(field.get("code"), "field.code", True),
        "name": _text(field.get("name"), "field.name", True),
    }
    for key in ("steps", "methods", "documents", "results", "legal_basis", "keywords"):
        if not isinstance(item.setdefault(key, []), list):
            raise BadRecord(key, "must be a list")
    item["steps"] = [_STEP_PREFIX.sub("", s, count=1) if isinstance(s, str) else s for s in item["steps"]]
    item["online_level"] = _online(item.get("online_level"))
    item.setdefault("level", "commune")
    item.setdefault("sample", False)
    item.pop("portal_url", None)  # links are built from portal_id alone (a code-based one opened an empty page)
    item["portal_id"] = portal_id(item.get("portal_id"))
    item.setdefault("updated_at", None)
    return item


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def from_csv_row(row: dict) -> dict:
    """One row of the documented procedure CSV (PROCEDURE_CSV_COLUMNS) → the API item."""
    level = _text(row.get("level"), "level") or "commune"
    if level not in ("commune", "province", "ministry"):
        raise BadRecord("level", f'"{level}" is not commune, province or ministry')
    fee = _number(row.get("fee_amount"), "fee_amount")
    legal = []
    for entry in _split(row.get("legal_basis", "")):
        number, _, title = entry.partition(" - ")
        legal.append({"number": number.strip(), "title": title.strip(), "date": "", "issuer": ""})
    raw_id = _text(row.get("portal_id"), "portal_id")
    if raw_id and portal_id(raw_id) is None:
        raise BadRecord("portal_id", f'"{raw_id}" is not the portal\'s id (a UUID like 0f8f7c1e-...; empty = no link)')
    unit_text = _text(row.get("time_unit"), "time_unit")
    return {
        "code": _text(row.get("code"), "code", True),
        "name": _text(row.get("name"), "name", True),
        "field": {
            "code": _text(row.get("field_code"), "field_code", True),
            "name": _text(row.get("field_name"), "field_name", True),
        },
        "level": level,
        "kind": _text(row.get("kind"), "kind"),
        "decision": _text(row.get("decision"), "decision"),
        "steps": [_STEP_PREFIX.sub("", s, count=1) for s in _split(row.get("steps", ""))],
        "methods": [
            {
                "channel": "direct",
                "time": _number(row.get("time"), "time"),
                "time_unit": _unit(unit_text)[1],
                "unit": _unit(unit_text)[0],
                "time_note": "",
                "fees": [] if fee is None else [{"amount": fee, "text": _text(row.get("fee_text"), "fee_text")}],
            }
        ],
        "documents": [
            {
                "case": "",
                "items": [
                    {"name": n, "originals": 1, "copies": 0, "template": ""} for n in _split(row.get("documents", ""))
                ],
            }
        ],
        "subjects": "",
        "agency": "",
        "address": "",
        "results": _split(row.get("results", "")),
        "legal_basis": legal,
        "requirements": _text(row.get("requirements"), "requirements"),
        "keywords": _split(row.get("keywords", "")),
        "description": "",
        "online_level": _online(row.get("online_level")),
        "sample": False,
        "portal_id": portal_id(raw_id),
        "updated_at": _text(row.get("updated_at"), "updated_at") or None,
    }


def record_label(record) -> str:
    """ " (code)" of a record whose code can be read, for messages that name it; else ""."""
    code = record.get("code") or record.get("MATTHC") if isinstance(record, dict) else None
    return f" ({code})" if isinstance(code, str) and code.strip() and storable(code) else ""


# -- answers and files -----------------------------------------------------------------------------
def _looks_like_record(data: dict) -> bool:
    return ("code" in data and "name" in data) or "MATTHC" in data


def records_in(data) -> list:
    """The procedure records a JSON answer or file holds: a list of records; one record; an object with
    'items'/'data'/'result'/'content' (the portal's `{"code": "OK", "data": {...}}` envelope, a page of its
    list endpoint, the exchange API's `{"error_code": "0", "result": [...]}`). BadAnswer otherwise."""
    for _depth in range(4):
        if isinstance(data, list):
            return data
        if not isinstance(data, dict):
            break
        if _looks_like_record(data):
            return [data]
        status = data.get("code")
        error = data.get("error_code")
        if (status not in (None, "OK", "ok", 0, "0", 200, "200", "SUCCESS")) or error not in (None, 0, "0", "00"):
            why = data.get("message") or data.get("error") or data.get("msg") or ""
            raise BadAnswer(
                f"the answer is an error, not procedures: code {status if error is None else error}"
                + (f" ({str(why)[:200]})" if why else "")
            )
        inner = next((data[k] for k in ("items", "data", "result", "content") if k in data), None)
        if inner is None:
            break
        data = inner
    raise BadAnswer("expected procedure records: a JSON list, one record, or an object with 'items' or 'data'")
