"""Dossier codes of every shape the province's systems give (CONNECTORS.md: `000.00.31.H29-251103-0007`,
`G09.20-20260609-0092637`, OpenCPS dossierNo values) are read by a connector and found by a kiosk's
lookup: the kiosk refused the longer shapes as "not a dossier code" before asking the server. A real
server and `sync dossiers` against the OpenCPS fake, on SQLite and PostgreSQL."""

from kiosk.services import KioskServices, Outcome
from motcua.client import Client
from tests.support.upstream import Upstream, connector_config, opencps_dossier


def test_a_kiosk_finds_dossiers_of_every_code_shape_a_connector_reads(tmp_path, launch_server, storage_url):
    up = Upstream()
    try:
        config = connector_config(tmp_path, up, status_map="processing,4\n")
        srv = launch_server(storage_url)  # SQLite, then PostgreSQL
        srv.cli("office", "add", "XA-PHUOCLONG", "UBND xã Phước Long", "--unit-code", "000.00.31.H29")
        short, long = opencps_dossier(7), opencps_dossier(92637)
        igate = dict(opencps_dossier(8), dossierId=90008, dossierNo="H29.99-20261102-0000001")
        up.put(short, long, igate)
        assert long["dossierNo"] == "G09.20-20261102-0092637"
        assert "tinh: 3 added" in srv.cli("sync", "dossiers", "--config", str(config))
        token = srv.device_token("kiosk", "XA-PHUOCLONG", None)
        services = KioskServices(catalogue=None, client=Client(srv.url, token), office_code="XA-PHUOCLONG")
        for item in (short, long, igate):
            typed = item["dossierNo"].lower().replace("-", " - ")  # as a citizen types it
            found = services.lookup_dossier(typed)
            assert found.outcome is Outcome.FOUND, (item["dossierNo"], found)
            assert found.dossier["code"] == item["dossierNo"] and found.dossier["holder"] != "Nguyễn Văn An"
        assert services.lookup_dossier("G09.20-2026-0092637").outcome is Outcome.INVALID
    finally:
        up.close()
