"""The named value transforms a form map may use (``transform = "date:%d.%m.%Y"``).

A spec is ``name`` or ``name:arg`` (only the first colon separates, so ``chars:0:4`` has the
argument ``0:4`` and ``join:, `` the separator ``", "``). :func:`parse_transform` checks the
name and the argument when a map is loaded; :func:`apply_transforms` runs a chain on a value.

Empty values (None, "", an empty list) pass through every transform unchanged except
``default``, so a missing profile value stays missing unless the map gives a default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from formfill.errors import TransformError

__all__ = [
    "LOCALES",
    "REGISTRY",
    "Transform",
    "TransformFn",
    "apply_transforms",
    "is_empty",
    "parse_transform",
    "parse_transforms",
]

TransformFn = Callable[[Any, "str | None", str], Any]
"""A transform: ``fn(value, arg, locale) -> value``; raises ValueError on a value it cannot take."""

LOCALES = ("nb", "nn", "nl", "en")
"""Locales the locale-dependent transforms know (nn is written like nb)."""

_DATE_FORMATS = {"nb": "%d.%m.%Y", "nn": "%d.%m.%Y", "nl": "%d-%m-%Y", "en": "%m/%d/%Y"}
_YESNO = {"nb": ("Ja", "Nei"), "nn": ("Ja", "Nei"), "nl": ("Ja", "Nee"), "en": ("Yes", "No")}
# (thousands separator, decimal mark). For nb the thousands separator is a plain U+0020 space,
# not the typographic (narrow) no-break space: every font embedded in a form can draw U+0020,
# while U+00A0 / U+202F are missing from many of them and would show as a box or vanish.
_MONEY = {"nb": (" ", ","), "nn": (" ", ","), "nl": (".", ","), "en": (",", ".")}
_PHONE_STYLES = ("nb", "nn", "nl", "intl")
_COUNTRY_CODE = {"nb": "47", "nn": "47", "nl": "31", "en": "1"}
# Dutch area codes with two digits after the 0 (the rest have three): 020 1234567, 0475 123456.
_NL_SHORT_AREAS = frozenset(
    (
        "10 13 15 20 23 24 26 30 33 35 36 38 40 43 45 46 50 53 55 58 70 71 72 73 74 75 76 77 78 79"
    ).split()
)


def is_empty(value: Any) -> bool:
    """True for None, an empty or blank string, and an empty list or tuple."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def _text(value: Any) -> str:
    """A value as text: enums by value, dates in ISO, everything else by ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_date(value: Any) -> date:
    if isinstance(value, date):  # datetime is a date too
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise ValueError(f"{type(value).__name__} {value!r} is not a date")


def _locale(arg: str | None, locale: str) -> str:
    loc = arg or locale
    if loc not in LOCALES:
        raise ValueError(f"unknown locale {loc!r} (known: {', '.join(LOCALES)})")
    return loc


# --- the transforms ------------------------------------------------------------------------


def _date(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    return _as_date(value).strftime(arg or "")


def _date_locale(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    return _as_date(value).strftime(_DATE_FORMATS[_locale(arg, locale)])


def _digits(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    return "".join(c for c in _text(value) if c in "0123456789")


def _upper(value: Any, arg: str | None, locale: str) -> Any:
    return value if is_empty(value) else _text(value).upper()


def _lower(value: Any, arg: str | None, locale: str) -> Any:
    return value if is_empty(value) else _text(value).lower()


def _first(value: Any, arg: str | None, locale: str) -> Any:
    return value if is_empty(value) else _text(value)[: int(arg or "0")]


def _last(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    n = int(arg or "0")
    text = _text(value)
    return text[len(text) - n :] if n < len(text) else text


def _chars(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    a, b = (int(part) for part in (arg or "0:0").split(":"))
    return _text(value)[a:b]


def _group(digits: str, sizes: Iterable[int]) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    if pos < len(digits):
        parts.append(digits[pos:])
    return " ".join(p for p in parts if p)


def _split_country(value: Any, default_cc: str) -> tuple[str, str]:
    """(country code, national number) from +47..., 0047... or a national number."""
    text = _text(value).strip()
    digits = "".join(c for c in text if c in "0123456789")
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        for cc in ("47", "31", "1"):
            if digits.startswith(cc):
                return cc, digits[len(cc) :]
        return "", digits
    if default_cc == "31" and digits.startswith("0"):
        digits = digits[1:]
    return default_cc, digits


def _national(cc: str, number: str, value: Any) -> str:
    if cc == "47":
        if len(number) != 8:
            raise ValueError(f"{value!r} is not a Norwegian 8-digit number")
        sizes = (3, 2, 3) if number[0] in "49" else (2, 2, 2, 2)
        return _group(number, sizes)
    if cc == "31":
        if len(number) != 9:
            raise ValueError(f"{value!r} is not a Dutch 10-digit number")
        if number.startswith("6"):
            return "06 " + number[1:]
        area = 2 if number[:2] in _NL_SHORT_AREAS else 3
        return f"0{number[:area]} {number[area:]}"
    if cc == "1":
        if len(number) != 10:
            raise ValueError(f"{value!r} is not a 10-digit US number")
        return _group(number, (3, 3, 4))
    raise ValueError(f"{value!r}: unknown country code")


def _phone(value: Any, arg: str | None, locale: str) -> Any:
    if is_empty(value):
        return value
    style = arg or locale
    if style == "intl":
        cc, number = _split_country(value, _COUNTRY_CODE.get(locale, ""))
        if not cc:
            return "+" + number
        if cc == "31":  # international Dutch numbers drop the trunk 0: +31 6 12345678
            return f"+31 {_national(cc, number, value)[1:]}"
        return f"+{cc} {_national(cc, number, value)}"
    loc = _locale(style, locale)
    cc, number = _split_country(value, _COUNTRY_CODE[loc])
    if cc != _COUNTRY_CODE[loc]:
        raise ValueError(f"{value!r} is not a {loc} number; use phone:intl")
    return _national(cc, number, value)


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, (int, float, str)):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
    else:
        raise ValueError(f"{type(value).__name__} {value!r} is not an amount")
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    return amount


def _format_money(value: Any, loc: str, places: int) -> str:
    amount = _as_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    thousands, mark = _MONEY[loc]
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + thousands.join(groups)
    return f"{text}{mark}{frac}" if places else text


def _money(value: Any, arg: str | None, locale: str) -> Any:
    return value if is_empty(value) else _format_money(value, _locale(arg, locale), 2)


def _money0(value: Any, arg: str | None, locale: str) -> Any:
    return value if is_empty(value) else _format_money(value, _locale(arg, locale), 0)


def _yesno(value: Any, arg: str | None, locale: str) -> Any:
    if value is None:
        return value
    yes, no = _YESNO[_locale(arg, locale)]
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return yes if value.strip().lower() == "true" else no
    raise ValueError(f"{value!r} is not a yes/no value")


def _join(value: Any, arg: str | None, locale: str) -> Any:
    if isinstance(value, (list, tuple)):
        return (arg or "").join(_text(v) for v in value if not is_empty(v))
    return value


def _named(value: Any, arg: str | None, locale: str, kind: str) -> Any:
    """A language (ISO 639) or country (ISO 3166) code by its name in the locale's language."""
    from babel import Locale

    if is_empty(value):
        return value
    code = str(value).strip()
    names = getattr(Locale.parse(_locale(arg, locale)), kind)
    name = names.get(code.lower() if kind == "languages" else code.upper())
    if not name:
        what = "language" if kind == "languages" else "country"
        raise ValueError(f"{value!r} is not a {what} code")
    return name


