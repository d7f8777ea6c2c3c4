"""Helpers for the central server's tests: a tiny HTTP client per token, rating and dossier makers."""

import itertools
import json
import uuid

import pytest
import requests

_offices = itertools.count(1)


class Api:
    """requests against one server with one bearer token."""

    def __init__(self, server, token: str | None):
        self.server, self.token = server, token
        self.session = requests.Session()

    def headers(self, extra=None) -> dict:
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        h.update(extra or {})
        return h

    def get(self, path: str, headers=None, **kw) -> requests.Response:
        return self.session.get(self.server.url + path, headers=self.headers(headers), timeout=15, **kw)

    def post(self, path: str, json_body=None, headers=None, **kw) -> requests.Response:
        return self.session.post(
            self.server.url + path, json=json_body, headers=self.headers(headers), timeout=15, **kw
        )


def new_rating(seq: int, office: str, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "created_at": "2026-11-21T09:15:02+07:00",
        "office": office,
        "counter": 1,
        "staff_id": None,
        "scale": 3,
        "score": 3,
        "reasons": [],
        "comment": None,
        "dossier_code": None,
        **extra,
    }


@pytest.fixture
def office(storage_server):
    """A fresh office on the module's server, so tests on a shared server do not meet."""
    code = f"XA-T{next(_offices)}"
    storage_server.ensure_office(code)
    return code


@pytest.fixture
def tablet(storage_server, office):
    """An Api for a new rating tablet of a fresh office."""
    api = Api(storage_server, storage_server.device_token("rating", office, 1))
    api.office = office
    return api


@pytest.fixture
def kiosk(storage_server, office):
    api = Api(storage_server, storage_server.device_token("kiosk", office, None))
    api.office = office
    return api


def write_json(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def make_rating():
    """make_rating(seq, office, **fields) -> a valid rating item with a fresh uuid."""
    return new_rating


@pytest.fixture
def api_for():
    """api_for(server, token) -> Api."""
    return Api
