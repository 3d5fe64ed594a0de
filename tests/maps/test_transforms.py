"""Tests of formfill.maps.transforms: every named transform, its argument checks and its
failures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import pytest

from formfill.errors import TransformError
from formfill.maps.transforms import REGISTRY, apply_transforms, parse_transform, parse_transforms


def t(value: object, *specs: str, locale: str = "nb") -> object:
    return apply_transforms(value, list(specs), locale)


class Colour(Enum):
    RED = "red"


def test_registry_holds_every_readme_transform() -> None:
    """The registry names exactly the transforms form_maps/README.md documents."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "form_maps" / "README.md").read_text()
    table = readme.split("| name | does |", 1)[1].split("\n\n", 1)[0]
    documented = {
        name for row in table.splitlines() for name in re.findall(r"`([a-z_0-9]+)[:`]", row)
    }
    assert set(REGISTRY) == documented
    assert {"date", "money0", "language", "country"} <= documented


@pytest.mark.parametrize(
    "value",
    [date(2024, 3, 7), datetime(2024, 3, 7, 13, 5), "2024-03-07", "2024-03-07T13:05:00"],
)
def test_date_accepts_date_datetime_and_iso(value: object) -> None:
    """date:<fmt> formats dates, datetimes and ISO strings alike."""
    assert t(value, "date:%d.%m.%Y") == "07.03.2024"


def test_date_rejects_non_dates() -> None:
    """A value that is not a date fails with TransformError naming the spec."""
    with pytest.raises(TransformError) as e:
        t("07.03.2024", "date:%d.%m.%Y")
    assert e.value.transform == "date:%d.%m.%Y"
    with pytest.raises(TransformError):
        t(42, "date:%Y")


@pytest.mark.parametrize(
    ("spec", "locale", "expected"),
    [
        ("date_locale", "nb", "31.12.2024"),
        ("date_locale", "nn", "31.12.2024"),
        ("date_locale", "nl", "31-12-2024"),
        ("date_locale", "en", "12/31/2024"),
        ("date_locale:en", "nb", "12/31/2024"),
        ("date_locale:nl", "en", "31-12-2024"),
    ],
)
def test_date_locale(spec: str, locale: str, expected: str) -> None:
    """date_locale uses the map's locale unless the spec names one."""
    assert t(date(2024, 12, 31), spec, locale=locale) == expected


def test_date_locale_unknown_map_locale_fails_at_apply() -> None:
    """With no locale in the spec and a locale it does not know, applying fails clearly."""
    with pytest.raises(TransformError, match="unknown locale 'de'"):
        t(date(2024, 1, 1), "date_locale", locale="de")


def test_digits_upper_lower() -> None:
    """digits keeps ASCII 0-9 only; upper/lower are Unicode aware and take enums by value."""
    assert t("120 45-678.90", "digits") == "1204567890"
    assert t("٣12", "digits") == "12"  # Arabic-Indic digits are not 0-9
    assert t("Bjørnstjerne Ærø", "upper") == "BJØRNSTJERNE ÆRØ"
    assert t("ÅSE", "lower") == "åse"
    assert t(Colour.RED, "upper") == "RED"


def test_first_last_chars() -> None:
    """first:N, last:N and chars:A:B cut characters, tolerating short values."""
    assert t("12345678901", "first:6") == "123456"
    assert t("12345678901", "last:5") == "78901"
    assert t("abc", "last:0") == ""
    assert t("abc", "last:10") == "abc"
    assert t("12345678901", "chars:6:11") == "78901"
    assert t("12345678901", "chars:0:2") == "12"
    assert t("ab", "chars:3:5") == ""
    assert t(12345, "first:2") == "12"


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        ("41234567", "phone:nb", "412 34 567"),
        ("+47 41234567", "phone:nb", "412 34 567"),
        ("004722334455", "phone:nb", "22 33 44 55"),
        ("0612345678", "phone:nl", "06 12345678"),
        ("+31612345678", "phone:nl", "06 12345678"),
        ("0201234567", "phone:nl", "020 1234567"),
        ("0475123456", "phone:nl", "0475 123456"),
        ("41234567", "phone:intl", "+47 412 34 567"),
        ("+31612345678", "phone:intl", "+31 6 12345678"),
        ("+15551234567", "phone:intl", "+1 555 123 4567"),
        ("+4412345", "phone:intl", "+4412345"),
    ],
)
def test_phone(value: str, spec: str, expected: str) -> None:
    """Phone numbers in the Norwegian, Dutch and international styles of the README."""
    assert t(value, spec) == expected


def test_phone_wrong_country_or_length_fails() -> None:
    """A Dutch number through phone:nb, or a short number, is a TransformError."""
    with pytest.raises(TransformError, match="phone:intl"):
        t("+31612345678", "phone:nb")
    with pytest.raises(TransformError, match="8-digit"):
        t("4123", "phone:nb")


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (Decimal("1234.5"), "money:nb", "1 234,50"),
        (Decimal("1234.5"), "money:nl", "1.234,50"),
        (Decimal("1234.5"), "money:en", "1,234.50"),
        (Decimal("1234567.891"), "money:en", "1,234,567.89"),
        (Decimal("0.005"), "money:nb", "0,01"),  # half-up, not banker's rounding
        (Decimal("2.675"), "money:en", "2.68"),
        (2.675, "money:en", "2.68"),  # a float goes through str, not its binary value
        ("999.995", "money:nb", "1 000,00"),
        (Decimal("-1234.5"), "money:nb", "-1 234,50"),
        (12, "money:nl", "12,00"),
        (Decimal("1234.5"), "money0:nb", "1 235"),
        (Decimal("2.5"), "money0:en", "3"),
        (Decimal("1234567"), "money0:nl", "1.234.567"),
    ],
)
def test_money(value: object, spec: str, expected: str) -> None:
    """Money with Decimal, rounded half-up; nb groups with a plain U+0020 space."""
    assert t(value, spec) == expected