def _language_name(value: Any, arg: str | None, locale: str) -> Any:
    return _named(value, arg, locale, "languages")


def _country_name(value: Any, arg: str | None, locale: str) -> Any:
    return _named(value, arg, locale, "territories")


def _default(value: Any, arg: str | None, locale: str) -> Any:
    return arg if is_empty(value) else value


REGISTRY: Mapping[str, TransformFn] = {
    "date": _date,
    "date_locale": _date_locale,
    "digits": _digits,
    "upper": _upper,
    "lower": _lower,
    "first": _first,
    "last": _last,
    "chars": _chars,
    "phone": _phone,
    "money": _money,
    "money0": _money0,
    "yesno": _yesno,
    "language": _language_name,
    "country": _country_name,
    "join": _join,
    "default": _default,
}
"""Every transform by name: ``fn(value, arg, locale)``."""


# --- argument checks (at map load) -----------------------------------------------------------


def _check_none(arg: str | None) -> None:
    if arg is not None:
        raise ValueError("takes no argument")


def _check_strftime(arg: str | None) -> None:
    if not arg or "%" not in arg:
        raise ValueError("needs a strftime format such as %d.%m.%Y")
    try:
        date(2024, 12, 31).strftime(arg)
    except ValueError as e:
        raise ValueError(f"bad strftime format: {e}") from None


