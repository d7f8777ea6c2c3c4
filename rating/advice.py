"""What the tablet's admin screen says about a delivery problem: advice an officer can act on, in the
screen's language, never the raw exception (that stays in the log, `motcua-rating status` and the
heartbeat the dashboard shows).

Kivy-free. The errors are the strings motcua.client and motcua.worker store as the outbox's
`last_error` ("POST /api/v1/ratings: ConnectionError: HTTPConnectionPool(...)", "... HTTP 401 ...",
"...: no answer within 5 s") and the reasons the outbox keeps for an item the server refused
("rejected: already_rated", "server_error: ...").
"""

import re
from urllib.parse import urlsplit

from rating.texts import text

_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_SECONDS = re.compile(r"no answer within ([\d.]+) s")
_GARBLED = ("not valid JSON", "has no item list", "answered about none")
NO_TOKEN = "no device token configured ([server] token_file)"


def kind(error: str) -> tuple[str, dict]:
    """The kind of a stored delivery error ("unreachable", "timeout", "token", ...) and its facts."""
    seconds = _SECONDS.search(error)
    if seconds:
        return "timeout", {"seconds": seconds.group(1)}
    status = _STATUS.search(error)
    if status:
        code = int(status.group(1))
        if code == 401:
            return "token", {}
        if code == 403:
            return "forbidden", {}
        if code == 404:
            return "not_found", {}
        if code in (408, 429) or code >= 500:
            return "server", {"status": code}
        return "refused", {"status": code}
    if error.startswith("no device token"):
        return "no_token", {}
    if any(g in error for g in _GARBLED):
        return "garbled", {}
    if "Error" in error or "Max retries" in error or "Connection" in error:
        return "unreachable", {}
    return "other", {}


def error_advice(error: str | None, server_url: str, lang: str = "vi") -> str:
    """The advice for the last delivery error (None: none), in `lang`."""
    if not error:
        return ""
    name, facts = kind(error)
    return text("error." + name, lang, host=urlsplit(server_url).netloc or server_url, **facts)


def storage_advice(since: str, lang: str = "vi") -> str:
    """The tablet cannot store ratings (a full or broken disk) since `since`."""
    return text("error.storage", lang, since=since)


def refusal(reason: str | None, lang: str = "vi") -> str:
    """Why the server did not take a rating the outbox keeps aside ("rejected: already_rated")."""
    if not reason:
        return ""
    status, _, why = reason.partition(":")
    why = why.strip()
    if status == "server_error":
        return text("refusal.server_error", lang)
    if why.startswith("invalid:"):
        return text("refusal.invalid", lang, field=why.partition(":")[2])
    if why in ("already_rated", "different_content", "wrong_office", "unknown_staff"):
        return text("refusal." + why, lang)
    return text("refusal.other", lang)
