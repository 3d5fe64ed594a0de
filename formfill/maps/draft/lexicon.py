"""The lexicon (formfill/maps/draft/lexicon.toml) and matching it against a field's label texts:
its terms, conditions, skips, qualifiers ('spouse', 'child N') and subjects, loaded once; the
score of a term against a label text; the best term over a field's texts and their clauses; and
the qualifier that says whose value a label names."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from formfill.maps.draft.choices import value_key
from formfill.pdf.labels import norm

LEXICON = Path(__file__).with_name("lexicon.toml")
LANGS = ("en", "nb", "nn", "nl", "de", "fr", "es")
# how far a match in each label text is trusted: its score is multiplied by this
SOURCE_WEIGHT = {
    "tooltip": 1.0,  # what the form's author wrote for the field
    "name": 0.97,  # the field's name made readable: the author's too, but terser
    "left": 0.95,  # printed text left of the box, on its line
    "above": 0.9,  # printed text above the box: a caption, or the line before
    "below": 0.9,  # printed text below the line, on forms that caption under it
    "right": 0.95,  # printed text right of a check box: its caption
}

# the score of a term found as a whole phrase in a label: PHRASE_BASE, plus PHRASE_COVER times
# the share of the label's meaningful words the term explains, plus PHRASE_TAIL when the term
# ends a label of several words ('plaintiff1_address_city' is a city); at most PHRASE_CAP, so a
# phrase never scores as an exact match (1.0)
PHRASE_BASE = 0.70
PHRASE_COVER = 0.27
PHRASE_TAIL = 0.08
PHRASE_CAP = 0.99
# a close spelling (inflection, typo) of a term of FUZZY_MIN_LEN characters or more, in a label
# at most FUZZY_LEN_SLACK characters longer: it counts from a similarity of FUZZY_MIN_RATIO and
# scores that similarity times FUZZY_WEIGHT (a little less than the phrase it nearly is)
FUZZY_MIN_LEN = 5
FUZZY_LEN_SLACK = 6
FUZZY_MIN_RATIO = 0.88
FUZZY_WEIGHT = 0.93
# text left of a box that starts in lower case ends a sentence from the line above: its
# source weight is multiplied by this
SENTENCE_TAIL_WEIGHT = 0.8


@dataclass(frozen=True)
class Term:
    text: str  # normalised
    target: str  # profile path, condition, or skip reason
    lang: str
    qualified_only: bool = False  # names a value only once a qualifier says whose


@dataclass(frozen=True)
class _Qualifier:
    words: tuple[str, ...]
    mapping: tuple[tuple[str, str], ...]
    numbered: bool
    # a whole-household list on a form that asks for the partner apart: the list it is then
    # ('household.children'), '' when a person must decide, None when it does not apply
    with_partner: str | None = None

    @property
    def people(self) -> bool:
        """Whether its words name a person (spouse, child, interpreter), not an address: in a
        block that person heads, a value they have no path for is still not the client's."""
        return any(prefix == "person." for prefix, _repl in self.mapping)


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    conditions: tuple[Term, ...]
    skips: tuple[Term, ...]
    qualifiers: tuple[_Qualifier, ...]
    subjects: tuple[str, ...]  # headings of a block about the client
    # qualifier words that say whose a field is but not, as a heading, whose a block is
    # ('Case information' heads the court's block, not another person's)
    not_headings: frozenset[str] = frozenset()
    # the one-word qualifiers (partner, kind, werkgever): words of a label that say whose the
    # value is, not which, so 'Naam partner' is a name as much as 'Naam' is
    whose: frozenset[str] = frozenset()
    # the other words a heading of a block about someone has ('Gegevens van de partner')
    heading_words: frozenset[str] = frozenset()
    # words that say an address is asked only if it differs from the main one
    if_different: tuple[str, ...] = ()
    # the words that name a code of a choice, by map_draft_choices.value_key ('sex',
    # 'language'): normalised word -> the codes it names (from the conditions)
    values: Mapping[str, Mapping[str, frozenset[str]]] = dc_field(default_factory=dict)


def _terms(entries: list[dict[str, Any]], key: str) -> tuple[Term, ...]:
    out = []
    for e in entries:
        for lang in LANGS:
            for t in e.get(lang, []):
                out.append(Term(norm(t), str(e[key]), lang, bool(e.get("qualified_only"))))
    return tuple(out)


