"""A signed-in requests session on the dashboard, and readers of the figures a page shows."""
import re
from html import unescape

import requests

FIGURE = re.compile(r'id="(fig-[a-z0-9-]+)">([^<]*)<')
CELL = re.compile(r'<td class="[^"]*" data-column="([a-z0-9_]+)">([^<]*)</td>')


def signed_in(url: str, name: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(url + "/admin/login", timeout=15)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(url + "/admin/login", data={"name": name, "password": password, "csrf": csrf,
                                          "next": "/admin/overview"}, timeout=15)
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
