"""The rating flow as a Kivy-free state machine: idle → rate → reasons → dossier → thanks.

The screens only forward taps and scans here and redraw from `RatingFlow.step` and
`RatingFlow.notice`; every rule a citizen meets (cooldown, timeouts, one rating per dossier, the
officer being rated is the signed-in one) lives in this class so it is tested without a window.
"""

import datetime
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Optional

from motcua import dossier_code, officetime
from motcua.scale import DEFAULT_SCALE, SCALES, STANDARD_REASONS, is_negative

log = logging.getLogger(__name__)

PHONE = re.compile(r"^0\d{9,10}$")
COMMENT_MAX = 1000


class Step(str, Enum):
    IDLE = "idle"
    RATE = "rate"
    REASONS = "reasons"
    DOSSIER = "dossier"
    THANKS = "thanks"


class Notice(str, Enum):
    """Why the last tap did nothing, shown to the citizen (texts in rating/texts.py)."""

    NO_OFFICER = "no_officer"
    COOLDOWN = "cooldown"
    WAIT_FOR_OFFICER = "wait_for_officer"
    INVALID_DOSSIER = "invalid_dossier"
    ALREADY_RATED = "already_rated"
    INVALID_PHONE = "invalid_phone"
    NOT_SAVED = "not_saved"


class AlreadyRated(Exception):
    """Raised by `record` when the store already holds a rating of this dossier."""


@dataclass
class FlowSettings:
    scale: int = DEFAULT_SCALE
    reason_codes: tuple = tuple(STANDARD_REASONS)
    ask_reasons: bool = True
    comment: bool = True
    phone: bool = True
    dossier_link: bool = True
    require_service_done: bool = False
    cooldown_s: float = 20.0
    prompt_timeout_s: float = 30.0
    thanks_s: float = 5.0
    keep_vote_on_timeout: bool = True

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {self.scale!r}")


@dataclass
class Draft:
    """What one citizen has chosen so far; replaced by a fresh Draft between citizens."""

    id: Optional[str] = None
    created_at: Optional[str] = None
    score: Optional[int] = None
    reasons: set = field(default_factory=set)
    comment: str = ""
    phone: str = ""
    dossier_code: str = ""


