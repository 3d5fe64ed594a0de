"""Application lifecycle and deadlines: pure rules over values (no database, no clock).

The lifecycle::

    draft ─▶ ready ─▶ filled ─▶ reviewed ─▶ submitted ─▶ acknowledged ─▶ decided ─▶ closed
      ▲        │ ▲      │ ▲        │             │                          ▲
      └────────┘ └──────┘ └────────┘             └──────────────────────────┘
    (a step back before submission: refill, review sent back)   (a decision without receipt)

    withdrawn: from any open state (draft .. acknowledged). decided, closed and withdrawn
    are not open; closed and withdrawn are final.

``decided`` carries an outcome: approved, partly_approved or denied.

Deadlines are computed from rules given as data (kept with a form map or a program): each rule
names its kind, the status whose date anchors it, and an offset in days, weeks or months. Months
follow an explicit end-of-month convention (:func:`add_months`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal, TypeVar

from formfill.errors import (
    DeadlineRuleError,
    InvalidTransitionError,
    Problem,
    TransitionDetailsError,
)

__all__ = [
    "CHANNELS",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "AppStatus",
    "Channel",
    "Deadline",
    "DeadlineKind",
    "DeadlineRule",
    "Decision",
    "DueItem",
    "Eom",
    "add_months",
    "allowed_from",
    "check_transition",
    "compute_deadlines",
    "list_due",
    "move_kind",
    "next_occurrence",
    "parse_rules",
    "parse_within",
]


E = TypeVar("E", bound=StrEnum)


class AppStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    FILLED = "filled"
    REVIEWED = "reviewed"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    DECIDED = "decided"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Decision(StrEnum):
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    DENIED = "denied"


class Channel(StrEnum):
    PORTAL = "portal"
    POST = "post"
    EMAIL = "email"
    IN_PERSON = "in_person"


CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)


class DeadlineKind(StrEnum):
    APPLICATION = "application"
    EXPECTED_DECISION = "expected_decision"
    PROGRESS_REPORT = "progress_report"
    RENEWAL = "renewal"
    APPEAL = "appeal"
    CUSTOM = "custom"


S = AppStatus
OPEN_STATUSES: frozenset[AppStatus] = frozenset(
    {S.DRAFT, S.READY, S.FILLED, S.REVIEWED, S.SUBMITTED, S.ACKNOWLEDGED}
)
_FORWARD: dict[AppStatus, tuple[AppStatus, ...]] = {
    S.DRAFT: (S.READY,),
    S.READY: (S.FILLED, S.DRAFT),
    S.FILLED: (S.REVIEWED, S.READY),
    S.REVIEWED: (S.SUBMITTED, S.FILLED),
    S.SUBMITTED: (S.ACKNOWLEDGED, S.DECIDED),
    S.ACKNOWLEDGED: (S.DECIDED,),
    S.DECIDED: (S.CLOSED,),
    S.CLOSED: (),
    S.WITHDRAWN: (),
}
# the order an application goes through; a move to an earlier status is a step back (filled ->
# ready: the form is to be filled again), which the web offers apart from the next steps
ORDER: tuple[AppStatus, ...] = (
    S.DRAFT, S.READY, S.FILLED, S.REVIEWED, S.SUBMITTED, S.ACKNOWLEDGED, S.DECIDED, S.CLOSED,
)  # fmt: skip


def move_kind(from_status: str, to_status: str) -> str:
    """What a move allowed from ``from_status`` is: 'next' (forward), 'back' (to an earlier
    status) or 'stop' (withdrawn)."""
    if to_status == S.WITHDRAWN.value:
        return "stop"
    order = [s.value for s in ORDER]
    if from_status in order and to_status in order:
        return "back" if order.index(to_status) < order.index(from_status) else "next"
    return "next"


TRANSITIONS: Mapping[AppStatus, tuple[AppStatus, ...]] = {
    status: nexts + ((S.WITHDRAWN,) if status in OPEN_STATUSES else ())
    for status, nexts in _FORWARD.items()
}


def allowed_from(status: str) -> tuple[str, ...]:
    """The statuses an application in ``status`` may move to (none for an unknown status)."""
    try:
        return tuple(s.value for s in TRANSITIONS[AppStatus(status)])
    except ValueError:
        return ()


def check_transition(
    from_status: str,
    to_status: str,
    *,
    decision: str | None = None,
    channel: str | None = None,
) -> AppStatus:
    """Return the target status if the move is allowed and has the details it needs.

    InvalidTransitionError(from, to, allowed) when the lifecycle forbids it;
    TransitionDetailsError when ``decided`` lacks its outcome or ``submitted`` its channel."""
    allowed = allowed_from(from_status)
    if to_status not in allowed:
        raise InvalidTransitionError(from_status, to_status, allowed)
    dst = AppStatus(to_status)
    if dst is S.DECIDED:
        if decision is None:
            raise TransitionDetailsError(dst.value, [f"a decision ({_join(Decision)})"])
        if decision not in set(Decision):
            raise TransitionDetailsError(dst.value, [f"a decision among {_join(Decision)}"])
    elif decision is not None:
        raise TransitionDetailsError(dst.value, ["no decision (only `decided` takes one)"])
    if dst is S.SUBMITTED and (channel is None or channel not in CHANNELS):
        raise TransitionDetailsError(dst.value, [f"a channel ({', '.join(CHANNELS)})"])
    return dst


def _join(enum: type[StrEnum]) -> str:
    return ", ".join(m.value for m in enum)


# -- dates ----------------------------------------------------------------------------------------

Eom = Literal["clamp", "keep_end"]


def add_months(d: date, months: int, *, eom: Eom = "clamp") -> date:
    """``d`` plus ``months`` calendar months, with an explicit end-of-month convention.

    ``clamp`` (the default): the same day of the month, or the month's last day when it has
    fewer days (31 Jan + 1 month = 28/29 Feb; 29 Feb + 12 months = 28 Feb).
    ``keep_end``: as ``clamp``, but a date on its month's last day stays on the last day
    (28 Feb 2025 + 1 month = 31 Mar 2025), as agencies that count "end of month" do."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_end = d.day == calendar.monthrange(d.year, d.month)[1]
    day = last if (eom == "keep_end" and at_end) else min(d.day, last)
    return date(year, month, day)


