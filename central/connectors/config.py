"""The connectors of central.ini, checked: what one key cannot say alone.

`motcua.config` has checked each key (type, range, choices, unknown keys); here each connector is
checked as a whole, every problem at once, each naming the file, the section and the key: the keys
its kind needs, its token file (present, not empty, mode 600), its status map (rows 'source,national'
with national 1-10), its field map (kind = json). The token is kept out of repr() and logs.
"""

import csv
import io
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from central.connectors.settings import FIELDS
from motcua.config import ConfigError

NEEDED = {  # keys each kind cannot do without
    "opencps": ("group_id", "token_file"),
    "dvcqg": ("auth_url", "username", "unit_code", "token_file"),
    "json": (),
}
NEEDED_FIELDS = ("code", "procedure_code", "holder_name", "status", "received_at")
LOOKUP_KINDS = ("opencps", "dvcqg")


@dataclass
class Connector:
    """One [connector:NAME], ready to run."""

    name: str
    kind: str
    url: str
    group_id: str = ""
    office: str = ""
    token: str = field(default="", repr=False)  # never shown
    status_map: dict = field(default_factory=dict)  # source status (lower case) -> national 1..10
    interval_s: float = 300
    timeout_s: float = 20
    page_size: int = 200
    live_lookup: bool = False
    lookup_timeout_s: float = 3
    stale_s: float = 900
    auth_url: str | None = None
    username: str = ""
    dstcode: str = ""
    unit_code: str = ""
    service: str = "LayDanhSachHoSo"
    list_path: str = ""
    fields: dict = field(default_factory=dict)  # [connector_fields:NAME]: dossier field -> dotted path
    paging: dict = field(default_factory=dict)  # page_param, size_param, first_page, since_param, items


def read_token(path: Path, where: str) -> str:
    """The credential in `path`: it must exist, hold something and be readable by its owner only."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ConfigError(f"{where}: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: {path} cannot be read ({type(exc).__name__})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{where}: {path} may be read by others (mode {stat.S_IMODE(mode):o}); run chmod 600 {path}")
    if not text:
        raise ConfigError(f"{where}: {path} is empty; it must hold the credential the province issued")
    return text


def read_status_map(path: Path, where: str) -> dict:
    """{source status in lower case: national 1..10} from a CSV of 'source,national' rows (a header
    row 'source,national' may come first); every bad row is reported."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{where}: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: {path} cannot be read as UTF-8 text ({type(exc).__name__})") from None
    found, problems = {}, []
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and [c.lower() for c in cells[:2]] == ["source", "national"]:
            continue
        if len(cells) != 2 or not cells[0]:
            problems.append(f"{where}: {path} line {n}: expected two cells 'source,national'")
            continue
        source, national = cells[0].lower(), cells[1]
        if not (national.isascii() and national.isdigit() and 1 <= int(national) <= 10):
            problems.append(f'{where}: {path} line {n}: "{national}" is not a national status 1-10')
        elif source in found and found[source] != int(national):
            problems.append(f'{where}: {path} line {n}: "{cells[0]}" is mapped twice')
        else:
            found[source] = int(national)
    if problems:
        raise ConfigError(problems)
    return found


def connectors_of(config) -> list[Connector]:
    """Every [connector:NAME] of a loaded central.ini (central.settings.load_file), checked; raises
    ConfigError listing every problem."""
    where = str(config.path) if config.path is not None else "(no config file)"
    fields_of = config.instances("connector_fields")
    found, problems = [], []
    for name, values in config.instances("connector").items():
        at = f"{where} [connector:{name}]"
        v = values.as_dict()
        for key in NEEDED[v["kind"]]:
            if not v.get(key):
                problems.append(f"{at} {key}: missing; kind = {v['kind']} needs it")
        for key in ("url", "auth_url"):
            parts = urlsplit(v.get(key) or "")
            if parts.username is not None or parts.password is not None:
                problems.append(
                    f"{at} {key}: holds a user name or password; the credential goes in token_file (mode 600), "
                    "never in the address, which the dashboard and the logs show"
                )
        if v["live_lookup"] and v["kind"] not in LOOKUP_KINDS:
            problems.append(f"{at} live_lookup: only kind = {' or '.join(LOOKUP_KINDS)} can look a dossier up")
        mapped = fields_of.get(name)
        if v["kind"] == "json" and mapped is None:
            problems.append(f"{where} [connector_fields:{name}]: missing; kind = json needs its field map")
        elif v["kind"] != "json" and mapped is not None:
            problems.append(f"{where} [connector_fields:{name}]: only a kind = json connector reads a field map")
        fields, paging = {}, {}
        if mapped is not None:
            m = mapped.as_dict()
            fields = {f: m[f] for f in FIELDS if m[f]}
            paging = {k: m[k] for k in ("items", "page_param", "size_param", "first_page", "since_param")}
            for f in NEEDED_FIELDS:
                if f not in fields and v["kind"] == "json":
                    problems.append(f"{where} [connector_fields:{name}] {f}: missing; the dossier needs it")
        token, status_map = "", {}
        try:
            if v.get("token_file"):
                token = read_token(v["token_file"], f"{at} token_file")
        except ConfigError as exc:
            problems += exc.errors
        try:
            if v.get("status_map"):
                status_map = read_status_map(v["status_map"], f"{at} status_map")
        except ConfigError as exc:
            problems += exc.errors
        found.append(
            Connector(
                name=name,
                kind=v["kind"],
                url=v["url"],
                group_id=v["group_id"],
                office=v["office"],
                token=token,
                status_map=status_map,
                interval_s=v["interval_seconds"],
                timeout_s=v["timeout_seconds"],
                page_size=v["page_size"],
                live_lookup=v["live_lookup"],
                lookup_timeout_s=v["lookup_timeout_seconds"],
                stale_s=v["stale_seconds"],
                auth_url=v["auth_url"],
                username=v["username"],
                dstcode=v["dstcode"],
                unit_code=v["unit_code"],
                service=v["service"],
                list_path=v["list_path"],
                fields=fields,
                paging=paging,
            )
        )
    for name in fields_of:
        if name not in config.instances("connector"):
            problems.append(f"{where} [connector_fields:{name}]: no [connector:{name}] section uses it")
    if problems:
        raise ConfigError(problems)
    return found


def load_connectors(path: str | None = None, env: dict | None = None) -> list[Connector]:
    """The connectors of central.ini at `path` (else MOTCUA_CENTRAL_CONFIG), checked."""
    from central.settings import load_file

    return connectors_of(load_file(path, env))
