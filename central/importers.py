"""Imports of procedures and dossiers: validate the whole file first, then write it in one go.

A file with any problem writes nothing; every problem is reported with its line (CSV) or item
number (JSON) and field, e.g. `dossiers.csv line 14, due_at: "31/02/2025" is not a date ...`.
"""

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from central import portal
from central.catalogue import delete_procedures, upsert_procedures
from central.errors import BadInput
from central.security import LOOKUP_SECRET_MIN_LENGTH, lookup_key, secret_hash
from central.dossiers import store as store_dossiers
from central.storage.schema import offices, procedures
from central.timeutil import FIRST_YEAR, LAST_YEAR, BadTime, parse_time, to_db, utcnow
from motcua import dossier_code

MAX_REPORTED = 50
DOSSIER_COLUMNS = [
    "code",
    "procedure_code",
    "holder_name",
    "phone",
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "secret",
]
# Optional reporting columns (REPORTING.md): how the dossier was submitted, when, the appointment after
# an extension, the apology letter, a complaint (phản ánh, kiến nghị).
CHANNEL_CODES = {"1": 1, "2": 2, "3": 3, "direct": 1, "online": 2, "postal": 3}
REPORTING_COLUMNS = ["channel", "submitted_at", "extended_due_at", "apology_at", "complaint"]
PROCEDURE_HELP = (
    "Import procedures from a JSON file in any of these shapes:\n"
    "- the national portal's (dichvucong.gov.vn) detail JSON: one record, a list of records, or the\n"
    '  answer {"code": "OK", "data": {...}}; fields id (its UUID: the kiosk\'s QR and the slip link\n'
    "  to https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}), code, name, category/categoriesDetails,\n"
    "  decisionNo, type, isWard/isProvince/isMinistry, executionSteps {name, description},\n"
    "  executionMethods {submissionMethod DIRECT | ONLINE | POSTAL | DIRECT_AND_ONLINE,\n"
    "  processingTime, processingTimeUnit WORKING_DAY | DAY | HOUR | MONTH | YEAR | OTHER (then\n"
    "  cases[].processingDay), fees {value, description}}, executionCases, legalBasisesDetails\n"
    "  {code, name}, resultsDetails, departmentsExecuting, keywords, updatedAt (epoch ms or ISO);\n"
    "  the older shape (amount, number/title, decisionNumber, ...) is read too;\n"
    "- the national exchange API's LayThuTuc records (MATTHC, TENTTHC, LINHVUCTHUCHIEN, ...); one whose\n"
    "  TRANGTHAI is not 1 (not in force) is not imported, and is withdrawn if the catalogue has it;\n"
    "- the project's own item shape (docs/ARCHITECTURE.md).\n"
    "Unknown fields are ignored. Or from a CSV (UTF-8, header row) with these columns:\n"
    + "\n".join(f"  {k:<13} {v}" for k, v in portal.PROCEDURE_CSV_COLUMNS.items())
    + "\nand optionally:\n"
    + "\n".join(f"  {k:<13} {v}" for k, v in portal.PROCEDURE_CSV_OPTIONAL.items())
    + "\nA file with any bad record imports nothing (each problem is named: item or line, code, field).\n"
    "Procedures already present are updated; kiosks receive the change on their next sync.\n"
    "To fetch changes from the portal itself: motcua-central sync procedures."
)
DOSSIER_HELP = (
    "Import or update dossiers from a JSON list or a CSV (UTF-8, header row, separated by commas or by\n"
    "semicolons as Excel saves it in a Vietnamese locale) with the columns\n"
    "  " + ", ".join(DOSSIER_COLUMNS) + "\n"
    "and optionally: office, procedure_name, status_at, steps (a JSON list of {name, unit, status,\n"
    "started_at, finished_at, due_at}), and the reporting columns\n"
    "  channel          1 trực tiếp (in person), 2 trực tuyến (online), 3 bưu chính (by post);\n"
    "                   empty: counted with in person\n"
    "  submitted_at     when it was submitted (received_at is when the office accepted it)\n"
    "  extended_due_at  the new appointment after an apology letter (the dossier stays judged\n"
    "                   against due_at, the appointment on the receipt)\n"
    "  apology_at       when the apology letter (Mẫu 04) was issued\n"
    "  complaint        a complaint (phản ánh, kiến nghị) about the dossier, as text\n"
    "A dossier in status 1 is never counted as received. A procedure_code not in the catalogue is\n"
    "imported with a warning naming it (the kiosk shows the code until the catalogue has the procedure).\n"
    "So is a code not of the form UNIT-YYMMDD-NNNN (the kiosk and the tablet cannot read it).\n"
    "Times are ISO 8601, e.g. 2025-11-03T17:00:00+07:00 (a time\n"
    "without offset is read as office time, +07:00). status is the national code 1-10. The office\n"
    "is the 'office' column, else --office, else the office whose unit code prefixes the dossier\n"
    "code. An existing code is updated (its steps replaced). secret is the receipt's lookup secret\n"
    "(mã tra cứu): empty, or at least 6 characters; only a keyed hash of it is stored."
)


