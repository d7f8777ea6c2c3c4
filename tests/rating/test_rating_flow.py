"""The tablet's rating flow without a window: steps, cooldown, timeouts, dossier link, officer."""

import pytest

from rating.flow import FlowSettings, Notice, RatingFlow, Step, is_negative

OFFICER = {"id": 5, "name": "Nguyễn Thị Lan", "title": "Công chức Văn phòng HĐND và UBND xã", "counter": 2}
DOSSIER = "000.00.31.H29-251103-0007"


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def recorded():
    return []


def make_flow(clock, recorded, rated=(), **settings):
    settings.setdefault("dossier_link", False)
    flow = RatingFlow(
        FlowSettings(**settings),
        recorded.append,
        office="XA-PHUOCLONG",
        counter=2,
        clock=clock,
        already_rated=lambda code: code in rated,
    )
    flow.sign_in(OFFICER)
    return flow


def test_negative_is_below_the_middle_of_the_scale():
    assert [s for s in (1, 2, 3) if is_negative(s, 3)] == [1]
    assert [s for s in (1, 2, 3, 4) if is_negative(s, 4)] == [1, 2]
    assert [s for s in (1, 2, 3, 4, 5) if is_negative(s, 5)] == [1, 2]


def test_one_tap_on_a_good_face_records_and_thanks(clock, recorded):
    flow = make_flow(clock, recorded)
    assert flow.start()
    assert flow.choose(3)
    assert flow.step == Step.THANKS
    [item] = recorded
    assert item["staff_id"] == 5 and item["counter"] == 2 and item["office"] == "XA-PHUOCLONG"
    assert item["scale"] == 3 and item["score"] == 3 and item["reasons"] == []
    assert len(item["id"]) == 36 and item["created_at"].endswith("+07:00")
    assert "comment" not in item and "phone" not in item and "dossier_code" not in item


def test_thanks_only_after_the_record_returned(clock):
    def broken_disk(payload):
        raise OSError("disk full")

    flow = RatingFlow(FlowSettings(dossier_link=False), broken_disk, office="X", counter=1, clock=clock)
    flow.sign_in(OFFICER)
    flow.start()
    assert not flow.choose(3) or flow.step != Step.THANKS
    assert flow.step == Step.RATE and flow.notice == Notice.NOT_SAVED


def test_low_score_asks_reasons_comment_and_phone(clock, recorded):
    flow = make_flow(clock, recorded)
    flow.start()
    flow.choose(1)
    assert flow.step == Step.REASONS and recorded == []
    assert flow.toggle_reason("cho_lau") is True
    assert flow.toggle_reason("thai_do") is True
    assert flow.toggle_reason("thai_do") is False
    assert flow.toggle_reason("not_a_reason") is False
    flow.set_comment("  Chờ hơn một tiếng mới được gọi, cán bộ hướng dẫn chưa rõ  ")
    assert flow.set_phone("090 123 4567")
    flow.submit_reasons()
    [item] = recorded
    assert item["reasons"] == ["cho_lau"]
    assert item["comment"] == "Chờ hơn một tiếng mới được gọi, cán bộ hướng dẫn chưa rõ"
    assert item["phone"] == "0901234567"
    assert flow.step == Step.THANKS


def test_a_wrong_phone_number_is_refused_and_not_kept(clock, recorded):
    flow = make_flow(clock, recorded)
    flow.start()
    flow.choose(1)
    assert not flow.set_phone("12345")
    assert flow.notice == Notice.INVALID_PHONE
    flow.submit_reasons()
    assert "phone" not in recorded[0]


def test_skipping_reasons_drops_what_was_ticked(clock, recorded):
    flow = make_flow(clock, recorded)
    flow.start()
    flow.choose(1)
    flow.toggle_reason("cho_lau")
    flow.set_comment("abc")
    flow.skip_reasons()
    assert recorded[0]["reasons"] == [] and "comment" not in recorded[0]


def test_four_level_scale_asks_reasons_for_the_two_lowest(clock, recorded):
    flow = make_flow(clock, recorded, scale=4, cooldown_s=0)
    for score, step in ((2, Step.REASONS), (3, Step.THANKS)):
        flow.reset()
        flow.start()
        flow.choose(score)
        assert flow.step == step


def test_cooldown_ignores_taps_with_a_visible_reason(clock, recorded):
    flow = make_flow(clock, recorded, cooldown_s=20, thanks_s=5)
    flow.start()
    flow.choose(3)
    clock.t += 5
    flow.tick()
    assert flow.step == Step.IDLE
    assert not flow.start()
    assert flow.notice == Notice.COOLDOWN and flow.step == Step.IDLE
    assert 14 < flow.cooldown_remaining() <= 15
    clock.t += 15
    flow.tick()
    assert flow.notice is None
    assert flow.start() and flow.choose(2)
    assert len(recorded) == 2


