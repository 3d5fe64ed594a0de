"""A demo store: users, synthetic clients and applications to try formfill (and its web front
end) with. ``formfill demo --clients N`` runs :func:`seed`; the web calls it on first start.

Everything here is synthetic: households are varied from the three demo profiles in
``personas/`` (names, birth dates, children, incomes, addresses), and every national
identifier is generated with python-stdnum's check-digit helpers so that it validates, but
belongs to nobody we know of. Seeding is idempotent: a database that has any user is left as it
is (``SeedResult.created`` is False).

Users (one password for all, see :func:`demo_password`):

=========================  ===============  =====
email                      role             team
=========================  ===============  =====
specialist@example.org     specialist       nord
specialist2@example.org    specialist       sor
supervisor@example.org     supervisor       nord
admin@example.org          admin            -
maintainer@example.org     form_maintainer  -
=========================  ===============  =====

Clients alternate between the two specialists' caseloads.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from stdnum import iban
from stdnum.nl import bsn
from stdnum.no import fodselsnummer, kontonr
from stdnum.us import ssn

from formfill.config import Settings
from formfill.errors import ConfigError, ConflictError, FormfillError
from formfill.lifecycle import DeadlineRule
from formfill.profile.provenance import DEMO_SOURCE, Provenance
from formfill.profile.validation import parse_profile
from formfill.store import Actor, deadlines, migrate, open_store, session_scope, users
from formfill.store import applications as apps
from formfill.store import clients as store_clients
from formfill.store.models import Client, User

__all__ = ["DEFAULT_PASSWORD", "DEMO_USERS", "SeedResult", "demo_password", "seed"]

# development only: production refuses it (set FORMFILL_DEMO_PASSWORD); docs/store.md
DEFAULT_PASSWORD = "formfill-demo"
# (email, name, role, team)
DEMO_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("specialist@example.org", "Siri Specialist", "specialist", "nord"),
    ("supervisor@example.org", "Sverre Supervisor", "supervisor", "nord"),
    ("admin@example.org", "Ada Admin", "admin", None),
    ("specialist2@example.org", "Sander Specialist", "specialist", "sor"),
    ("maintainer@example.org", "Mona Maintainer", "form_maintainer", None),
)


@dataclass(frozen=True)
class SeedResult:
    users: list[tuple[str, str]]  # (email, role)
    password: str
    clients: int  # clients in the store (created now, or found)
    created: bool  # False: the database already had users, nothing was added


def demo_password(settings: Settings, password: str | None = None) -> str:
    """The argument, else FORMFILL_DEMO_PASSWORD, else the development default (refused in
    production: a known password must not open a production store)."""
    chosen = password or settings.demo_password
    if chosen:
        return chosen
    if settings.environment == "production":
        raise ConfigError(
            "FORMFILL_DEMO_PASSWORD", "set a password for the demo users (production)"
        )
    return DEFAULT_PASSWORD


def seed(settings: Settings, *, clients: int = 12, password: str | None = None) -> SeedResult:
    """Migrate the database to head, then (if it has no user yet) add the demo users,
    ``clients`` synthetic clients split across the two specialists' caseloads, and applications
    in every lifecycle state with deadlines (some overdue, some due within 14 days)."""
    if clients < 0:
        raise ValueError("clients: zero or more")
    secret = demo_password(settings, password)
    migrate.upgrade(settings)
    engine, sessions = open_store(settings)
    try:
        with session_scope(sessions) as session:
            if session.scalar(sa.select(sa.func.count()).select_from(User)):
                return _existing(session, secret)
        try:
            with session_scope(sessions) as session:
                n = _seed(settings, session, clients, secret, date.today())
        except ConflictError:  # another process seeded meanwhile (first start of two)
            with session_scope(sessions) as session:
                return _existing(session, secret)
        return SeedResult([(e, r) for e, _n, r, _t in DEMO_USERS], secret, n, True)
    finally:
        engine.dispose()


def _existing(session: Session, secret: str) -> SeedResult:
    rows = session.execute(sa.select(User.email, User.role).order_by(User.id)).all()
    count = session.scalar(sa.select(sa.func.count()).select_from(Client)) or 0
    return SeedResult([(e, r) for e, r in rows], secret, count, False)


def _seed(settings: Settings, session: Session, n: int, secret: str, today: date) -> int:
    actor = Actor.system("demo")
    made = {
        email: users.create_user(session, actor, email, name, role, secret, team)
        for email, name, role, team in DEMO_USERS
    }
    specialists = [made["specialist@example.org"], made["specialist2@example.org"]]
    rules = _program_rules(settings)
    bases = _bases(settings)
    ids = _Identifiers()
    for i in range(n):
        rng = random.Random(f"formfill-demo-{i}")
        kind = ("no", "nl", "no", "us")[i % 4]  # Norwegian teams: half the clients are NO
        data = _vary(bases[kind], kind, rng, ids)
        profile = parse_profile(data, source=f"demo client {i}")
        owner = specialists[i % 2]
        by = Actor.of(owner)
        client = store_clients.create_client(session, by, reference=f"DEMO-{i + 1:03d}")
        store_clients.save_profile(
            session,
            by,
            client.id,
            profile,
            Provenance("imported", owner.id, imported_from=DEMO_SOURCE),
        )
        users.assign(session, actor, owner.id, client.id)
        _application(session, by, client.id, kind, data, i, today, rules)
    return n


# -- synthetic households --------------------------------------------------------------------

NAMES: dict[str, dict[str, Sequence[str]]] = {
    "no": {
        "female": ("Tuva", "Åse", "Ingrid", "Sólveig", "Måret", "Bjørg", "Ragnhild", "Élise"),
        "male": ("Øystein", "Håkon", "Pål", "Ørjan", "Bjørn", "Ánde", "Nils-Åge", "René"),
        "family": ("Sæther", "Bråthen", "Løvås", "Ødegård", "Hætta", "Strøm", "Søreide", "Gaup"),
        "child": ("Åsmund", "Máret Čiekčá", "Sunniva", "Ánde", "Emil", "Ylva", "Mathéo", "Sølvi"),
    },
    "nl": {
        "female": ("Noëlle Esmée", "Anaïs", "Fenna", "Chloë", "Inge", "Zoë"),
        "male": ("IJsbrand René", "Joël", "Daniël", "Sjoerd", "Mehmet", "Luuk"),
        "family": ("van Rijswijk", "de Vries", "Kuijpers", "Çelik", "Dvořák", "van den Bérg"),
        "child": ("Fleur", "Daan", "Noé", "Liv", "Saskia", "Thijs"),
    },
    "us": {
        "female": ("Dolores", "Renée", "Agnès", "Margaret", "Zdeňka"),
        "male": ("Harold", "José", "Zdeněk", "Walter", "Čestmír"),
        "family": ("Whitcombe", "Núñez", "Čapek", "Novák", "Kowalczyk"),
        "child": ("",),
    },
}
PLACES: dict[str, Sequence[tuple[str, str, str]]] = {  # street, postal code, city
    "no": (
        ("Fjellvegen", "9019", "Tromsø"),
        ("Åsveien", "8006", "Bodø"),
        ("Storgata", "0155", "Oslo"),
        ("Kjøpmannsgata", "7013", "Trondheim"),
        ("Øvre Ullern terrasse", "0380", "Oslo"),
        ("Sjøgata", "8006", "Bodø"),
    ),
    "nl": (
        ("Eikenlaan", "3581 XK", "Utrecht"),
        ("Prinsengracht", "1015 DV", "Amsterdam"),
        ("Vismarkt", "9711 KT", "Groningen"),
        ("Coöperatiestraat", "5038 AA", "Tilburg"),
    ),
    "us": (("Main St", "62704", "Springfield"), ("Capitol Ave", "62701", "Springfield")),
}
BASE_FILES = {
    "no": "nb_single_parent.json",
    "nl": "nl_couple_irregular.json",
    "us": "en_pensioner_guardian.json",
}


def _bases(settings: Settings) -> dict[str, dict[str, Any]]:
    folder = settings.personas_dir
    return {
        k: json.loads((folder / name).read_text(encoding="utf-8")) for k, name in BASE_FILES.items()
    }


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


class _Identifiers:
    """Unique, check-digit-valid synthetic numbers (python-stdnum does the arithmetic)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def _take(self, number: str) -> str | None:
        if number in self.used:
            return None
        self.used.add(number)
        return number

    def fnr(self, rng: random.Random, born: date, sex: str) -> str:
        """A fødselsnummer for ``born`` and ``sex`` (individual number range by century, odd
        third digit for male); both check digits from stdnum."""
        low, high = (500, 999) if born.year >= 2000 else (0, 499)
        while True:
            ind = rng.randint(low, high)
            if ind % 2 != (1 if sex == "male" else 0):
                continue
            nine = f"{born:%d%m%y}{ind:03d}"
            k1 = fodselsnummer.calc_check_digit1(nine)
            if len(k1) != 1:
                continue
            k2 = fodselsnummer.calc_check_digit2(nine + k1)
            number = nine + k1 + k2
            if fodselsnummer.is_valid(number) and fodselsnummer.get_birth_date(number) == born:
                if (taken := self._take(number)) is not None:
                    return taken

    def bsn(self, rng: random.Random) -> str:
        """A BSN in the 9999xxxxx test range that passes the 11-test."""
        while True:
            stem = f"9999{rng.randrange(10_000):04d}"
            for last in range(10):
                if bsn.is_valid(stem + str(last)) and (taken := self._take(stem + str(last))):
                    return taken

    def ssn(self, rng: random.Random) -> str:
        while True:
            area, group, serial = rng.randint(100, 665), rng.randint(1, 99), rng.randint(1, 9999)
            number = f"{area:03d}{group:02d}{serial:04d}"
            if ssn.is_valid(number) and (taken := self._take(number)):
                return taken

    def no_account(self, rng: random.Random) -> str:
        """A Norwegian account number (mod 11 check digit) in the test bank 1234."""
        while True:
            stem = f"1234{rng.randrange(1_000_000):06d}"
            for last in range(10):
                if kontonr.is_valid(stem + str(last)) and (taken := self._take(stem + str(last))):
                    return taken

    def nl_iban(self, rng: random.Random) -> str:
        bban = f"TEST{rng.randrange(10**10):010d}"
        number = f"NL{iban.calc_check_digits('NL00' + bban)}{bban}"
        return self._take(number) or self.nl_iban(rng)


