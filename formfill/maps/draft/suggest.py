"""Draft a form map from a blank form: every field, a suggested profile path (or condition) with a
confidence and the reason, its human label as a comment.

Suggestions come from the multilingual lexicon (formfill/lexicon.toml) matched against each
field's labels (tooltip, readable name, printed text left of / above / right of the widget).
A suggestion below the threshold is not mapped: the draft lists it, commented out and flagged,
for a person to decide. Signatures and office-use fields are recognised and marked skip. The
options of a choice field come from formfill/maps/draft/choices.py; the map file, with its
[[rows]] (formfill/maps/draft/rows.py), from formfill/maps/draft/render.py.
"""

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

from formfill.errors import UnknownPathError
from formfill.maps.draft.choices import match_options, value_key
from formfill.pdf.inspect import FieldInfo, FormInventory, inspect_pdf
from formfill.pdf.labels import FieldLabel, label_fields, norm
from formfill.profile.expressions import FILL_PATHS
from formfill.profile.model import check_path, vocabulary

LEXICON = Path(__file__).with_name("lexicon.toml")
LANGS = ("en", "nb", "nn", "nl", "de", "fr", "es")
THRESHOLD = 0.80  # below: left unmapped and flagged
SOURCE_WEIGHT = {
    "tooltip": 1.0,
    "name": 0.97,
    "left": 0.95,
    "above": 0.9,
    "below": 0.9,
    "right": 0.95,
}


@dataclass(frozen=True)
class _Term:
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


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[_Term, ...]
    conditions: tuple[_Term, ...]
    skips: tuple[_Term, ...]
    qualifiers: tuple[_Qualifier, ...]
    subjects: tuple[str, ...]  # headings of a block about the client
    # the words that name a code of a choice, by map_draft_choices.value_key ('sex',
    # 'language'): normalised word -> the codes it names (from the conditions)
    values: Mapping[str, Mapping[str, frozenset[str]]] = dc_field(default_factory=dict)


def _terms(entries: list[dict[str, Any]], key: str) -> tuple[_Term, ...]:
    out = []
    for e in entries:
        for lang in LANGS:
            for t in e.get(lang, []):
                out.append(_Term(norm(t), str(e[key]), lang, bool(e.get("qualified_only"))))
    return tuple(out)


def _values(conditions: tuple[_Term, ...]) -> dict[str, dict[str, frozenset[str]]]:
    """'person.sex == 'female'' said as 'woman': under 'sex', the word 'woman' names female."""
    out: dict[str, dict[str, set[str]]] = {}
    for c in conditions:
        path, value = _condition_path(c.target)
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
    )


def _phrase_in(term: str, text: str) -> bool:
    return f" {term} " in f" {text} "


# words of instructions that say nothing about which value goes in the box
_FILLER = frozenset(
    "enter your the a an of if any and or please in on for to section item print type here "
    "box line part fill out write print oppgi skriv inn uw de het een van in te vul vult vullen "
    "als indien ihr ihre der die das bitte votre le la les du des de su el la los".split()
)


def _content(text: str) -> list[str]:
    return [t for t in text.split() if t not in _FILLER and not t.isdigit()]


def _score(term: str, text: str) -> float:
    """1.0 exact; a whole-phrase match scores by how much of the label's meaningful words it
    explains (a bonus when it ends the label: 'plaintiff1_address_city' is a city); a close
    spelling (inflection, typo) a little less; else 0."""
    if not term or not text:
        return 0.0
    if term == text:
        return 1.0
    if _phrase_in(term, text):
        words = _content(text) or text.split()
        cover = min(1.0, len(term.split()) / len(words))
        if len(term.split()) == 1 and cover < 1.0:
            return 0.0  # a one-word term (name, date, city) only when it is the whole label
        tail = 0.08 if (text.endswith(" " + term) and len(words) > 1) else 0.0
        return min(0.99, 0.70 + 0.27 * cover + tail)
    if len(term) >= 5 and len(text) <= len(term) + 6:
        r = fuzz.ratio(term, text) / 100
        if r >= 0.88:
            return 0.93 * r
    return 0.0


