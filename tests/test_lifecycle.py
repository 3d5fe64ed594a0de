"""tracking: the transition table, deadline rules as data, month arithmetic, due lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from formfill.errors import DeadlineRuleError, InvalidTransitionError, TransitionDetailsError
from formfill.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    AppStatus,
    DueItem,
    add_months,
    check_transition,
    compute_deadlines,
    list_due,
    next_occurrence,
    parse_rules,
    parse_within,
)


def test_withdrawn_from_every_open_state_only() -> None:
    """Every open state may be withdrawn; decided, closed and withdrawn may not."""
    for status in AppStatus:
        assert (AppStatus.WITHDRAWN in TRANSITIONS[status]) == (status in OPEN_STATUSES)
    assert TRANSITIONS[AppStatus.CLOSED] == () and TRANSITIONS[AppStatus.WITHDRAWN] == ()


def test_refusal_carries_structured_data() -> None:
    """A forbidden move names from, to and what is allowed; an unknown status too."""
    with pytest.raises(InvalidTransitionError) as e:
        check_transition("draft", "submitted", channel="portal")
    assert (e.value.from_status, e.value.to_status, e.value.allowed) == (
        "draft",
        "submitted",
        ("ready", "withdrawn"),
    )
    with pytest.raises(InvalidTransitionError):
        check_transition("draft", "lost")
    with pytest.raises(InvalidTransitionError):
        check_transition("limbo", "draft")
    with pytest.raises(TransitionDetailsError):
        check_transition("submitted", "decided", decision="maybe")
    with pytest.raises(TransitionDetailsError):
        check_transition("draft", "ready", decision="approved")
    assert check_transition("reviewed", "submitted", channel="post") is AppStatus.SUBMITTED


@pytest.mark.parametrize(
    ("start", "months", "eom", "expected"),
    [
        (date(2026, 1, 31), 1, "clamp", date(2026, 2, 28)),
        (date(2028, 1, 31), 1, "clamp", date(2028, 2, 29)),
        (date(2028, 2, 29), 12, "clamp", date(2029, 2, 28)),
        (date(2026, 2, 28), 1, "clamp", date(2026, 3, 28)),
        (date(2026, 2, 28), 1, "keep_end", date(2026, 3, 31)),
        (date(2026, 4, 30), 1, "keep_end", date(2026, 5, 31)),
        (date(2026, 11, 15), 3, "clamp", date(2027, 2, 15)),
        (date(2026, 3, 31), -1, "clamp", date(2026, 2, 28)),
    ],
)
def test_add_months_end_of_month(start: date, months: int, eom: str, expected: date) -> None:
    """Month arithmetic follows the named end-of-month convention."""
    assert add_months(start, months, eom=eom) == expected  # type: ignore[arg-type]


def test_rules_from_data() -> None:
    """Rules parse from TOML-like data; every problem is collected; only_if filters."""
    rules = parse_rules(
        [
            {"kind": "expected_decision", "after": "submitted", "weeks": 6},
            {"kind": "appeal", "after": "decided", "weeks": 3, "only_if": ["denied"]},
            {
                "kind": "renewal",
                "after": "decided",
                "months": 12,
                "every_months": 12,
                "eom": "keep_end",
            },
        ]
    )
    got = compute_deadlines(rules, "decided", date(2026, 2, 28), decision="denied")
    assert [(d.kind.value, d.due) for d in got] == [
        ("appeal", date(2026, 3, 21)),
        ("renewal", date(2027, 2, 28)),
    ]
    assert "3 weeks after decided" in (got[0].rule or "")
    nxt = next_occurrence(rules[2], date(2027, 2, 28))
    assert nxt is not None and nxt.due == date(2028, 2, 29)
    with pytest.raises(DeadlineRuleError) as e:
        parse_rules([{"kind": "soon", "after": "sent", "weeks": -1, "colour": "red"}])
    wheres = {p.where for p in e.value.problems}
    assert wheres == {
        "deadlines[0].kind",
        "deadlines[0].after",
        "deadlines[0].weeks",
        "deadlines[0].colour",
    }


def test_due_and_overdue() -> None:
    """Done items never show; past ones are overdue; later ones only within the window."""
    items = [
        DueItem(1, date(2026, 1, 1)),
        DueItem(2, date(2026, 1, 10)),
        DueItem(3, date(2026, 3, 1)),
        DueItem(4, date(2025, 1, 1), done=True),
    ]
    got = list_due(items, date(2026, 1, 5), timedelta(days=14))
    assert [(i.key, s) for i, s in got] == [(1, "overdue"), (2, "due")]


def test_parse_within() -> None:
    """14d and 2w are windows; anything else is a readable ValueError."""
    assert parse_within("14d") == parse_within("2w") == timedelta(days=14)
    with pytest.raises(ValueError, match="like 14d"):
        parse_within("two weeks")
