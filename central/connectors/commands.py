"""`motcua-central sync dossiers --config FILE [--connector NAME]`: one pass of each connector, now."""

from central.connectors.config import load_connectors
from central.connectors.sync import SyncFailed, ensure_row, lease_holder, owner_id, release_lease, run_pass, take_lease

HELP = (
    "Run one incremental pass of the [connector:NAME] sections of the config file: read what changed at\n"
    "each source since its last complete pass and store it. Prints what was added, updated, left\n"
    "unchanged and skipped (a status the connector's status_map lacks, an item that cannot be read).\n"
    "Exits 1 naming the connector, the URL and the cause when a source fails; what was stored stays,\n"
    "and the next pass resumes from the same place. A connector a running server is syncing is left\n"
    "alone (exit 1, try again later)."
)


class CommandFailed(Exception):
    """exit 1 with this message."""


def sync_dossiers(engine, config: str | None, only: str | None) -> list[str]:
    """The summary line of each connector run; CommandFailed (after running the others) when any failed."""
    specs = load_connectors(config)
    if only is not None:
        specs = [s for s in specs if s.name == only]
        if not specs:
            raise CommandFailed(f"no [connector:{only}] in {config or 'the config file'}")
    if not specs:
        raise CommandFailed(f"no [connector:NAME] section in {config or 'the config file'}")
    lines, failures = [], []
    owner = owner_id()
    for spec in specs:
        ensure_row(engine, spec)
        if not take_lease(engine, spec.name, owner, max(600.0, spec.timeout_s * 4)):
            failures.append(
                f"connector {spec.name} ({spec.url}): a server process is syncing it now "
                f"({lease_holder(engine, spec.name)}); try again later"
            )
            continue
        try:
            result = run_pass(
                engine, spec, renew=lambda s=spec: take_lease(engine, s.name, owner, max(600.0, s.timeout_s * 4))
            )
            lines.append(result.summary(spec.name))
            lines += [f"  skipped {p}" for p in result.problems]
        except SyncFailed as exc:
            failures.append(str(exc))
        finally:
            release_lease(engine, spec.name, owner)
    if failures:
        raise CommandFailed("\n".join(lines + failures))
    return lines