@dataclass
class Suggestion:
    field: FieldInfo
    label: FieldLabel
    kind: str  # profile | when | options | skip | none (no profile value fits) | unmapped
    target: str = ""  # profile path or condition; skip reason
    confidence: float = 0.0
    why: str = ""  # what matched: 'left text "Fornavn" ~ fornavn (nb)'
    options: dict[str, str] = dc_field(default_factory=dict)
    state: str | None = None
    transforms: list[str] = dc_field(default_factory=list)
    lang: str = ""
    numbered: bool = False  # a numbered household row (child 1, member 2)
    qualifier: str = ""  # the word that said whose value this is ('spouse', 'employer')
    said: str = ""  # the label text the suggestion matched

    @property
    def mapped(self) -> bool:
        return self.kind in ("profile", "when", "options")


def _texts(lab: FieldLabel, vertical: str = "above") -> list[tuple[str, str]]:
    out = []
    side = lab.below if vertical == "below" else lab.above
    for src, text in (("tooltip", lab.tooltip), ("name", lab.from_name), ("left", lab.left),
                      (vertical, side)):  # fmt: skip
        if text:
            out.append((src, text))
    return out


def _tiers(lab: FieldLabel, vertical: str = "above") -> list[list[tuple[str, str]]]:
    """Label texts by trust: what the form's author wrote for the field (tooltip, name), then
    the printed text beside it, then above it, or below it on forms that caption under the
    line (``vertical``)."""
    # a tooltip the form gives many fields ('Mailing Address') captions their group, not
    # the box: it is trusted last
    tip = "" if lab.shared_tooltip else lab.tooltip
    own = [(s, t) for s, t in (("tooltip", tip), ("name", lab.from_name)) if t]
    side = lab.above if vertical == "above" else lab.below
    tiers = [own, [("left", lab.left)] if lab.left else [], [(vertical, side)] if side else []]
    return [*tiers, [("tooltip", lab.tooltip)]] if lab.shared_tooltip else tiers


_CLAUSE = re.compile(r"(?:[.;:?]\s+|\s*\(|\)\s*|,\s+(?=enter|if|see|also)\b)", re.I)


def _clauses(text: str) -> list[str]:
    """The text and its clauses: 'Section 1., Enter First Name (Given Name).' is scored on
    'Enter First Name' and 'Given Name' too, not only as one long instruction."""
    parts = [p.strip(" ,") for p in _CLAUSE.split(text) if p and p.strip(" ,")]
    return [text, *parts] if len(parts) > 1 else [text]


def _best(terms: tuple[_Term, ...], texts: list[tuple[str, str]]) -> tuple[float, _Term, str, str]:
    """The best (score, term, source, clause) over every clause of every text."""
    best: tuple[float, _Term, str, str] = (0.0, _Term("", "", ""), "", "")
    for src, full in texts:
        w = SOURCE_WEIGHT[src]
        # text left of a box that starts in lower case ends a sentence from the line above
        # ('and full name here', 'name (see instructions...)'): trusted less, not split
        tail = src == "left" and full[:1].islower()
        w *= 0.8 if tail else 1.0
        clauses = [full] if tail else _clauses(full)
        if src == "tooltip" and len(clauses) > 4:
            # 'Part 3. About the Person... Mailing Address. 2. B. Enter Street Number and
            # Name.': a long tooltip walks from the form's headings down to the box; the box
            # is its last clauses, the headings before say which block (not which value)
            clauses = [full, *clauses[-2:]]
        for raw in clauses:
            text = norm(raw)
            for t in terms:
                s = _score(t.text, text) * w
                if s > best[0]:
                    best = (s, t, src, raw)
    return best


def _lead(raw: str, texts: list[tuple[str, str]], src: str) -> str:
    """The short clause just before the matched one ('Child 2' in 'Child 2: first name'): it
    says whose, where a longer one before it is a heading or an instruction."""
    full = next((t for s, t in texts if s == src and raw in t), "")
    parts = _clauses(full)[1:]
    i = parts.index(raw) if raw in parts else -1
    return parts[i - 1] if i > 0 and len(parts[i - 1].split()) <= 3 else ""


