"""`serve --config FILE` runs every connector on its interval, in the background, in one server
process at a time: when its interval comes, each process tries the connector's lease
(central.connectors.sync.take_lease, one atomic UPDATE); the one that gets it runs the pass unless
another process ran one less than an interval ago, renews the lease after each page and frees it
at the end (so `motcua-central sync dossiers` may run between passes). A process that dies during a
pass stops renewing, and after the lease's time (twice the interval, at least 10 minutes) another
takes over, from the same cursor."""

import logging
import random

from central.connectors.config import Connector
from central.connectors.sync import (
    SyncFailed,
    ensure_row,
    owner_id,
    ran_within,
    release_lease,
    run_pass,
    take_lease,
)
from central.periodic import Periodic

log = logging.getLogger(__name__)


def lease_seconds(spec: Connector) -> float:
    return max(600.0, spec.interval_s * 2)


class ConnectorRunner:
    """One background thread per connector."""

    def __init__(self, engine, specs: list[Connector], first_after_s: float | None = None):
        self.engine, self.specs, self.owner = engine, list(specs), owner_id()
        self.jobs = [
            Periodic(
                f"connector {spec.name}",
                lambda s=spec: self.run(s),
                first_after_s if first_after_s is not None else random.uniform(2, 10),
                spec.interval_s,
            )
            for spec in self.specs
        ]

    def start(self):
        for job in self.jobs:
            job.start()
        return self

    def run(self, spec: Connector) -> bool:
        """One pass when this process holds the lease; False when another does."""
        ensure_row(self.engine, spec)
        if not take_lease(self.engine, spec.name, self.owner, lease_seconds(spec)):
            return False
        try:
            if ran_within(self.engine, spec.name, spec.interval_s * 0.8):
                return False  # another process's pass of this interval
            result = run_pass(
                self.engine, spec, renew=lambda: take_lease(self.engine, spec.name, self.owner, lease_seconds(spec))
            )
            log.info("%s", result.summary(f"connector {spec.name}"))
        except SyncFailed as exc:  # recorded for the dashboard by run_pass; one line here
            log.warning("%s", exc)
        finally:
            release_lease(self.engine, spec.name, self.owner)
        return True

    def stop(self) -> None:
        for job in self.jobs:
            job.stop()
        for spec in self.specs:
            try:
                release_lease(self.engine, spec.name, self.owner)
            except Exception:  # noqa: BLE001 - a database gone at shutdown: the lease expires by itself
                pass
