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


def _resplit(given: Proposal, family: Proposal, person: Mapping[str, Any]) -> list[Proposal]:
    """A whole name read ("Fatima el Amrani-de Wit"), split by the reader into given and
    family names at a guess, split again as the profile splits the same words (given,
    middle, family); [] when the words are not the profile's."""
    owner = given.path.rpartition(".")[0]
    parts = [str(person.get(k) or "").split() for k in ("given_name", "middle_name", "family_name")]
    read = given.value.split() + family.value.split()
    known = [w for part in parts for w in part]
    if not parts[0] or not parts[2] or len(read) != len(known):
        return []
    if not all(_alike(r, k) for r, k in zip(read, known, strict=True)):
        return []
    n_given, n_middle = len(parts[0]), len(parts[1])
    out = [dataclasses.replace(given, value=" ".join(read[:n_given]))]
    if n_middle:
        middle = " ".join(read[n_given : n_given + n_middle])
        out.append(dataclasses.replace(given, path=f"{owner}.middle_name", value=middle))
    out.append(dataclasses.replace(family, value=" ".join(read[n_given + n_middle :])))
    return out


def fit_names(proposals: Sequence[Proposal], profile: Mapping[str, Any]) -> list[Proposal]:
    """``proposals`` with each name read whole split as the profile splits it: a given and a
    family name read together (one field of the document) re-split into the profile's given,
    middle and family names when they are the same words (walk 10: 'Fatima el Amrani-de Wit'
    gave the given name 'Fatima el Amrani-de'); else a given name that ends with the profile's
    middle name split into the two (same place, confidence and doubts)."""
    out: list[Proposal] = []
    pending = list(proposals)
    i = 0
    while i < len(pending):
        p = pending[i]
        nxt = pending[i + 1] if i + 1 < len(pending) else None
        owner, _dot, leaf = p.path.rpartition(".")
        if (
            leaf == "given_name"
            and nxt is not None
            and nxt.path == f"{owner}.family_name"
            and nxt.field == p.field
            and (fitted := _resplit(p, nxt, _person(profile, owner)))
        ):
            out.extend(fitted)
            i += 2
            continue
        out.extend(_fit_given(p, profile))
        i += 1
    return out


def _fit_given(p: Proposal, profile: Mapping[str, Any]) -> list[Proposal]:
    """A given name that ends with the profile's middle name, split into the two."""
    owner, _dot, leaf = p.path.rpartition(".")
    person = _person(profile, owner) if leaf == "given_name" and owner else {}
    middle = str(person.get("middle_name") or "").split()
    words = p.value.split()
    if not middle or len(words) <= len(middle):
        return [p]
    tail = words[-len(middle) :]
    if not all(_alike(r, k) for r, k in zip(tail, middle, strict=True)):
        return [p]
    given = " ".join(words[: -len(middle)])
    return [
        dataclasses.replace(p, value=given),
        dataclasses.replace(p, path=f"{owner}.middle_name", value=" ".join(tail)),
    ]
