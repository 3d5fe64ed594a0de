"""The client form's headings and the labels a specialist reads, in English; the templates
translate them (web/translations). A label is looked up by the path with its list indices
left out (``income.sources[].kind``), then by its last part (``given_name``)."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks a string for translation where it is defined; the template translates it."""
    return text


# key, heading, path prefix, is a list (one row per item)
SECTIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("person", N_("Person"), "person.", False),
    ("identifiers", N_("Identifiers"), "identifiers.", False),
    ("contact", N_("Contact"), "contact.", False),
    ("address.current", N_("Current address"), "address.current.", False),
    ("housing", N_("Housing"), "housing.", False),
    ("address.previous", N_("Previous addresses"), "address.previous[].", True),
    ("person.residence_permit", N_("Residence permit"), "person.residence_permit.", False),
    ("household.members", N_("Household"), "household.members[].", True),
    ("income.sources", N_("Income"), "income.sources[].", True),
    ("bank", N_("Bank"), "bank.", False),
    ("employment", N_("Employment"), "employment.", False),
    # a guardian (verge), an attorney (fullmektig) or an advocate who acts for the client;
    # forms print their name where a representative signs (walk 9: no field for one)
    ("representative", N_("Representative (guardian, attorney)"), "representative.", False),
)

# what one row of a list is called ("Household member 2")
ITEM = {
    "address.previous": N_("Previous address"),
    "household.members": N_("Household member"),
    "income.sources": N_("Income source"),
}
ADD = {
    "address.previous": N_("Add another address"),
    "household.members": N_("Add another household member"),
    "income.sources": N_("Add another income source"),
}

BY_PATH = {
    "person.residence_permit.kind": N_("Kind of permit"),
    "person.residence_permit.number": N_("Permit number"),
    "income.sources[].kind": N_("Kind of income"),
    "employment.status": N_("Employment status"),
    "housing.tenure": N_("Rents or owns the home"),
}

BY_NAME = {
    "given_name": N_("Given name"),
    "middle_name": N_("Middle name"),
    "family_name": N_("Family name"),
    "birth_date": N_("Date of birth"),
    "birth_place": N_("Place of birth"),
    "birth_country": N_("Country of birth"),
    "sex": N_("Sex"),
    "marital_status": N_("Marital status"),
    "marital_status_since": N_("Marital status since"),
    "citizenship": N_("Citizenship"),
    "valid_from": N_("Valid from"),
    "valid_until": N_("Valid until"),
    "valid_to": N_("Valid to"),
    "no_fnr": N_("Fødselsnummer (Norway)"),
    "no_dnr": N_("D-nummer (Norway)"),
    "nl_bsn": N_("BSN (Netherlands)"),
    "us_ssn": N_("SSN (USA)"),
    "phone_mobile": N_("Mobile phone"),
    "phone_home": N_("Home phone"),
    "email": N_("Email"),
    "preferred_language": N_("Preferred language"),
    "interpreter_needed": N_("Interpreter needed"),
    "interpreter_language": N_("Interpreter language"),
    "care_of": N_("Care of (c/o)"),
    "street": N_("Street"),
    "house_number": N_("House number"),
    "house_letter": N_("House letter"),
    "addition": N_("Flat, floor or addition"),
    "country": N_("Country"),
    "postal_code": N_("Postal code"),
    "city": N_("Town or city"),
    "municipality": N_("Municipality"),
    "state": N_("State or province"),
    "relation": N_("Relation to the client"),
    "lives_with_client": N_("Lives with the client"),
    "custody_share": N_("Custody share in percent"),
    "yearly_gross_income": N_("Yearly gross income"),
    "monthly_rent": N_("Monthly rent"),
    "rent_currency": N_("Currency of the rent"),
    "income_currency": N_("Currency of that income"),
    "payer": N_("Payer"),
    "payer_country": N_("Payer's country"),
    "payer_org_number": N_("Payer's org. number"),
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "basis": N_("Gross or net"),
    "period": N_("Per"),
    "since": N_("Since"),
    "until": N_("Until"),
    "iban": N_("IBAN"),
    "bic": N_("BIC"),
    "no_account": N_("Account number (Norway)"),
    "account_holder": N_("Account holder"),
    "bank_name": N_("Bank name"),
    "employer": N_("Employer"),
    "employer_country": N_("Employer's country"),
    "employer_org_number": N_("Employer's org. number"),
    "occupation": N_("Occupation"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "hours_per_week": N_("Hours per week"),
}


def label(generic_path: str) -> str:
    """The English label of a path with ``[]`` for list indices."""
    if generic_path in BY_PATH:
        return BY_PATH[generic_path]
    leaf = generic_path.rsplit(".", 1)[-1]
    return BY_NAME.get(leaf) or (leaf[:1].upper() + leaf[1:]).replace("_", " ")


# what a choice of the profile is called (the profile stores the code)
CHOICES = {
    "child": N_("Child"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner (cohabitant)"),
    "parent": N_("Parent"),
    "sibling": N_("Sibling"),
    "other": N_("Other"),
    "female": N_("Female"),
    "male": N_("Male"),
    "unspecified": N_("Unspecified"),
    "single": N_("Single"),
    "married": N_("Married"),
    "registered_partner": N_("Registered partner"),
    "cohabiting": N_("Cohabiting"),
    "separated": N_("Separated"),
    "divorced": N_("Divorced"),
    "widowed": N_("Widowed"),
    "salary": N_("Salary"),
    "benefit": N_("Benefit"),
    "pension": N_("Pension"),
    "self_employment": N_("Self-employment"),
    "capital": N_("Capital income"),
    "gross": N_("Gross"),
    "net": N_("Net"),
    "week": N_("week"),
    "fortnight": N_("fortnight"),
    "month": N_("month"),
    "year": N_("year"),
    "employed": N_("Employed"),
    "self_employed": N_("Self-employed"),
    "unemployed": N_("Unemployed"),
    "student": N_("Student"),
    "retired": N_("Retired"),
    "disabled": N_("Unable to work"),
    "guardian": N_("Guardian"),
    "power_of_attorney": N_("Power of attorney"),
    "advocate": N_("Advocate"),
    "rent": N_("Rents"),
    "municipal_rent": N_("Rents from the municipality"),
    "own": N_("Owns"),
    "cooperative": N_("Housing co-operative (owns a share)"),
}


def choice_label(code: str) -> str:
    """The English name of a choice's code (``registered_partner`` -> Registered partner)."""
    return CHOICES.get(code, code)