@dataclass(frozen=True)
class DeadlineRule:
    """``kind`` is due ``days``/``weeks``/``months`` after the application reaches ``after``.

    ``every_months``: the deadline recurs (a renewal every 12 months); the next one is due that
    many months after the previous due date. ``every_days``: the same in days (a meldekort
    every 14 days); a rule has at most one of the two. ``only_if``: decisions that trigger the rule
    (an appeal window only after ``denied`` or ``partly_approved``); empty means any."""

    kind: DeadlineKind
    after: AppStatus
    days: int = 0
    weeks: int = 0
    months: int = 0
    every_months: int | None = None
    only_if: tuple[Decision, ...] = ()
    label: str = ""
    eom: Eom = "clamp"
    every_days: int | None = None

    def due_from(self, anchor: date) -> date:
        return add_months(anchor, self.months, eom=self.eom) + timedelta(
            days=self.days, weeks=self.weeks
        )

    def describe(self) -> str:
        parts = [
            f"{n} {unit}"
            for n, unit in ((self.months, "months"), (self.weeks, "weeks"), (self.days, "days"))
            if n
        ]
        text = f"{self.kind.value}: {' '.join(parts) or '0 days'} after {self.after.value}"
        if self.only_if:
            text += f" ({'/'.join(d.value for d in self.only_if)})"
        if self.every_months:
            text += f", then every {self.every_months} months"
        if self.every_days:
            text += f", then every {self.every_days} days"
        return text


RULE_KEYS = (
    "kind",
    "after",
    "days",
    "weeks",
    "months",
    "every_months",
    "every_days",
    "only_if",
    "label",
    "eom",
)


