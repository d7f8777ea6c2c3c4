"""Whole numbers typed into dashboard forms, addresses and links: one check for every field.

A value that is not plain ASCII digits ("²", "٣", "1e3"), or lies outside what the field (and both
databases' INTEGER columns) can hold, is a `BadField` naming the field in Vietnamese and English:
a 422 page (or the form's own message), never a 500, and nothing stored changes. Days of report
periods are checked by `central.reports.parse_period` (the same for the pages and the JSON API).
"""
from fastapi import FastAPI, Request

INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL (and what SQLite's ids ever reach)
LABELS = {  # field -> (Vietnamese, English) as the page names it
    "counter": ("Số quầy", "Counter"),
    "device_id": ("Số thiết bị", "Device id"),
    "staff_id": ("Số cán bộ", "Officer id"),
    "edit": ("Số cán bộ cần sửa", "Officer to edit"),
    "admin_id": ("Số tài khoản quản trị", "Admin id"),
    "token_id": ("Số mã truy cập", "Token id"),
}
RANGES = {"counter": (0, 9999)}  # the counters POST /api/v1/ratings accepts; ids: 1..INT_MAX


class BadField(Exception):
    """A form field that is not a whole number in its range; `vi` and `en` say which and why."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def number_field(text: str | int | None, field: str, *, required: bool = True) -> int | None:
    """`text` as a whole number in the field's range; None when empty and not required."""
    vi_name, en_name = LABELS[field]
    low, high = RANGES.get(field, (1, INT_MAX))
    value = "" if text is None else str(text).strip()
    if not value:
        if required:
            raise BadField(f"{vi_name}: chưa nhập.", f"{en_name}: missing.")
        return None
    # The value is not repeated: a link can carry any text, and this box must only say what we say.
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or not low <= int(value) <= high:
        raise BadField(f"{vi_name} phải là số nguyên từ {low} đến {high}.",
                       f"{en_name} must be a whole number from {low} to {high}.")
    return int(value)


def install(app: FastAPI) -> None:
    """A BadField no form handled itself: a 422 page naming the field."""
    from central.dashboard.web import render

    @app.exception_handler(BadField)
    async def _bad_field(request: Request, exc: BadField):
        return render(request, "message.html", status=422, title=("Giá trị không hợp lệ", "Invalid value"),
                      message=(exc.vi + " Không có gì thay đổi.", exc.en + " Nothing was changed."))
