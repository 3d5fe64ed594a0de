"""One field -> a Suggestion: the profile path (or condition, or options) its label names, with a
confidence and the reason, or a skip (signatures, office use), or nothing for a person to decide.

Text fields are matched on their labels by trust (their own tooltip and name, then the printed
text beside, then above or below); check boxes and radio groups on their captions and states.
A suggestion below the threshold is not mapped. The whole-form passes over these suggestions
are in formfill/maps/draft/passes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from formfill.errors import UnknownPathError
from formfill.maps.draft.lexicon import (
    Lexicon,
    Term,
    best_match,
    clauses,
    condition_path,
    load_lexicon,
    number_by,
    phrase_in,
    qualify,
    whose_in,
)
from formfill.pdf.inspect import FieldInfo
from formfill.pdf.labels import FieldLabel, norm
from formfill.profile.expressions import FILL_PATHS
from formfill.profile.model import check_path, vocabulary
from formfill.profile.types import LANGUAGE_FIELDS

THRESHOLD = 0.80  # a suggestion's confidence from which it is mapped; below: left unmapped
# a label beside the field that names another value than the field's own name says is trusted
# no further than just below the threshold: a person decides
OFF_NAME_CAP = THRESHOLD - 0.01
# a skip term (signature, office use) wins over the best value term from this score on
SKIP_MIN = 0.74
# a caption that names a value ('Single', 'M') with no heading near it naming the question
# (marital status, sex): its confidence is multiplied by this
NO_HEADING = 0.75
# a button group some of whose states name no value: its confidence is multiplied by the share
# of states that do, to this power (a gentle penalty: one unnamed state of five costs ~5%)
STATE_SHARE_POWER = 0.25
# the confidence of a skip the field's own kind decides (a signature, a push button, read-only)
CERTAIN = 1.0


@dataclass
class Suggestion:
    field: FieldInfo
    label: FieldLabel
    kind: str  # profile | when | options | skip | unmapped
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
    term: str = ""  # the lexicon's term it matched ('code postal')
    # unmapped, and settled: the label names a value no profile value of the client's fits
    # (another person's, or a path the profile lacks); the map skips it, nobody need decide
    no_value: bool = False

    @property
    def mapped(self) -> bool:
        return self.kind in ("profile", "when", "options")

    @property
    def todo(self) -> bool:
        """Left for a person to decide: unmapped, and not settled as holding no profile value."""
        return self.kind == "unmapped" and not self.no_value

    @property
    def status(self) -> str:
        """What the draft made of the field, as a draft counts it: its kind, or 'no profile
        value' for an unmapped field settled as holding none."""
        return "no profile value" if self.kind == "unmapped" and self.no_value else self.kind


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


def _lead(raw: str, texts: list[tuple[str, str]], src: str) -> str:
    """The short clause just before the matched one ('Child 2' in 'Child 2: first name'): it
    says whose, where a longer one before it is a heading or an instruction."""
    full = next((t for s, t in texts if s == src and raw in t), "")
    parts = clauses(full)[1:]
    i = parts.index(raw) if raw in parts else -1
    return parts[i - 1] if i > 0 and len(parts[i - 1].split()) <= 3 else ""


def transforms_for(path: str, f: FieldInfo) -> list[str]:
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
    if f.kind == "text" and path.rsplit(".", 1)[-1] in LANGUAGE_FIELDS:
        return ["language"]  # "Foretrukket språk": norsk bokmål, not "nb"
    return []


_OWNER_WORDS = frozenset("my user users individual person client applicant party some".split())


def _names_a_value(lab: FieldLabel) -> bool:
    """Whether the field's own name says anything beyond whose it is ('plaintiff1_phone' and
    'user_disabilities' do, 'user' and 'individual' do not)."""
    words = [w for w in norm(lab.from_name).split() if w not in _OWNER_WORDS and len(w) > 2]
    return bool(words)