def parse_rules(data: Iterable[Mapping[str, Any]], source: str = "<rules>") -> list[DeadlineRule]:
    """Rules from data (a TOML ``[[deadlines]]`` array); DeadlineRuleError lists every problem."""
    rules: list[DeadlineRule] = []
    problems: list[Problem] = []
    for i, raw in enumerate(data):
        where = f"deadlines[{i}]"
        before = len(problems)
        for key in raw:
            if key not in RULE_KEYS:
                problems.append(Problem(f"{where}.{key}", "unknown key"))
        kind = _member(DeadlineKind, raw.get("kind"), f"{where}.kind", problems)
        after = _member(AppStatus, raw.get("after"), f"{where}.after", problems)
        counts: dict[str, int] = {}
        for key in ("days", "weeks", "months"):
            value = raw.get(key, 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(Problem(f"{where}.{key}", "must be a whole number >= 0"))
            else:
                counts[key] = value
        every = raw.get("every_months")
        if every is not None and (
            not isinstance(every, int) or isinstance(every, bool) or every < 1
        ):
            problems.append(Problem(f"{where}.every_months", "must be a whole number >= 1"))
        every_days = raw.get("every_days")
        if every_days is not None and (
            not isinstance(every_days, int) or isinstance(every_days, bool) or every_days < 1
        ):
            problems.append(Problem(f"{where}.every_days", "must be a whole number >= 1"))
        if every is not None and every_days is not None:
            problems.append(Problem(where, "give every_months or every_days, not both"))
        only = raw.get("only_if", [])
        only_if = tuple(
            d
            for j, v in enumerate(only if isinstance(only, list) else [only])
            if (d := _member(Decision, v, f"{where}.only_if[{j}]", problems)) is not None
        )
        eom = raw.get("eom", "clamp")
        if eom not in ("clamp", "keep_end"):
            problems.append(Problem(f"{where}.eom", "must be clamp or keep_end"))
        if len(problems) == before and kind is not None and after is not None:
            rules.append(
                DeadlineRule(
                    kind=kind,
                    after=after,
                    every_months=every,
                    every_days=every_days,
                    only_if=only_if,
                    label=str(raw.get("label", "")),
                    eom=eom,
                    **counts,
                )
            )
    if problems:
        raise DeadlineRuleError(source, problems)
    return rules


def _member(enum: type[E], value: object, where: str, problems: list[Problem]) -> E | None:
    try:
        return enum(value) if isinstance(value, str) else enum(str(value))
    except ValueError:
        problems.append(Problem(where, f"must be one of {_join(enum)} (got {value!r})"))
        return None


@dataclass(frozen=True)
class Deadline:
    """A deadline computed from a rule (``rule`` is its description) or set by hand."""

    kind: DeadlineKind
    due: date
    rule: str | None = None
    label: str = ""


def compute_deadlines(
    rules: Sequence[DeadlineRule],
    reached: str,
    on: date,
    *,
    decision: str | None = None,
) -> list[Deadline]:
    """Deadlines that start when an application reaches status ``reached`` on date ``on``."""
    status = AppStatus(reached)
    out = []
    for rule in rules:
        if rule.after is not status:
            continue
        if rule.only_if and (decision is None or Decision(decision) not in rule.only_if):
            continue
        out.append(Deadline(rule.kind, rule.due_from(on), rule.describe(), rule.label))
    return out


def next_occurrence(rule: DeadlineRule, previous_due: date) -> Deadline | None:
    """The next deadline of a recurring rule after one due on ``previous_due``, else None."""
    if rule.every_days:
        return Deadline(
            rule.kind, previous_due + timedelta(days=rule.every_days), rule.describe(), rule.label
        )
    if not rule.every_months:
        return None
    due = add_months(previous_due, rule.every_months, eom=rule.eom)
    return Deadline(rule.kind, due, rule.describe(), rule.label)


@dataclass(frozen=True)
class DueItem:
    """Anything with a due date: ``key`` identifies it to the caller (a deadline id)."""

    key: Any
    due: date
    done: bool = False


def list_due(
    items: Iterable[DueItem], as_of: date, within: timedelta
) -> list[tuple[DueItem, Literal["overdue", "due"]]]:
    """Open items overdue on ``as_of`` or due within ``within`` of it, earliest first."""
    horizon = as_of + within
    out: list[tuple[DueItem, Literal["overdue", "due"]]] = []
    for item in items:
        if item.done or item.due > horizon:
            continue
        out.append((item, "overdue" if item.due < as_of else "due"))
    out.sort(key=lambda pair: (pair[0].due, str(pair[0].key)))
    return out


_WITHIN = re.compile(r"\s*(\d{1,4})\s*([dw])\s*")


def parse_within(text: str) -> timedelta:
    """``14d`` or ``2w`` -> a timedelta; ValueError with a readable message otherwise."""
    m = _WITHIN.fullmatch(text.lower())
    if not m:
        raise ValueError(f"{text!r}: give a number of days or weeks, like 14d or 2w")
    n = int(m.group(1))
    return timedelta(days=n) if m.group(2) == "d" else timedelta(weeks=n)
