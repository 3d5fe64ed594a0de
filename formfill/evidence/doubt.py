"""When a value read from evidence is doubtful: the reader was unsure of its letters.

Two rules, the same for the web, the API and the CLI:

* low confidence: the lowest word confidence of the value is below ``DOUBTFUL_BELOW``;
* letters differ: the value and the profile's current spelling are the same letters once the
  diacritics are taken off (NFKD, combining marks dropped) but not with them: "Måret" read where
  the profile says "Máret". OCR confuses á, å and ä far more often than people change names.
  Compared word by word when both have as many words, so "Måret Čiekčá" against "Máret Čiekčá"
  names the one word that differs.

A value assumed from the document's language (a currency it never names) is a third doubt. A
fourth: the document names someone else (and every other value read from that document, an
employer or an account number, carries the fifth, ``whose_document``: see :func:`whose`). A
name, identity number or birth date of the client that differs from the profile's by more than
diacritics ("Kari Nordmann" read on a letter filed for Máret Čiekčá) says the document may be
another person's: one click would put their name and number in every form.

A doubtful proposal is shown with its doubts and never preselected for acceptance
(``preselect``). Letters the plain alphabet has no base for (æ, ø, ß) have no decomposition:
they are letters of their own, compared as they are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

__all__ = [
    "DOUBTFUL_BELOW", "Doubt", "doubts", "preselect", "same_value", "strip_marks", "whose",
]  # fmt: skip

# word confidence >= 0.95 was right 99.3% of the time on our samples; below, look at it
DOUBTFUL_BELOW = 0.95

DoubtKind = Literal["low_confidence", "letters_differ", "assumed", "other_person", "whose_document"]

# the client's own identity: a different value here is more likely another person's document
IDENTITY_PATHS = frozenset(
    (
        "person.given_name", "person.family_name", "person.full_name", "person.birth_date",
        "identifiers.national_id", "identifiers.no_fnr", "identifiers.nl_bsn",
        "identifiers.us_ssn", "bank.account_holder",
    )
)  # fmt: skip
# a name that a document may write family name first, in capitals ('NORDMANN KARI')
HOLDER_PATHS = frozenset(("bank.account_holder",))


@dataclass(frozen=True)
class Doubt:
    """One reason to look closely. low_confidence: ``confidence`` below ``DOUBTFUL_BELOW``.
    letters_differ: ``current`` (the profile's spelling) and ``proposed`` (the reading) differ
    only in their diacritics. assumed: nothing on the page says it; it was guessed from the
    document's language (a currency the document never names)."""

    kind: DoubtKind
    confidence: float | None = None
    current: str = ""
    proposed: str = ""

    def __str__(self) -> str:
        if self.kind == "assumed":
            return "assumed from the document's language: the document does not say it"
        if self.kind == "other_person":
            return (
                f"the document gives {self.proposed}, the client's is {self.current}: check "
                "whose document this is"
            )
        if self.kind == "whose_document":
            return (
                f"from a document that may be another person's (it gives {self.proposed}, the "
                f"client's is {self.current}): check whose document this is"
            )
        if self.kind == "low_confidence":
            return (
                f"the reader was unsure of the letters (confidence {self.confidence:.2f}, "
                f"below {DOUBTFUL_BELOW:.2f})"
            )
        return f"letters differ from the profile's spelling: {self.current} vs {self.proposed}"


def strip_marks(text: str) -> str:
    """``text`` without diacritics: NFKD, combining marks dropped ("Čiekčá" -> "Ciekca")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _marks_differ(current: str, proposed: str) -> bool:
    a, b = unicodedata.normalize("NFC", current), unicodedata.normalize("NFC", proposed)
    return a.casefold() != b.casefold() and strip_marks(a).casefold() == strip_marks(b).casefold()


def _letters_differ(current: str, proposed: str) -> list[Doubt]:
    cur, new = current.split(), proposed.split()
    if len(cur) == len(new) and len(cur) > 1:
        return [
            Doubt("letters_differ", current=c, proposed=p)
            for c, p in zip(cur, new, strict=True)
            if _marks_differ(c, p)
        ]
    if _marks_differ(current.strip(), proposed.strip()):
        return [Doubt("letters_differ", current=current.strip(), proposed=proposed.strip())]
    return []


# letters with no decomposition that OCR reads as their plain look-alike (Čuđđá read as
# Cuddå): the same name for the question "whose document", not another person's
_LOOKALIKE = str.maketrans({"đ": "d", "Đ": "D", "ŧ": "t", "Ŧ": "T", "ŋ": "n", "Ŋ": "N",
                            "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i"})  # fmt: skip


def _plain(text: str) -> str:
    return strip_marks(text.translate(_LOOKALIKE)).casefold()


def _other_person(path: str, current: Any, proposed: Any) -> list[Doubt]:
    if path not in IDENTITY_PATHS or current in (None, "") or proposed in (None, ""):
        return []
    a, b = str(current).strip(), str(proposed).strip()
    if path.startswith("identifiers."):
        a, b = "".join(c for c in a if c.isalnum()), "".join(c for c in b if c.isalnum())
    if _plain(a) == _plain(b):
        return []
    if path in HOLDER_PATHS:  # 'SÆTHER TUVA' is Tuva Ødegård Sæther's account
        x, y = set(_plain(a).replace("-", " ").split()), set(_plain(b).replace("-", " ").split())
        if min(len(x), len(y)) >= 2 and (x <= y or y <= x):
            return []
    return [Doubt("other_person", current=str(current), proposed=str(proposed))]


def doubts(
    proposed: Any,
    confidence: float | None,
    current: Any = None,
    *,
    assumed: bool = False,
    path: str = "",
) -> tuple[Doubt, ...]:
    """Why ``proposed`` (read with ``confidence``, 0-1; None: not read by OCR) is doubtful
    against the profile's ``current`` value at its ``path`` (None: the profile has none);
    ``assumed``: a guess from the document's language, never read from it."""
    out: list[Doubt] = [Doubt("assumed")] if assumed else []
    out += _other_person(path, current, proposed)
    if confidence is not None and confidence < DOUBTFUL_BELOW:
        out.append(Doubt("low_confidence", confidence=confidence))
    if isinstance(proposed, str) and isinstance(current, str):
        out += _letters_differ(current, proposed)
    return tuple(out)


def whose(found: list[tuple[Doubt, ...]], same_id: bool = False) -> list[tuple[Doubt, ...]]:
    """The doubts of one document's proposals, each given ``whose_document`` when another of
    them names someone else: an employer or an account number from Kari's pay slip is Kari's,
    even though it cannot be compared with anything of the client's. ``same_id``: the
    document gives the client's own national identity number; then it is the client's, and a
    name that differs is the reader's doubt (the name keeps a letters_differ doubt, nobody is
    told to reject the document)."""
    if same_id:
        return [
            tuple(
                Doubt("letters_differ", current=d.current, proposed=d.proposed)
                if d.kind == "other_person" else d
                for d in ds
            )
            for ds in found
        ]  # fmt: skip
    other = next((d for ds in found for d in ds if d.kind == "other_person"), None)
    if other is None:
        return found
    flag = Doubt("whose_document", current=other.current, proposed=other.proposed)
    return [ds if any(d.kind == "other_person" for d in ds) else (flag, *ds) for ds in found]


def preselect(proposed: Any, confidence: float | None, current: Any = None) -> bool:
    """May accepting be offered as the default action? Never for a doubtful value."""
    return not doubts(proposed, confidence, current)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def same_value(current: Any, proposed: Any) -> bool:
    """Would accepting ``proposed`` leave ``current`` as it is? Equal as text, or the same
    number ("38500" and "38500.00")."""
    if current == proposed or str(current).strip() == str(proposed).strip():
        return True
    a, b = _number(current), _number(proposed)
    return a is not None and b is not None and a == b