def _qualify(
    path: str, texts: list[str], lex: Lexicon, term: str = "", row: int = 0, table: str = ""
) -> tuple[str | None, str, bool]:
    """Apply the first qualifier whose word is in the label (spouse, child N, postal, ...) and
    is not part of the matched term itself ('employer' names employment.employer). In a table
    (``row`` > 0) the table's headings may say the rows are children; the row says which."""
    joined = [norm(t) for t in texts]
    for q in lex.qualifiers:
        pool = [*joined, norm(table)] if (q.numbered and row and table) else joined
        word = next(
            (w for w in q.words for t in pool if _phrase_in(w, t) and not _phrase_in(w, term)),
            None,
        )
        if word is None:
            continue
        for prefix, repl in q.mapping:
            if path.startswith(prefix) or path == prefix:
                if repl == "-":
                    return None, word, False
                if q.numbered:
                    n = row or next(
                        (int(m) for t in joined for m in re.findall(r"\b([1-9])\b", t)), 1
                    )
                    repl = repl.replace("{n}", str(n - 1))
                return repl + path[len(prefix) :], word, q.numbered
    return path, "", False


def _transforms(path: str, f: FieldInfo) -> list[str]:
    info = vocabulary().get(re.sub(r"\[\d+\]", "[]", path))
    kind = info.type if info is not None else ""
    if path == "fill.date" or kind == "date":
        return ["date_locale"]
    if path.startswith(("identifiers.", "household.")) and "identifiers" in path:
        return ["digits"] if f.comb or (f.max_len or 99) <= 11 else []
    if kind in ("Decimal", "decimal", "money") or (path.startswith("income.") and "amount" in path):
        return ["money"]
    if kind == "bool":
        return ["yesno"]
    if kind.startswith("list"):
        return ["join:, "]
    return []


_OWNER_WORDS = frozenset("my user users individual person client applicant party some".split())


def _names_a_value(lab: FieldLabel) -> bool:
    """Whether the field's own name says anything beyond whose it is ('plaintiff1_phone' and
    'user_disabilities' do, 'user' and 'individual' do not)."""
    words = [w for w in norm(lab.from_name).split() if w not in _OWNER_WORDS and len(w) > 2]
    return bool(words)


def _suggest_text(f: FieldInfo, lab: FieldLabel, lex: Lexicon, vertical: str) -> Suggestion:
    texts = _texts(lab, vertical)
    s_skip, t_skip, src_skip, raw_skip = _best(lex.skips, texts)
    score, term, src, raw = 0.0, _Term("", "", ""), "", ""
    # a numbered block name ('Kind 1 van betrokkene 3') says whose, not what: no own name then
    own_name = norm(lab.from_name).replace(" ", "") if not lab.block and _names_a_value(lab) else ""
    for i, tier in enumerate(_tiers(lab, vertical)):
        score, term, src, raw = _best(lex.terms, tier)
        if i > 0 and own_name and not any(len(w) >= 3 and w in own_name for w in term.text.split()):
            # the field's own name says something else than the printed text near it: on
            # forms that caption under the line, or name fields misleadingly, trust neither
            score = min(score, THRESHOLD - 0.01)
        if score >= THRESHOLD:
            break
    if s_skip >= max(score, 0.74):
        return Suggestion(f, lab, "skip", t_skip.target, s_skip,
                          f'{src_skip} "{raw_skip}" ~ {t_skip.text} ({t_skip.lang})')  # fmt: skip
    if score == 0:
        return Suggestion(f, lab, "unmapped", "", 0.0, "no label matches the lexicon")
    why = f'{src} "{raw}" ~ {term.text} ({term.lang})'
    context = [raw, lab.from_name, *lab.alternatives, _lead(raw, _texts(lab, vertical), src)]
    path, qual, numbered = _qualify(term.target, context, lex, term.text, lab.row, lab.table)
    if path is None:
        return Suggestion(f, lab, "none", "", score, f"{why}; but of the {qual}: not the client's",
                          qualifier=qual)  # fmt: skip
    if qual:
        why += f"; {qual} -> {path}"
    elif term.qualified_only:
        return Suggestion(f, lab, "unmapped", "", score, f"{why}; but whose? no label says")
    if path not in FILL_PATHS:
        try:
            check_path(path)
        except UnknownPathError:
            return Suggestion(f, lab, "none", "", score, f"{why}; the profile has no {path}")
    kind = "profile" if score >= THRESHOLD else "unmapped"
    return Suggestion(f, lab, kind, path, score, why, transforms=_transforms(path, f),
                      lang=term.lang, numbered=numbered, qualifier=qual, said=raw)  # fmt: skip