def _check_locale_optional(arg: str | None) -> None:
    if arg is not None and arg not in LOCALES:
        raise ValueError(f"unknown locale {arg!r} (known: {', '.join(LOCALES)})")


def _check_phone(arg: str | None) -> None:
    if arg is not None and arg not in _PHONE_STYLES:
        raise ValueError(f"unknown phone style {arg!r} (known: {', '.join(_PHONE_STYLES)})")


def _check_count(arg: str | None) -> None:
    if arg is None or not arg.isascii() or not arg.isdigit():
        raise ValueError("needs a whole number N >= 0")


def _check_range(arg: str | None) -> None:
    parts = (arg or "").split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError("needs A:B, two whole numbers")
    if int(parts[0]) > int(parts[1]):
        raise ValueError(f"start {parts[0]} is after end {parts[1]}")


def _check_text(arg: str | None) -> None:
    if arg is None:
        raise ValueError("needs an argument after ':'")


_CHECKS: Mapping[str, Callable[[str | None], None]] = {
    "date": _check_strftime,
    "date_locale": _check_locale_optional,
    "digits": _check_none,
    "upper": _check_none,
    "lower": _check_none,
    "first": _check_count,
    "last": _check_count,
    "chars": _check_range,
    "phone": _check_phone,
    "money": _check_locale_optional,
    "money0": _check_locale_optional,
    "yesno": _check_locale_optional,
    "language": _check_locale_optional,
    "country": _check_locale_optional,
    "join": _check_text,
    "default": _check_text,
}
# Transforms that fall back to the map's language when the spec names no locale.
_USES_LOCALE = frozenset(
    {"date_locale", "phone", "money", "money0", "yesno", "language", "country"}
)


@dataclass(frozen=True)
class Transform:
    """One parsed transform spec: ``spec`` as written, its ``name`` and ``arg``."""

    spec: str
    name: str
    arg: str | None

    def apply(self, value: Any, locale: str) -> Any:
        """Apply to ``value``; TransformError (naming the spec) if the value does not fit."""
        try:
            return REGISTRY[self.name](value, self.arg, locale)
        except ValueError as e:  # includes stdlib parse errors raised inside the transforms
            raise TransformError(self.spec, str(e)) from e


def parse_transform(spec: str, locale: str | None = None) -> Transform:
    """Parse and check one spec. With ``locale`` (the map's language) a transform that relies
    on it, e.g. ``money`` with no argument, is also checked to know that locale."""
    if not isinstance(spec, str):
        raise TransformError(repr(spec), "a transform must be a string")
    name, sep, rest = spec.partition(":")
    arg = rest if sep else None
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise TransformError(spec, f"unknown transform {name!r} (known: {known})")
    try:
        _CHECKS[name](arg)
    except ValueError as e:
        raise TransformError(spec, str(e)) from None
    if name in _USES_LOCALE and arg is None and locale is not None:
        allowed = _PHONE_STYLES if name == "phone" else LOCALES
        if locale not in allowed:
            raise TransformError(
                spec, f"the map's language {locale!r} has no {name} format; name one ({name}:nb)"
            )
    return Transform(spec=spec, name=name, arg=arg)


def parse_transforms(specs: str | Sequence[str], locale: str | None = None) -> list[Transform]:
    """Parse a single spec or a list of specs (a map's ``transform`` key)."""
    if isinstance(specs, str):
        return [parse_transform(specs, locale)]
    return [parse_transform(s, locale) for s in specs]


def apply_transforms(value: Any, specs: Sequence[str | Transform], locale: str) -> Any:
    """Run the transforms in order on ``value``; raises TransformError naming the failing spec."""
    for spec in specs:
        transform = spec if isinstance(spec, Transform) else parse_transform(spec)
        value = transform.apply(value, locale)
    return value