def _values(conditions: tuple[Term, ...]) -> dict[str, dict[str, frozenset[str]]]:
    """'person.sex == 'female'' said as 'woman': under 'sex', the word 'woman' names female."""
    out: dict[str, dict[str, set[str]]] = {}
    for c in conditions:
        path, value = condition_path(c.target)
        if value is not None and c.text:
            out.setdefault(value_key(path), {}).setdefault(c.text, set()).add(value)
    return {k: {w: frozenset(v) for w, v in words.items()} for k, words in out.items()}


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    quals = []
    for q in data.get("qualifiers", []):
        words = tuple(norm(w) for lang in LANGS for w in q["words"].get(lang, []))
        with_partner = q.get("with_partner")
        quals.append(
            _Qualifier(
                words,
                tuple(q["map"].items()),
                bool(q.get("numbered")),
                str(with_partner) if with_partner is not None else None,
            )
        )
    quals.sort(key=lambda q: not any(v == "-" for _k, v in q.mapping))  # "not the client's" first
    conditions = _terms(data.get("conditions", []), "condition")
    return Lexicon(
        terms=_terms(data.get("terms", []), "path"),
        conditions=conditions,
        skips=_terms(data.get("skip", []), "reason"),
        qualifiers=tuple(quals),
        subjects=tuple(
            norm(w) for e in data.get("subject", []) for lang in LANGS for w in e.get(lang, [])
        ),
        values=_values(conditions),
        not_headings=frozenset(norm(w) for w in data.get("headings", {}).get("ignore", [])),
        whose=frozenset(w for q in quals for w in q.words if " " not in w),
        if_different=tuple(norm(w) for w in data.get("headings", {}).get("if_different", [])),
        heading_words=frozenset(
            w
            for lang in LANGS
            for t in data.get("headings", {}).get("words", {}).get(lang, [])
            for w in norm(t).split()
        ),
    )


def phrase_in(term: str, text: str) -> bool:
    return f" {term} " in f" {text} "


# words of instructions that say nothing about which value goes in the box
_FILLER = frozenset(
    "enter your the a an of if any and or please in on for to section item print type here "
    "box line part fill out write print oppgi skriv inn uw de het een van in te vul vult vullen "
    "als indien ihr ihre der die das bitte votre le la les du des de su el la los "
    "und oder et ou y o og eller din ditt dine vos sus eintragen angeben ausfullen indiquez "
    "renseignez indique escriba introduzca".split()
)
# words that say the value is the client's own ('Applicant Email', 'Telefonnummer des
# Antragstellers'): they say whose, not which value, so they do not count against a term
OWN_WORDS = frozenset(
    "applicant applicants applicant's appellant appellants client s "
    "søker søkers søkeren aanvrager aanvraagster antragsteller antragstellers antragstellerin "
    "demandeur demandeuse solicitante interesado interesada".split()
)


# a label of at most this many words may say whose beside what ('Naam partner'); in a longer
# one a word of whose is part of a sentence ('enter the child's name if the')
WHOSE_LABEL_WORDS = 4


def _content(text: str, whose: frozenset[str] = frozenset(), term: str = "") -> list[str]:
    """The label's words that say which value: not filler, and (in a short label) not the
    words that say whose, unless the term itself has them ('employer name')."""
    if len(text.split()) > WHOSE_LABEL_WORDS:
        whose = frozenset()
    own = set(term.split())
    return [
        t for t in text.split()
        if t not in _FILLER and (t not in whose or t in own) and not t.isdigit()
        and (t not in OWN_WORDS or t in own)
    ]  # fmt: skip


def _score(term: str, text: str, whose: frozenset[str] = frozenset()) -> float:
    """1.0 exact; a whole-phrase match scores by how much of the label's meaningful words it
    explains (a bonus when it ends the label: 'plaintiff1_address_city' is a city); a close
    spelling (inflection, typo) a little less; else 0."""
    if not term or not text:
        return 0.0
    if term == text:
        return 1.0
    if phrase_in(term, text):
        words = _content(text, whose, term) or text.split()
        cover = min(1.0, len(term.split()) / len(words))
        if len(term.split()) == 1 and cover < 1.0:
            return 0.0  # a one-word term (name, date, city) only when it is the whole label
        tail = PHRASE_TAIL if (text.endswith(" " + term) and len(words) > 1) else 0.0
        return min(PHRASE_CAP, PHRASE_BASE + PHRASE_COVER * cover + tail)
    if (
        len(term) >= FUZZY_MIN_LEN
        and len(text) <= len(term) + FUZZY_LEN_SLACK
        and len(term.split()) == len(text.split())
        and term[0] == text[0]
    ):  # a close spelling keeps the words and the first letter: 'fax number' is no 'a number'
        r = fuzz.ratio(term, text) / 100
        if r >= FUZZY_MIN_RATIO:
            return FUZZY_WEIGHT * r
    return 0.0


