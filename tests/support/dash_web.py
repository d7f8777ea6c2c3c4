"""A signed-in requests session on the dashboard, readers of the figures a page shows, and the
quick-rating rule in plain Python."""

import re
from html import unescape

import requests

FIGURE = re.compile(r'id="(fig-[a-z0-9-]+)">([^<]*)<')
CELL = re.compile(r'<td class="[^"]*" data-column="([a-z0-9_]+)">([^<]*)</td>')


def signed_in(url: str, name: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(url + "/admin/login", timeout=15)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(
        url + "/admin/login",
        data={"name": name, "password": password, "csrf": csrf, "next": "/admin/overview"},
        timeout=15,
    )
    assert r.status_code == 200 and "/admin/overview" in r.url, r.text[:500]
    return s


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def figures(html: str) -> dict:
    return {k: unescape(v).strip() for k, v in FIGURE.findall(html)}


def table_rows(html: str, table_id: str) -> list[dict]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for tr in body.split("<tr")[2:]:
        cells = CELL.findall(tr)
        if cells:
            rows.append({k: unescape(v) for k, v in cells})
    return rows


def pct(rate, lang: str = "vi") -> str:
    """The page's way of writing a rate: 0.7143 -> '71,4%'."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


def quick_by_officer(conn, period, office: str | None):
    """The quick-rating rule without SQL, from every stored rating: each tablet's ratings in its own
    order (device_seq); a rating of the period counts when rules.is_quick holds for its gap."""
    from collections import Counter

    from sqlalchemy import select

    from central import rules
    from central.storage.schema import ratings

    query = select(
        ratings.c.device_id, ratings.c.created_at, ratings.c.device_seq, ratings.c.staff_id, ratings.c.office_code
    )
    by_device: dict = {}
    for r in conn.execute(query):
        by_device.setdefault(r.device_id, []).append(r)
    quick = Counter()
    for rows in by_device.values():
        rows.sort(key=lambda r: r.device_seq)
        for before, after in zip(rows, rows[1:]):
            gap = (after.created_at - before.created_at).total_seconds()
            if (
                rules.is_quick(gap)
                and period.start <= after.created_at < period.end
                and (office is None or after.office_code == office)
            ):
                quick[after.staff_id] += 1
    return quick


def upgrade_to(engine, revision: str) -> None:
    """The schema as migration `revision` left it (an older server's database)."""
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    from central import storage

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.__file__).resolve().parent.parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def store_as_before_0006(conn, device_id: int, items: list) -> None:
    """Rating items stored as a server older than migration 0006 stored them: only the columns
    of that schema, no quick flag."""
    from central.ratings import normalize
    from central.storage.schema import ratings
    from central.timeutil import utcnow

    conn.execute(
        ratings.insert(),
        [dict(normalize(item), device_id=device_id, received_at=utcnow(), content_hash="x") for item in items],
    )
