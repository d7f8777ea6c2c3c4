"""Schema-driven INI configuration for kiosks and tablets: every key declared once, typed, documented.

Rules (also in docs/CONFIG.md):
- A device reads one INI file (`config/kiosk.ini`, `config/rating.ini`). Sections and keys are
  declared with `Key`/`Section`; the common ones live in `motcua/settings.py`, each app adds its
  own in `<app>/settings.py` (a `SECTIONS` list, a `register(schema)` function, or module-level
  `Section` objects).
- An environment variable `MOTCUA_<SECTION>_<KEY>` (upper case) overrides `[section] key`,
  e.g. `MOTCUA_SERVER_URL` overrides `[server] url`.
- Unknown sections and keys are errors, with a "did you mean" suggestion.
- Relative paths are relative to the folder of the config file.
- The device token lives in its own file (`[server] token_file`), never in the INI, never in logs.
"""
import configparser
import difflib
import importlib
import logging
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

__all__ = ["Key", "Section", "Schema", "Config", "ConfigError", "load_config", "schema_for",
           "env_name", "APPS"]

log = logging.getLogger(__name__)
APPS = ("kiosk", "rating")
_TRUE = {"yes", "true", "1", "on"}
_FALSE = {"no", "false", "0", "off"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$")
_UNIT = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}
KINDS = ("int", "float", "bool", "str", "choice", "url", "path", "list", "colour", "seconds")


