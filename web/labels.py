"""What the stored codes are called on pages: one mapping per enum (lazy, so the reader's
language is taken when the page renders), used by the ``label`` Jinja filter
(``{{ app.status|label("app_status") }}``). The core keeps the codes; this only names them.
A code with no name is shown as it is stored (the page test catches that)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formfill.profile.types import LANGUAGE_FIELDS
from formfill.store.batches import application_of
from formfill.text import date_locale
from web.form_input import show_amount
from web.form_labels import CHOICES, ITEM, SECTIONS, label
from web.forms import generic, kinds

ENUMS: Mapping[str, Mapping[str, Any]] = {
    "audit_action": {
        "read": _l("read"),
        "create": _l("created"),
        "update": _l("changed"),
        "delete": _l("deleted"),
        "export": _l("downloaded"),
        "deny": _l("refused"),
    },
    "audit_object": {
        "client": _l("Client"),
        "profile": _l("Profile"),
        "profile_history": _l("Profile history"),
        "notes": _l("Notes"),
        "note": _l("Note"),
        "referrals": _l("Referrals"),
        "referral": _l("Referral"),
        "evidence": _l("Evidence"),
        "proposal": _l("Proposed value"),
        "application": _l("Application"),
        "deadline": _l("Deadline"),
        "receipt": _l("Receipt"),
        "batch": _l("Batch"),
        "batch_item": _l("Batch item"),
        "batch_zip": _l("Batch download (ZIP)"),
        "packet": _l("Packet"),
        "output": _l("Filled document"),
        "form": _l("Form"),
        "form_version": _l("Form version"),
        "user": _l("User"),
        "caseload": _l("Caseload"),
        "calendar_feed": _l("Calendar feed"),
        "digest": _l("Deadline digest"),
        "page": _l("Page"),
        "audit_log": _l("Audit log"),
        "api_token": _l("API token"),
    },
    "audit_field": {  # the columns the audit log names as changed (profile paths: path_label)
        "status": _l("Status"),
        "decision": _l("Decision"),
        "submission": _l("Submission"),
        "output_artifact": _l("Filled document"),
        "fill_report": _l("Fill report"),
        "form_version_id": _l("Form version"),
        "password_hash": _l("Password"),
        "session_version": _l("Sign-ins"),
        "locale": _l("Language"),
        "active": _l("Active"),
        "feed": _l("Calendar feed"),
        "done": _l("Done"),
        "map_text": _l("Map"),
        "published_at": _l("Published"),
        "published_by": _l("Published by"),
        "revoked_at": _l("Revoked"),
    },
    "role": {
        "specialist": _l("specialist"),
        "supervisor": _l("supervisor"),
        "form_maintainer": _l("form maintainer"),
        "admin": _l("admin"),
    },
    "app_status": {
        "draft": _l("draft"),
        "ready": _l("ready"),
        "filled": _l("filled"),
        "reviewed": _l("reviewed"),
        "submitted": _l("submitted"),
        "acknowledged": _l("acknowledged"),
        "decided": _l("decided"),
        "closed": _l("closed"),
        "withdrawn": _l("withdrawn"),
    },
    "outcome": {
        "filled": _l("filled"),
        "blank": _l("left blank"),
        "skipped": _l("skipped"),
        "overflow": _l("on the addendum"),
        "truncated": _l("cut short"),
        "failed": _l("did not land"),
    },
    "form_change": {
        "same": _l("changed"),
        "renamed": _l("renamed"),
        "added": _l("added"),
        "removed": _l("removed"),
    },
    "form_status": {
        "draft": _l("draft"),
        "published": _l("published"),
        "retired": _l("retired"),
    },
    "map_source": {
        "profile": _l("profile value"),
        "value": _l("fixed value"),
        "expr": _l("expression"),
        "when": _l("tick when"),
        "skip": _l("leave blank"),
        "todo": _l("decide later"),
    },
    "decision": {
        "approved": _l("approved"),
        "partly_approved": _l("partly approved"),
        "denied": _l("denied"),
    },
    "channel": {
        "portal": _l("portal"),
        "post": _l("post"),
        "email": _l("e-mail"),
        "in_person": _l("in person"),
    },
    "deadline_kind": {
        "application": _l("application deadline"),
        "expected_decision": _l("expected decision"),
        "progress_report": _l("progress report"),
        "renewal": _l("renewal"),
        "appeal": _l("appeal"),
        "custom": _l("other deadline"),
    },
    "job": {  # batches, batch items and evidence files being read
        "queued": _l("queued"),
        "running": _l("running"),
        "done": _l("done"),
        "failed": _l("failed"),
    },
    "proposal": {
        "proposed": _l("proposed"),
        "accepted": _l("accepted"),
        "corrected": _l("corrected"),
        "rejected": _l("rejected"),
    },
    "referral": {
        "sent": _l("sent"),
        "accepted": _l("accepted"),
        "declined": _l("declined"),
        "closed": _l("closed"),
    },
    "screening": {
        "eligible": _l("eligible"),
        "not_eligible": _l("not eligible"),
        "unknown": _l("unclear"),
    },
    "criterion": {
        "met": _l("met"),
        "failed": _l("not met"),
        "unknown": _l("unclear"),
        "not_applicable": _l("does not apply"),
    },
}


def audit_field(name: str) -> str:
    """A field the audit log names: a column by the reader's name for it, a profile path as the
    client form names it."""
    known = ENUMS["audit_field"].get(name)
    return str(known) if known is not None else path_label(name)


def batch_label(label: str | None) -> str:
    """A batch's label as the reader reads it: one launched from an application (stored as
    "application 14", cases/batch.py) is "filling application 14" in their language."""
    app_id = application_of(label)
    return _("filling application %(n)s", n=app_id) if app_id is not None else label or ""


def enum_label(code: Any, enum: str) -> str:
    """The reader's name of ``code`` in ``enum`` ("choice": the profile's choices)."""
    if code is None or code == "":
        return ""
    if enum == "choice":
        return _(CHOICES[code]) if code in CHOICES else str(code)
    name = ENUMS[enum].get(str(code))
    return str(name) if name is not None else str(code)


# profile parts the client form does not edit, shown on the client page
OTHER_HEADS = {"benefits.current": _l("Current benefit")}
OTHER_NAMES = {"name": _l("Name"), "agency": _l("Agency"), "reference": _l("Reference")}


def profile_value(value: Any, path: str) -> str:
    """A stored profile value as the reader reads it: a choice by its name, yes / no, a country
    by its name, an amount and a date as the UI locale writes them; anything else as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    leaf = path.rsplit(".", 1)[-1]
    if isinstance(value, str) and (leaf in COUNTRY_FIELDS) and len(value) == 2:
        return country_name(value)
    if isinstance(value, str) and leaf in LANGUAGE_FIELDS:
        return language_name(value)
    if isinstance(value, str) and value in CHOICES and leaf in CHOICE_FIELDS:
        return first_upper(_(CHOICES[value]))
    kind = kinds().get(generic(path))
    lang = str(get_locale() or "en")
    if kind in ("decimal", "int"):
        return show_amount(value, lang)  # 38 450,00 in nb, 38.450,00 in nl, 38,450.00 in en
    if kind == "date":
        return day_text(value)
    return str(value)


