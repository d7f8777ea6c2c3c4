"""Bad input on the server: one exception root, turned into an answer once per side.

`BadInput(field, message, vi=None)`: `field` names what is wrong (or None), `message` says why in
English (the CLI's words), `vi` in Vietnamese when a page shows it. Every check of what an admin,
a form, a file or a device sends raises it or a subclass (an import file's problems, a report
period, a time, a call-back, a whole number typed into a form, the devices and officers of
`central.devices` and `central.staff`). It is mapped to an answer in one place each:
- the API (`central/api/errors.py`): `status` (422 unless a subclass says 404 or 409) and `code`
  in the usual error envelope `{"error": {"code", "message"}}`;
- the dashboard (`central/dashboard/__init__.py`): a page in the admin's language, `title` above
  it, the same envelope under /api/; a form that can show its own notice catches it first;
- the CLI (`central/cli.py:main`): `motcua-central: <message>` on standard error, exit code 2.
"""

INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL (and what SQLite's ids ever reach)
LABELS = {  # field -> (Vietnamese, English) as the pages name it
    "counter": ("Số quầy", "Counter"),
    "device_id": ("Số thiết bị", "Device id"),
    "staff_id": ("Số cán bộ", "Officer id"),
    "edit": ("Số cán bộ cần sửa", "Officer to edit"),
    "admin_id": ("Số tài khoản quản trị", "Admin id"),
    "token_id": ("Số mã truy cập", "Token id"),
}
RANGES = {"counter": (0, 9999)}  # the counters POST /api/v1/ratings accepts; ids: 1..INT_MAX


class BadInput(ValueError):
    """Input the caller can fix; nothing stored changed. See the module's docstring."""

    status, code = 422, "invalid_request"
    title = ("Giá trị không hợp lệ", "Invalid value")  # the dashboard's page title

    def __init__(self, field: str | None, message: str, vi: str | None = None):
        super().__init__(message)
        self.field, self.message, self.vi = field, message, vi

    def text(self, lang: str) -> str:
        """What a page in `lang` (vi | en) shows: the Vietnamese when there is one, else the English
        as a sentence."""
        if lang == "vi" and self.vi:
            return self.vi
        return self.message[:1].upper() + self.message[1:]

    def page(self, lang: str) -> str:
        """The body of the dashboard's page about it."""
        return self.text(lang) + (" Không có gì thay đổi." if lang == "vi" else " Nothing was changed.")


class NotFound(BadInput):
    """Something the input names does not exist (404)."""

    status, code = 404, "not_found"


class Conflict(BadInput):
    """The input clashes with what is stored (409)."""

    status, code = 409, "conflict"


class BadField(BadInput):
    """A whole number typed into a form, an address or a link that is not one, or is out of its range."""

    def __init__(self, vi: str, en: str, field: str | None = None):
        super().__init__(field, en, vi)

    @property
    def en(self) -> str:
        return self.message


def number_field(text: str | int | None, field: str, *, required: bool = True) -> int | None:
    """`text` as a whole number in the field's range; None when empty and not required.

    A value that is not plain ASCII digits ("²", "٣", "1e3", "-1"), or lies outside what the field
    (and both databases' INTEGER columns) can hold, is a BadField naming the field in Vietnamese and
    English, never a 500."""
    vi_name, en_name = LABELS[field]
    low, high = RANGES.get(field, (1, INT_MAX))
    value = "" if text is None else str(text).strip()
    if not value:
        if required:
            raise BadField(f"{vi_name}: chưa nhập.", f"{en_name}: missing.", field)
        return None
    # The value is not repeated: a link can carry any text, and this box must only say what we say.
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or not low <= int(value) <= high:
        raise BadField(
            f"{vi_name} phải là số nguyên từ {low} đến {high}.",
            f"{en_name} must be a whole number from {low} to {high}.",
            field,
        )
    return int(value)