def _scale(amount: float, rng: random.Random) -> float:
    return round(amount * rng.uniform(0.6, 1.5), 2)


def _vary(base: dict[str, Any], kind: str, rng: random.Random, ids: _Identifiers) -> dict[str, Any]:
    """A new synthetic client from a demo profile: who, where, household and income vary."""
    data: dict[str, Any] = json.loads(json.dumps(base))
    names = NAMES[kind]
    sex = rng.choice(("female", "male"))
    given = rng.choice(names[sex])
    family = rng.choice(names["family"])
    person = data["person"]
    person.pop("middle_name", None)
    person.update(given_name=given, family_name=family, sex=sex)
    if kind == "us":
        born = _day(rng, date(1936, 1, 1), date(1955, 12, 31))
    else:
        born = _day(rng, date(1975, 1, 1), date(1998, 12, 31))
    person["birth_date"] = born.isoformat()
    street, postal, city = rng.choice(PLACES[kind])
    current = data["address"]["current"]
    current.update(street=street, house_number=str(rng.randint(1, 140)), postal_code=postal)
    current.update(city=city)
    if kind != "us":
        current["municipality"] = city
    for key in ("house_letter", "addition"):
        current.pop(key, None)
    contact = data["contact"]
    slug = f"{given}.{family}".lower().replace(" ", "")
    if "email" in contact:
        contact["email"] = f"{slug.encode('ascii', 'ignore').decode()}@example.org"
    for src in data.get("income", {}).get("sources", []):
        if src["kind"] != "benefit":
            src["amount"] = _scale(src["amount"], rng)
    if kind == "no":
        _norwegian(data, rng, ids, born, sex, family)
    elif kind == "nl":
        _dutch(data, rng, ids, born, family)
    else:
        data["identifiers"] = {"us_ssn": ids.ssn(rng)}
    if "bank" in data:
        data["bank"]["account_holder"] = f"{given} {family}"
    return data


