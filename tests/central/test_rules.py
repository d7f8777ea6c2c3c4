"""The on-time rule with hand-computed cases (DOMAIN.md; docs/ARCHITECTURE.md)."""

from datetime import datetime

from central.rules import DossierTimes, Step, finish_time, is_negative, is_satisfied, judge, rate


def t(day: int, hour: int = 0) -> datetime:
    return datetime(2025, 11, day, hour)


def dossier(status=10, due=t(10, 17), finished=None, returned=None, steps=(), status_at=None):
    return DossierTimes(
        status=status,
        received_at=t(3, 8),
        due_at=due,
        finished_at=finished,
        returned_at=returned,
        status_at=status_at,
        steps=list(steps),
    )


def test_finished_before_due_is_on_time():
    v = judge(dossier(finished=t(10, 16)), at=t(30))
    assert (v.on_time, v.late, v.finished_at) == (True, False, t(10, 16))


def test_finished_exactly_at_due_is_on_time():
    assert judge(dossier(finished=t(10, 17)), at=t(30)).on_time is True


def test_finished_one_hour_after_due_is_late():
    v = judge(dossier(finished=t(10, 18)), at=t(30))
    assert (v.on_time, v.late) == (False, True)


def test_finished_9_wins_over_returned_10():
    # Returned on the 9th though "finished" (9) was recorded on the 12th: REPORTING.md, 9 before 10.
    assert finish_time(dossier(finished=t(12), returned=t(9))) == t(12)
    assert judge(dossier(finished=t(12), returned=t(9)), at=t(30)).verdict == "late"
    assert finish_time(dossier(returned=t(9))) == t(9)


def test_supplement_time_is_added_to_due():
    # Due the 10th 17:00; 3 days (5th 8:00 → 8th 8:00) waiting for the citizen's documents;
    # finished the 12th 12:00 → adjusted due the 13th 17:00 → on time.
    steps = [Step(4, t(3, 8), t(5, 8)), Step(5, t(5, 8), t(8, 8)), Step(4, t(8, 8), t(12, 12))]
    v = judge(dossier(finished=t(12, 12), steps=steps), at=t(30))
    assert v.adjusted_due == t(13, 17)
    assert v.on_time is True


def test_supplement_shorter_than_the_delay_still_late():
    steps = [Step(5, t(5, 8), t(6, 8))]  # one day saved; finished two days late
    v = judge(dossier(finished=t(12, 17), steps=steps), at=t(30))
    assert (v.adjusted_due, v.on_time) == (t(11, 17), False)


def test_open_dossier_before_adjusted_due_is_undecided():
    v = judge(dossier(status=4, due=t(10, 17)), at=t(10, 12))
    assert (v.on_time, v.late, v.finished_at) == (None, False, None)


def test_open_dossier_after_due_is_late_at_report_date():
    v = judge(dossier(status=4, due=t(10, 17)), at=t(11, 8))
    assert (v.on_time, v.late) == (False, True)


def test_open_supplement_request_pauses_the_clock_until_report_date():
    # In status 5 since the 9th 17:00, report date the 12th 17:00: 3 days added → due the 13th 17:00.
    steps = [Step(5, t(9, 17), None)]
    v = judge(dossier(status=5, steps=steps), at=t(12, 17))
    assert (v.adjusted_due, v.on_time, v.late) == (t(13, 17), None, False)


def test_finished_after_report_date_is_judged_open_at_that_date():
    v = judge(dossier(finished=t(20)), at=t(10, 12))
    assert (v.finished_at, v.on_time) == (None, None)


def test_refused_dossier_finishes_when_it_entered_status_3():
    steps = [Step(2, t(3, 8), t(4, 8)), Step(3, t(4, 8), None)]
    v = judge(dossier(status=3, steps=steps), at=t(30))
    assert (v.finished_at, v.on_time) == (t(4, 8), True)


def test_stopped_dossier_without_steps_uses_status_time():
    v = judge(dossier(status=8, status_at=t(12)), at=t(30))
    assert (v.finished_at, v.on_time) == (t(12), False)


def test_withdrawn_dossier_is_judged_at_its_withdrawal():
    late = judge(dossier(status=7, status_at=t(20)), at=t(30))
    assert (late.finished_at, late.verdict, late.late) == (t(20), "late", True)
    early = judge(dossier(status=7, steps=[Step(7, t(5, 9), t(5, 9))]), at=t(30))
    assert (early.finished_at, early.verdict) == (t(5, 9), "early")


def test_status_1_and_a_refusal_at_the_counter_are_not_received():
    assert judge(dossier(status=1, due=None), at=t(30)).accepted is False
    assert judge(dossier(status=1, finished=t(5)), at=t(30)).verdict is None
    at_counter = dossier(status=3, steps=[Step(3, t(3, 9), t(3, 9))])
    assert judge(at_counter, at=t(30)).accepted is False
    after = dossier(status=3, steps=[Step(2, t(3, 8), t(3, 9)), Step(3, t(4, 9), t(4, 9))])
    assert judge(after, at=t(30)).verdict == "early"


def test_no_due_date_cannot_be_late():
    assert judge(dossier(status=4, due=None), at=t(30)).verdict == "in_time"
    assert judge(dossier(status=10, due=None, finished=t(29)), at=t(30)).verdict == "on_time"


def test_the_day_decides_early_and_the_hour_on_time():
    # times are naive UTC; office days are +07:00: due the 10th 17:00 office time
    due = t(10, 10)
    assert judge(dossier(due=due, finished=t(9, 16)), at=t(30)).verdict == "early"  # the 9th, 23:00
    assert judge(dossier(due=due, finished=t(10, 1)), at=t(30)).verdict == "on_time"  # the 10th, 08:00
    assert judge(dossier(due=due, finished=t(10, 11)), at=t(30)).verdict == "late"  # the 10th, 18:00


def test_a_pending_supplement_ends_at_its_request_unless_it_is_the_second():
    first = dossier(status=5, steps=[Step(5, t(8, 9), None)])
    assert judge(first, at=t(30)).verdict == "in_time"  # requested on the 8th, due the 10th
    after_due = dossier(status=5, steps=[Step(5, t(12, 9), None)])
    assert judge(after_due, at=t(30)).verdict == "late"
    second = dossier(status=5, steps=[Step(5, t(4, 9), t(5, 9)), Step(5, t(6, 9), None)])
    assert judge(second, at=t(7)).verdict == "late"  # requested twice: late before its due date


def test_status_6_pauses_only_when_asked():
    fees = dossier(status=6, steps=[Step(6, t(8, 9), None)])
    assert judge(fees, at=t(30)).verdict == "late"
    assert judge(fees, at=t(30), pause_fees=True).verdict == "in_time"


def test_ward_report_rate():
    # "2,890 of 2,907 = 99.4%" from DOMAIN.md
    assert rate(2890, 2907) == 0.9942
    assert rate(0, 0) is None


def test_satisfied_is_top_two_levels_and_negative_below_middle():
    assert [is_satisfied(s, 3) for s in (1, 2, 3)] == [False, True, True]
    assert [is_negative(s, 3) for s in (1, 2, 3)] == [True, False, False]
    assert [is_satisfied(s, 5) for s in (1, 2, 3, 4, 5)] == [False, False, False, True, True]
    assert [is_negative(s, 5) for s in (1, 2, 3, 4, 5)] == [True, True, False, False, False]
