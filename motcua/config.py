"""Schema-driven INI configuration: every key declared once (name, type, range, default, help), typed, documented.

One system for every part (also in docs/CONFIG.md):
- Each part reads one INI file (`config/kiosk.ini`, `config/rating.ini`, `config/central.ini`).
  Keys are declared with `Key`, grouped in `Section`s: the devices' common ones in
  `motcua/settings.py`, each app's own in `<app>/settings.py`, the server's `[server]` in
  `central/settings.py`. Each part hands its own `Schema` to `load_config`; this module imports
  none of them (`python -m motcua.config docs` finds them through the `motcua.config` entry points
  that setup.py declares).
- An environment variable overrides a key: `MOTCUA_<SECTION>_<KEY>` (upper case), e.g.
  `MOTCUA_SERVER_URL` overrides a device's `[server] url`; a section may declare another prefix
  (the server's `[server]` keeps `MOTCUA_<KEY>`, e.g. `MOTCUA_MAX_IN_FLIGHT`).
- Unknown sections and keys are errors, with a "did you mean" suggestion; a section's retired keys
  are warnings. Every problem is reported at once (`ConfigError.errors`).
- Relative paths are relative to the folder of the config file.
- Secrets (a device's token) are read by a section's `finish` hook and never shown.
"""

import ast
import configparser
import dataclasses
import difflib
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

__all__ = ["Key", "Section", "Schema", "Config", "ConfigError", "load_config"]

log = logging.getLogger(__name__)
_TRUE = {"yes", "true", "1", "on"}
_FALSE = {"no", "false", "0", "off"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$")
_INSTANCE = re.compile(r"[A-Za-z0-9_-]{1,64}")
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
    pattern: str = ""  # for str keys: a regular expression the whole value must match
    shape: str = ""  # for str keys with a pattern: what it means, in words

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
            if (
                value != value
                or (self.min is not None and value < self.min)
                or (self.max is not None and value > self.max)
            ):
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
    # Environment variables are <env_prefix><KEY>; empty: MOTCUA_<SECTION>_<KEY>.
    env_prefix: str = ""
    # Keys older files may still hold: {key: what to do instead}; a warning, not an error.
    retired: dict = field(default_factory=dict)
    # finish(values) runs after a clean load: it may add values (a secret read from a file) and
    # returns the names of those that must never be shown.
    finish: Callable[[dict], tuple] | None = None
    # Written any number of times as [name:INSTANCE] (e.g. [connector:tinh]), never as [name]; the
    # loaded values are Config.instances(name). Not overridden by the environment.
    repeated: bool = False

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)

    def env_name(self, key: str) -> str:
        """The environment variable that overrides `[section] key`."""
        prefix = self.env_prefix or f"MOTCUA_{self.name}_"
        return f"{prefix}{key}".upper().replace("-", "_")


class Schema:
    """The declared sections of one part (for a device: the common ones plus the app's own)."""

    def __init__(self, sections=(), owner: str = "common", title: str = ""):
        self.sections: dict[str, Section] = {}
        self.owner: dict[str, str] = {}
        self.title = title  # the part in words, for the docs: "lobby kiosk"
        for s in sections:
            self.add_section(s, owner)

    def add_section(self, section: Section, owner: str = "common") -> None:
        """Adds a section; a section of an existing name adds its keys (a duplicate key is an error)."""
        have = self.sections.get(section.name)
        if have is None:
            self.sections[section.name] = dataclasses.replace(section, keys=list(section.keys))
            self.owner[section.name] = owner
            return
        for k in section.keys:
            if have.key(k.name):
                raise ValueError(f"[{section.name}] {k.name} is declared twice")
            have.keys.append(k)

    def own(self, owner: str) -> list[Section]:
        """The sections `owner` declared (for the docs)."""
        return [s for name, s in self.sections.items() if self.owner[name] == owner]


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

    def __init__(self, path: Path | None, schema: Schema, sections: dict, instances: dict | None = None):
        self.path, self.schema, self._sections = path, schema, sections
        self._instances = instances or {}

    def instances(self, name: str) -> dict:
        """{INSTANCE: SectionValues} of a repeated section's [name:INSTANCE] sections, in file order."""
        return dict(self._instances.get(name, {}))

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


def _as_written(line: str) -> str:
    """A line configparser reports as repr(line), shown as it stands in the file."""
    try:
        return str(ast.literal_eval(line)).strip()
    except (ValueError, SyntaxError):
        return line.strip()