def _children(rng: random.Random, born: date, count: int, kind: str) -> list[tuple[str, str, date]]:
    """(given name, sex, birth date) of ``count`` children born when the parent was 20+."""
    first = max(date(born.year + 20, 1, 1), date(2006, 1, 1))
    out = []
    for _ in range(count):
        child_sex = rng.choice(("female", "male"))
        when = _day(rng, first, date(2024, 12, 31))
        out.append((rng.choice(NAMES[kind]["child"]), child_sex, when))
    return sorted(out, key=lambda c: c[2])


def _norwegian(
    data: dict[str, Any], rng: random.Random, ids: _Identifiers, born: date, sex: str, family: str
) -> None:
    data["identifiers"] = {"no_fnr": ids.fnr(rng, born, sex)}
    data["person"]["marital_status"] = rng.choice(("divorced", "single", "separated"))
    kids = _children(rng, born, rng.choice((0, 1, 1, 2, 2, 3)), "no")
    members = [
        {
            "relation": "child",
            "given_name": name,
            "family_name": family,
            "birth_date": when.isoformat(),
            "identifiers": {"no_fnr": ids.fnr(rng, when, child_sex)},
            "lives_with_client": True,
            "custody_share": rng.choice((100, 100, 50)),
        }
        for name, child_sex, when in kids
    ]
    data["household"] = {"members": members}
    if not members:  # no child, no child benefit
        sources = data["income"]["sources"]
        data["income"]["sources"] = [s for s in sources if s["kind"] != "benefit"]
        data.pop("benefits", None)
    account = ids.no_account(rng)
    data["bank"]["no_account"] = account
    data["bank"]["iban"] = kontonr.to_iban(account)
    data["employment"]["hours_per_week"] = rng.choice((18.75, 26.25, 33.75, 37.5))