def _condition_path(cond: str) -> tuple[str, str | None]:
    m = re.match(r"^([\w.\[\]]+)\s*==\s*'([^']*)'$", cond)
    return (m.group(1), m.group(2)) if m else (cond, None)


# a caption such as "Single" or "M" decides a profile value only under a heading that names it
_CONTEXT = {
    "person.marital_status": ("marital", "sivilstand", "sivilstatus", "burgerlijke staat",
                              "civil", "familienstand", "estado civil", "situation familiale"),
    "person.sex": ("sex", "gender", "kjønn", "kjonn", "geslacht", "geschlecht", "sexe", "sexo"),
    "contact.preferred_language": ("language", "speak", "språk", "sprak", "taal", "sprache",
                                   "langue", "idioma", "målform", "malform"),
}  # fmt: skip


def _in_context(path: str, lab: FieldLabel) -> bool:
    words = _CONTEXT.get(path)
    if words is None:
        return True
    texts = " ".join(norm(t) for t in (lab.tooltip, lab.from_name, lab.left, lab.above))
    return any(_phrase_in(norm(w), texts) for w in words)


def _suggest_button(f: FieldInfo, lab: FieldLabel, lex: Lexicon) -> Suggestion:
    texts = _texts(lab)  # a box's caption is beside it, whichever side the form captions lines
    if len(f.states) <= 1:
        extra = [("right", r) for r in lab.right if r]
        if extra:  # captioned on its right: the text on its left is the box before's caption
            texts = [(src, t) for src, t in texts if src != "left"]
        score, term, src, raw = _best(lex.conditions, extra + texts)
        if score == 0:
            return Suggestion(f, lab, "unmapped", "", 0.0, "no caption matches a condition")
        why = f'{src} "{raw}" ~ {term.text} ({term.lang})'
        if not _in_context(_condition_path(term.target)[0], lab):
            score *= 0.75
            why += "; no heading names the value"
        kind = "when" if score >= THRESHOLD else "unmapped"
        return Suggestion(f, lab, kind, term.target, score, why, lang=term.lang)
    # several states: each state (and its widget's caption) should name a value of one path
    options: dict[str, str] = {}
    paths: set[str] = set()
    scores: list[float] = []
    whys: list[str] = []
    for i, state in enumerate(f.states):
        caption = lab.right[i] if i < len(lab.right) else ""
        cands = [("right", state)] + ([("right", caption)] if caption else [])
        score, term, _src, raw = _best(lex.conditions, cands)
        path, value = _condition_path(term.target) if score else ("", None)
        if score == 0 or value is None:
            continue
        paths.add(path)
        options.setdefault(value, state)
        scores.append(score)
        whys.append(f'"{raw}" ~ {term.text}')
    if len(paths) == 1 and options:
        conf = min(scores) * (len(options) / max(len(f.states), 1)) ** 0.25
        if not _in_context(next(iter(paths)), lab):
            conf *= 0.75
        kind = "options" if conf >= THRESHOLD else "unmapped"
        return Suggestion(f, lab, kind, paths.pop(), conf, "; ".join(whys), options=options)
    return Suggestion(f, lab, "unmapped", "", 0.0, "states do not name one profile value")


def suggest(
    f: FieldInfo, lab: FieldLabel, lex: Lexicon | None = None, vertical: str = "above"
) -> Suggestion:
    lex = lex or load_lexicon()
    if f.kind in ("signature", "push"):
        why = "signature field" if f.kind == "signature" else "push button"
        return Suggestion(f, lab, "skip", why, 1.0, why)
    if f.read_only:
        return Suggestion(f, lab, "skip", "read-only field", 1.0, "the form marks it read-only")
    if f.kind in ("checkbox", "radio"):
        return _suggest_button(f, lab, lex)
    return _suggest_text(f, lab, lex, vertical)


@dataclass
class Draft:
    form: Path
    inventory: FormInventory
    suggestions: list[Suggestion]
    language: str

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.suggestions:
            out[s.kind] = out.get(s.kind, 0) + 1
        return out