COUNTRY_FIELDS = frozenset(
    ("country", "birth_country", "citizenship", "payer_country", "employer_country")
)
CHOICE_FIELDS = frozenset(
    ("sex", "marital_status", "relation", "kind", "basis", "period", "status", "role", "tenure")
)


def path_label(path: str) -> str:
    """A profile path as the reader names it: ``household.members[1].birth_date`` ->
    "Household member 2: Date of birth", ``person.given_name`` -> "Person: Given name"."""
    generic = re.sub(r"\[\d+\]", "[]", path)
    head = ""
    for key, title, prefix, repeat in sorted(SECTIONS, key=lambda s: -len(s[2])):
        if generic.startswith(prefix):
            m = re.match(re.escape(key) + r"\[(\d+)\]", path) if repeat else None
            head = f"{_(ITEM[key])} {int(m.group(1)) + 1}" if m and key in ITEM else _(title)
            break
    leaf = generic.rsplit(".", 1)[-1]
    if not head:
        for key, title in OTHER_HEADS.items():
            m = re.match(re.escape(key) + r"\[(\d+)\]", path)
            if m:
                head = f"{title} {int(m.group(1)) + 1}"
                if leaf in OTHER_NAMES:
                    return f"{head}: {OTHER_NAMES[leaf]}"
    return f"{head}: {_(label(generic))}" if head else _(label(generic))


