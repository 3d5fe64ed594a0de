"""What a person types into the client form, read in the UI language (Babel): amounts and
hours as written there (``38 500,00`` in nb, ``38.500,00`` in nl, ``38,500.00`` in en), dates
as ISO or in the locale's short order (``14.03.1988`` nb, ``14-03-1988`` nl), and countries as
a name in en/nb/nl or an ISO code. Each reader returns the value or raises ``Unreadable`` with
a message naming the format wanted; the form says whose value it was."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date, get_date_format
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from flask_babel import gettext as _

from formfill.text import date_locale

# the locales whose country names are understood when typed, whatever the UI language
NAME_LOCALES = ("en", "nb", "nn", "nl", "se")
# CLDR territories that are no country a profile names
NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
EXAMPLE_AMOUNT = Decimal("38500.00")
EXAMPLE_DATE = date(1988, 3, 14)
SPACES = re.compile(r"[\s\u00a0\u202f]")


class Unreadable(ValueError):
    """A typed value that is not in the expected format; ``str()`` says which format."""


def amount_example(lang: str) -> str:
    return format_decimal(EXAMPLE_AMOUNT, format="#,##0.00", locale=lang)


def hours_example(lang: str) -> str:
    return format_decimal(Decimal("37.5"), locale=lang)


def parse_amount(
    raw: str, lang: str, *, whole: bool = False, example: Decimal | None = None
) -> Decimal | int:
    """A number as written in ``lang``; group separators may be left out, and spaces group.
    The message shows ``example`` (the field's own, such as 37,5 hours) else an amount."""
    text = SPACES.sub("", raw).replace("\u2212", "-")
    decimal = get_decimal_symbol(lang)
    allowed = set("0123456789-") | {decimal, _group(lang)}
    try:
        if set(text) - allowed:
            raise NumberFormatError(text)
        value = parse_decimal(text, locale=lang, strict=True)
    except (NumberFormatError, InvalidOperation):
        shown = "37" if whole and example is None else _example_text(example, lang)
        raise Unreadable(
            _("“%(value)s” is not a number; write it like %(example)s", value=raw, example=shown)
        ) from None
    if whole:
        if value != value.to_integral_value():
            raise Unreadable(_("“%(value)s” is not a whole number", value=raw))
        return int(value)
    if _places(example if example is not None else EXAMPLE_AMOUNT) == 2 and _places(value) > 2:
        # money has two decimals at most: "38.500" is far likelier 38 500 typed the Norwegian
        # way than 38 kroner 50 øre; ask rather than store a thousandth of what was meant
        raise Unreadable(
            _(
                "“%(value)s” has more than two decimals; write it like %(example)s",
                value=raw,
                example=_example_text(example, lang),
            )
        )
    return value


def _places(number: Decimal) -> int:
    """How many decimals ``number`` is written with (38500.00: 2)."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _example_text(example: Decimal | None, lang: str) -> str:
    return show_amount(example, lang) if example is not None else amount_example(lang)


def _group(lang: str) -> str:
    symbol = get_group_symbol(lang)
    return "" if SPACES.fullmatch(symbol) else symbol  # spaces are removed before parsing


def show_amount(value: Any, lang: str) -> str:
    """A stored amount as the form shows it (readable back by ``parse_amount``)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = _places(number)
    pattern = "#,##0" + ("." + "0" * places if places else "")  # 3532.00 stays 3 532,00
    return format_decimal(number, format=pattern, locale=lang)


def _date_pattern(lang: str) -> str:
    pattern = str(get_date_format("short", locale=date_locale(lang)).pattern)
    return re.sub(r"y+", "yyyy", pattern)


def date_example(lang: str) -> str:
    return format_date(EXAMPLE_DATE, _date_pattern(lang), locale=date_locale(lang))


def parse_local_date(raw: str, lang: str) -> date:
    """An ISO date (what a date picker sends), or day, month and year in the locale's order
    with a four-digit year (``14.03.1988`` nb, ``14-03-1988`` nl, ``14/03/1988`` en, British:
    see :func:`formfill.text.date_locale`)."""
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        parts = re.split(r"[./\-\s]+", text)
        order = [c for c in re.sub(r"[^dMy]", "", _date_pattern(lang)) if c in "dMy"]
        letters = list(dict.fromkeys(order))
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(letters) == 3:
            got = dict(zip(letters, (int(p) for p in parts), strict=True))
            year = parts[letters.index("y")]
            if len(year) == 4:
                return date(got["y"], got["M"], got["d"])
    except ValueError:
        pass
    raise Unreadable(
        _(
            "“%(value)s” is not a date; write it like %(example)s",
            value=raw,
            example=date_example(lang),
        )
    )


@cache
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name in ``lang``), sorted by name."""
    names = Locale.parse(lang).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(pairs, key=lambda p: p[1].casefold()))


@cache
def _by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in NAME_LOCALES:
        for code, name in countries(lang):
            found.setdefault(name.casefold(), code)
    return found


def country_name(code: Any, lang: str) -> str:
    return dict(countries(lang)).get(str(code).upper(), str(code))


def parse_country(raw: str) -> str:
    """An ISO 3166 code from a code or a country's name in en, nb, nn, nl or Northern Sámi."""
    text = " ".join(raw.split())
    if re.fullmatch(r"[A-Za-z]{2}", text) and text.upper() in dict(countries("en")):
        return text.upper()
    code = _by_name().get(text.casefold())
    if code is None:
        raise Unreadable(
            _("“%(value)s” is not a country we know; pick one from the list", value=raw)
        )
    return code