def test_money_uses_plain_space() -> None:
    """The nb thousands separator is U+0020, which every font can draw."""
    out = t(Decimal("1000"), "money:nb")
    assert isinstance(out, str) and "\u00a0" not in out and "\u202f" not in out


def test_money_defaults_to_map_locale_and_rejects_non_amounts() -> None:
    """money with no argument follows the map's locale; a non-number or a bool fails."""
    assert t(Decimal("1000"), "money", locale="nl") == "1.000,00"
    for bad in ("abc", True, "NaN", [1]):
        with pytest.raises(TransformError):
            t(bad, "money:nb")


def test_yesno() -> None:
    """yesno writes a boolean in the locale's words; 'true'/'false' strings too."""
    assert t(True, "yesno:nb") == "Ja"
    assert t(False, "yesno:nl") == "Nee"
    assert t(True, "yesno:en") == "Yes"
    assert t("false", "yesno", locale="nb") == "Nei"
    assert t(None, "yesno:nb") is None
    with pytest.raises(TransformError):
        t("maybe", "yesno:nb")


def test_join_and_default() -> None:
    """join joins a list (skipping empty items); default fills only empty values."""
    assert t(["Ola", "", None, "Nordmann"], "join:, ") == "Ola, Nordmann"
    assert t(["a", "b"], "join:") == "ab"
    assert t("already text", "join:-") == "already text"
    assert t(None, "default:ukjent") == "ukjent"
    assert t("", "default:-") == "-"
    assert t([], "default:ingen") == "ingen"
    assert t("x", "default:-") == "x"


def test_empty_values_pass_through() -> None:
    """A missing value stays missing through every transform but default."""
    for spec in ("date:%Y", "date_locale", "digits", "upper", "first:2", "chars:0:1",
                 "phone:nb", "money:nb", "money0:nb", "yesno:nb"):  # fmt: skip
        assert t(None, spec) is None


def test_chain_in_order() -> None:
    """Transforms apply left to right: digits then chars splits a value over comb boxes."""
    assert t("120 45 678 901", "digits", "chars:6:11") == "78901"
    assert t(None, "date:%d.%m.%Y", "default:-") == "-"
    parsed = parse_transforms(["digits", "first:3"])
    assert apply_transforms("a1b2c3d4", parsed, "nb") == "123"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nosuch", "unknown transform"),
        ("datee:%Y", "unknown transform"),
        ("date", "strftime"),
        ("date:dd.mm.yyyy", "strftime"),
        ("date_locale:de", "unknown locale"),
        ("digits:3", "takes no argument"),
        ("upper:x", "takes no argument"),
        ("first", "whole number"),
        ("first:-1", "whole number"),
        ("last:x", "whole number"),
        ("chars:3", "A:B"),
        ("chars:5:2", "after end"),
        ("chars:a:b", "A:B"),
        ("phone:se", "unknown phone style"),
        ("money:fr", "unknown locale"),
        ("money0:xx", "unknown locale"),
        ("yesno:de", "unknown locale"),
        ("join", "needs an argument"),
        ("default", "needs an argument"),
    ],
)
def test_bad_specs_fail_at_parse(spec: str, message: str) -> None:
    """parse_transform rejects unknown names and bad arguments, naming the spec."""
    with pytest.raises(TransformError, match=message) as e:
        parse_transform(spec)
    assert e.value.transform == spec


def test_parse_checks_implicit_locale() -> None:
    """A locale-dependent transform with no argument must know the map's language."""
    assert parse_transform("money", "nl").arg is None
    with pytest.raises(TransformError, match="language 'de'"):
        parse_transform("money", "de")
    assert parse_transform("money:nb", "de").arg == "nb"


def test_parse_splits_at_first_colon() -> None:
    """Only the first colon separates name and argument."""
    assert parse_transform("chars:2:4").arg == "2:4"
    assert parse_transform("join:, ").arg == ", "
    assert parse_transform("default:kl. 12:00").arg == "kl. 12:00"


@pytest.mark.parametrize(
    ("spec", "locale", "value", "expected"),
    [
        ("language", "nb", "nb", "norsk bokmål"),
        ("language", "nl", "nb", "Noors - Bokmål"),
        ("language:en", "nb", "se", "Northern Sami"),
        ("country", "nb", "NL", "Nederland"),
        ("country", "en", "no", "Norway"),
    ],
)
def test_codes_are_written_by_their_names_in_the_forms_language(
    spec: str, locale: str, value: str, expected: str
) -> None:
    """'Foretrukket språk' got "nb": a language or country code is written as its name."""
    assert apply_transforms(value, [parse_transform(spec)], locale) == expected


def test_an_unknown_code_is_not_written_as_if_it_were_a_name() -> None:
    with pytest.raises(TransformError, match="not a language code"):
        apply_transforms("xx-nonsense", [parse_transform("language")], "nb")
    assert apply_transforms(None, [parse_transform("country")], "nb") is None