_CLAUSE = re.compile(r"(?:[.;:?]\s+|\s*\(|\)\s*|,\s+(?=enter|if|see|also)\b)", re.I)


def clauses(text: str) -> list[str]:
    """The text and its clauses: 'Section 1., Enter First Name (Given Name).' is scored on
    'Enter First Name' and 'Given Name' too, not only as one long instruction."""
    parts = [p.strip(" ,") for p in _CLAUSE.split(text) if p and p.strip(" ,")]
    return [text, *parts] if len(parts) > 1 else [text]


def best_match(
    terms: tuple[Term, ...], texts: list[tuple[str, str]], lex: Lexicon | None = None
) -> tuple[float, Term, str, str]:
    """The best (score, term, source, clause) over every clause of every text. Given the
    lexicon, a label's words that say whose (partner, werkgever) do not count against a term:
    'Naam partner' names a name."""
    whose = lex.whose if lex is not None else frozenset()
    best: tuple[float, Term, str, str] = (0.0, Term("", "", ""), "", "")
    for src, full in texts:
        w = SOURCE_WEIGHT[src]
        # text left of a box that starts in lower case ends a sentence from the line above
        # ('and full name here', 'name (see instructions...)'): trusted less, not split
        tail = src == "left" and full[:1].islower()
        w *= SENTENCE_TAIL_WEIGHT if tail else 1.0
        parts = [full] if tail else clauses(full)
        if src == "tooltip" and len(parts) > 4:
            # 'Part 3. About the Person... Mailing Address. 2. B. Enter Street Number and
            # Name.': a long tooltip walks from the form's headings down to the box; the box
            # is its last clauses, the headings before say which block (not which value)
            parts = [full, *parts[-2:]]
        for raw in parts:
            text = norm(raw)
            for t in terms:
                s = _score(t.text, text, whose) * w
                if s > best[0]:
                    best = (s, t, src, raw)
    return best


def qualify(
    path: str, texts: list[str], lex: Lexicon, term: str = "", row: int = 0, table: str = ""
) -> tuple[str | None, str, bool]:
    """Apply the first qualifier whose word is in the label (spouse, child N, postal, ...) and
    is not part of the matched term itself ('employer' names employment.employer). In a table
    (``row`` > 0) the table's headings may say the rows are children; the row says which."""
    joined = [norm(t) for t in texts]
    for q in lex.qualifiers:
        pool = [*joined, norm(table)] if (q.numbered and row and table) else joined
        word = next(
            (w for w in q.words for t in pool if phrase_in(w, t) and not phrase_in(w, term)),
            None,
        )
        if word is None:
            continue
        for prefix, repl in q.mapping:
            if path.startswith(prefix) or path == prefix:
                if repl == "-":
                    return None, word, False
                if q.numbered:
                    n = (
                        row
                        or number_by(word, pool)
                        or next((int(m) for t in joined for m in re.findall(r"\b([1-9])\b", t)), 1)
                    )
                    repl = repl.replace("{n}", str(n - 1))
                return repl + path[len(prefix) :], word, q.numbered
    return path, "", False


def number_by(word: str, texts: list[str]) -> int:
    """The number that says which one of them ('Kind 2', 'child 3', '2e kind', '2nd child'),
    0 when none stands by the word itself (a section number before it says nothing)."""
    w = re.escape(word)
    after = re.compile(rf"(?<!\w){w} (?:nr |no |n )?([1-9])\b")
    before = re.compile(rf"\b([1-9])(?:e|de|ste|nd|rd|th|st|er|eme|o|a) {w}(?!\w)")
    for t in texts:
        m = after.search(t) or before.search(t)
        if m:
            return int(m.group(1))
    return 0


def whose_in(texts: list[str], lex: Lexicon, term: str = "") -> str:
    """The first qualifier word (spouse, employer, ...) in these label texts. A word of an
    address's qualifier that is part of the matched term itself says nothing of whose ('postal'
    in 'Code postal' names no postal address); a person's does ('Employer's name')."""
    said = [norm(t) for t in texts if t]
    return next(
        (w for q in lex.qualifiers for w in q.words for t in said
         if phrase_in(w, t) and (q.people or not phrase_in(w, term))),
        "",
    )  # fmt: skip


def condition_path(cond: str) -> tuple[str, str | None]:
    m = re.match(r"^([\w.\[\]]+)\s*==\s*'([^']*)'$", cond)
    return (m.group(1), m.group(2)) if m else (cond, None)
