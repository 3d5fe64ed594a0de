"""Values read from documents: dates and money in local formats, identifiers checked with
python-stdnum. Pure functions from the text next to a label to a typed value (or None).

Each parser takes the candidate text and returns a ``Parsed``: the value as the profile stores it
(dates ISO 8601, money a decimal string with two decimals, identifiers compact), the part of the
text it came from, and, for identifiers, whether the check digits hold. OCR confusions in digit
runs (O for 0, l or I for 1, S for 5, B for 8) are undone only when the result passes its check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import bic, iban
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn
from stdnum.no import fodselsnummer, kontonr, orgnr
from stdnum.us import ssn


@dataclass(frozen=True)
class Parsed:
    value: str
    matched: str  # the text the value was read from
    valid: bool = True  # False: an identifier whose check digits fail
    note: str = ""
    parts: tuple[tuple[str, str], ...] = ()  # addresses: (part, value), e.g. ("city", "Oslo")


MONTHS = {
    # nb / nn
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
    # nl
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "december": 12,
    # en
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    # abbreviations shared by all three
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12, "mrt": 3,
}  # fmt: skip

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})", re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})", re.I)


def parse_date(text: str, order: str = "dmy") -> Parsed | None:
    """The first date in ``text``: 14.03.2024, 14-03-2024, 14/03/2024 (``order`` "mdy" reads
    03/14/2024), 2024-03-14, 14. mars 2024, 14 maart 2024, 14 March 2024, March 14, 2024."""
    found: list[tuple[int, date, str]] = []
    for m in _ISO_DATE.finditer(text):
        found += _date_at(m, int(m[1]), int(m[2]), int(m[3]))
    for m in _NUMERIC_DATE.finditer(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = y + 2000 if y < 100 and y < 70 else (y + 1900 if y < 100 else y)
        d, mo = (b, a) if order == "mdy" else (a, b)
        found += _date_at(m, y, mo, d)
    for m in _DAY_MONTH.finditer(text):
        found += _date_at(m, int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    for m in _MONTH_DAY.finditer(text):
        found += _date_at(m, int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    if not found:
        return None
    _, value, matched = min(found, key=lambda f: f[0])
    return Parsed(value.isoformat(), matched)


def _date_at(m: re.Match[str], y: int, mo: int, d: int) -> list[tuple[int, date, str]]:
    try:
        return [(m.start(), date(y, mo, d), m[0])]
    except ValueError:
        return []


_AMOUNT = re.compile(
    r"(?<![\d.,])[-−–]?\s?(?:kr\.?|NOK|EUR|USD|GBP|€|\$|£)?\s?"
    r"(\d{1,3}(?:[ \u00a0.,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?:\s?(?:kr|NOK|EUR|€|,-|\.-))?(?![\d])",
    re.I,
)


def parse_money(text: str) -> Parsed | None:
    """The first amount in ``text`` as a decimal string with two decimals: 42 500,00 kr,
    kr 42.500,00, € 3.250,00, 3.250,-, $3,250.00, 1,234.5. The decimal separator is the last
    "," or "." followed by one or two digits at the end; the other separators group thousands."""
    for m in _AMOUNT.finditer(text):
        digits = m[1]
        if not re.search(r"\d", digits):
            continue
        sep = re.search(r"[.,](\d{1,2})$", digits)
        whole = digits[: sep.start()] if sep else digits
        frac = sep[1] if sep else "0"
        whole = re.sub(r"[ \u00a0.,'’]", "", whole)
        try:
            amount = Decimal(f"{whole}.{frac}").quantize(Decimal("0.01"))
        except InvalidOperation:
            continue
        negative = m[0].lstrip().startswith(("-", "−", "–"))
        return Parsed(str(-amount if negative else amount), m[0].strip())
    return None


_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                             "S": "5", "B": "8", "Z": "2"})  # fmt: skip


@dataclass(frozen=True)
class _Ident:
    length: tuple[int, ...]
    compact: Callable[[str], str]
    validate: Callable[[str], str]


_IDENTS: dict[str, _Ident] = {
    "no_fnr": _Ident((11,), fodselsnummer.compact, fodselsnummer.validate),
    "nl_bsn": _Ident((9, 8), bsn.compact, bsn.validate),
    "no_account": _Ident((11,), kontonr.compact, kontonr.validate),
    "no_orgnr": _Ident((9,), orgnr.compact, orgnr.validate),
    "us_ssn": _Ident((9,), ssn.compact, ssn.validate),
}
_DIGIT_RUN = re.compile(r"[0-9OolIDSBZ|][0-9OolIDSBZ| .\-]*[0-9OolIDSBZ|]")


def parse_identifier(kind: str, text: str) -> Parsed | None:
    """The first run of digits in ``text`` that has the length of a ``kind`` identifier
    (no_fnr, nl_bsn, no_account, no_orgnr, us_ssn), compact. A run whose check digits fail is
    returned with ``valid`` False, unless undoing OCR letter-for-digit confusions makes it pass."""
    spec = _IDENTS[kind]
    first_invalid: Parsed | None = None
    for m in _DIGIT_RUN.finditer(text):
        raw = m[0]
        for candidate, note in ((raw, ""), (raw.translate(_OCR_DIGITS), "read letters as digits")):
            digits = re.sub(r"[ .\-]", "", candidate)
            if not digits.isdigit() or len(digits) not in spec.length:
                continue
            try:
                return Parsed(spec.validate(digits), raw, True, note)
            except ValidationError as e:
                if first_invalid is None:
                    first_invalid = Parsed(
                        spec.compact(digits), raw, False, f"check digits fail: {e}"
                    )
    return first_invalid


_IBAN = re.compile(r"\b([A-Z]{2}\s?\d{2}(?:\s?[A-Z0-9]){10,30})\b")


def parse_iban(text: str) -> Parsed | None:
    """The first IBAN in ``text`` (spaces allowed), compact; ``valid`` False when it fails its
    check digits or its country's format."""
    for m in _IBAN.finditer(text.upper()):
        raw = m[1].strip()
        number = iban.compact(raw)
        # the greedy pattern may eat a following word: trim to the longest valid prefix
        for end in range(len(number), 14, -1):
            try:
                return Parsed(iban.validate(number[:end]), raw)
            except ValidationError:
                continue
        return Parsed(number, raw, False, "IBAN check digits or format fail")
    return None


