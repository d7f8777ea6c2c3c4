"""A dossier read from a province's system carries no receipt secret (issue 16, item 7: a secret is
never stored). Without live lookup nothing can check the secret a citizen types: the server answers
the public view, as without a secret, not the 404 that made the kiosk say the receipt's secret was
wrong; a dossier held with a secret still answers a wrong one with the same 404 as an unknown code.
A real server and `sync dossiers` against the OpenCPS fake, on SQLite and PostgreSQL."""

import json

import requests

from tests.support.upstream import Upstream, connector_config, opencps_dossier


def test_a_secret_nothing_can_check_gets_the_public_view_not_a_wrong_secret(tmp_path, launch_server, storage_url):
    up = Upstream()
    try:
        config = connector_config(tmp_path, up, status_map="processing,4\n")
        srv = launch_server(storage_url)  # SQLite, then PostgreSQL; live lookup off (the default)
        srv.cli("office", "add", "XA-PHUOCLONG", "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
        item = opencps_dossier(5)
        up.put(item)
        assert "tinh: 1 added" in srv.cli("sync", "dossiers", "--config", str(config))
        imported = {
            "code": "000.00.31.H29-261102-0900",
            "procedure_code": "1.001234",
            "holder_name": "Trần Thị Cúc",
            "status": 4,
            "received_at": "2026-11-02T08:00:00+07:00",
            "secret": "bimat-123456",
        }
        path = tmp_path / "dossiers.json"
        path.write_text(json.dumps([imported], ensure_ascii=False), encoding="utf-8")
        srv.cli("import", "dossiers", str(path))
        kiosk = {"Authorization": f"Bearer {srv.device_token('kiosk', 'XA-PHUOCLONG', None)}"}

        def get(code, secret=None):
            headers = dict(kiosk, **({"X-Lookup-Secret": secret} if secret else {}))
            return requests.get(f"{srv.url}/api/v1/dossiers/{code}", headers=headers, timeout=10)

        public = get(item["dossierNo"])
        assert public.status_code == 200 and "steps" not in public.json()
        typed = get(item["dossierNo"], "secret-5")  # the receipt's own secret: nothing here can check it
        assert typed.status_code == 200, typed.text
        assert typed.json() == public.json()  # the public view, no steps
        # A dossier held with its secret: the right one opens the steps, a wrong one is today's 404.
        assert get(imported["code"], "bimat-123456").status_code == 200
        assert "steps" in get(imported["code"], "bimat-123456").json()
        wrong, unknown = get(imported["code"], "bimat-000000"), get("000.00.31.H29-261102-0999", "bimat-000000")
        assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    finally:
        up.close()