_Q = r'(".*")'  # a quoted value as the validators print it
VIETNAMESE = [
    (re.compile(pattern), vi)
    for pattern, vi in [  # the validators' messages, as the dashboard shows them
        (r"^(.*?) line (\d+)(?=[,:])", r"\1 dòng \2"),
        (r"^(.*?) item (\d+)(?=[,:]| \()", r"\1 mục \2"),
        (r": is missing$", ": còn thiếu"),
        (r": must be text$", ": phải là văn bản (chuỗi ký tự)"),
        (r": must be a list$", ": phải là một danh sách"),
        (r": must be a JSON object$", ": phải là một đối tượng JSON"),
        (r": must be an object \{code, name\}$", ": phải là một đối tượng {code, name}"),
        (r": each entry must be an object$", ": mỗi mục phải là một đối tượng"),
        (r": must be an object$", ": phải là một đối tượng"),
        (r": must be a JSON list of (\{.*\})$", r": phải là một danh sách JSON các \1"),
        (r": " + _Q + r" is not a number$", r": \1 không phải là số"),
        (r": " + _Q + r" is not full/partial", r": \1 không phải full/partial"),
        (r": " + _Q + r" is not DIRECT, ONLINE or POSTAL$", r": \1 không phải DIRECT, ONLINE hoặc POSTAL"),
        (
            r": " + _Q + r" is not DIRECT, ONLINE, POSTAL or DIRECT_AND_ONLINE$",
            r": \1 không phải DIRECT, ONLINE, POSTAL hoặc DIRECT_AND_ONLINE",
        ),
        (
            r": " + _Q + r" is not 1 \(trực tiếp\), 2 \(trực tuyến\) or 3 \(bưu chính\)$",
            r": \1 không phải 1 (trực tiếp), 2 (trực tuyến) hoặc 3 (bưu chính)",
        ),
        (r": " + _Q + r" is below 0$", r": \1 nhỏ hơn 0"),
        (r": " + _Q + r" is not a time$", r": \1 không phải thời điểm"),
        (
            r": " + _Q + r" is not epoch milliseconds between the years (\d+) and (\d+)$",
            r": \1 không phải số mili giây (epoch) trong các năm \2 đến \3",
        ),
        (
            r": " + _Q + r" is not the portal's id \(a UUID like (\S+); empty = no link\)$",
            r": \1 không phải mã của thủ tục trên Cổng (dạng UUID như \2; để trống = không có liên kết)",
        ),
        (
            r": is missing \(the procedure's field, \{MALINHVUC, TENLINHVUC\}\)$",
            ": còn thiếu (lĩnh vực của thủ tục, {MALINHVUC, TENLINHVUC})",
        ),
        (
            r": contains a NUL character or a lone surrogate, which cannot be stored$",
            ": có ký tự NUL hoặc ký tự không hợp lệ, không lưu được",
        ),
        (
            r": the answer is an error, not procedures: code (.*)$",
            r": tệp là một thông báo lỗi, không phải danh sách thủ tục: mã \1",
        ),
        (
            r": expected procedure records: a JSON list, one record, or an object with 'items' or 'data'$",
            ": cần các bản ghi thủ tục: một danh sách JSON, một bản ghi, hoặc một đối tượng có 'items' hay 'data'",
        ),
        (
            r": " + _Q + r" is not commune, province or ministry$",
            r": \1 không phải commune (xã), province (tỉnh) hoặc ministry (bộ)",
        ),
        (
            r": " + _Q + r" is not a date \(expected ISO 8601 like (\S+)\)$",
            r": \1 không phải ngày giờ (cần dạng ISO 8601, ví dụ \2)",
        ),
        (r": " + _Q + r" has no UTC offset \(expected like (\S+)\)$", r": \1 thiếu múi giờ (cần dạng như \2)"),
        (r": " + _Q + r" is not in the years (\d+)-(\d+)$", r": \1 không nằm trong các năm \2-\3"),
        (r": " + _Q + r" is not a national status code 1-10$", r": \1 không phải mã trạng thái quốc gia 1-10"),
        (
            r": " + _Q + r" is not a channel 1-3 \(1 direct, 2 online, 3 postal\)$",
            r": \1 không phải kênh nộp 1-3 (1 trực tiếp, 2 trực tuyến, 3 bưu chính)",
        ),
        (r": " + _Q + r" is not a status code 1-10$", r": \1 không phải mã trạng thái 1-10"),
        (r": " + _Q + r" is not a known office$", r": \1 không phải đơn vị đã khai báo trên máy chủ"),
        (r": is shorter than (\d+) characters$", r": ngắn hơn \1 ký tự"),
        (r": is longer than (\d+) characters$", r": dài hơn \1 ký tự"),
        (r": is before received_at$", ": sớm hơn received_at (ngày tiếp nhận)"),
        (
            r": no office column, no --office, and no office has the unit code (.*)$",
            r": không có cột office, chưa chọn đơn vị, và không đơn vị nào có mã đơn vị \1",
        ),
        (r": (\S+) appears twice in the file$", r": \1 xuất hiện hai lần trong tệp"),
        (
            r": not UTF-8 text \(byte (\d+)\); save it as UTF-8$",
            r": không phải văn bản UTF-8 (byte \1); hãy lưu lại tệp dạng UTF-8",
        ),
        (r": not valid JSON \((.*)\)$", r": không phải JSON hợp lệ (\1)"),
        (
            r": expected a JSON list of records \(or an object with 'items'\)$",
            ": cần một danh sách JSON các bản ghi (hoặc một đối tượng có 'items')",
        ),
        (r": empty file \(a header row is needed\)$", ": tệp rỗng (cần một dòng tiêu đề)"),
        (r": no such office \(motcua-central office add\)$", ": không có đơn vị này (motcua-central office add)"),
        (r"^(\d+) dossiers: (\d+) added, (\d+) updated$", r"\1 hồ sơ: \2 thêm mới, \3 cập nhật"),
        (
            r"^(\d+) procedures: (\d+) added, (\d+) updated, (\d+) unchanged$",
            r"\1 thủ tục: \2 thêm mới, \3 cập nhật, \4 không đổi",
        ),
        (
            r"^(\d+) procedures not in force \(TRANGTHAI other than 1\), not imported: (.*)$",
            r"\1 thủ tục không còn hiệu lực (TRANGTHAI khác 1), không nhập: \2",
        ),
        (
            r"^(\d+) procedures withdrawn from the catalogue \(kiosks drop them on their next sync\): (.*)$",
            r"\1 thủ tục đã gỡ khỏi danh mục (máy tra cứu bỏ các thủ tục này ở lần đồng bộ sau): \2",
        ),
        (
            r"^warning: (\d+) dossiers? names? a procedure code not in the catalogue \((.*)\): import the "
            r"procedures \(motcua-central import procedures FILE\) so that the kiosk and the reports can name it$",
            r"lưu ý: \1 hồ sơ có mã thủ tục chưa có trong danh mục (\2): hãy nhập danh mục thủ tục "
            r"(motcua-central import procedures TỆP) để máy tra cứu và báo cáo hiện được tên thủ tục",
        ),
        (
            r"^warning: (\d+) dossiers? (?:has|have) a code the kiosk and the tablet cannot read \((.*)\): a "
            r"dossier code is UNIT-YYMMDD-NNNN as on the receipt, e\.g\. 000\.00\.31\.H29-251103-0007$",
            r"lưu ý: \1 hồ sơ có mã mà máy tra cứu và máy đánh giá không đọc được (\2): mã hồ sơ có dạng "
            r"mã đơn vị-YYMMDD-NNNN như trên giấy hẹn, ví dụ 000.00.31.H29-251103-0007",
        ),
        (
            r": a (\S+) file is neither CSV nor JSON; save it as CSV UTF-8 \(in Excel: File, Save As, "
            r"CSV UTF-8\) or as JSON$",
            r": tệp \1 không phải CSV hay JSON; hãy lưu lại dạng CSV UTF-8 (trong Excel: Tệp, Lưu thành, "
            r"CSV UTF-8) hoặc JSON",
        ),
        (
            r": a file without an extension is neither CSV nor JSON; save it as CSV UTF-8 \(in Excel: File, "
            r"Save As, CSV UTF-8\) or as JSON$",
            r": tệp không có đuôi .csv hay .json; hãy lưu lại dạng CSV UTF-8 (trong Excel: Tệp, Lưu thành, "
            r"CSV UTF-8) hoặc JSON",
        ),
    ]
]


