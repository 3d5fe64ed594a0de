"""Which profile paths are amounts of money, and in which currency a client's amount is.

A form asks for its amounts in one currency (the map's ``currency``); a client's income may be
in another (a Norwegian salary on a Dutch toeslagen form). formfill never converts: a figure
written in the wrong currency is a wrong value on a signed form, so such a field is left blank
for the specialist to convert by hand (see ``formfill.maps.resolve``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from formfill.profile.model import Profile

__all__ = ["Amount", "amount_of", "amounts_in", "is_money_path"]

_SOURCE = re.compile(r"income\.sources\[(\d+)\]\.(amount|monthly_amount)")
_SUM = re.compile(r"income\.(monthly|yearly)_(gross|net)")
_BENEFIT = re.compile(r"benefits\.current\[(\d+)\]\.amount")
# the same paths with list indices as ``[]`` (the vocabulary's and expression_paths' form)
_GENERIC = re.compile(
    r"income\.sources\[\d*\]\.(amount|monthly_amount)|income\.(monthly|yearly)_(gross|net)"
    r"|benefits\.current\[\d*\]\.amount"
)
# a concrete path inside an expression: income.sources[0].amount, income.yearly_gross
_IN_TEXT = re.compile(r"\b(?:income|benefits)(?:\.[a-z_]+|\[\d+\])+")


class Amount(NamedTuple):
    """A money path of one client: the path and the currency its amount is in (None: the
    profile does not say, or the amount sums incomes in more than one currency)."""

    path: str
    currency: str | None


def is_money_path(path: str) -> bool:
    """True for a path whose value is an amount of money (``income.sources[0].amount``,
    ``income.yearly_gross``, ``benefits.current[].amount``)."""
    return _GENERIC.fullmatch(path) is not None


def amount_of(profile: Profile, path: str, on: date) -> Amount | None:
    """The currency of the amount at ``path`` for this client on ``on``; None when the path is
    not an amount of money. A sum (``income.monthly_gross``) is in the currency of the incomes
    received on ``on``."""
    if m := _SOURCE.fullmatch(path):
        i = int(m.group(1))
        sources = profile.income.sources
        return Amount(path, sources[i].currency if i < len(sources) else None)
    if _SUM.fullmatch(path):
        active = {s.currency for s in profile.income.sources if s.active_on(on)}
        return Amount(path, next(iter(active)) if len(active) == 1 else None)
    if m := _BENEFIT.fullmatch(path):
        i = int(m.group(1))
        current = profile.benefits.current
        return Amount(path, current[i].currency if i < len(current) else None)
    return None


def amounts_in(profile: Profile, text: str, on: date) -> list[Amount]:
    """The amounts of money an expression's text reads, with their currencies."""
    found = (amount_of(profile, m.group(0), on) for m in _IN_TEXT.finditer(text))
    return list(dict.fromkeys(a for a in found if a is not None))
