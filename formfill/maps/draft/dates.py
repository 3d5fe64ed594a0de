"""One date over two or three boxes on a line: day, month and year each in a box of its own
('Geburtsdatum [TT] [MM] [JJJJ]', 'Date of birth __/__/____'). Every box gets the date, and
the part it holds as its transform (date:%d, date:%m, date:%Y), from the boxes' own captions
(Tag, mm, année), the pattern the label spells (dd/mm/yyyy), the boxes' sizes (a year holds
four characters), or else the order the form's language writes dates in.
"""

from __future__ import annotations

import re

from formfill.maps.draft.lexicon import Lexicon, best_match, qualify
from formfill.maps.draft.suggest import THRESHOLD, Suggestion, under_heading
from formfill.pdf.labels import norm
from formfill.profile.model import vocabulary

# the words that caption one part of a date, in the lexicon's languages
PARTS: dict[str, frozenset[str]] = {
    "d": frozenset("day dd d tag tt dag jour jj dia dag dd dg".split()),
    "m": frozenset("month mm m monat maand mois mes maned mnd mon mo".split()),
    "y": frozenset("year yyyy yy y jahr jjjj jaar annee aaaa ano ar aa arstall yr".split()),
}
_FORMAT = {"d": "%d", "m": "%m", "y": "%Y"}
# boxes of one date are this close on their line (points between one box and the next)
GAP_PT = 30
# a field's name that ends with a part of a date ('Date of signature - day') says so in this
# many words at most
NAME_WORDS = 6
# a pattern spelled in a label: dd/mm/yyyy, jj.mm.aaaa, MM-DD-YYYY, tt.mm.jjjj, åååå-mm-dd
_PATTERN = re.compile(
    r"\b(dd|jj|tt|mm|yyyy|jjjj|aaaa|åååå|yy|jj)\W{0,2}(dd|jj|tt|mm)\W{0,2}"
    r"(dd|jj|tt|mm|yyyy|jjjj|aaaa|åååå|yy)\b",
    re.I,
)


def _part_word(text: str, most: int = 3) -> str:
    """'d', 'm' or 'y' for a caption that names one part of a date ('Tag', 'MM', 'année',
    'Geburtsdatum Tag'; a field's name may say more: 'Date of signature - day'), '' otherwise."""
    words = norm(text).split()
    if not words or len(words) > most:
        return ""
    last = words[-1]
    return next((part for part, ws in PARTS.items() if last in ws), "")


def _own_part(s: Suggestion) -> str:
    lab = s.label
    for text, most in ((lab.tooltip, 3), (lab.from_name, NAME_WORDS), (lab.above, 3),
                       (lab.below, 3), (lab.left, 3)):  # fmt: skip
        part = _part_word(text, most)
        if part:
            return part
    return ""


def _pattern_order(texts: list[str]) -> list[str]:
    """The parts in the order a label spells them ('dd/mm/yyyy' -> d, m, y)."""
    for t in texts:
        m = _PATTERN.search(t)
        if m:
            out = []
            for g in m.groups():
                g = g.lower()
                part = "m" if g == "mm" else ("y" if len(g) == 4 or g == "yy" else "d")
                out.append(part)
            if sorted(out) == ["d", "m", "y"]:
                return out
    return []


def _is_date(path: str) -> bool:
    if path == "fill.date":
        return True
    info = vocabulary().get(re.sub(r"\[\d+\]", "[]", path))
    return info is not None and info.type == "date"