class RatingFlow:
    """One tablet's rating flow. `record(payload)` must return only once the rating is durable."""

    def __init__(
        self,
        settings: FlowSettings,
        record: Callable[[dict], object],
        *,
        office: str,
        counter: int,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime.datetime] = officetime.now,
        already_rated: Callable[[str], bool] = lambda code: False,
        on_change: Callable[["RatingFlow"], None] = lambda flow: None,
    ):
        self.settings = settings
        self._record = record
        self.office = office
        self.counter = counter
        self._clock = clock
        self._wall_clock = wall_clock
        self._already_rated = already_rated
        self._on_change = on_change
        self.officer: Optional[dict] = None
        self.step = Step.IDLE
        self.draft = Draft()
        self.notice: Optional[Notice] = None
        self.service_done = False
        self.recorded = 0
        self._last_recorded_at: Optional[float] = None
        self._step_since = clock()
        self._last_activity = clock()

    # -- officer side ------------------------------------------------------------------------
    def sign_in(self, officer: dict) -> None:
        """The officer on duty; ratings carry their id. The citizen side cannot change it."""
        previous = self.officer["id"] if self.officer else None
        self.officer = dict(officer)
        log.info("officer on duty at counter %s: %s -> %s", self.counter, previous, officer["id"])
        self.reset()

    def sign_out(self) -> None:
        if self.officer:
            log.info("officer %s signed out of counter %s", self.officer["id"], self.counter)
        self.officer = None
        self.reset()

    def mark_service_done(self) -> None:
        """The officer finished serving a citizen: opens the rating prompt when that is required."""
        self.service_done = True
        if self.step == Step.IDLE and self.officer is not None:
            self._go(Step.RATE)
        self._changed()

    # -- citizen side ------------------------------------------------------------------------
    def cooldown_remaining(self) -> float:
        if self._last_recorded_at is None:
            return 0.0
        return max(0.0, self.settings.cooldown_s - (self._clock() - self._last_recorded_at))

    def start(self) -> bool:
        """A tap on the idle screen's invitation. Returns False (and sets `notice`) when refused."""
        self.touch()
        if self.step != Step.IDLE:
            return False
        refusal = self._refusal()
        if refusal:
            return self._refuse(refusal)
        self._go(Step.RATE)
        return True

    def choose(self, score: int) -> bool:
        """One tap on a face. Records at once unless a negative score or the dossier step follows."""
        self.touch()
        if self.step != Step.RATE:
            return False
        refusal = self._refusal()
        if refusal:
            return self._refuse(refusal)
        if not 1 <= int(score) <= self.settings.scale:
            raise ValueError(f"score {score!r} outside 1..{self.settings.scale}")
        self.draft.score = int(score)
        self.draft.id = str(uuid.uuid4())
        self.draft.created_at = self._wall_clock().isoformat(timespec="seconds")
        self._advance_from(Step.RATE)
        return True

    def toggle_reason(self, code: str) -> bool:
        self.touch()
        if self.step != Step.REASONS or code not in self.settings.reason_codes:
            return False
        self.draft.reasons ^= {code}
        self._changed()
        return code in self.draft.reasons

    def set_comment(self, text: str) -> None:
        if self.step == Step.REASONS and self.settings.comment:
            self.draft.comment = (text or "").strip()[:COMMENT_MAX]
            self.touch()

    def set_phone(self, text: str) -> bool:
        """Keeps a valid Vietnamese phone number (or nothing); a wrong one sets INVALID_PHONE."""
        if self.step != Step.REASONS or not self.settings.phone:
            return False
        self.touch()
        digits = re.sub(r"[\s.\-]", "", text or "")
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        if digits and not PHONE.match(digits):
            self.draft.phone = ""
            return self._refuse(Notice.INVALID_PHONE)
        self.draft.phone = digits
        return True

    def submit_reasons(self) -> bool:
        """'Gửi' or 'Bỏ qua' on the reasons screen: both move on; skipping clears the extras."""
        self.touch()
        if self.step != Step.REASONS:
            return False
        self._advance_from(Step.REASONS)
        return True

    def skip_reasons(self) -> bool:
        if self.step != Step.REASONS:
            return False
        self.draft.reasons, self.draft.comment, self.draft.phone = set(), "", ""
        return self.submit_reasons()

    def scan(self, raw: str) -> bool:
        """A receipt scanned (any step before thanks): ties this rating to the dossier."""
        self.touch()
        if self.step == Step.THANKS:
            return False
        code = dossier_code.normalise(raw)
        if not self.settings.dossier_link:
            return False
        if not dossier_code.is_valid(code):
            return self._refuse(Notice.INVALID_DOSSIER)
        if self._already_rated(code):
            return self._refuse(Notice.ALREADY_RATED)
        self.draft.dossier_code = code
        self.notice = None
        if self.step == Step.IDLE and not self._refusal():
            self._go(Step.RATE)  # scanning the receipt is also a way to start
        elif self.step == Step.DOSSIER:
            self._commit()
        else:
            self._changed()
        return True

    def skip_dossier(self) -> bool:
        self.touch()
        if self.step != Step.DOSSIER:
            return False
        self._commit()
        return True

    def cancel(self) -> None:
        """'Quay lại' before a face was tapped: nothing recorded."""
        if self.step == Step.RATE:
            self.reset()

    # -- time --------------------------------------------------------------------------------
    def touch(self) -> None:
        """Any citizen activity postpones the prompt timeout."""
        self._last_activity = self._clock()

    def quiet_for(self) -> float:
        """Seconds since the last citizen activity (a tap, a key, a scan, a new step)."""
        return self._clock() - self._last_activity

    def tick(self) -> None:
        """Called a few times a second by the app: timeouts and the end of the thank-you."""
        now = self._clock()
        if self.step == Step.THANKS:
            if now - self._step_since >= self.settings.thanks_s:
                self.reset()
            return
        if self.step == Step.IDLE:
            if self.notice in (Notice.COOLDOWN,) and self.cooldown_remaining() == 0:
                self.notice = None
                self._changed()
            return
        if now - self._last_activity >= self.settings.prompt_timeout_s:
            self.timeout()

    def timeout(self) -> None:
        """Nobody touched the prompt: the tapped face still counts, unconfirmed extras do not."""
        if self.draft.score is not None and self.settings.keep_vote_on_timeout:
            dossier = self.draft.dossier_code
            self.draft = Draft(
                id=self.draft.id, created_at=self.draft.created_at, score=self.draft.score, dossier_code=dossier
            )
            log.info("prompt timed out at %s; keeping the tapped score", self.step.value)
            self._store()  # on a broken disk the error is logged; the next citizen still starts clean
            self.reset()
            return
        log.info("prompt timed out at %s; nothing recorded", self.step.value)
        self.reset()

    def reset(self) -> None:
        """Back to idle with nothing of the previous citizen left."""
        self.draft = Draft()
        self.notice = None
        if self.settings.require_service_done:
            self.service_done = False
        self._go(Step.IDLE)

    # -- internals ---------------------------------------------------------------------------
    def _refusal(self) -> Optional[Notice]:
        if self.officer is None:
            return Notice.NO_OFFICER
        if self.cooldown_remaining() > 0:
            return Notice.COOLDOWN
        if self.settings.require_service_done and not self.service_done:
            return Notice.WAIT_FOR_OFFICER
        return None

    def _refuse(self, notice: Notice) -> bool:
        self.notice = notice
        self._changed()
        return False

    def _advance_from(self, step: Step) -> None:
        order = [Step.RATE, Step.REASONS, Step.DOSSIER]
        for nxt in order[order.index(step) + 1 :]:
            if (
                nxt == Step.REASONS
                and self.settings.ask_reasons
                and self.settings.reason_codes
                and is_negative(self.draft.score, self.settings.scale)
            ):
                return self._go(nxt)
            if nxt == Step.DOSSIER and self.settings.dossier_link and not self.draft.dossier_code:
                return self._go(nxt)
        self._commit()

    def payload(self) -> dict:
        d = self.draft
        item = {
            "id": d.id,
            "created_at": d.created_at,
            "office": self.office,
            "counter": self.counter,
            "staff_id": self.officer["id"],
            "scale": self.settings.scale,
            "score": d.score,
            "reasons": sorted(d.reasons),
        }
        if d.comment:
            item["comment"] = d.comment
        if d.phone:
            item["phone"] = d.phone
        if d.dossier_code:
            item["dossier_code"] = d.dossier_code
        return item

    def _store(self) -> bool:
        try:
            self._record(self.payload())
        except AlreadyRated:
            self.draft.dossier_code = ""
            self._refuse(Notice.ALREADY_RATED)
            return False
        except Exception:  # a full or broken disk: never thank for a rating we do not hold
            log.exception("the rating could not be stored")
            self._refuse(Notice.NOT_SAVED)
            return False
        self.recorded += 1
        self._last_recorded_at = self._clock()
        return True

    def _commit(self) -> None:
        if self._store():
            self.notice = None
            self.service_done = False
            self._go(Step.THANKS)

    def _go(self, step: Step) -> None:
        self.step = step
        self._step_since = self._clock()
        self._last_activity = self._step_since
        self.notice = None
        self._changed()

    def _changed(self) -> None:
        self._on_change(self)
