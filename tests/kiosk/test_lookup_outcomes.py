"""Every way a dossier lookup ends is one named outcome (kiosk.services.Outcome), the same words as
before, and the dossier screen has a message for each of them that is not a dossier."""

import pytest

from kiosk.services import KioskServices, Lookup, Outcome
from motcua.client import Rejected, ServerUnreachable

CODE = "000.00.31.H29-251103-0007"


class Client:
    def __init__(self, answer):
        self.answer = answer

    def dossier(self, code, secret=None):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    "answer, code, secret, outcome, online",
    [
        ({"code": CODE}, CODE, None, Outcome.FOUND, True),
        (None, CODE, "123456", Outcome.NOT_FOUND, True),
        (ServerUnreachable("slow down", status=429, retry_after=7), CODE, None, Outcome.BUSY, True),
        (ServerUnreachable("no route"), CODE, None, Outcome.OFFLINE, False),
        (Rejected("bad token", status=401), CODE, None, Outcome.OFFLINE, True),
        ({"code": CODE}, "not a code", None, Outcome.INVALID, None),
    ],
)
def test_each_lookup_ends_in_one_named_outcome(answer, code, secret, outcome, online):
    services = KioskServices(catalogue=None, client=Client(answer), office_code="XA-A")
    result = services.lookup_dossier(code, secret)
    assert isinstance(result, Lookup) and result.outcome is outcome
    assert services.online is online
    assert result.secret_used is (secret is not None and outcome in (Outcome.FOUND, Outcome.NOT_FOUND))
    if outcome is Outcome.BUSY:
        assert result.retry_after == 7


def test_outcome_words_are_unchanged():
    assert [o.value for o in Outcome] == ["found", "not_found", "offline", "busy", "invalid"]