def _groups(sugs: list[Suggestion]) -> list[list[Suggestion]]:
    """Boxes on one line one date is split over: boxes joined by separators (labels.split),
    or two or three boxes side by side, close together, captioned each by a part of a date."""
    out: list[list[Suggestion]] = []
    split: dict[str, list[Suggestion]] = {}
    for s in sugs:
        if s.field.kind == "text" and s.label.split:
            split.setdefault(s.label.split, []).append(s)
    out += [sorted(m, key=lambda s: s.label.split_at[0]) for m in split.values() if len(m) > 1]
    by_name = {s.field.name: s for s in sugs}
    taken = {s.field.name for g in out for s in g}
    for s in sugs:
        if s.field.name in taken or s.field.kind != "text" or not _own_part(s):
            continue
        left = by_name.get(s.label.left_field)
        if left is not None and left.field.name not in taken and _own_part(left):
            continue  # not the first box of its run
        run = [s]
        while True:
            nxt = next(
                (t for t in sugs
                 if t.label.left_field == run[-1].field.name and t.field.kind == "text"
                 and t.field.name not in taken and _own_part(t)
                 and t.field.rects and run[-1].field.rects
                 and 0 <= t.field.rects[0][0] - run[-1].field.rects[0][2] <= GAP_PT),
                None,
            )  # fmt: skip
            if nxt is None:
                break
            run.append(nxt)
        parts = [_own_part(t) for t in run]
        if 2 <= len(run) <= 3 and len(set(parts)) == len(parts) and set(parts) != {"d"}:
            out.append(run)
            taken.update(t.field.name for t in run)
    return out


def _caption_target(group: list[Suggestion], lex: Lexicon) -> tuple[str, float, str] | None:
    """(path, score, why) of the date the group's caption names, qualified as the first box's
    own label would be; None when the caption names no date."""
    first = group[0]
    lab = first.label
    texts = [lab.left, lab.above, *(h.text for h in lab.headings[:2])]
    for text in texts:
        if not text:
            continue
        score, term, src, raw = best_match(lex.terms, [("left", text)], lex)
        if score < THRESHOLD or not _is_date(term.target):
            continue
        path, qual, _numbered = qualify(term.target, [raw, lab.row_label], lex, term.text)
        if path is not None and not qual and lab.heading:
            path, qual, _numbered = under_heading(term.target, lab, lex)
            if path == "":
                return None  # which one of the people the heading lists? a person decides
        if path is None:
            return "", score, f'"{raw}" ~ {term.text}; of the {qual}: not the client\'s'
        return path, score, f'{src} "{raw}" ~ {term.text} ({term.lang})'
    return None


def date_parts(sugs: list[Suggestion], lex: Lexicon, language: str) -> None:
    """Each date split over boxes: every box the date, with the part it holds."""
    for group in _groups(sugs):
        dated = [s for s in group if s.kind == "profile" and _is_date(s.target)]
        if dated:
            path, why, score = dated[0].target, dated[0].why, dated[0].confidence
        else:
            found = _caption_target(group, lex)
            if found is None:
                continue
            path, score, why = found
            if not path:
                for s in group:
                    s.kind, s.target, s.no_value = "unmapped", "", True
                    s.why = f"one date over {len(group)} boxes: {why}"
                continue
        parts = [_own_part(s) for s in group]
        if "" in parts:
            texts = [t for s in group for t in (s.label.left, s.label.above, s.label.tooltip)]
            parts = _pattern_order(texts)
        if not parts or len(parts) != len(group):
            sizes = [s.field.max_len or 0 for s in group]
            if len(group) == 3 and sizes[0] == 4:
                parts = ["y", "m", "d"]
            elif len(group) == 3:
                parts = ["m", "d", "y"] if language == "en" else ["d", "m", "y"]
            else:
                continue  # two boxes and nothing says which part: a person decides
        first = group[0].field.name
        for i, (s, part) in enumerate(zip(group, parts, strict=True)):
            fmt = _FORMAT[part]
            if part == "y" and (s.field.max_len or 4) == 2:
                fmt = "%y"
            s.kind, s.target, s.no_value = "profile", path, False
            s.confidence = score
            s.transforms = [f"date:{fmt}"]
            s.label.split, s.label.split_at = first, (i, len(group))
            s.why = f"{why}; one date over {len(group)} boxes: this one its {fmt}"
