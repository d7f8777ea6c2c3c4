"""What the dashboard's "Nguồn hồ sơ" page says about a connector's last error: first a sentence an
admin can act on, in the page's language (connectors.advice.<kind> in central/locale), then the raw
cause as central.connectors.sync stored it, labelled for IT.

The errors are the messages central.connectors.sources and sync build ("connector tinh (URL): GET
URL: no answer within 5 s", "... HTTP 401 the credential was refused ...", "... the answer is not JSON
...", "... 7 items of 15 asked, though the total is 20", "... office X is not on the server ...")."""

import re

_SECONDS = re.compile(r"no answer within ([\d.]+) s\b")
_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_ERROR_CODE = re.compile(r"\berror_code ([^:\s)]+)")
_UNREACHABLE = ("cannot connect",)
_GARBLED = (
    "the answer is not JSON",
    "the answer broke off before its end",
    "expected {",  # a list without {"total", "data"}
    "expected an object",
    "expected a list",
    "no list of items",
    "though the total is",  # a half page
)
KINDS = (
    "timeout",
    "unreachable",
    "credentials",
    "forbidden",
    "source_fault",
    "not_found",
    "refused",
    "garbled",
    "office",
    "other",
)


def error_kind(message: str) -> tuple[str, dict]:
    """The kind of a stored connector error (one of KINDS) and the facts its advice names."""
    message = message or ""
    seconds = _SECONDS.search(message)
    if seconds:
        return "timeout", {"seconds": seconds.group(1)}
    if any(u in message for u in _UNREACHABLE):
        return "unreachable", {}
    status = _STATUS.search(message)
    if status:
        code = int(status.group(1))
        if code == 401:
            return "credentials", {}
        if code == 403:
            return "forbidden", {}
        if code == 404:
            return "not_found", {}
        if code >= 500 or code in (408, 429):
            return "source_fault", {"status": code}
        return "refused", {"status": code}
    if "IP_DISALLOWED" in message:  # the exchange platform's "101 IP_DISALLOWED": the allow-list
        return "forbidden", {}
    if "login refused" in message:  # the exchange platform's login: error_code, not an HTTP status
        return "credentials", {}
    if any(g in message for g in _GARBLED):
        return "garbled", {}
    if "is not on the server" in message and " office " in message:
        return "office", {}
    code = _ERROR_CODE.search(message)
    if code:
        return "refused", {"status": code.group(1)}
    return "other", {}


def advice_key(message: str) -> tuple[str, dict]:
    """(dashboard text key, values) of the advice for a stored connector error."""
    kind, facts = error_kind(message)
    return f"connectors.advice.{kind}", facts