class ConfigError(ValueError):
    """A configuration problem a person can fix; `errors` lists every problem found."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class Key:
    """One setting: name, type (one of KINDS), default (None = unset), help text and limits."""
    name: str
    kind: str
    default: Any = None
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    required: bool = False
    pattern: str = ""       # for str keys: a regular expression the whole value must match
    shape: str = ""         # for str keys with a pattern: what it means, in words

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Key {self.name}: unknown type {self.kind!r}, expected one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Key {self.name}: a choice needs choices")
        self.choices = tuple(self.choices)

    def allowed(self) -> str:
        """What a valid value looks like, in words (used in errors and docs)."""
        rng = ""
        if self.min is not None and self.max is not None:
            rng = f" between {_num(self.min)} and {_num(self.max)}"
        elif self.min is not None:
            rng = f" of at least {_num(self.min)}"
        elif self.max is not None:
            rng = f" of at most {_num(self.max)}"
        return {
            "int": f"a whole number{rng}",
            "float": f"a number{rng}",
            "bool": "yes or no (also true/false, 1/0, on/off)",
            "str": self.shape or "text",
            "choice": "one of " + ", ".join(self.choices),
            "url": "an http:// or https:// address",
            "path": "a file or folder path (relative to the config file's folder)",
            "list": "a comma-separated list",
            "colour": "a colour as #rrggbb",
            "seconds": f"a number of seconds{rng} (or with unit: 30s, 5m, 1h)",
        }[self.kind]

    def parse(self, raw: str, base_dir: Path | None = None):
        """Turns the INI text into a typed value; raises ValueError("expected ...")."""
        text = raw.strip()
        bad = ValueError(f"expected {self.allowed()}")
        if self.kind in ("int", "float", "seconds"):
            try:
                if self.kind == "int":
                    value = int(text)
                elif self.kind == "float":
                    value = float(text)
                else:
                    m = _SECONDS.match(text.lower())
                    if not m:
                        raise ValueError
                    value = float(m.group(1)) * _UNIT[m.group(2)]
            except ValueError:
                raise bad from None
            if value != value or (self.min is not None and value < self.min) or \
                    (self.max is not None and value > self.max):
                raise bad
            return value
        if self.kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise bad
        if self.kind == "choice":
            if text not in self.choices:
                raise bad
            return text
        if self.kind == "url":
            parts = urlparse(text)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise bad
            return text.rstrip("/")
        if self.kind == "path":
            if not text:
                raise bad
            p = Path(os.path.expanduser(text))
            return p if p.is_absolute() or base_dir is None else (base_dir / p)
        if self.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if self.kind == "colour":
            if not _COLOUR.match(text):
                raise bad
            return text.lower()
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise bad
        return text

    def default_text(self) -> str:
        """The default as it would be written in the INI file."""
        d = self.default
        if d is None:
            return ""
        if isinstance(d, bool):
            return "yes" if d else "no"
        if isinstance(d, (list, tuple)):
            return ", ".join(map(str, d))
        return _num(d) if isinstance(d, (int, float)) else str(d)


@dataclass
class Section:
    """A named group of keys, e.g. [server]."""
    name: str
    help: str
    keys: list = field(default_factory=list)

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)


class Schema:
    """The declared sections of one app (common ones plus the app's own)."""

    def __init__(self, sections=()):
        self.sections: dict[str, Section] = {}
        self.owner: dict[str, str] = {}
        for s in sections:
            self.add_section(s)

    def add_section(self, section: Section, owner: str = "common") -> None:
        """Adds a section; a section of an existing name adds its keys (a duplicate key is an error)."""
        have = self.sections.get(section.name)
        if have is None:
            self.sections[section.name] = Section(section.name, section.help, list(section.keys))
            self.owner[section.name] = owner
            return
        for k in section.keys:
            if have.key(k.name):
                raise ValueError(f"[{section.name}] {k.name} is declared twice")
            have.keys.append(k)


def env_name(section: str, key: str) -> str:
    """The environment variable that overrides `[section] key`."""
    return f"MOTCUA_{section}_{key}".upper().replace("-", "_")


def schema_for(app: str | None) -> Schema:
    """The common sections plus those declared by `<app>.settings` (if the app declares any)."""
    from motcua import settings
    schema = Schema(settings.COMMON_SECTIONS)
    if app:
        module = importlib.import_module(f"{app}.settings")
        register: Callable | None = getattr(module, "register", None)
        if callable(register):
            register(schema)
        else:
            sections = getattr(module, "SECTIONS", None)
            if sections is None:
                sections = [v for v in vars(module).values() if isinstance(v, Section)]
            for s in sections:
                schema.add_section(s, owner=app)
    return schema


class SectionValues:
    """The typed values of one section: `cfg.server.url`, `cfg["server"]["url"]`."""

    def __init__(self, name: str, values: dict, secrets=()):
        self._name, self._values, self._secrets = name, values, set(secrets)

    def __getattr__(self, key):
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(f"[{self.__dict__.get('_name')}] has no key {key!r}") from None

    def __getitem__(self, key):
        return self._values[key]

    def keep(self, key, value) -> None:
        """Sets a value a running app keeps over a reloaded file's (e.g. a server address it cannot
        change without a restart)."""
        self._values[key] = value

    def __contains__(self, key):
        return key in self._values

    def as_dict(self) -> dict:
        """The values without secrets (safe to log or show on an admin screen)."""
        return {k: v for k, v in self._values.items() if k not in self._secrets}

    def __repr__(self):
        shown = {k: ("***" if k in self._secrets and v else v) for k, v in self._values.items()}
        return f"<[{self._name}] {shown}>"


class Config:
    """A loaded configuration: one `SectionValues` per declared section."""

    def __init__(self, path: Path | None, schema: Schema, sections: dict):
        self.path, self.schema, self._sections = path, schema, sections

    def __getattr__(self, name):
        sections = self.__dict__.get("_sections", {})
        if name in sections:
            return sections[name]
        raise AttributeError(f"no section [{name}]")

    def __getitem__(self, name):
        return self._sections[name]

    def __repr__(self):
        return f"<Config {self.path} {list(self._sections.values())}>"


def _num(x) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def _read_token(path: Path | None) -> str | None:
    """Reads the device token; warns (naming the file, never the token) if others can read it."""
    if path is None or not path.exists():
        if path is not None:
            log.warning("device token file %s does not exist; the device cannot sync", path)
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("device token file %s is readable by other users (mode %o); run: chmod 600 %s",
                    path, stat.S_IMODE(mode), path)
    return path.read_text(encoding="utf-8").strip() or None


def load_config(path, app: str | None = None, schema: Schema | None = None,
                env: dict | None = None) -> Config:
    """Loads and checks an INI file against the schema; raises ConfigError listing every problem."""
    path = Path(path)
    schema = schema or schema_for(app)
    env = os.environ if env is None else env
    where = str(path)
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",),
                                       default_section="\x00none")
    try:
        with open(path, encoding="utf-8") as fh:
            parser.read_file(fh)
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read: {exc}".replace("\n", " ")) from None
    base = path.resolve().parent
    errors, result = [], {}
    for name in parser.sections():
        if name not in schema.sections:
            errors.append(f"{where} [{name}]: unknown section{_suggest(name, schema.sections)}"
                          f" (known: {', '.join(schema.sections)})")
            continue
        for key in parser[name]:
            if schema.sections[name].key(key) is None:
                known = [k.name for k in schema.sections[name].keys]
                errors.append(f"{where} [{name}] {key}: unknown key{_suggest(key, known)}"
                              f" (known: {', '.join(known)})")
    for name, section in schema.sections.items():
        values = {}
        for key in section.keys:
            var = env_name(name, key.name)
            if var in env:
                raw, origin = env[var], f"environment {var} ([{name}] {key.name})"
            elif parser.has_option(name, key.name):
                raw, origin = parser.get(name, key.name), f"{where} [{name}] {key.name}"
            else:
                raw = None
            if raw is None or (raw.strip() == "" and key.kind not in ("str", "list")):
                if key.required:
                    errors.append(f"{where} [{name}] {key.name}: missing; expected {key.allowed()}")
                d = key.default
                if key.kind == "path" and d is not None:
                    d = key.parse(str(d), base)
                values[key.name] = list(d) if isinstance(d, (list, tuple)) else d
                continue
            try:
                values[key.name] = key.parse(raw, base)
            except ValueError as exc:
                errors.append(f'{origin} = "{raw}": {exc}')
        result[name] = values
    if errors:
        raise ConfigError(errors)
    sections = {}
    for name, values in result.items():
        secrets = ()
        if name == "server" and "token_file" in values:
            values["token"] = _read_token(values["token_file"])
            secrets = ("token",)
        sections[name] = SectionValues(name, values, secrets)
    return Config(path, schema, sections)


def main(argv=None) -> int:
    """`python -m motcua.config docs` | `check FILE --app APP` | `hash-pin DIGITS`."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m motcua.config", description=main.__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("docs", help="print docs/CONFIG.md for every app's keys")
    chk = sub.add_parser("check", help="load a config file and report every problem")
    chk.add_argument("file")
    chk.add_argument("--app", choices=APPS)
    hp = sub.add_parser("hash-pin", help="print a pin_hash for [admin] pin_hash")
    hp.add_argument("pin")
    args = ap.parse_args(argv)
    if args.cmd == "docs":
        from motcua.configdocs import render_docs
        sys.stdout.write(render_docs())
    elif args.cmd == "check":
        try:
            cfg = load_config(args.file, app=args.app)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"{args.file}: OK ({len(cfg.schema.sections)} sections)")
    else:
        from motcua.pin import hash_pin
        print(hash_pin(args.pin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
