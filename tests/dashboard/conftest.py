"""Dashboard fixtures: the demo server plus the hand-made office XA-KIEMTRA (tests/support/kiemtra.py)."""

import json
import uuid
from types import SimpleNamespace

import pytest
import requests

from tests.support.kiemtra import DOSSIERS, OFFICE, PASSWORD, TABLET_NAME, UNIT, ratings


@pytest.fixture(scope="module")
def dash(demo_server, tmp_path_factory):
    """The demo server plus office XA-KIEMTRA (tests/support/kiemtra.py), an admin with a password, and its tokens."""
    srv = demo_server
    srv.cli("office", "add", OFFICE, "Trung tâm Phục vụ hành chính công xã Kiểm Tra", "--unit-code", UNIT)
    a = int(srv.cli("staff", "add", "--office", OFFICE, "--name", "Phạm Thị Lan", "--counter", "1").split()[-1])
    b = int(srv.cli("staff", "add", "--office", OFFICE, "--name", "Võ Văn Bình", "--counter", "2").split()[-1])
    folder = tmp_path_factory.mktemp("dash-data")
    path = folder / "dossiers.json"
    path.write_text(json.dumps(DOSSIERS, ensure_ascii=False), encoding="utf-8")
    srv.cli("import", "dossiers", str(path))
    admin_name = f"quantri-{srv.port}"
    srv.cli("admin", "add", admin_name, "--password-stdin", stdin=PASSWORD + "\n")
    admin_token = srv.cli("admin", "token", admin_name).strip().splitlines()[-1]
    device = srv.device_token("rating", OFFICE, 1, name=TABLET_NAME)  # on the README's device list
    answer = requests.post(
        srv.url + "/api/v1/ratings",
        json={"ratings": ratings(a, b)},
        timeout=15,
        headers={"Authorization": f"Bearer {device}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == 200, answer.text
    assert {x["status"] for x in answer.json()["results"]} == {"accepted"}, answer.text
    return SimpleNamespace(
        server=srv,
        url=srv.url,
        admin=admin_name,
        password=PASSWORD,
        admin_token=admin_token,
        device_token=device,
        officer_a=a,
        officer_b=b,
        folder=folder,
    )


@pytest.fixture(scope="module")
def browser(dash, tmp_path_factory):
    """Chromium signed in to the dashboard as `dash`'s admin; its downloads land in `driver.downloads`."""
    from tests.support.dash_browser import make_driver, sign_in

    downloads = tmp_path_factory.mktemp("downloads")
    driver = make_driver(downloads)
    driver.downloads = downloads
    sign_in(driver, dash.url, dash.admin, dash.password)
    yield driver
    driver.quit()
