"""A name read whole from a document, split the way the client's profile splits it.

A pay slip writes "Ansatt: Máret Čiekčá Ålund"; the reader can only split it into given names
and the family name (the last word, with its particles), so it proposed the given name
"Máret Čiekčá" for a client whose profile holds given name Máret and middle name Čiekčá.
Accepted, that wrote the middle name into the given name, and a form asking "Fornavn (og
eventuelle mellomnavn)" printed it twice (walk 7). When the profile has a middle name and the
read given names end with it (compared without diacritics and case, allowing a letter or two
that OCR misread), the given name proposed is the rest, and the middle name is proposed apart.
A profile without a middle name is left alone: "Anna Maria" is then two given names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from formfill.evidence.doubt import strip_marks
from formfill.evidence.proposals import Proposal

__all__ = ["fit_names"]

# how alike a word read and the profile's word must be once marks and case are gone; OCR
# misreads a letter or two of a name with diacritics ('Ciekéá' for 'Čiekčá' is 0.83)
SAME_WORD = 0.75


def _plain(word: str) -> str:
    return strip_marks(word).casefold()


def _alike(read: str, known: str) -> bool:
    a, b = _plain(read), _plain(known)
    return a == b or SequenceMatcher(None, a, b).ratio() >= SAME_WORD


def _person(data: Mapping[str, Any], owner: str) -> Mapping[str, Any]:
    node: Any = data
    for part in owner.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def fit_names(proposals: Sequence[Proposal], profile: Mapping[str, Any]) -> list[Proposal]:
    """``proposals`` with each given name that ends with the profile's middle name split into
    the given name and a middle-name proposal (same place, confidence and doubts)."""
    out: list[Proposal] = []
    for p in proposals:
        owner, _dot, leaf = p.path.rpartition(".")
        person = _person(profile, owner) if leaf == "given_name" and owner else {}
        middle = str(person.get("middle_name") or "").split()
        words = p.value.split()
        if not middle or len(words) <= len(middle):
            out.append(p)
            continue
        tail = words[-len(middle) :]
        if not all(_alike(r, k) for r, k in zip(tail, middle, strict=True)):
            out.append(p)
            continue
        given = " ".join(words[: -len(middle)])
        out.append(dataclasses.replace(p, value=given))
        out.append(dataclasses.replace(p, path=f"{owner}.middle_name", value=" ".join(tail)))
    return out