_BIC = re.compile(r"\b([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")


def parse_bic(text: str) -> Parsed | None:
    for m in _BIC.finditer(text.upper()):
        try:
            return Parsed(bic.validate(m[1]), m[1])
        except ValidationError:
            continue
    return None


def parse_text(text: str) -> Parsed | None:
    cleaned = text.strip(" :;,-–")
    return Parsed(cleaned, cleaned) if cleaned else None


PERIODS = {
    "week": ("uke", "week", "weekly", "per week", "ukentlig", "wekelijks"),
    "fortnight": ("fortnight", "biweekly", "14 dager", "4 weken", "vierwekelijks", "2 weeks"),
    "month": ("måned", "mnd", "månedlig", "maand", "maandelijks", "month", "monthly"),
    "year": ("år", "årlig", "jaar", "jaarlijks", "year", "yearly", "annual", "annually"),
}


def parse_period(text: str) -> Parsed | None:
    words = re.findall(r"[\wåæøÅÆØ]+", text.lower())
    for period, keys in PERIODS.items():
        for key in keys:
            if (" " in key and key in text.lower()) or key in words:
                return Parsed(period, key)
    return None


PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "het", "'t", "op", "in", "von", "da"}


def split_name(full: str) -> tuple[str, str] | None:
    """(given, family) from a full name in local order; Dutch particles (van der, de) belong to
    the family name. "Family, Given" is understood too."""
    full = re.sub(r"\s+", " ", full).strip(" ,")
    if "," in full:
        family, given = (p.strip() for p in full.split(",", 1))
        return (given, family) if given and family else None
    parts = full.split(" ")
    if len(parts) < 2:
        return None
    start = len(parts) - 1
    while start > 1 and parts[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(parts[:start]), " ".join(parts[start:])


ADDRESS_PARTS = (
    "street", "house_number", "house_letter", "addition", "postal_code", "city", "state", "country",
)  # fmt: skip
_STREET = r"(?P<street>[^\W\d][^\d,]*?)"
_HOUSE = (
    r"(?P<number>\d{1,5})(?:\s?(?P<letter>[A-Za-z])(?![\w]))?(?:\s?-\s?(?P<addition>[\w]{1,6}))?"
)
_CITY = r"(?P<city>[^\W\d][^\d,]*?)"
# Storgata 5 B, 0150 Oslo / Kerkstraat 12-A, 1012 AB Amsterdam (the comma may be missing)
_EU_ADDRESS = re.compile(
    rf"{_STREET}\s+{_HOUSE}(?:\s*,\s*|\s+)(?P<postal>\d{{4}}(?:\s?[A-Z]{{2}}(?![\w]))?)\s+{_CITY}\s*$"
)
# 123 Main St Apt 4, Springfield, IL 62701
_US_ADDRESS = re.compile(
    r"(?P<number>\d{1,6})(?P<letter>[A-Z])?\s+(?P<street>[^,\d][^,]*?)"
    r"(?:\s+(?P<addition>(?:Apt|Unit|Suite|Ste|#)\.?\s*[\w-]+))?\s*,\s*"
    r"(?P<city>[^,\d]+?)\s*,?\s+(?P<state>[A-Z]{2})\s+(?P<postal>\d{5}(?:-\d{4})?)\s*$"
)


def parse_address(text: str) -> Parsed | None:
    """A one-line address, split into profile parts: "Storgata 5 B, 0150 Oslo" (street,
    house_number, house_letter, postal_code, city), "Kerkstraat 12-A, 1012 AB Amsterdam" (the
    part after the hyphen is the Dutch toevoeging: addition; postcode stored "1012 AB", country
    NL), "123 Main St Apt 4, Springfield, IL 62701" (addition "Apt 4", state, country US).
    The country is proposed only where the format tells it (NL postcode, US state and ZIP)."""
    line = re.sub(r"\s+", " ", text).strip(" ,;:")
    parts: dict[str, str | None]
    if m := _US_ADDRESS.match(line):
        parts = {**m.groupdict(), "country": "US"}
    elif m := _EU_ADDRESS.match(line):
        parts = m.groupdict()
        postal = parts["postal"] or ""
        if len(postal.replace(" ", "")) == 6:  # Dutch postcode: 4 digits and 2 letters
            parts["postal"] = f"{postal[:4]} {postal[-2:]}"
            parts["country"] = "NL"
    else:
        return None
    parts["postal_code"] = parts.pop("postal")
    parts["house_number"] = parts.pop("number")
    parts["house_letter"] = parts.pop("letter")
    found = tuple((k, v.strip()) for k in ADDRESS_PARTS if (v := parts.get(k)) and v.strip())
    return Parsed(line, m[0], True, "", found)
