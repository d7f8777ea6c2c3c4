"""The server's settings: the `[server]` section of central.ini, declared once like the devices' keys.

Declared with the one declaration type of `motcua.config` (name, type, range, default, help) and read
by its one loader, so errors name the file (or the environment variable), the key, the value and
what is allowed, all problems at once. Precedence: defaults < `[server]` of the config file
(`--config`, env `MOTCUA_CENTRAL_CONFIG`) < environment `MOTCUA_<KEY>` (e.g.
`MOTCUA_LOOKUP_MISSES_PER_MINUTE=50`; deployments set `MOTCUA_DB`). `config/central.ini` is written
from this declaration (`python -m motcua.config example central`), docs/CONFIG.md too.
"""

import dataclasses
import os

from central.connectors.settings import SECTIONS as CONNECTOR_SECTIONS
from motcua.config import ConfigError, Key, Schema, Section, SectionValues, load_config
from motcua.scale import STANDARD_REASONS

__all__ = ["SERVER", "SCHEMA", "load_file", "load_settings", "from_environment", "ConfigError"]

SERVER = Section(
    "server",
    "The central server (`motcua-central serve --config config/central.ini`).",
    env_prefix="MOTCUA_",
    keys=[
        Key(
            "db",
            "str",
            "var/central.db",
            "The database. `--db` wins over it; every other motcua-central command reads MOTCUA_DB too.",
            shape="a SQLite file path or a postgresql:// URL",
        ),
        Key(
            "db_pool_size",
            "int",
            40,
            "PostgreSQL only: database connections each server "
            "process keeps open (its request threadpool has 40 threads). With N server processes, "
            "PostgreSQL's max_connections must allow N x 1.25 x this.",
            min=1,
        ),
        Key(
            "max_body_bytes",
            "int",
            1_048_576,
            "Largest request body accepted, in bytes; larger ones get 413 before anything is parsed.",
            min=1,
        ),
        Key(
            "requests_per_minute_per_token",
            "int",
            1200,
            "Budget of requests per device or admin token per minute; above it 429 with Retry-After.",
            min=1,
        ),
        Key(
            "lookup_misses_per_minute",
            "int",
            10,
            "Dossier lookups per device per minute that may miss "
            "(unknown code or wrong secret) before 429. Codes are guessable (unit-date-sequence), so "
            "probing is slowed down. Counted in the database: all server processes together give a "
            "device this many, not this many each.",
            min=0,
        ),
        Key("max_ratings_per_batch", "int", 500, "Most ratings accepted in one POST /api/v1/ratings.", min=1),
        Key(
            "idempotency_keep_days",
            "int",
            30,
            "Days a batch's stored answer replays for a resent "
            "Idempotency-Key; older ones are removed hourly (a batch resent later is still safe: its "
            "items are answered duplicate by id).",
            min=1,
        ),
        Key(
            "device_silent_minutes",
            "int",
            15,
            "Minutes without a heartbeat after which the dashboard's "
            "device list shows a kiosk or tablet in red as silent (devices beat every minute or so).",
            min=1,
        ),
        Key(
            "max_in_flight",
            "int",
            128,
            "Requests in flight per server process past which new ones are "
            "answered 503 + Retry-After at once, before their body is read (0 = never shed; /healthz is "
            "never shed).",
            min=0,
        ),
        Key(
            "max_in_flight_unauthenticated",
            "int",
            16,
            "Requests with a body (POST, PUT, ...) and no valid "
            "device or admin token (dashboard forms, strangers) in flight at once per server process; "
            "more get 503 at once. The token is checked before the body is read, so stalled uploads "
            "never take the devices' places (0 = no separate limit).",
            min=0,
        ),
        Key(
            "body_timeout",
            "int",
            20,
            "Seconds a request's whole body may take to arrive; a slower or "
            "stalled one gets 408 and its connection is closed.",
            min=1,
        ),
        Key(
            "admin_token_days",
            "int",
            90,
            "Days an admin API token works after it was issued; then it gets "
            "401 and a new one is needed (motcua-central admin token NAME). 0 = admin tokens never "
            "expire.",
            min=0,
        ),
        Key(
            "shed_retry_after",
            "int",
            5,
            "Largest Retry-After (seconds) of a shed request; each answer "
            "picks 1..this at random so a reconnect storm comes back spread out.",
            min=1,
        ),
        Key(
            "custom_reason_codes",
            "str",
            "",
            "Reason codes of the office's own, comma-separated, that "
            f"tablets may send besides the standard ones ({', '.join(STANDARD_REASONS)}): "
            "list here every code added to [reasons] codes in the tablets' "
            "rating.ini. A rating with any other code is rejected (invalid:reasons) and the tablet sets "
            "it aside, so add a code here before the tablets get it.",
            shape="codes, comma-separated",
        ),
    ],
    retired={
        # Keys older config files may still hold: a warning, not a refusal to start.
        "timezone_offset_hours": "offices are in Asia/Ho_Chi_Minh (motcua.officetime); remove the line",
    },
)
PORTAL = Section(
    "portal",
    "The national portal (dichvucong.gov.vn) that `motcua-central sync procedures` reads the catalogue "
    "from, where the server can reach it. The addresses are those public parsers of the portal use; "
    "should the portal move them, set the new ones here.",
    [
        Key(
            "list_url",
            "url",
            "https://dichvucong.gov.vn/submitting/formality/list-all-formality-by-citizen",
            "The list of procedures (POST {limit, lastId, q, categoryId, departmentCode}, paged by lastId): "
            "their id, code and time of the last change.",
        ),
        Key(
            "detail_url",
            "url",
            "https://dichvucong.gov.vn/configuring/formality/get-formality-by-citizen",
            "One procedure in full (POST {id}), read when it is new or changed.",
        ),
        Key(
            "department_code",
            "str",
            "",
            "Only the procedures of this department (the list's departmentCode); empty = all.",
        ),
        Key("category_id", "str", "", "Only the procedures of this field (the list's categoryId); empty = all."),
        Key("page_size", "int", 100, "Procedures asked for per page of the list.", min=1, max=1000),
        Key(
            "timeout_seconds",
            "seconds",
            20,
            "Seconds one request to the portal may take; a slower one stops the sync and changes nothing.",
            min=1,
            max=300,
        ),
    ],
)
UPWARD = Section(
    "upward",
    "Sending the month's rating aggregate to the province's exchange platform (LGSP), in the shape "
    "OpenCPS sends to `/Vote/UpdateVote` (`motcua-central report votes`). Off while url is empty.",
    [
        Key(
            "url",
            "str",
            "",
            "The platform's base address, e.g. https://lgsp.tinh.gov.vn/api; the aggregate is POSTed "
            "to {url}/Vote/UpdateVote. Empty: nothing is sent (the export still works).",
            shape="an http(s) URL or empty",
        ),
        Key("token_url", "str", "", "The OAuth2 token endpoint; empty = {url}/token.", shape="an http(s) URL or empty"),
        Key("client_id", "str", "", "The OAuth2 client id the province issued."),
        Key(
            "client_secret_file",
            "path",
            None,
            "The OAuth2 client secret, alone in a file only the server's user may read (chmod 600). Never logged.",
        ),
        Key("office", "str", "", "Only this office's ratings (an office code); empty = all offices."),
        Key("timeout_seconds", "seconds", 20, "Seconds one request to the platform may take.", min=1, max=300),
        Key(
            "retry_minutes",
            "int",
            30,
            "Minutes before a failed push is tried again (serve tries every month not yet sent).",
            min=1,
            max=1440,
        ),
        Key(
            "custom_reason_labels",
            "str",
            "",
            "Labels of the office's own reason codes for the dashboard, as code=Nhãn separated by |, "
            "e.g. 'phi_cao=Phí cao|xe=Không có chỗ để xe'. A code without one shows as "
            "'Lý do riêng của văn phòng: CODE'.",
        ),
    ],
)
SCHEMA = Schema([SERVER, PORTAL, UPWARD, *CONNECTOR_SECTIONS], owner="central", title="central server")


def from_environment(name: str):
    """One declared key from the environment (MOTCUA_<KEY>), else its default: what commands other
    than `serve`, which read no config file, use (central.storage: MOTCUA_DB, MOTCUA_DB_POOL_SIZE).
    Only that key is checked: a bad MOTCUA_MAX_IN_FLIGHT stops `serve`, not `init`."""
    one = dataclasses.replace(SERVER, keys=[SERVER.key(name)])
    return getattr(load_config(None, Schema([one])).server, name)


def load_file(path: str | None = None, env: dict | None = None):
    """The whole central.ini (motcua.config.Config): `[server]` and the `[connector:NAME]` sections."""
    env = os.environ if env is None else env
    return load_config(path or env.get("MOTCUA_CENTRAL_CONFIG"), SCHEMA, env)


def load_settings(path: str | None = None, env: dict | None = None) -> SectionValues:
    """The server's settings (`settings.max_body_bytes`) from `path`, else the file named by
    MOTCUA_CENTRAL_CONFIG, else the defaults, with the environment over them. A bad file or variable
    raises motcua.config.ConfigError listing every problem (motcua-central prints it and stops)."""
    return load_file(path, env).server