def _read_file(path: Path | None, where: str) -> configparser.ConfigParser:
    """The INI file parsed (nothing when path is None); a file that cannot be read is a ConfigError."""
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",), default_section="\x00none")
    if path is None:
        return parser
    try:
        with open(path, encoding="utf-8") as fh:
            parser.read_file(fh)
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a folder, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{where}: this user may not read it (check its owner and mode)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigError(
            f"{where} line {exc.lineno}: {exc.line.strip()!s} comes before any [section] header "
            "(a section starts with a line like [server])"
        ) from None
    except configparser.DuplicateSectionError as exc:
        raise ConfigError(f"{where} line {exc.lineno}: section [{exc.section}] appears twice") from None
    except configparser.DuplicateOptionError as exc:
        raise ConfigError(f"{where} line {exc.lineno}: [{exc.section}] {exc.option} appears twice") from None
    except configparser.ParsingError as exc:
        lines = "; ".join(f"line {n}: {_as_written(line)}" for n, line in exc.errors)
        raise ConfigError(f"{where}: not a line of the form key = value ({lines})") from None
    except configparser.Error as exc:
        raise ConfigError(f"{where}: cannot read: {exc}".replace("\n", " ")) from None
    return parser


def _unknown(parser, schema: Schema, where: str) -> list[str]:
    """Errors for sections and keys the schema does not declare; warnings for retired keys."""
    errors = []
    for name in parser.sections():
        section = schema.sections.get(name)
        base, _, instance = name.partition(":")
        if section is not None and section.repeated:
            errors.append(f"{where} [{name}]: needs a name, written [{name}:NAME]")
            continue
        if section is None and schema.sections.get(base) is not None and schema.sections[base].repeated:
            section = schema.sections[base]
            if not _INSTANCE.fullmatch(instance):
                errors.append(f"{where} [{name}]: the name after '{base}:' must be letters, digits, - or _")
                continue
        if section is None:
            errors.append(
                f"{where} [{name}]: unknown section{_suggest(name, schema.sections)}"
                f" (known: {', '.join(n + ':NAME' if s.repeated else n for n, s in schema.sections.items())})"
            )
            continue
        for key in parser[name]:
            if key in section.retired:
                log.warning("%s [%s] %s is no longer read: %s", where, name, key, section.retired[key])
            elif section.key(key) is None:
                known = [k.name for k in section.keys]
                errors.append(f"{where} [{name}] {key}: unknown key{_suggest(key, known)} (known: {', '.join(known)})")
    return errors


def _value(key: Key, section: Section, parser, env, where: str, base: Path, errors: list):
    """One key's typed value: environment, else file, else default; a problem is added to errors."""
    var = section.env_name(key.name)
    if var in env:
        raw, origin = env[var], f"environment {var} ([{section.name}] {key.name})"
    elif parser.has_option(section.name, key.name):
        raw, origin = parser.get(section.name, key.name), f"{where} [{section.name}] {key.name}"
    else:
        raw = None
    if raw is None or (raw.strip() == "" and key.kind not in ("str", "list")):
        if key.required:
            errors.append(f"{where} [{section.name}] {key.name}: missing; expected {key.allowed()}")
        d = key.default
        if key.kind == "path" and d is not None:
            d = key.parse(str(d), base)
        return list(d) if isinstance(d, (list, tuple)) else d
    try:
        return key.parse(raw, base)
    except ValueError as exc:
        errors.append(f'{origin} = "{raw}": {exc}')


def load_config(path, schema: Schema, env: dict | None = None) -> Config:
    """Loads and checks an INI file (None: defaults and environment only) against the schema the
    caller declares; raises ConfigError listing every problem."""
    path = None if path is None else Path(path)
    env = os.environ if env is None else env
    where = str(path) if path is not None else "(no config file)"
    parser = _read_file(path, where)
    base = path.resolve().parent if path is not None else Path.cwd()
    errors = _unknown(parser, schema, where)
    result = {
        name: {k.name: _value(k, section, parser, env, where, base, errors) for k in section.keys}
        for name, section in schema.sections.items()
        if not section.repeated
    }
    repeated = {}
    for name, section in schema.sections.items():
        if section.repeated:
            found = [
                s for s in parser.sections() if s.startswith(name + ":") and _INSTANCE.fullmatch(s[len(name) + 1 :])
            ]
            one = {s: dataclasses.replace(section, name=s) for s in found}
            repeated[name] = {
                s[len(name) + 1 :]: {k.name: _value(k, one[s], parser, {}, where, base, errors) for k in section.keys}
                for s in found
            }
    if errors:
        raise ConfigError(errors)
    sections = {}
    for name, values in result.items():
        finish = schema.sections[name].finish
        secrets = finish(values) if finish else ()
        sections[name] = SectionValues(name, values, secrets)
    instances = {
        name: {inst: SectionValues(f"{name}:{inst}", values) for inst, values in found.items()}
        for name, found in repeated.items()
    }
    return Config(path, schema, sections, instances)


if __name__ == "__main__":
    # `python -m motcua.config docs | check | example | hash-pin`: the commands live in motcua.configdocs
    # (this file then runs as __main__, so importing it there makes no circle).
    from motcua.configdocs import main

    sys.exit(main())