def _dutch(
    data: dict[str, Any], rng: random.Random, ids: _Identifiers, born: date, family: str
) -> None:
    data["identifiers"] = {"nl_bsn": ids.bsn(rng)}
    spouse_sex = rng.choice(("female", "male"))
    spouse = {
        "relation": "spouse",
        "given_name": rng.choice(NAMES["nl"][spouse_sex]),
        "family_name": rng.choice(NAMES["nl"]["family"]),
        "birth_date": _day(rng, date(1972, 1, 1), date(1999, 12, 31)).isoformat(),
        "identifiers": {"nl_bsn": ids.bsn(rng)},
        "lives_with_client": True,
    }
    kids = _children(rng, born, rng.choice((0, 1, 2)), "nl")
    children = [
        {
            "relation": "child",
            "given_name": name,
            "family_name": family,
            "birth_date": when.isoformat(),
            "identifiers": {"nl_bsn": ids.bsn(rng)},
            "lives_with_client": True,
        }
        for name, _sex, when in kids
    ]
    data["household"] = {"members": [spouse, *children]}
    data["bank"]["iban"] = ids.nl_iban(rng)


# -- applications ----------------------------------------------------------------------------

# (form, program) per kind; Norwegian clients with children apply for child benefit
FORMS = {
    "no": ("kommune-bostotte-vedlegg", "bostotte"),
    "no-children": ("nav-barnetrygd", "barnetrygd"),
    "nl": ("toeslag-aanvraag", "zorgtoeslag"),
    "us": ("housing-assistance", None),
}


def _program_rules(settings: Settings) -> dict[str, list[DeadlineRule]]:
    """Each program's lifecycle deadline rules from the catalog (none if it does not load)."""
    from formfill.programs.catalog import load_catalog

    try:
        catalog = load_catalog(settings.programs_dir)
    except FormfillError:
        return {}
    return {p.id: p.rules for p in catalog.programs}


def _application(
    session: Session,
    actor: Actor,
    client_id: int,
    kind: str,
    data: dict[str, Any],
    i: int,
    today: date,
    rules: dict[str, list[DeadlineRule]],
) -> None:
    """One application per client, in a lifecycle state picked by ``i`` (every state shows up
    within 10 clients), with dates relative to ``today``: deadlines overdue, due within 14
    days and later."""
    members = data.get("household", {}).get("members", [])
    has_children = any(m["relation"] == "child" for m in members)
    form, program = FORMS["no-children" if kind == "no" and has_children else kind]
    app = apps.create_application(session, actor, client_id, form, program=program)
    program_rules = rules.get(program or "", [])
    scenario = i % 10
    # (status path, days ago each step happened, manual application deadline in days or None)
    plans: list[tuple[tuple[str, ...], int | None]] = [
        ((), 10),  # draft, claim deadline in 10 days
        (("ready",), -4),  # ready, claim deadline 4 days overdue
        (("ready", "filled"), 25),
        (("ready", "filled", "reviewed"), 3),
        (("ready", "filled", "reviewed", "submitted"), None),
        (("ready", "filled", "reviewed", "submitted", "acknowledged"), None),
        (("ready", "filled", "reviewed", "submitted", "decided"), None),  # denied: appeal due
        (("ready", "filled", "reviewed", "submitted", "acknowledged", "decided", "closed"), None),
        (("withdrawn",), None),
        (("ready", "filled", "reviewed", "submitted"), None),
    ]
    steps, claim_in = plans[scenario]
    # submitted 20 days ago (expected decision due soon) or 50 days ago (overdue)
    start = today - timedelta(days=50 if scenario in (5, 6, 7, 9) else 20 + len(steps))
    on = start
    for n, to in enumerate(steps):
        # a step every 3 days; a decision 30 days ago (a denial's appeal is due in 12 days)
        step = today - timedelta(days=30) if to == "decided" else start + timedelta(days=3 * n)
        on = max(on, min(step, today))
        submission = None
        if to == "submitted":
            channel = ("portal", "post", "email", "in_person")[i % 4]
            ref = f"DEMO-{today.year}-{client_id:04d}"
            submission = apps.SubmissionDetails(channel, on, ref)
        decision = None
        if to == "decided":
            decision = "denied" if scenario == 6 else "approved"
        apps.advance(
            session,
            actor,
            app.id,
            to,
            on,
            note="demo",
            decision=decision,
            submission=submission,
            rules=program_rules,
        )
        if to == "decided":  # the decision came: its expected date is met
            for d in list(app.deadlines):
                if d.kind == "expected_decision" and not d.done:
                    deadlines.mark_done(session, actor, d.id)
    if claim_in is not None:
        deadlines.add_manual(
            session,
            actor,
            client_id,
            "application",
            today + timedelta(days=claim_in),
            application_id=app.id,
            label="claim deadline (demo)",
        )