LIST_NAMES = {
    "household.everyone": _l("the household (partner, children, others)"),
    "household.members": _l("household members (as entered)"),
    "household.children": _l("the children"),
    "household.others": _l("other household members"),
    "address.previous": _l("previous addresses"),
    "income.sources": _l("income sources"),
    "benefits.current": _l("current benefits"),
}


_MISSING = re.compile(r"^[^:]+: required values missing: (?P<rest>.+)$")
_NOT_LANDED = re.compile(r"^[^:]+: values did not land: (?P<rest>.+)$")
_FOR_FIELD = re.compile(r"([\w.\[\]]+) \(for field [^)]*\)")


def item_error(text: str | None) -> str:
    """A batch item's failure in the reader's words: the two the core words with codes (what
    the profile lacks, what did not land) named in the reader's language; others as they are."""
    if not text:
        return ""
    if m := _MISSING.match(text):
        paths = _FOR_FIELD.findall(m.group("rest")) or [m.group("rest")]
        names = ", ".join(path_label(p) for p in paths)
        return _("The profile lacks what the form requires: %(values)s", values=names)
    if m := _NOT_LANDED.match(text):
        return _(
            "These fields did not take their value (is it one of the form's choices?): %(fields)s",
            fields=m.group("rest"),
        )
    return text


def list_label(path: str) -> str:
    """A list of the profile as the reader names it (a table's rows, the addendum's)."""
    name = LIST_NAMES.get(path)
    return str(name) if name is not None else path_label(path)


def language_name(code: str | None) -> str:
    """ISO 639 code -> the language's name in the reader's language (Babel)."""
    if not code:
        return ""
    names = Locale.parse(str(get_locale() or "en")).languages
    return str(names.get(code.lower(), code))


def country_name(code: str | None) -> str:
    """ISO 3166 code -> the country's name in the reader's language (Babel)."""
    if not code:
        return ""
    names = Locale.parse(str(get_locale() or "en")).territories
    return str(names.get(code.upper(), code))


def country_beside(code: str | None, name: str) -> str:
    """The country to show beside a program's ``name``: its name in the reader's language, or
    "" when the name says it already (the catalog's "Bostøtte til leie (huurtoeslag,
    Nederland)"), so the country is read once."""
    country = country_name(code)
    return "" if country and country.casefold() in name.casefold() else country


def doc_type_name(code: str | None) -> str:
    """A document type's name in the reader's language, from the program catalog."""
    if not code:
        return ""
    from formfill.errors import FormfillError
    from formfill.text import localised
    from web.services import services

    try:
        names = services().catalog.doc_types
    except FormfillError:
        return code
    return localised(names.get(code), str(get_locale() or "en"), code)


def program_name(program: str | None) -> str:
    """A program's name in the reader's language, from the catalog (its id when the catalog
    lacks it or cannot be read)."""
    if not program:
        return ""
    from formfill.errors import FormfillError
    from formfill.text import localised
    from web.services import services

    try:
        found = next((p for p in services().catalog.programs if p.id == program), None)
    except FormfillError:
        return program
    return localised(found.name, str(get_locale() or "en"), program) if found else program


PROGRAM_ONLY = "program:"  # the form id of an application whose program has no form of ours


def form_title(form_id: str) -> str:
    """What a person calls a form: its title; for an application of a program without a form
    of ours (``program:<id>``), the program's name."""
    if form_id.startswith(PROGRAM_ONLY):
        return program_name(form_id.removeprefix(PROGRAM_ONLY))
    from web.services import services

    return services().forms.title(form_id)


def agency_name(code: str) -> str:
    """The agency a form's folder stands for, as a person names it."""
    names = {
        "nav": "NAV",
        "kommune": _("Municipality"),
        "county": _("County"),
        "toeslagen": "Dienst Toeslagen",
        "common": _("Any agency"),
        "programs": _("Letters to the client"),
    }
    return names.get(code, code.upper() if len(code) <= 4 else code.capitalize())


