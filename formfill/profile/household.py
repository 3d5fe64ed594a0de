"""The client's household: its members as entered, and the members chosen by relation (the
partner living with the client, the children oldest first, everyone else), read-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from formfill.profile.paths import age_on, derived
from formfill.profile.sections import Identifiers, _f, _Model
from formfill.profile.types import Currency, Relation

__all__ = ["PARTNER_RELATIONS", "Household", "HouseholdMember"]


class HouseholdMember(_Model):
    """Someone in the client's family or household."""

    relation: Relation = _f(..., d="Relation to the client", ex="child")
    given_name: str | None = _f(d="Given name(s)", ex="Ola", ac="given-name")
    family_name: str | None = _f(d="Family name", ex="Nordmann", ac="family-name")
    birth_date: date | None = _f(d="Date of birth", ex=date(2021, 6, 2), ac="bday")
    identifiers: Identifiers = _f(
        d="National identifiers", ex={"no_fnr": "02062151318"}, default_factory=Identifiers
    )
    lives_with_client: bool = _f(True, d="Lives with the client", ex=True)
    custody_share: int | None = _f(d="Custody share, percent (0-100)", ex=50, ge=0, le=100)
    # means tests that count the household (zorgtoeslag's joint income) need the partner's
    yearly_gross_income: Decimal | None = _f(
        d="Yearly gross income (a partner's, for means tests that count the household)",
        ex=Decimal("28000.00"),
        ge=0,
    )
    income_currency: Currency | None = _f(
        d="Currency of the yearly income (ISO 4217; unsaid: the home country's)", ex="EUR"
    )

    @property
    @derived("str", "Given and family name", "Ola Nordmann")
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @derived("int", "Age in completed years on the reference date", 5, takes_date=True)
    def age(self, on: date) -> int | None:
        return age_on(self.birth_date, on)


#: relations of a member who is the client's partner when living with the client
PARTNER_RELATIONS = ("spouse", "partner")
_MEMBER_EX = {"relation": "child", "given_name": "Ola", "birth_date": "2021-06-02"}


def _oldest_first(members: list[HouseholdMember]) -> list[HouseholdMember]:
    """By birth date, oldest first; ties and unknown dates (last) keep entry order."""
    return sorted(members, key=lambda m: (m.birth_date is None, m.birth_date or date.min))


class Household(_Model):
    """The client's family and household. Members are entered in any order; forms address them
    by relation (``partner``, ``children``, ``others``), never by their place in the list."""

    members: list[HouseholdMember] = _f(
        d="Members other than the client, in the order they were entered (the only writable "
        "list; forms read household.partner, household.children and household.others)",
        ex=[{"relation": "child", "given_name": "Ola"}],
        default_factory=list,
    )

    def partners(self) -> list[tuple[int, HouseholdMember]]:
        """(index, member) of every spouse or partner living with the client (more than one
        is a profile error)."""
        return [
            (i, m)
            for i, m in enumerate(self.members)
            if m.relation in PARTNER_RELATIONS and m.lives_with_client
        ]

    @property
    @derived(
        "object",
        "The spouse, registered partner or cohabitant (samboer, toeslagpartner) who lives with "
        "the client; empty when there is none",
        {"relation": "partner", "given_name": "Per"},
        model=HouseholdMember,
    )
    def partner(self) -> HouseholdMember | None:
        found = self.partners()
        return found[0][1] if found else None

    @property
    @derived(
        "list[object]",
        "Members whose relation is child (living with the client or not), oldest first; "
        "ties and unknown birth dates keep the order they were entered in",
        [_MEMBER_EX],
        model=HouseholdMember,
    )
    def children(self) -> list[HouseholdMember]:
        return _oldest_first([m for m in self.members if m.relation == "child"])

    @property
    @derived(
        "list[object]",
        "Everyone else: parents, siblings, others, and a spouse or partner who does not live "
        "with the client, oldest first",
        [{"relation": "parent", "given_name": "Eva"}],
        model=HouseholdMember,
    )
    def others(self) -> list[HouseholdMember]:
        partner = self.partner
        return _oldest_first(
            [m for m in self.members if m.relation != "child" and m is not partner]
        )

    @property
    @derived(
        "list[object]",
        "Every member, in the order a form that lists the whole household wants them: the "
        "partner, then the children oldest first, then the others (never the entry order)",
        [_MEMBER_EX],
        model=HouseholdMember,
    )
    def everyone(self) -> list[HouseholdMember]:
        partner = self.partner
        return ([partner] if partner else []) + self.children + self.others

    def children_under(self, n: int, on: date) -> int:
        """Children younger than ``n`` years on ``on`` (children without a birth date are not
        counted)."""
        return sum(1 for c in self.children if (a := c.age(on)) is not None and a < n)

    @property
    @derived("int", "Number of children (relation child)", 2)
    def children_count(self) -> int:
        return len(self.children)

    @property
    @derived("int", "Members living with the client, plus the client", 3)
    def size(self) -> int:
        return 1 + sum(1 for m in self.members if m.lives_with_client)
