"""Bad input on the server: one exception root, turned into an answer once per side.

`BadInput(field, message, key=None, **values)`: `field` names what is wrong (or None), `message` says
why in English (the CLI's and the API's words), `key` names the text a dashboard page shows in the
admin's language (the dashboard catalogue, central/locale; `values` fill its `{placeholders}`, a value
named `label` being itself a key: the field's name on the page). Every check of what an admin,
a form, a file or a device sends raises it or a subclass (an import file's problems, a report
period, a time, a call-back, a whole number typed into a form, the devices and officers of
`central.devices` and `central.staff`). It is mapped to an answer in one place each:
- the API (`central/api/errors.py`): `status` (422 unless a subclass says 404 or 409) and `code`
  in the usual error envelope `{"error": {"code", "message"}}`;
- the dashboard (`central/dashboard/__init__.py`): a page in the admin's language (`page`), the text
  named `title` above it, the same envelope under /api/; a form that can show its own notice catches it first;
- the CLI (`central/cli.py:main`): `motcua-central: <message>` on standard error, exit code 2.
"""

INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL (and what SQLite's ids ever reach)
LABELS = {  # field -> (the dashboard catalogue's key of its name on the pages, its name in English)
    "counter": ("label.counter", "Counter"),
    "device_id": ("label.device_id", "Device id"),
    "staff_id": ("label.staff_id", "Officer id"),
    "edit": ("label.edit", "Officer to edit"),
    "admin_id": ("label.admin_id", "Admin id"),
    "token_id": ("label.token_id", "Token id"),
}
RANGES = {"counter": (0, 9999)}  # the counters POST /api/v1/ratings accepts; ids: 1..INT_MAX


class BadInput(ValueError):
    """Input the caller can fix; nothing stored changed. See the module's docstring."""

    status, code = 422, "invalid_request"
    title = "problem.invalid_value"  # the dashboard's page title (a key of its catalogue)

    def __init__(self, field: str | None, message: str, key: str | None = None, **values):
        super().__init__(message)
        self.field, self.message, self.key, self.values = field, message, key, values

    def text(self, t) -> str:
        """What a dashboard page shows, through `t` (central.dashboard.web.translator of its language):
        the text named `key`, else the English message as a sentence."""
        if not self.key:
            return self.message[:1].upper() + self.message[1:]
        values = dict(self.values)
        if "label" in values:
            values["label"] = t(values["label"])
        return t(self.key, **values)

    def page(self, t) -> str:
        """The body of the dashboard's page about it."""
        return t("problem.nothing_changed", problem=self.text(t))


class BadPeriod(BadInput):
    """A report period that cannot be read (the message names the parameter and what is allowed)."""

    title = "problem.invalid_period"

    def __init__(self, message: str):
        super().__init__(None, message)

    def page(self, t) -> str:
        return t("problem.choose_the_period_again", problem=str(self))


class NotFound(BadInput):
    """Something the input names does not exist (404)."""

    status, code = 404, "not_found"


class Conflict(BadInput):
    """The input clashes with what is stored (409)."""

    status, code = 409, "conflict"


def number_field(text: str | int | None, field: str, *, required: bool = True) -> int | None:
    """`text` as a whole number in the field's range; None when empty and not required.

    A value that is not plain ASCII digits ("²", "٣", "1e3", "-1"), or lies outside what the field
    (and both databases' INTEGER columns) can hold, is a BadInput naming the field, never a 500."""
    label, en_name = LABELS[field]
    low, high = RANGES.get(field, (1, INT_MAX))
    value = "" if text is None else str(text).strip()
    if not value:
        if required:
            raise BadInput(field, f"{en_name}: missing.", "problem.missing", label=label)
        return None
    # The value is not repeated: a link can carry any text, and this box must only say what we say.
    if not (value.isascii() and value.isdigit()) or len(value) > 12 or not low <= int(value) <= high:
        raise BadInput(
            field,
            f"{en_name} must be a whole number from {low} to {high}.",
            "problem.whole_number",
            label=label,
            low=low,
            high=high,
        )
    return int(value)
