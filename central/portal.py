"""Procedure records → the API item shape: national-portal JSON, the project's own shape, or CSV rows."""

from central.errors import BadInput

METHOD_CHANNELS = {
    "DIRECT": "direct",
    "ONLINE": "online",
    "POSTAL": "postal",
    "TRUC_TIEP": "direct",
    "TRUC_TUYEN": "online",
    "BUU_CHINH": "postal",
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
PORTAL_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={}"

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


class BadRecord(BadInput):
    """`field`: what is wrong with it (an import record's field; the message starts with it)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, f"{field}: {message}")


def _text(value, field: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise BadRecord(field, "must be text")
    value = str(value).strip()
    if required and not value:
        raise BadRecord(field, "is missing")
    return value


def _list_of_text(value, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise BadRecord(field, "must be a list")
    out = []
    for entry in value:
        if isinstance(entry, dict):
            entry = entry.get("name") or entry.get("content") or entry.get("description") or ""
        out.append(_text(entry, field))
    return [e for e in out if e]


def _number(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise BadRecord(field, f'"{value}" is not a number')
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise BadRecord(field, f'"{value}" is not a number') from None
    return int(number) if number.is_integer() else number


def _level(record: dict) -> str:
    if record.get("isWard"):
        return "commune"
    if record.get("isProvince"):
        return "province"
    text = str(record.get("implementationLevel") or record.get("level") or "").lower()
    for word, level in LEVELS.items():
        if word in text:
            return level
    return text if text in ("commune", "province", "ministry") else "commune"


def _online(value) -> str | None:
    key = str(value or "").strip().lower()
    if key not in ONLINE_LEVELS:
        raise BadRecord("onlineServiceLevel", f'"{value}" is not full/partial (toàn trình/một phần)')
    return ONLINE_LEVELS[key]


def from_portal(record) -> dict:
    """One national-portal record (or an item already in the API shape) → the API item."""
    if not isinstance(record, dict):
        raise BadRecord("item", "must be a JSON object")
    if "field" in record and "category" not in record:
        return from_api_shape(record)
    category = record.get("category") or {}
    if not isinstance(category, dict):
        raise BadRecord("category", "must be an object {code, name}")
    methods = []
    for m in record.get("executionMethods") or []:
        if not isinstance(m, dict):
            raise BadRecord("executionMethods", "each entry must be an object")
        channel = METHOD_CHANNELS.get(str(m.get("submissionMethod", "")).upper())
        if channel is None:
            raise BadRecord(
                "executionMethods.submissionMethod", f'"{m.get("submissionMethod")}" is not DIRECT, ONLINE or POSTAL'
            )
        fees = [
            {
                "amount": _number(f.get("amount"), "fees.amount"),
                "text": _text(f.get("description") or f.get("kind"), "fees.description"),
            }
            for f in (m.get("fees") or [])
            if isinstance(f, dict)
        ]
        methods.append(
            {
                "channel": channel,
                "time": _number(m.get("processingTime"), "processingTime"),
                "time_unit": _text(m.get("processingTimeUnit"), "processingTimeUnit"),
                "time_note": _text(m.get("processingTimeNote"), "processingTimeNote"),
                "fees": fees,
            }
        )
    documents = []
    for case in record.get("executionCases") or []:
        if not isinstance(case, dict):
            raise BadRecord("executionCases", "each entry must be an object")
        items = [
            {
                "name": _text(p.get("name"), "profileComponents.name", True),
                "originals": _number(p.get("originalQty"), "originalQty") or 0,
                "copies": _number(p.get("copyQty"), "copyQty") or 0,
                "template": _text(p.get("template"), "template"),
            }
            for p in (case.get("profileComponents") or [])
            if isinstance(p, dict)
        ]
        documents.append({"case": _text(case.get("name"), "executionCases.name"), "items": items})
    legal = [
        {
            "number": _text(b.get("number"), "legalBasisesDetails.number"),
            "title": _text(b.get("title") or b.get("name"), "legalBasisesDetails.title"),
            "date": _text(b.get("issuedDate") or b.get("date"), "legalBasisesDetails.issuedDate"),
            "issuer": _text(b.get("issuer"), "legalBasisesDetails.issuer"),
        }
        for b in (record.get("legalBasisesDetails") or [])
        if isinstance(b, dict)
    ]
    code = _text(record.get("code"), "code", True)
    return {
        "code": code,
        "name": _text(record.get("name"), "name", True),
        "field": {
            "code": _text(category.get("code"), "category.code", True),
            "name": _text(category.get("name"), "category.name", True),
        },
        "level": _level(record),
        "kind": _text(record.get("procedureType"), "procedureType"),
        "decision": _text(record.get("decisionNumber"), "decisionNumber"),
        "steps": _list_of_text(record.get("executionSteps"), "executionSteps"),
        "methods": methods,
        "documents": documents,
        "subjects": _text(record.get("subjects"), "subjects"),
        "agency": _text(record.get("implementingAgency") or record.get("competentAgency"), "implementingAgency"),
        "address": _text(record.get("receivingAddress"), "receivingAddress"),
        "results": _list_of_text(record.get("resultsDetails"), "resultsDetails"),
        "legal_basis": legal,
        "requirements": _text(record.get("requirementsAndConditions"), "requirementsAndConditions"),
        "keywords": _list_of_text(record.get("keywords"), "keywords"),
        "description": _text(record.get("description"), "description"),
        "online_level": _online(record.get("onlineServiceLevel")),
        "sample": bool(record.get("isSample", False)),
        "portal_url": _text(record.get("portalUrl"), "portalUrl") or PORTAL_URL.format(code),
        "updated_at": _text(record.get("updatedAt"), "updatedAt") or None,
    }


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
    item["online_level"] = _online(item.get("online_level"))
    item.setdefault("level", "commune")
    item.setdefault("sample", False)
    item.setdefault("portal_url", PORTAL_URL.format(item["code"]))
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
    code = _text(row.get("code"), "code", True)
    return {
        "code": code,
        "name": _text(row.get("name"), "name", True),
        "field": {
            "code": _text(row.get("field_code"), "field_code", True),
            "name": _text(row.get("field_name"), "field_name", True),
        },
        "level": level,
        "kind": _text(row.get("kind"), "kind"),
        "decision": _text(row.get("decision"), "decision"),
        "steps": _split(row.get("steps", "")),
        "methods": [
            {
                "channel": "direct",
                "time": _number(row.get("time"), "time"),
                "time_unit": _text(row.get("time_unit"), "time_unit"),
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
        "portal_url": PORTAL_URL.format(code),
        "updated_at": _text(row.get("updated_at"), "updated_at") or None,
    }