_ITEM = re.compile(r"^household\.(?:children|everyone|others)\[\d+\]")


def _beside_partner(sugs: list[Suggestion], lex: Lexicon) -> None:
    """A form that asks for the partner in a block of their own does not list the whole
    household in its table of dependents or members (``household.everyone`` starts with the
    partner, who would be on the form twice): dependents are then the children; of a list of
    members a person must say who is in it (children, others)."""
    if not any(s.mapped and s.target.startswith("household.partner.") for s in sugs):
        return
    for s in sugs:
        if not s.target.startswith("household.everyone["):
            continue
        q = next((q for q in lex.qualifiers if s.qualifier in q.words), None)
        instead = q.with_partner if q is not None else ""
        if instead:
            s.target = instead + s.target[len("household.everyone") :]
            s.why += f"; the form asks for the partner apart: its {s.qualifier} -> {s.target}"
        elif s.mapped:
            s.kind = "unmapped"
            s.why += (
                "; the form asks for the partner apart, so this list is not everyone: "
                "household.children or household.others? a person decides"
            )


def reading_order(s: Suggestion) -> tuple[int, float, float]:
    """Page, then line from the top, then left to right."""
    f = s.field
    page = f.pages[0] if f.pages else 0
    x1, _y1, _x2, y2 = f.rects[0] if f.rects else (0.0, 0.0, 0.0, 0.0)
    return (page, -round(y2 / 6), x1)


# a label that says it repeats the client's own value ("Last name from Section 1")
_REPEAT = tuple(
    norm(w)
    for w in ("from section 1", "from section one", "same as above", "as in section 1",
              "uit deel 1", "zie boven", "som ovenfor", "fra del 1", "wie oben")
)  # fmt: skip


_OWNER = re.compile(r"^([a-z]+\d+|users?)_")


def _same_owner(a: str, b: str) -> bool:
    """Field names that say the same person holds both: one name repeated with a suffix
    ('users1_name', 'users1_name__2': a value asked again), or one numbered owner
    ('users1_address_on_one_line', 'users1_address_line_one')."""
    base_a, base_b = re.sub(r"__\d+$", "", a), re.sub(r"__\d+$", "", b)
    if base_a == base_b:
        return True
    ma, mb = _OWNER.match(a), _OWNER.match(b)
    return bool(ma and mb and ma.group(1) == mb.group(1))


def _about_client(lab: FieldLabel, lex: Lexicon) -> bool:
    """Whether the field sits in a block whose heading says it is about the client."""
    said = norm(" ".join([*lab.texts(), lab.table]))
    return any(_phrase_in(c, said) for c in lex.subjects)


def _repeat_reason(s: Suggestion, first: Suggestion) -> str:
    """Why a second field with the same client value is the client's too ('' if nothing says)."""
    said = norm(" ".join([*s.label.texts(), s.label.table]))
    if any(_phrase_in(c, said) for c in _REPEAT):
        return "the form repeats the client's value here"
    if s.label.split and s.label.split == first.label.split:
        return f"one value over {s.label.split_at[1]} boxes"
    if _same_owner(s.field.name, first.field.name):
        return f"the field names say one owner ({first.field.name!r})"
    return ""


def _one_owner(sugs: list[Suggestion], lex: Lexicon) -> None:
    """The same label on several fields (Naam, Voornamen... once per person on the form) is
    the client's only the first time in reading order; the others are flagged for a person,
    unless the form says the value is the client's again (see _repeat_reason), or asks it
    once more in a block whose heading says it is about the client."""
    seen: dict[str, Suggestion] = {}
    in_subject: dict[str, Suggestion] = {}
    for s in sorted((s for s in sugs if s.kind == "profile"), key=reading_order):
        first = seen.setdefault(s.target, s)
        subject_first = _about_client(s.label, lex) and in_subject.setdefault(s.target, s) is s
        if first is s:
            continue
        reason = _repeat_reason(s, first)
        if not reason and subject_first:
            reason = "asked again in the block about the client"
        if reason:
            s.why += f"; {reason}"
            continue
        s.kind = "unmapped"
        s.why += f"; {s.target} already fills {first.field.name!r}: whose value is this?"