def in_vietnamese(message: str) -> str:
    """An import problem or summary as the Vietnamese dashboard shows it (the CLI keeps the English);
    the message's own values (file names, fields, quoted cells) stay as they were. Line by line."""
    lines = []
    for line in message.split("\n"):
        for pattern, vi in VIETNAMESE:
            line = pattern.sub(vi, line, count=1)
        lines.append(line)
    return "\n".join(lines)


class ImportProblems(BadInput):
    """Every problem found in a file (nothing was written)."""

    def __init__(self, problems: list[str]):
        shown = problems[:MAX_REPORTED]
        more = f"\n... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        super().__init__("file", "nothing imported; fix these and retry:\n" + "\n".join(shown) + more)
        self.problems = problems


def read_records(path: Path, unwrap=None) -> list[tuple[str, dict]]:
    """(where, record) pairs: 'file line N' for CSV, 'file item N' for JSON (`unwrap`: JSON → its list
    of records, raising BadInput; by default a list, or an object's 'items'/'data'/'result')."""
    name = path.name
    if path.suffix.lower() not in (".csv", ".json"):  # e.g. an Excel workbook, an export renamed .txt
        kind = f"a {path.suffix.lower()} file" if path.suffix else "a file without an extension"
        raise ImportProblems(
            [
                f"{name}: {kind} is neither CSV nor JSON; save it as CSV UTF-8 "
                "(in Excel: File, Save As, CSV UTF-8) or as JSON"
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportProblems([f"{name}: not UTF-8 text (byte {err.start}); save it as UTF-8"]) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ImportProblems([f"{name} line {err.lineno}: not valid JSON ({err.msg})"]) from None
        if unwrap is not None:
            try:
                data = unwrap(data)
            except BadInput as bad:
                raise ImportProblems([f"{name}: {bad}"]) from None
        elif isinstance(data, dict):
            data = data.get("items", data.get("data", data.get("result")))
        if not isinstance(data, list):
            raise ImportProblems([f"{name}: expected a JSON list of records (or an object with 'items')"])
        return [(f"{name} item {i}", rec) for i, rec in enumerate(data, 1)]
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    if not reader.fieldnames:
        raise ImportProblems([f"{name}: empty file (a header row is needed)"])
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
    records = []
    for row in reader:
        row.pop(None, None)  # extra cells without a header
        records.append((f"{name} line {reader.line_num}", row))
    return records


def _delimiter(text: str) -> str:
    """The CSV's separator, read from its header row: a comma, or the semicolon that Excel writes where
    the decimal separator is a comma (a Vietnamese or European locale), or a tab."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _time(record: dict, field: str, required: bool = False):
    value = record.get(field)
    if value in (None, ""):
        if required:
            raise portal.BadRecord(field, "is missing")
        return None
    try:
        return to_db(typed_time(value))
    except BadTime as bad:
        raise portal.BadRecord(field, str(bad)) from None


def typed_time(value) -> datetime:
    """An import file's time (office time when it has no offset), in years FIRST_YEAR..LAST_YEAR."""
    moment = parse_time(value, allow_naive=True)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadTime(f'"{value}" is not in the years {FIRST_YEAR}-{LAST_YEAR}')
    return moment


def import_procedures_file(engine, path: Path) -> str:
    items, problems, seen, retired = [], [], set(), []
    is_csv = path.suffix.lower() == ".csv"
    for where, record in read_records(path, portal.records_in):
        try:
            code = None if is_csv else portal.not_in_force(record)
            if code is not None:  # never offered to citizens: left out, and withdrawn if the catalogue has it
                if code in seen:
                    problems.append(f"{where}, code: {code} appears twice in the file")
                seen.add(code)
                retired.append(code)
                continue
            item = portal.from_csv_row(record) if is_csv else portal.from_portal(record)
            if item.get("updated_at"):
                item["updated_at"] = typed_time(item["updated_at"]).isoformat()
        except portal.BadRecord as bad:
            problems.append(f"{where}{portal.record_label(record)}, {bad}")
            continue
        except BadTime as bad:
            problems.append(f"{where}{portal.record_label(record)}, updated_at: {bad}")
            continue
        if item["code"] in seen:
            problems.append(f"{where}, code: {item['code']} appears twice in the file")
        seen.add(item["code"])
        items.append(item)
    if problems:
        raise ImportProblems(problems)
    with engine.begin() as conn:
        counts = upsert_procedures(conn, items)
        withdrawn = [code for code in retired if delete_procedures(conn, [code])]
    summary = (
        f"{len(items)} procedures: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
    )
    if retired:
        summary += f"\n{len(retired)} procedures not in force (TRANGTHAI other than 1), not imported: {_codes(retired)}"
    if withdrawn:
        summary += (
            f"\n{len(withdrawn)} procedures withdrawn from the catalogue (kiosks drop them on their next sync): "
            f"{_codes(withdrawn)}"
        )
    return summary


def _codes(codes: list[str], shown: int = 10) -> str:
    """The first `shown` codes of a summary line, and how many more."""
    return ", ".join(codes[:shown]) + (f" and {len(codes) - shown} more" if len(codes) > shown else "")


def _steps(value, where_field="steps") -> list[dict]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise portal.BadRecord(
                where_field, "must be a JSON list of {name, unit, status, started_at, finished_at}"
            ) from None
    if not isinstance(value, list):
        raise portal.BadRecord(where_field, "must be a list")
    steps = []
    for i, step in enumerate(value, 1):
        if not isinstance(step, dict):
            raise portal.BadRecord(f"steps[{i}]", "must be an object")
        status = step.get("status")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 1 <= status <= 10):
            raise portal.BadRecord(f"steps[{i}].status", f'"{status}" is not a status code 1-10')
        steps.append(
            {
                "position": i,
                "name": portal._text(step.get("name"), f"steps[{i}].name", True),
                "unit": portal._text(step.get("unit"), f"steps[{i}].unit"),
                "status": status,
                "started_at": _time(step, "started_at"),
                "finished_at": _time(step, "finished_at"),
                "due_at": _time(step, "due_at"),
            }
        )
    return steps


def check_dossier(record: dict, office_for, *, secret_key: bytes) -> tuple[dict, list[dict]]:
    """One import record → (dossier columns, steps) for `dossiers.store`, or raises BadRecord naming
    the field.
    `secret_key`: the database's key for lookup secrets (security.lookup_key)."""
    if not isinstance(record, dict):
        raise portal.BadRecord("item", "must be an object")
    code = dossier_code.normalise(portal._text(record.get("code"), "code", True))
    if len(code) > 64:
        raise portal.BadRecord("code", "is longer than 64 characters")
    raw_status = str(record.get("status", "")).strip()
    if not (raw_status.isascii() and raw_status.isdigit()) or not 1 <= int(raw_status) <= 10:
        raise portal.BadRecord("status", f'"{raw_status}" is not a national status code 1-10')
    secret = portal._text(record.get("secret"), "secret")
    if secret and len(secret) < LOOKUP_SECRET_MIN_LENGTH:  # a short one is guessed at the kiosk
        raise portal.BadRecord("secret", f"is shorter than {LOOKUP_SECRET_MIN_LENGTH} characters")
    phone = portal._text(record.get("phone"), "phone")
    if len(phone) > 32:
        raise portal.BadRecord("phone", "is longer than 32 characters")
    values = {
        "code": code,
        "procedure_code": portal._text(record.get("procedure_code"), "procedure_code", True),
        "procedure_name": portal._text(record.get("procedure_name"), "procedure_name"),
        "holder_name": portal._text(record.get("holder_name"), "holder_name", True),
        "phone": phone or None,
        "status": int(raw_status),
        "received_at": _time(record, "received_at", True),
        "due_at": _time(record, "due_at"),
        "finished_at": _time(record, "finished_at"),
        "returned_at": _time(record, "returned_at"),
        "status_at": _time(record, "status_at"),
        "secret_hash": secret_hash(secret_key, secret) if secret else None,
        **_reporting(record),
    }
    for field in ("due_at", "finished_at", "returned_at", "extended_due_at", "apology_at"):
        if values.get(field) is not None and values[field] < values["received_at"]:
            raise portal.BadRecord(field, "is before received_at")
    values["office_code"] = office_for(code, portal._text(record.get("office"), "office"))
    return values, _steps(record.get("steps"))


def _reporting(record: dict) -> dict:
    """The optional reporting columns of an import record (only those it gives, so an import without
    them keeps what an admin recorded, e.g. a complaint)."""
    out = {}
    if "channel" in record:
        raw = str(record.get("channel") or "").strip().lower()
        if raw and raw not in CHANNEL_CODES:
            raise portal.BadRecord("channel", f'"{raw}" is not a channel 1-3 (1 direct, 2 online, 3 postal)')
        out["channel"] = CHANNEL_CODES.get(raw)
    for name in ("submitted_at", "extended_due_at", "apology_at"):
        if name in record:
            out[name] = _time(record, name)
    if "complaint" in record:
        complaint = portal._text(record.get("complaint"), "complaint")
        if len(complaint) > 2000:
            raise portal.BadRecord("complaint", "is longer than 2000 characters")
        out["complaint"] = complaint or None
        out["complaint_at"] = utcnow() if complaint else None
    return out


def import_dossiers_file(engine, path: Path, office: str | None = None) -> str:
    with engine.connect() as conn:
        key = lookup_key(conn)
        known = {r.code: r.unit_code for r in conn.execute(select(offices.c.code, offices.c.unit_code))}
        names = dict(conn.execute(select(procedures.c.code, procedures.c.name)).all())
    by_unit = {unit: code for code, unit in known.items() if unit}
    if office and office not in known:
        raise ImportProblems([f"--office {office}: no such office (motcua-central office add)"])

    def office_for(code: str, column: str) -> str:
        chosen = column or office or by_unit.get(code.rsplit("-", 2)[0])
        if not chosen:
            raise portal.BadRecord(
                "office", f"no office column, no --office, and no office has the unit code {code.rsplit('-', 2)[0]!r}"
            )
        if chosen not in known:
            raise portal.BadRecord("office", f'"{chosen}" is not a known office')
        return chosen

    rows, problems, seen = [], [], set()
    for where, record in read_records(path):
        try:
            values, steps = check_dossier(record, office_for, secret_key=key)
        except portal.BadRecord as bad:
            problems.append(f"{where}, {bad}")
            continue
        if values["code"] in seen:
            problems.append(f"{where}, code: {values['code']} appears twice in the file")
        seen.add(values["code"])
        values["procedure_name"] = values["procedure_name"] or names.get(values["procedure_code"], "")
        rows.append((values, steps))
    if problems:
        raise ImportProblems(problems)
    with engine.begin() as conn:
        added, updated = store_dossiers(conn, rows)
    summary = f"{len(rows)} dossiers: {added} added, {updated} updated"
    # Imported too (another system's numbering is still the office's record), but a citizen can never
    # look such a dossier up: the kiosk and the tablet read only codes of motcua.dossier_code's shape.
    odd = sorted(values["code"] for values, _ in rows if not dossier_code.is_valid(values["code"]))
    if odd:
        shown = _codes(odd, 5)
        who = "1 dossier has" if len(odd) == 1 else f"{len(odd)} dossiers have"
        summary += (
            f"\nwarning: {who} a code the kiosk and the tablet cannot read ({shown}): a dossier code is "
            "UNIT-YYMMDD-NNNN as on the receipt, e.g. 000.00.31.H29-251103-0007"
        )
    # Imported all the same (the catalogue may come later; a file is never refused for it), but said:
    # until then the kiosk shows the procedure's code (or the file's procedure_name) and reports lack it.
    unknown = [values for values, _ in rows if values["procedure_code"] not in names]
    if unknown:
        codes = sorted({v["procedure_code"] for v in unknown})
        shown = _codes(codes, 5)
        who = "1 dossier names" if len(unknown) == 1 else f"{len(unknown)} dossiers name"
        summary += (
            f"\nwarning: {who} a procedure code not in the "
            f"catalogue ({shown}): import the procedures (motcua-central import procedures FILE) so that the "
            "kiosk and the reports can name it"
        )
    return summary