_EVERYONE = "household.everyone["
# the words that count people on a form ('Person One', 'Persoon 2', 'Person Nr. 3')
_NUMBER_WORDS = {
    w: i + 1 for words in (
        "one two three four five six seven eight nine",  # en
        "- - tre fire fem seks sju åtte -",  # nb ("en", "to", "ni" read as English)
        "een twee drie vier vijf zes zeven acht negen",  # nl
        "eins zwei drei vier funf sechs sieben acht neun",  # de
        "un deux trois quatre cinq six sept huit neuf",  # fr
        "uno dos tres cuatro cinco seis siete ocho nueve",  # es
    ) for i, w in enumerate(words.split()) if w != "-"
}  # fmt: skip
_PERSON_N = re.compile(r"\b(?:person|persoon|personne|persona)(?: nr| no| n)? ?([1-9]|[a-zåø]+)\b")


def counted_person(path: str, lab: FieldLabel) -> str:
    """A client's path moved to the counted person ('Person Two' -> household.everyone[1]),
    '' when the label counts no one or the path is not a person's."""
    n = person_number([lab.tooltip, lab.from_name, lab.left, lab.above])
    if not n or not path.startswith(("person.", "identifiers.")):
        return ""
    rest = path.split(".", 1)[1] if path.startswith("person.") else path
    return f"{_EVERYONE}{n - 1}].{rest}"


def _names_people(texts: list[str], lex: Lexicon) -> bool:
    """Whether these texts name more than one kind of person ('the Spouse and All Children')."""
    said = [norm(t) for t in texts if t]
    kinds = [q for q in lex.qualifiers if q.people and any(
        phrase_in(w, t) for w in q.words for t in said)]  # fmt: skip
    return len(kinds) > 1


def person_number(texts: list[str]) -> int:
    """The number a label gives the person its block is about ('Person Two' -> 2), 0 if none."""
    for t in texts:
        for m in _PERSON_N.finditer(norm(t or "")):
            got = m.group(1)
            n = int(got) if got.isdigit() else _NUMBER_WORDS.get(got, 0)
            if n:
                return n
    return 0


def under_heading(path: str, lab: FieldLabel, lex: Lexicon) -> tuple[str | None, str, bool]:
    """A value under a heading that names whose block it is: the heading's person's value (a
    partner's, a child's: a numbered heading or the table's row says which), or none of the
    client's (an interpreter's, an employer's, a witness's), or another address (postal).
    Under a heading that lists people (household members), a field outside a table that no
    number places gets '': a person decides whose it is."""
    word = whose_in([lab.heading], lex)
    if not word:
        return path, "", False
    said = norm(lab.heading)
    named = [q for q in lex.qualifiers if q.people and any(phrase_in(w, said) for w in q.words)]
    if len(named) > 1:
        # 'Spouse and all children': which one of them? A label that counts the people
        # ('Person One', 'Person 2') says: the household in order, partner first
        counted = counted_person(path, lab)
        return (counted, word, True) if counted else ("", word, False)
    new, qword, numbered = qualify(path, [lab.heading], lex, "", lab.row, lab.table)
    if qword and numbered and not lab.row and new and new.startswith(_EVERYONE):
        own = [lab.heading, lab.from_name, lab.left, lab.above, lab.tooltip]
        if not number_by(qword, [norm(t) for t in own if t]):
            return "", qword, False  # a block under 'Household members': which one of them?
    if qword:
        return new, qword, numbered
    q = next((q for q in lex.qualifiers if word in q.words), None)
    if q is not None and q.people:
        return None, word, False  # the block is that person's: a value of theirs, not ours
    return path, "", False