def _caption_side(labels: list[FieldLabel], lex: Lexicon) -> str:
    """Whether this form captions its boxes above or below the line: the side whose text
    names a profile value more often."""
    votes = {"above": 0, "below": 0}
    for lab in labels:
        for side in votes:
            text = lab.above if side == "above" else lab.below
            if text and _best(lex.terms, [(side, text)])[0] >= THRESHOLD:
                votes[side] += 1
    return "below" if votes["below"] > votes["above"] else "above"


def _row_owner(sugs: list[Suggestion], lex: Lexicon) -> None:
    """A field whose own label does not say whose value it holds takes the owner of the field
    before it on its line: 'Last name' after 'Spouse's first name' is the spouse's, 'PTIN'
    and a 'Self-employed' box after 'Preparer's name' are the preparer's."""
    by_name = {s.field.name: s for s in sugs}
    owner: dict[str, str] = {}
    order = sorted(
        sugs, key=lambda s: (s.field.pages[:1], s.field.rects[0][0] if s.field.rects else 0)
    )
    for s in order:
        # a field whose label matched says itself whose it is: a qualifier, or an owner in the
        # matched words ('Employer's name' is the client's employer; the phone beside it is
        # the employer's), or nothing (the client's)
        if s.target or s.kind == "none":
            own = s.qualifier or _whose_in([s.said], lex)
        else:
            lab = s.label
            own = _whose_in([lab.tooltip, lab.from_name, lab.left or lab.above], lex)
        left = by_name.get(s.label.left_field)
        inherited = "" if own or left is None else owner.get(left.field.name, "")
        owner[s.field.name] = own or inherited
        if (
            not inherited
            or s.kind not in ("profile", "when", "options", "unmapped")
            or not s.target
        ):
            continue
        path = _condition_path(s.target)[0] if s.kind in ("when", "options") else s.target
        new, word, numbered = _qualify(path, [inherited], lex)
        if not word:
            continue
        member = _ITEM.match(left.target if left else "")
        item = _ITEM.match(new or "")
        if numbered and new and member and item:  # the same child as the box before ('Child 2')
            new = member.group(0) + new[item.end() :]
        if new is None:
            s.kind, s.target = "none", ""
            s.why += f"; beside the {word}'s field: not the client's"
        elif s.kind in ("profile", "unmapped") and new != path:
            try:
                check_path(new)
            except UnknownPathError:
                s.kind, s.target = "none", ""
                s.why += f"; beside the {word}'s field, and the profile has no {new}"
                continue
            s.target = new
            s.transforms = _transforms(new, s.field)
            s.why += f"; beside the {word}'s field -> {new}"
        s.qualifier = word


def _whose_in(texts: list[str], lex: Lexicon) -> str:
    """The first qualifier word (spouse, employer, ...) in these label texts."""
    said = [norm(t) for t in texts if t]
    return next((w for q in lex.qualifiers for w in q.words for t in said if _phrase_in(w, t)), "")


def _split_slices(sugs: list[Suggestion]) -> None:
    """One value over several boxes (an SSN as 3-2-4): each box gets its characters, from the
    boxes' MaxLen; without MaxLen a person must say, and the draft says so."""
    groups: dict[str, list[Suggestion]] = {}
    for s in sugs:
        if s.kind == "profile" and s.label.split:
            groups.setdefault(s.label.split, []).append(s)
    for members in groups.values():
        if len(members) < 2 or len({s.target for s in members}) != 1:
            continue
        members.sort(key=lambda s: s.label.split_at[0])
        sizes = [s.field.max_len for s in members]
        if any(n is None for n in sizes):
            for s in members:
                s.why += "; split over boxes without MaxLen: set each box's characters (chars:A:B)"
            continue
        start = 0
        for s, n in zip(members, sizes, strict=True):
            assert n is not None
            digits = (
                ["digits"]
                if "digits" in s.transforms or s.target.startswith("identifiers.")
                else []
            )
            s.transforms = [*digits, f"chars:{start}:{start + n}"]
            start += n


_GROUP = re.compile(r"^(.*?\D)[\s_.-]*\d+$")


