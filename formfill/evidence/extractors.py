"""Extractors: one TOML file per evidence document type (extractors/<id>.toml), loaded strictly.

Loading collects every problem (unknown key, unknown type, unknown profile path with a did-you-
mean, duplicate field, id not equal to the file stem) into one ``ExtractorError``. The format is
documented in extractors/README.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formfill.errors import ExtractorError, Problem, UnknownPathError
from formfill.evidence.values import ADDRESS_PARTS
from formfill.profile.model import check_path

TYPES = (
    "text", "name", "address", "date", "money", "period", "no_fnr", "nl_bsn", "no_account",
    "no_orgnr", "us_ssn", "iban", "bic",
)  # fmt: skip
IDENTIFIER_TYPES = ("no_fnr", "nl_bsn", "no_account", "no_orgnr", "us_ssn", "iban", "bic")
WHERE = ("right", "below", "right_or_below")
LANGUAGES = ("nb", "nn", "nl", "en")
_TOP_KEYS = {"id", "title", "keywords", "constants", "language_constants", "fields", "min_score"}
_FIELD_KEYS = {"name", "path", "type", "labels", "where", "anywhere", "date_order"}


@dataclass(frozen=True)
class FieldSpec:
    """One value to look for: right of or below one of ``labels``; ``anywhere``: if no label
    is found, the first value of the type anywhere in the document (identifiers)."""

    name: str
    path: str  # type "name": the object whose given_name and family_name are proposed;
    # type "address": the address whose parts (street, house_number, ...) are proposed
    type: str
    labels: tuple[str, ...]
    where: str = "right_or_below"
    anywhere: bool = False
    date_order: str = "dmy"

    def paths(self) -> tuple[str, ...]:
        if self.type == "name":
            return (f"{self.path}.given_name", f"{self.path}.family_name")
        if self.type == "address":
            return tuple(f"{self.path}.{part}" for part in ADDRESS_PARTS)
        return (self.path,)


@dataclass(frozen=True)
class DocType:
    """A kind of document: the keywords that recognise it (by language) and what to read."""

    id: str
    title: str
    keywords: dict[str, tuple[str, ...]]
    fields: tuple[FieldSpec, ...]
    constants: dict[str, str]  # implied by the document type (a pay slip is salary income)
    language_constants: dict[str, dict[str, str]]  # path -> language -> value (currency)
    min_score: int = 2  # distinct keywords needed to recognise the type

    def score(self, text: str) -> tuple[int, str | None]:
        """(distinct keywords found in ``text``, the language with most of them)."""
        folded = fold(text)
        best: tuple[int, str | None] = (0, None)
        total = 0
        for lang, words in self.keywords.items():
            hits = sum(1 for k in words if _has_phrase(folded, fold(k)))
            total += hits
            if hits > best[0]:
                best = (hits, lang)
        return total, best[1]


def fold(text: str) -> str:
    """Casefolded, whitespace collapsed: how keywords and labels are compared."""
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _has_phrase(folded: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded) is not None


def load_extractors(directory: Path) -> list[DocType]:
    """Every extractors/*.toml, sorted by id; ExtractorError lists every problem in every file."""
    problems: list[Problem] = []
    out = []
    for path in sorted(Path(directory).glob("*.toml")):
        doc, found = _load(path)
        problems += found
        if doc is not None:
            out.append(doc)
    if problems:
        raise ExtractorError(str(directory), problems)
    return out


def load_extractor(path: Path) -> DocType:
    doc, problems = _load(Path(path))
    if problems or doc is None:
        raise ExtractorError(str(path), problems)
    return doc


def _load(path: Path) -> tuple[DocType | None, list[Problem]]:
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem(where, f"cannot read: {e}")]
    except tomllib.TOMLDecodeError as e:
        return None, [Problem(where, f"not valid TOML: {e}")]
    problems = [Problem(f"{where}: {k}", "unknown key") for k in sorted(set(raw) - _TOP_KEYS)]
    doc_id = str(raw.get("id", ""))
    if doc_id != path.stem:
        problems.append(Problem(f"{where}: id", f"{doc_id!r} must equal the file stem"))
    keywords: dict[str, tuple[str, ...]] = {}
    for lang, words in dict(raw.get("keywords", {})).items():
        if lang not in LANGUAGES:
            problems.append(Problem(f"{where}: keywords.{lang}", f"not one of {LANGUAGES}"))
        if not isinstance(words, list):
            problems.append(Problem(f"{where}: keywords.{lang}", "must be a list of phrases"))
            continue
        keywords[lang] = tuple(str(w) for w in words)
    if not keywords:
        problems.append(Problem(f"{where}: keywords", "at least one language's keywords"))
    constants = {str(k): str(v) for k, v in dict(raw.get("constants", {})).items()}
    lang_constants = {
        str(k): {str(lang): str(v) for lang, v in dict(vals).items()}
        for k, vals in dict(raw.get("language_constants", {})).items()
    }
    for p in [*constants, *lang_constants]:
        problems += _path_problem(f"{where}: constants", p)
    fields = []
    seen: set[str] = set()
    for i, f in enumerate(raw.get("fields", [])):
        spec, found = _field(f"{where}: fields[{i}]", f)
        problems += found
        if spec is not None:
            if spec.name in seen:
                problems.append(Problem(f"{where}: fields[{i}]", f"duplicate name {spec.name!r}"))
            seen.add(spec.name)
            fields.append(spec)
    doc = DocType(
        doc_id,
        str(raw.get("title", doc_id)),
        keywords,
        tuple(fields),
        constants,
        lang_constants,
        int(raw.get("min_score", 2)),
    )
    return doc, problems


def _path_problem(where: str, path: str) -> list[Problem]:
    try:
        check_path(path)
    except UnknownPathError as e:
        return [Problem(where, str(e))]
    return []


def _field(where: str, raw: dict[str, Any]) -> tuple[FieldSpec | None, list[Problem]]:
    problems = [Problem(f"{where}.{k}", "unknown key") for k in sorted(set(raw) - _FIELD_KEYS)]
    name, path, kind = raw.get("name"), raw.get("path"), raw.get("type", "text")
    labels = raw.get("labels", [])
    if not isinstance(name, str) or not name:
        problems.append(Problem(where, "needs a name"))
    if not isinstance(path, str) or not path:
        problems.append(Problem(where, "needs a path"))
    if kind not in TYPES:
        problems.append(Problem(f"{where}.type", f"{kind!r} is not one of {', '.join(TYPES)}"))
    if raw.get("where", "right_or_below") not in WHERE:
        problems.append(Problem(f"{where}.where", f"one of {', '.join(WHERE)}"))
    if raw.get("date_order", "dmy") not in ("dmy", "mdy"):
        problems.append(Problem(f"{where}.date_order", "dmy or mdy"))
    if not labels and not raw.get("anywhere"):
        problems.append(Problem(where, "needs labels (or anywhere = true)"))
    if problems or not isinstance(path, str) or not isinstance(name, str):
        return None, problems
    spec = FieldSpec(
        name,
        path,
        str(kind),
        tuple(str(x) for x in labels),
        str(raw.get("where", "right_or_below")),
        bool(raw.get("anywhere", False)),
        str(raw.get("date_order", "dmy")),
    )
    for p in spec.paths():
        problems += _path_problem(f"{where}.path", p)
    return spec, problems
