"""Local dates and money, identifiers with check digits, names split with Dutch particles."""

from __future__ import annotations

import pytest

from formfill.evidence.values import (
    parse_address,
    parse_date,
    parse_iban,
    parse_identifier,
    parse_money,
    parse_period,
    split_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.03.2024", "2024-03-14"),
        ("14-03-2024", "2024-03-14"),
        ("2024-03-14", "2024-03-14"),
        ("1. juli 2021", "2021-07-01"),
        ("31 december 2024", "2024-12-31"),
        ("1 maart 2024", "2024-03-01"),
        ("March 15, 2024", "2024-03-15"),
        ("15 March 2024", "2024-03-15"),
        ("Periode: 01.03.2024 - 31.03.2024", "2024-03-01"),
    ],
)
def test_dates_in_local_formats(text, expected):
    """Norwegian, Dutch and English dates read to ISO; the first date in the text wins."""
    parsed = parse_date(text)
    assert parsed is not None and parsed.value == expected


def test_us_order_and_impossible_dates():
    """mdy order is honoured when asked; 31.02 is not a date."""
    assert parse_date("03/14/2024", "mdy").value == "2024-03-14"  # type: ignore[union-attr]
    assert parse_date("31.02.2024") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42 500,00", "42500.00"),
        ("kr 42.500,00", "42500.00"),
        ("1 766,00 kr", "1766.00"),
        ("€ 3.250,00", "3250.00"),
        ("$3,250.00", "3250.00"),
        ("-12 750,00", "-12750.00"),
        ("€ 245,-", "245.00"),
        ("1234.5", "1234.50"),
    ],
)
def test_money_in_local_formats(text, expected):
    """Thousands separators (space, dot, comma) and decimal comma or point are told apart."""
    parsed = parse_money(text)
    assert parsed is not None and parsed.value == expected


def test_identifiers_pass_or_fail_their_check_digits():
    """Valid numbers come back compact; a wrong check digit is returned marked invalid."""
    assert parse_identifier("no_fnr", "140388 12468").value == "14038812468"  # type: ignore[union-attr]
    assert parse_identifier("nl_bsn", "9999.90.019").value == "999990019"  # type: ignore[union-attr]
    assert parse_identifier("no_account", "9876.54.00007").value == "98765400007"  # type: ignore[union-attr]
    assert parse_identifier("no_orgnr", "987 654 325 MVA").value == "987654325"  # type: ignore[union-attr]
    bad = parse_identifier("no_fnr", "14038812469")
    assert bad is not None and not bad.valid and "check" in bad.note


def test_ocr_letter_for_digit_is_undone_only_when_the_check_passes():
    """O for 0 in a BSN is fixed (and says so) because the fixed number passes its 11-test."""
    fixed = parse_identifier("nl_bsn", "9999900l9")
    assert fixed is not None and fixed.valid and fixed.value == "999990019" and fixed.note


def test_iban_with_spaces_and_a_bad_one():
    """IBANs are read with spaces and compacted; a wrong check pair is marked invalid."""
    assert parse_iban("IBAN NL13 TEST 0123 4567 89").value == "NL13TEST0123456789"  # type: ignore[union-attr]
    bad = parse_iban("NL14 TEST 0123 4567 89")
    assert bad is not None and not bad.valid


def test_periods_and_names():
    """Period words in three languages; Dutch particles stay with the family name."""
    assert parse_period("måned: 1 766,00 kr").value == "month"  # type: ignore[union-attr]
    assert parse_period("per maand").value == "month"  # type: ignore[union-attr]
    assert split_name("Jan de Vries") == ("Jan", "de Vries")
    assert split_name("Kari Ånes Nordmann") == ("Kari Ånes", "Nordmann")
    assert split_name("Whitfield, Margaret") == ("Margaret", "Whitfield")
    assert split_name("Cher") is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Storgata 5 B, 0150 Oslo",
            {"street": "Storgata", "house_number": "5", "house_letter": "B",
             "postal_code": "0150", "city": "Oslo"},
        ),
        (
            "Kerkstraat 12-A, 1012 AB Amsterdam",
            {"street": "Kerkstraat", "house_number": "12", "addition": "A",
             "postal_code": "1012 AB", "city": "Amsterdam", "country": "NL"},
        ),
        (
            "Kerkstraat 12A 1012AB Amsterdam",  # no comma (OCR), letter attached, postcode joined
            {"street": "Kerkstraat", "house_number": "12", "house_letter": "A",
             "postal_code": "1012 AB", "city": "Amsterdam", "country": "NL"},
        ),
        (
            "Dr. Holms vei 14,3050 MJØNDALEN",
            {"street": "Dr. Holms vei", "house_number": "14", "postal_code": "3050",
             "city": "MJØNDALEN"},
        ),
        (
            "123 Main St Apt 4, Springfield, IL 62701",
            {"street": "Main St", "house_number": "123", "addition": "Apt 4",
             "postal_code": "62701", "city": "Springfield", "state": "IL", "country": "US"},
        ),
    ],
)  # fmt: skip
def test_address_line_is_split_into_parts(text, parts):
    """A one-line address becomes street, house number (letter, addition), postal code and
    city; the country only where the format tells it (Dutch postcode, US state and ZIP)."""
    parsed = parse_address(text)
    assert parsed is not None and dict(parsed.parts) == parts


@pytest.mark.parametrize("text", ["Storgata, Oslo", "0150 Oslo", "Hello world", ""])
def test_text_that_is_no_address_is_not_parsed(text):
    assert parse_address(text) is None