def _group_context(fields: list[FieldInfo], labels: dict[str, FieldLabel]) -> None:
    """Fields named as one block ('Verzoeker 2-1', 'Verzoeker 2-2' ...; 'persoon tbv 1..9')
    share whose values they hold: the block's name and the caption above its first field
    become context of every field in it, so 'Voornamen' in the block 'Verzoeker 2' is not
    the client's."""
    groups: dict[str, list[FieldInfo]] = {}
    for f in fields:
        m = _GROUP.match(labels[f.name].from_name or "")
        if m and len(m.group(1).strip()) >= 3:
            groups.setdefault(m.group(1).strip(), []).append(f)
    for key, members in groups.items():
        if len(members) < 2:
            continue
        first = min(members, key=lambda f: (f.pages[:1], -(f.rects[0][3] if f.rects else 0)))
        header = labels[first.name].above
        for f in members:
            labels[f.name].alternatives = [key, header]
            labels[f.name].block = key


_ORG_WORDS = ("organization", "organisation", "organizational", "uei", "duns", "grantee",
              "organisasjon", "organisatie", "rechtspersoon")  # fmt: skip


def _organisation_form(labels: dict[str, FieldLabel]) -> bool:
    """A form filled in by an organisation (a grant application): its 'applicant' is not a
    person, so nothing on it is the client's unless the form says so."""
    text = " " + " ".join(norm(" ".join(lab.texts())) for lab in labels.values()) + " "
    return sum(text.count(f" {w} ") for w in _ORG_WORDS) >= 5


def draft_map(form: Path) -> Draft:
    """The draft of a blank PDF form: its fields, labelled from the page, suggested."""
    inv = inspect_pdf(form)
    return draft_fields(form, inv, label_fields(form, inv.fields))


def draft_fields(form: Path, inv: FormInventory, labels: dict[str, FieldLabel]) -> Draft:
    """The draft of a form's fields, given their labels: each field's suggestion, then the
    passes over the whole form (owners of rows, repeats, split values, choice options)."""
    _group_context(inv.fields, labels)
    lex = load_lexicon()
    if _organisation_form(labels):
        for lab in labels.values():
            if not _about_client(lab, lex):  # its block about the person it is filed for is
                lab.alternatives.append("organization")
    vertical = _caption_side(list(labels.values()), lex)
    sugs = [suggest(f, labels[f.name], lex, vertical) for f in inv.fields]
    _row_owner(sugs, lex)
    _beside_partner(sugs, lex)
    _one_owner(sugs, lex)
    _split_slices(sugs)
    langs: dict[str, int] = {}
    for s in sugs:
        if s.lang and s.mapped:
            langs[s.lang] = langs.get(s.lang, 0) + 1
    language = max(langs, key=lambda k: langs[k]) if langs else "en"
    _choice_options(sugs, language, lex)
    return Draft(form, inv, sugs, language)


def _exports(f: FieldInfo) -> list[tuple[str, str]]:
    """A choice field's (export value, display text) pairs; a group's on-states."""
    if f.kind in ("combo", "list"):
        return list(f.options)
    return [(state, state) for state in f.states] if len(f.states) > 1 else []


def _choice_options(sugs: list[Suggestion], language: str, lex: Lexicon) -> None:
    """A choice field suggested for a profile value: the value's codes matched to the field's
    own export values (options), or left to a person when one of them names no code."""
    for s in sugs:
        f = s.field
        if s.kind != "profile" or (f.kind not in ("combo", "list") and len(f.states) <= 1):
            continue
        path = s.target
        m = match_options(path, _exports(f), language, lex.values.get(value_key(path), {}))
        if m.complete:
            s.kind, s.options, s.transforms = "options", m.options, []
            s.why += f"; options from its {len(m.options)} export values"
            continue
        s.kind, s.options = "unmapped", m.options
        if not m.kind:
            s.why += f"; a choice field, and {path} holds no code to match its export values"
        else:
            shown = ", ".join(repr(v) for v in m.unmatched[:6])
            more = f" and {len(m.unmatched) - 6} more" if len(m.unmatched) > 6 else ""
            what = {"us_state": "US state", "choices": "value"}.get(m.kind, m.kind)
            s.why += f"; export values {shown}{more} name no {what}: complete the options"
