"""Server settings: each declared once with its default and help; read from central.ini and env.

Precedence: defaults < `[server]` section of the config file (`--config`, env `MOTCUA_CENTRAL_CONFIG`)
< environment `MOTCUA_<NAME>` (e.g. `MOTCUA_LOOKUP_MISSES_PER_MINUTE=50`). `config/central.ini`
documents every key; a test checks that it does.
"""
import configparser
import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = [
    Setting("db", "var/central.db", "Database: a SQLite file path or a postgresql:// URL "
            "(overridden by --db and MOTCUA_DB)."),
    Setting("db_pool_size", 40, "PostgreSQL only: database connections each server process keeps "
            "open (the request threadpool has 40 threads); with N processes PostgreSQL needs "
            "N x 1.25 x this many connections. At least 1."),
    Setting("max_body_bytes", 1_048_576, "Largest request body accepted; larger ones get 413 "
            "before anything is parsed."),
    Setting("requests_per_minute_per_token", 1200, "Budget of requests per device or admin token "
            "per minute; above it 429 with Retry-After."),
    Setting("lookup_misses_per_minute", 10, "Dossier lookups per device per minute that may miss "
            "(unknown code or wrong secret) before 429: codes are guessable, so probing is slowed. "
            "Counted in the database: all server processes together allow this many."),
    Setting("max_ratings_per_batch", 500, "Most ratings accepted in one POST /api/v1/ratings."),
    Setting("idempotency_keep_days", 30, "Days a batch's stored answer replays for a resent "
            "Idempotency-Key; older ones are removed hourly (a batch resent later is still safe: its "
            "items are answered duplicate by id). At least 1."),
    Setting("device_silent_minutes", 15, "Minutes without a heartbeat after which the dashboard's "
            "device list shows a kiosk or tablet in red as silent."),
    Setting("max_in_flight", 128, "Requests in flight per server process past which new ones are "
            "answered 503 + Retry-After at once, before their body is read (0 = never shed; "
            "/healthz is never shed)."),
    Setting("admin_token_days", 90, "Days an admin API token works after it was issued; then 401 "
            "and a new one is needed ('motcua-central admin token NAME'). 0 = tokens never expire."),
    Setting("max_in_flight_unauthenticated", 16, "Requests with a body (POST, PUT, ...) and no "
            "valid device or admin token (dashboard forms, strangers) in flight at once per server "
            "process; more get 503 at once. The token is checked before the body is read, so "
            "stalled uploads from strangers never take the devices' places (0 = no separate limit)."),
    Setting("body_timeout", 20, "Seconds a request's whole body may take to arrive; a slower or "
            "stalled one gets 408 and its connection is closed. At least 1."),
    Setting("shed_retry_after", 5, "Largest Retry-After (seconds) of a shed request; each answer "
            "picks 1..this at random so a reconnect storm comes back spread out."),
    Setting("custom_reason_codes", "", "Reason codes of the office's own, comma-separated, that "
            "tablets may send besides the standard ones (thai_do, cho_lau, huong_dan, "
            "giay_to_ngoai_quy_dinh): the codes added to [reasons] codes in rating.ini. A rating "
            "with any other code is rejected (invalid:reasons)."),
]


# Keys older config files may still hold: a warning, not a refusal to start.
RETIRED = {"timezone_offset_hours": "offices are in Asia/Ho_Chi_Minh (motcua.officetime); remove the line"}
AT_LEAST_ONE = {"db_pool_size", "max_body_bytes", "requests_per_minute_per_token", "max_ratings_per_batch",
                "body_timeout", "idempotency_keep_days"}


class Settings(dict):
    """Settings as attributes: `settings.max_body_bytes`."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def load_settings(path: str | None = None, overrides: dict | None = None) -> Settings:
    values = Settings({s.name: s.default for s in SETTINGS})
    path = path or os.environ.get("MOTCUA_CENTRAL_CONFIG")
    raw: dict[str, str] = {}
    if path:
        parser = configparser.ConfigParser()
        if not parser.read(path, encoding="utf-8"):
            raise SystemExit(f"config file {path} cannot be read")
        if parser.has_section("server"):
            raw.update(parser["server"])
    source = {name: f"{path} [server] {name}" for name in raw}
    for s in SETTINGS:
        env = os.environ.get("MOTCUA_" + s.name.upper())
        if env is not None and s.name != "db":
            raw[s.name] = env
            source[s.name] = f"environment MOTCUA_{s.name.upper()}"
    known = {s.name: s for s in SETTINGS}
    for name in [n for n in raw if n in RETIRED]:
        log.warning("%s: [server] %s is no longer read: %s", path, name, RETIRED[name])
        del raw[name]
    for name, text in raw.items():
        if name not in known:
            raise SystemExit(f"{path}: unknown setting [server] {name} (known: {', '.join(known)})")
        default = known[name].default
        try:
            values[name] = int(text) if isinstance(default, int) else text
        except ValueError:
            raise SystemExit(f"{source[name]} = {text!r}: expected a whole number") from None
        if name in AT_LEAST_ONE and values[name] < 1:
            raise SystemExit(f"{source[name]} = {text!r}: expected a whole number of at least 1")
    values.update(overrides or {})
    return values