def form_kind(kind: str) -> str:
    """What sort of document a form is: a PDF form, a Word form, a Word template."""
    names = {"pdf": _("PDF form"), "docx": _("Word form"), "docx template": _("Word template")}
    return names.get(kind, kind)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def day_text(value: Any) -> str:
    """A date as the reader's locale writes it ("18. sep. 2022" in nb, "18 sep 2022" in nl);
    plain text, for a message's parameter. An ISO string is read first; anything else as is."""
    found = _as_date(value)
    if found is None:
        return "" if value is None else str(value)
    return format_date(found, "medium", locale=date_locale(str(get_locale() or "en")))


def day(value: Any) -> Markup | str:
    """:func:`day_text` in a ``<time>`` that keeps the ISO date for machines and tests."""
    found = _as_date(value)
    if found is None:
        return day_text(value)
    return Markup('<time datetime="%s">%s</time>') % (found.isoformat(), day_text(found))


def moment(value: datetime | None) -> Markup | str:
    """A stored time (UTC) as the reader's locale writes a date and a time of day."""
    if value is None:
        return ""
    lang = str(get_locale() or "en")
    shown = (
        f"{format_date(value, 'medium', locale=date_locale(lang))} "
        f"{format_time(value, 'HH:mm', locale=lang)}"
    )
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(timespec="minutes"), shown)


def currency_name(code: str) -> str:
    """A currency's name in the reader's language ("norske kroner", "Euro")."""
    from babel.numbers import get_currency_name

    try:
        return str(get_currency_name(code, locale=str(get_locale() or "en")))
    except (ValueError, LookupError):
        return code


_STATES = re.compile(r"on-states \[(.*)\] -> \[(.*)\]")
_MOVED = re.compile(r"moved (-?\d+),(-?\d+) -> (-?\d+),(-?\d+)")
_FROM_TO = re.compile(r"(type|MaxLen|page) (.+) -> (.+)")


def change_text(text: str) -> str:
    """A change of a form field between two blanks (``formfill.maps.diff``) in the reader's
    language: "ticked state Ja → Yes", not "on-states ['Ja'] -> ['Yes']"."""
    if m := _STATES.fullmatch(text):
        a, b = (g.replace("'", "") or "–" for g in m.groups())
        return _("ticked state %(a)s → %(b)s", a=a, b=b)
    if m := _MOVED.fullmatch(text):
        x0, y0, x1, y1 = (int(g) for g in m.groups())
        d = round(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
        return _("moved %(d)s pt on the page: check where its value lands in a test-fill", d=d)
    if text == "options changed":
        return _("its choices changed")
    if m := _FROM_TO.fullmatch(text):
        what, a, b = m.groups()
        if what == "type":
            return _("type %(a)s → %(b)s", a=a, b=b)
        if what == "MaxLen":
            return _("longest value %(a)s → %(b)s characters", a=a, b=b)
        return _("page %(a)s → %(b)s", a=a.strip("[]"), b=b.strip("[]"))
    return text


def first_upper(text: str) -> str:
    """The text with its first letter upper case, the rest as it is (an option in a list:
    "Month", where a sentence says "per month")."""
    return text[:1].upper() + text[1:]


def init(app: Flask) -> None:
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["day_text"] = day_text
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["label"] = enum_label
    app.jinja_env.filters["path_label"] = path_label
    app.jinja_env.filters["audit_field"] = audit_field
    app.jinja_env.filters["batch_label"] = batch_label
    app.jinja_env.filters["list_label"] = list_label
    app.jinja_env.filters["item_error"] = item_error
    app.jinja_env.filters["profile_value"] = profile_value
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["currency_name"] = currency_name
    app.jinja_env.filters["first_upper"] = first_upper
    app.jinja_env.filters["change_text"] = change_text
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["country_beside"] = country_beside
    app.jinja_env.filters["doc_type_name"] = doc_type_name
    app.jinja_env.filters["program_name"] = program_name
    app.jinja_env.globals["form_title"] = form_title  # pages name a form by its title
    app.jinja_env.globals["agency_name"] = agency_name
    app.jinja_env.globals["form_kind"] = form_kind