def _suggest_text(f: FieldInfo, lab: FieldLabel, lex: Lexicon, vertical: str) -> Suggestion:
    texts = _texts(lab, vertical)
    s_skip, t_skip, src_skip, raw_skip = best_match(lex.skips, texts)
    score, term, src, raw = 0.0, Term("", "", ""), "", ""
    # a numbered block name ('Kind 1 van betrokkene 3') says whose, not what: no own name then
    own_name = norm(lab.from_name).replace(" ", "") if not lab.block and _names_a_value(lab) else ""
    for i, tier in enumerate(_tiers(lab, vertical)):
        score, term, src, raw = best_match(lex.terms, tier, lex)
        if i > 0 and own_name and not any(len(w) >= 3 and w in own_name for w in term.text.split()):
            # the field's own name says something else than the printed text near it: on
            # forms that caption under the line, or name fields misleadingly, trust neither
            score = min(score, OFF_NAME_CAP)
        if score >= THRESHOLD:
            break
    # a date box whose own label names a date, under or beside a signature caption, is the
    # date signed ('Plaats en datum ondertekening' below 'Ondertekening'), not a signature
    dated = (
        term.target == "fill.date" and score >= THRESHOLD and t_skip.target == "signature"
        and src != src_skip and src in ("tooltip", "name", "left")
    )  # fmt: skip
    if s_skip >= max(score, SKIP_MIN) and not dated:
        return Suggestion(f, lab, "skip", t_skip.target, s_skip,
                          f'{src_skip} "{raw_skip}" ~ {t_skip.text} ({t_skip.lang})')  # fmt: skip
    if score == 0:
        return Suggestion(f, lab, "unmapped", "", 0.0, "no label matches the lexicon")
    why = f'{src} "{raw}" ~ {term.text} ({term.lang})'
    context = [raw, lab.from_name, *lab.alternatives, _lead(raw, _texts(lab, vertical), src)]
    if lab.row_label:
        # a table whose rows say whose they are ('Partner', 'Kind 2'): the row's label, not
        # the row's place in the table, says whose the cell is
        context.append(lab.row_label)
        path, qual, numbered = qualify(term.target, context, lex, term.text)
    else:
        path, qual, numbered = qualify(term.target, context, lex, term.text, lab.row, lab.table)
    if (
        path is not None
        and not qual
        and not lab.row_label
        and path.startswith(("person.", "identifiers."))
        and _names_people([lab.tooltip, lab.heading], lex)
    ):  # a block about the spouse and children: a label that counts its people says whose
        counted = counted_person(term.target, lab)
        if not counted:
            return Suggestion(f, lab, "unmapped", "", score,
                              f"{why}: the label names more than one person; which one?"
                              " a person decides")  # fmt: skip
        path, qual, numbered = counted, "person", True
    if path is not None and not qual and lab.heading and not lab.row_label:
        # the label says nothing of whose: the heading of its block may ('Gegevens partner')
        path, qual, numbered = under_heading(term.target, lab, lex)
        if qual:
            why += f'; under the heading "{lab.heading}"'
        if path == "":
            return Suggestion(f, lab, "unmapped", "", score,
                              f"{why}: which one of the {qual}? a person decides")  # fmt: skip
    if path is None:
        return Suggestion(f, lab, "unmapped", "", score,
                          f"{why}; but of the {qual}: not the client's",
                          qualifier=qual, no_value=True, term=term.text)  # fmt: skip
    if qual:
        why += f"; {qual} -> {path}"
    elif term.qualified_only:
        return Suggestion(f, lab, "unmapped", "", score, f"{why}; but whose? no label says")
    if path not in FILL_PATHS:
        try:
            check_path(path)
        except UnknownPathError:
            return Suggestion(f, lab, "unmapped", "", score, f"{why}; the profile has no {path}",
                              no_value=True)  # fmt: skip
    kind = "profile" if score >= THRESHOLD else "unmapped"
    if path.endswith(".street_line") and _SECOND_LINE.search(norm(raw)):
        # 'Address Line 2', 'Adresse 2': the rest of an address, not the street a second time
        return Suggestion(f, lab, "unmapped", "", score,
                          f"{why}: a second address line (addition? postal line?) a person"
                          " decides")  # fmt: skip
    return Suggestion(f, lab, kind, path, score, why, transforms=transforms_for(path, f),
                      lang=term.lang, numbered=numbered, qualifier=qual, said=raw,
                      term=term.text)  # fmt: skip


