"""Helpers shared by the motcua tests: rating payloads, a registered tablet, ratings read back from the server."""

import csv
import datetime
import io

from motcua.client import Client
from motcua.outbox import Outbox

OFFICE = "XA-PHUOCLONG"


def rating(score=3, staff_id=None, counter=1, office=OFFICE, **extra):
    """A rating payload as the tablet builds it (id and device_seq are filled by the outbox)."""
    item = {
        "created_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "office": office,
        "counter": counter,
        "scale": 3,
        "score": score,
        "reasons": [],
    }
    if staff_id is not None:
        item["staff_id"] = staff_id
    item.update(extra)
    return item


def server_ratings(server, office=None) -> list[dict]:
    """Every rating the central server stored (of one office), from its CSV export."""
    args = ["export", "ratings"] + (["--office", office] if office else [])
    return list(csv.DictReader(io.StringIO(server.cli(*args))))


def add_staff(server, office=OFFICE, counter=1) -> int:
    server.ensure_office(office)
    out = server.cli("staff", "add", "--office", office, "--name", "Nguyễn Văn An", "--counter", str(counter))
    return int(out.strip().split()[-1])


class Tablet:
    """A registered rating tablet: its outbox, its client, its office and an officer at its counter."""

    def __init__(self, server, office, token, staff_id, outbox):
        self.server, self.office, self.token, self.staff_id, self.outbox = server, office, token, staff_id, outbox
        self.client = Client(server.url, token, timeout=5)

    @classmethod
    def register(cls, server, office, db_path):
        token = server.device_token("rating", office=office, counter=1)
        return cls(server, office, token, add_staff(server, office), Outbox.open(db_path))

    def rating(self, **extra) -> dict:
        return rating(staff_id=self.staff_id, office=self.office, **extra)

    def stored(self) -> list[dict]:
        return server_ratings(self.server, self.office)
