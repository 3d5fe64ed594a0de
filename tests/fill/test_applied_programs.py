"""A form's 'which benefit do you apply for' boxes follow the specialist's choice (walk 8: the
toeslagen form left Zorgtoeslag unticked on the zorgtoeslag application itself, because the
screening was unclear). ``programs['x'].applied`` is true when the client has an open
application for x; the map ticks 'applied or eligible'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from formfill.config import Settings
from formfill.fill import FormCatalogue
from formfill.fill.form import resolve_for
from formfill.profile.validation import load_profile, parse_profile

REPO = Path(__file__).resolve().parents[2]
ON = date(2026, 12, 4)
FORM = "toeslag-aanvraag"
BOXES = ("Aanvraag_huurtoeslag", "Aanvraag_zorgtoeslag", "Aanvraag_kgb")


def _forms() -> FormCatalogue:
    return FormCatalogue(Settings(root=REPO, data_dir=REPO / "instance", font_path=None))


def _unclear_profile():  # type: ignore[no-untyped-def]
    """The Dutch couple without any income: every allowance's screening is unclear."""
    data = load_profile(REPO / "personas/nl_couple_irregular.json").model_dump(
        mode="json", exclude_none=True
    )
    data.pop("income", None)
    return parse_profile(data, source="test")


def test_an_unclear_screening_leaves_the_boxes_undecided() -> None:
    forms = _forms()
    res = resolve_for(forms, forms.map(FORM), _unclear_profile(), ON)
    undecided = {b.field for b in res.blank if b.hand == "undecided"}
    assert "Aanvraag_zorgtoeslag" in undecided
    assert not any(res.values.get(b) for b in BOXES)


def test_the_program_applied_for_is_ticked_and_only_it() -> None:
    forms = _forms()
    profile = _unclear_profile()
    res = resolve_for(forms, forms.map(FORM), profile, ON, frozenset({"zorgtoeslag"}))
    assert res.values.get("Aanvraag_zorgtoeslag") is True
    assert not res.values.get("Aanvraag_huurtoeslag")  # not applied for, and not eligible
    assert "Aanvraag_zorgtoeslag" not in {b.field for b in res.blank}
    both = resolve_for(
        forms, forms.map(FORM), profile, ON, frozenset({"zorgtoeslag", "kindgebonden-budget"})
    )
    assert (
        both.values.get("Aanvraag_kgb") is True and both.values.get("Aanvraag_zorgtoeslag") is True
    )


def test_only_what_is_applied_for_is_asked_for() -> None:
    """Walk 10: a form filled for the huurtoeslag application also asked for zorgtoeslag (its
    application decided already) and kindgebonden budget. While something on the form is
    being applied for, only that is ticked, and the others are decided (not 'by hand');
    without any application, an allowance already sent is not asked for again."""
    forms = _forms()
    fmap = forms.map(FORM)
    profile = _unclear_profile()
    res = resolve_for(
        forms, fmap, profile, ON, frozenset({"huurtoeslag"}), frozenset({"zorgtoeslag"})
    )
    assert res.values.get("Aanvraag_huurtoeslag") is True
    assert (
        res.values.get("Aanvraag_zorgtoeslag") is False and res.values.get("Aanvraag_kgb") is False
    )
    assert not {b.field for b in res.blank} & set(BOXES)  # decided, nothing left for a person
    sent = resolve_for(forms, fmap, profile, ON, frozenset(), frozenset({"zorgtoeslag"}))
    assert sent.values.get("Aanvraag_zorgtoeslag") is False


def test_the_house_letter_goes_with_the_number() -> None:
    """Walk 8: house letter B was lost (Huisnummer 231, Toevoeging 2 hoog)."""
    forms = _forms()
    data = load_profile(REPO / "personas/nl_couple_irregular.json").model_dump(
        mode="json", exclude_none=True
    )
    data["address"]["current"].update(house_number="231", house_letter="B", addition="2 hoog")
    res = resolve_for(forms, forms.map(FORM), parse_profile(data, source="test"), ON)
    assert res.values["Huisnummer"] == "231B"
    assert res.values["Toevoeging"] == "2 hoog"