# the second line of an address ('Address Line 2', 'Adresse 2', 'address line two')
_SECOND_LINE = re.compile(r"\b(?:line ?(?:2|two)|linje 2|regel 2|zeile 2|ligne 2|linea 2|2)$")


# words that say a status named beside them has ended ('dissolved civil partnership')
_ENDED = (
    "dissolved",
    "ended",
    "former",
    "formerly",
    "previous",
    "annulled",
    "aufgehoben",
    "aufgehobene",
    "ehemals",
    "fruhere",
    "ontbonden",
    "beeindigd",
    "voormalig",
    "oppløst",
    "tidligere",
    "dissous",
    "dissoute",
    "ancien",
    "disuelta",
    "disuelto",
    "anterior",
)
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
    # a hybrid form's field names walk its subforms ('...Familienstand[0].ledig[0]')
    texts = " ".join(norm(t) for t in (lab.tooltip, lab.from_name, lab.left, lab.above, lab.name))
    return any(phrase_in(norm(w), texts) for w in words)


def _suggest_button(f: FieldInfo, lab: FieldLabel, lex: Lexicon) -> Suggestion:
    texts = _texts(lab)  # a box's caption is beside it, whichever side the form captions lines
    if len(f.states) <= 1:
        extra = [("right", r) for r in lab.right if r]
        if extra:  # captioned on its right: the text on its left is the box before's caption
            texts = [(src, t) for src, t in texts if src != "left"]
        score, term, src, raw = best_match(lex.conditions, extra + texts)
        if score == 0:
            return Suggestion(f, lab, "unmapped", "", 0.0, "no caption matches a condition")
        why = f'{src} "{raw}" ~ {term.text} ({term.lang})'
        ended = [w for w in _ENDED if phrase_in(w, norm(raw)) and not phrase_in(w, term.text)]
        if ended:  # 'dissolved civil partnership', 'former spouse': a status that has ended
            return Suggestion(f, lab, "unmapped", "", score,
                              f"{why}; but '{ended[0]}': a status that ended, which the"
                              " profile does not record", no_value=True)  # fmt: skip
        if not _in_context(condition_path(term.target)[0], lab):
            score *= NO_HEADING
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
        score, term, _src, raw = best_match(lex.conditions, cands)
        path, value = condition_path(term.target) if score else ("", None)
        if score == 0 or value is None:
            continue
        paths.add(path)
        options.setdefault(value, state)
        scores.append(score)
        whys.append(f'"{raw}" ~ {term.text}')
    if len(paths) == 1 and options:
        conf = min(scores) * (len(options) / max(len(f.states), 1)) ** STATE_SHARE_POWER
        if not _in_context(next(iter(paths)), lab):
            conf *= NO_HEADING
        kind = "options" if conf >= THRESHOLD else "unmapped"
        return Suggestion(f, lab, kind, paths.pop(), conf, "; ".join(whys), options=options)
    return Suggestion(f, lab, "unmapped", "", 0.0, "states do not name one profile value")


def suggest(
    f: FieldInfo, lab: FieldLabel, lex: Lexicon | None = None, vertical: str = "above"
) -> Suggestion:
    lex = lex or load_lexicon()
    if f.kind in ("signature", "push"):
        why = "signature field" if f.kind == "signature" else "push button"
        return Suggestion(f, lab, "skip", why, CERTAIN, why)
    if f.read_only:
        return Suggestion(f, lab, "skip", "read-only field", CERTAIN, "the form marks it read-only")
    if f.kind in ("checkbox", "radio"):
        return _suggest_button(f, lab, lex)
    return _suggest_text(f, lab, lex, vertical)