def test_timeout_resets_a_half_finished_rating_keeping_only_the_tap(clock, recorded):
    flow = make_flow(clock, recorded, prompt_timeout_s=30)
    flow.start()
    flow.choose(1)
    flow.toggle_reason("thai_do")
    flow.set_comment("chưa xong")
    clock.t += 29
    flow.tick()
    assert flow.step == Step.REASONS
    clock.t += 1
    flow.tick()
    assert flow.step == Step.IDLE
    assert flow.draft.reasons == set() and flow.draft.comment == "" and flow.draft.score is None
    [item] = recorded
    assert item["score"] == 1 and item["reasons"] == [] and "comment" not in item


def test_timeout_before_a_tap_records_nothing(clock, recorded):
    flow = make_flow(clock, recorded)
    flow.start()
    clock.t += 31
    flow.tick()
    assert flow.step == Step.IDLE and recorded == []


def test_timeout_can_drop_the_vote_when_configured(clock, recorded):
    flow = make_flow(clock, recorded, keep_vote_on_timeout=False)
    flow.start()
    flow.choose(1)
    clock.t += 31
    flow.tick()
    assert flow.step == Step.IDLE and recorded == []


def test_dossier_step_links_the_scanned_receipt(clock, recorded):
    flow = make_flow(clock, recorded, dossier_link=True)
    flow.start()
    flow.choose(3)
    assert flow.step == Step.DOSSIER
    assert not flow.scan("not a code")
    assert flow.notice == Notice.INVALID_DOSSIER and flow.step == Step.DOSSIER
    assert flow.scan("  000.00.31.h29-251103-0007\n")
    assert recorded[0]["dossier_code"] == DOSSIER
    assert flow.step == Step.THANKS


@pytest.mark.parametrize(
    "scanned",
    [
        "https://dvc.example.vn/tra-cuu?code=000.00.31.H29-251103-0007",
        "https://dvc.example.vn/hoso/000.00.31.h29-251103-0007/",
        "000.00.31.H29 - 251103 - 0007",
    ],
)
def test_a_receipt_qr_holding_a_link_is_read_as_on_the_kiosk(clock, recorded, scanned):
    flow = make_flow(clock, recorded, dossier_link=True)
    flow.start()
    flow.choose(3)
    assert flow.scan(scanned)
    assert recorded[0]["dossier_code"] == DOSSIER


def test_scanning_at_idle_starts_the_rating_with_the_dossier(clock, recorded):
    flow = make_flow(clock, recorded, dossier_link=True)
    assert flow.scan(DOSSIER)
    assert flow.step == Step.RATE
    flow.choose(3)
    assert flow.step == Step.THANKS and recorded[0]["dossier_code"] == DOSSIER


def test_a_dossier_rated_before_is_refused(clock, recorded):
    flow = make_flow(clock, recorded, rated={DOSSIER}, dossier_link=True)
    flow.start()
    flow.choose(2)
    assert not flow.scan(DOSSIER)
    assert flow.notice == Notice.ALREADY_RATED and flow.step == Step.DOSSIER
    flow.skip_dossier()
    assert "dossier_code" not in recorded[0]


def test_no_officer_no_rating(clock, recorded):
    flow = make_flow(clock, recorded)
    flow.sign_out()
    assert not flow.start()
    assert flow.notice == Notice.NO_OFFICER


def test_rated_officer_is_the_signed_in_one(clock, recorded):
    flow = make_flow(clock, recorded, cooldown_s=0)
    flow.start()
    flow.choose(3)
    flow.sign_in({"id": 9, "name": "Trần Văn Bình", "title": "", "counter": 2})
    assert flow.step == Step.IDLE
    flow.start()
    flow.choose(3)
    assert [r["staff_id"] for r in recorded] == [5, 9]


def test_service_done_mode_waits_for_the_officer(clock, recorded):
    flow = make_flow(clock, recorded, require_service_done=True, cooldown_s=0)
    assert not flow.start()
    assert flow.notice == Notice.WAIT_FOR_OFFICER
    flow.mark_service_done()
    assert flow.step == Step.RATE
    flow.choose(3)
    clock.t += 10
    flow.tick()
    assert flow.step == Step.IDLE and not flow.start()


def test_each_citizen_gets_a_new_id(clock, recorded):
    flow = make_flow(clock, recorded, cooldown_s=0, thanks_s=1)
    for _ in range(3):
        flow.start()
        flow.choose(3)
        clock.t += 1
        flow.tick()
    assert len({r["id"] for r in recorded}) == 3


def test_a_dossier_the_store_already_holds_is_dropped_not_thanked(clock):
    from rating.flow import AlreadyRated

    stored = []

    def record(payload):
        if payload.get("dossier_code"):
            raise AlreadyRated(payload["dossier_code"])
        stored.append(payload)

    flow = RatingFlow(FlowSettings(dossier_link=True), record, office="X", counter=1, clock=clock)
    flow.sign_in(OFFICER)
    flow.scan(DOSSIER)
    flow.choose(3)
    assert flow.step == Step.RATE and flow.notice == Notice.ALREADY_RATED and stored == []
    flow.choose(3)  # rated again without the dossier: now it goes through
    assert flow.step == Step.DOSSIER
    flow.skip_dossier()
    assert flow.step == Step.THANKS and len(stored) == 1
