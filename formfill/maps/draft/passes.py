"""Whole-form passes over a form's suggestions, and the Draft they make: blocks named as one
group, the side the form captions its lines on, the owner of a row carried along it, a list
that is not everyone when the partner is asked apart, one owner per value in reading order,
one value split over boxes, and a choice field's options from its export values.
`draft_map` drafts a blank PDF; `draft_fields` a form's fields given their labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from formfill.errors import UnknownPathError
from formfill.maps.draft.choices import match_options, value_key
from formfill.maps.draft.dates import date_parts
from formfill.maps.draft.lexicon import (
    OWN_WORDS,
    Lexicon,
    best_match,
    condition_path,
    load_lexicon,
    number_by,
    phrase_in,
    qualify,
    whose_in,
)
from formfill.maps.draft.suggest import THRESHOLD, Suggestion, suggest, transforms_for
from formfill.pdf.inspect import FieldInfo, FormInventory, inspect_pdf
from formfill.pdf.labels import DANGLING, FieldLabel, Heading, label_fields, norm
from formfill.profile.model import check_path, vocabulary


@dataclass
class Draft:
    form: Path
    inventory: FormInventory
    suggestions: list[Suggestion]
    language: str

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.suggestions:
            out[s.status] = out.get(s.status, 0) + 1
        return out


# boxes whose bottoms round to the same multiple of this many points are on one line
LINE_PT = 6
# a form that says organisation words this many times is filled in by an organisation
ORG_WORDS_MIN = 5

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
    return (page, -round(y2 / LINE_PT), x1)


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
    said = norm(" ".join([*lab.texts(), lab.table, lab.heading]))
    return any(phrase_in(c, said) for c in lex.subjects)


def _repeat_reason(s: Suggestion, first: Suggestion) -> str:
    """Why a second field with the same client value is the client's too ('' if nothing says)."""
    said = norm(" ".join([*s.label.texts(), s.label.table]))
    if any(phrase_in(c, said) for c in _REPEAT):
        return "the form repeats the client's value here"
    if s.label.split and s.label.split == first.label.split:
        return f"one value over {s.label.split_at[1]} boxes"
    if _same_owner(s.field.name, first.field.name):
        return f"the field names say one owner ({first.field.name!r})"
    if s.target == "fill.date" and any(w in s.term for w in _SIGNED):
        return "the date signed is today's date wherever the form asks it"
    return ""


# words of a date term that make it the date signed ('date of signature', 'datum ondertekening')
_SIGNED = ("sign", "underskrift", "ondertekening", "unterschrift", "firma", "signature")


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
            if text and best_match(lex.terms, [(side, text)])[0] >= THRESHOLD:
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
        if s.target or s.no_value:
            own = s.qualifier or whose_in([s.said], lex, s.term)
        else:
            lab = s.label
            own = whose_in([lab.tooltip, lab.from_name, lab.left or lab.above], lex)
        left = by_name.get(s.label.left_field)
        inherited = "" if own or left is None else owner.get(left.field.name, "")
        owner[s.field.name] = own or inherited
        if (
            not inherited
            or s.kind not in ("profile", "when", "options", "unmapped")
            or not s.target
        ):
            continue
        path = condition_path(s.target)[0] if s.kind in ("when", "options") else s.target
        new, word, numbered = qualify(path, [inherited], lex)
        if not word:
            continue
        member = _ITEM.match(left.target if left else "")
        item = _ITEM.match(new or "")
        if numbered and new and member and item:  # the same child as the box before ('Child 2')
            new = member.group(0) + new[item.end() :]
        if new is None:
            s.kind, s.target, s.no_value = "unmapped", "", True
            s.why += f"; beside the {word}'s field: not the client's"
        elif s.kind in ("profile", "unmapped") and new != path:
            try:
                check_path(new)
            except UnknownPathError:
                s.kind, s.target, s.no_value = "unmapped", "", True
                s.why += f"; beside the {word}'s field, and the profile has no {new}"
                continue
            s.target = new
            s.transforms = transforms_for(new, s.field)
            s.why += f"; beside the {word}'s field -> {new}"
        s.qualifier = word


def _split_slices(sugs: list[Suggestion]) -> None:
    """One value over several boxes (an SSN as 3-2-4): each box gets its characters, from the
    boxes' MaxLen; without MaxLen a person must say, and the draft says so."""
    groups: dict[str, list[Suggestion]] = {}
    for s in sugs:
        if (
            s.kind == "profile"
            and s.label.split
            and not any(t.startswith("date:") for t in s.transforms)
        ):  # a date over boxes has its parts (dates.date_parts)
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
                if "digits" in s.transforms
                or s.target.startswith(("identifiers.", "contact.phone"))
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
              "organisasjon", "organisatie", "rechtspersoon", "organo", "organos")  # fmt: skip


def _organisation_form(labels: dict[str, FieldLabel]) -> bool:
    """A form filled in by an organisation (a grant application): its 'applicant' is not a
    person, so nothing on it is the client's unless the form says so."""
    text = " " + " ".join(norm(" ".join(lab.texts())) for lab in labels.values()) + " "
    return sum(text.count(f" {w} ") for w in _ORG_WORDS) >= ORG_WORDS_MIN


# a line of more words than this is an instruction or a sentence, not a heading
HEADING_WORDS = 12


# words of a heading beside whose block it is that it may have and still be a heading: more
# than this many others make it a sentence ('Give Form W-4 to your employer')
HEADING_OTHER_WORDS = 1


def _only_whose(text: str, word: str, lex: Lexicon) -> bool:
    """Whether a line says whose block follows and nothing else: 'Gegevens partner', 'Angaben
    zum Ehepartner', 'Information about your spouse', 'Postal address (if different)'."""
    rest = f" {text} ".replace(f" {word} ", " ")
    for q in lex.qualifiers:  # other words of whose ('mailing address if different')
        for w in q.words:
            if " " in w:
                rest = rest.replace(f" {w} ", " ")
    others = [
        t for t in rest.split()
        if t not in lex.heading_words and t not in lex.whose and not re.fullmatch(r"\d+\w?|\w", t)
    ]  # fmt: skip
    return len(others) <= HEADING_OTHER_WORDS


def _led_by_party(text: str, word: str, lex: Lexicon) -> bool:
    """Whether a heading begins with a party that is not the client and holds none of their
    values ('Organisme bénéficiaire des dons et versements', 'Entreprise donatrice', 'Datos
    del órgano'): its block is that party's, however many words follow."""
    q = next((q for q in lex.qualifiers if word in q.words), None)
    if q is None or not all(repl == "-" for _prefix, repl in q.mapping):
        return False
    words = [
        t for t in text.split()
        if t not in lex.heading_words and not re.fullmatch(r"\d+\w?|\w", t)
    ]  # fmt: skip
    return " ".join(words[: len(word.split())]) == word


def _heading_owner(lab: FieldLabel, lex: Lexicon) -> Heading | None:
    """The heading above a field that says whose its block is: the nearest line above it that
    names a person (partner, child, interpreter, employer) or an address (postal, if
    different) and names no value itself (it is no caption), or says the block is the
    client's; the walk up stops at a section's own heading (bold, larger, numbered)."""
    for h in lab.headings:
        text = norm(h.text)
        if (
            not text or len(text.split()) > HEADING_WORDS or h.text.rstrip().endswith("?")
            or DANGLING.search(text)  # cut off ('Spouse and All'): whose it names is not all
        ):  # fmt: skip
            if h.section and not _caption_heading(h, lex):
                return None
            continue
        if any(phrase_in(c, text) for c in lex.subjects):
            return h
        word = whose_in([text], lex)
        if (
            word and word not in lex.not_headings
            and (_only_whose(text, word, lex) or _led_by_party(text, word, lex))
        ):  # fmt: skip
            if h.caption and best_match(lex.terms, [("above", h.text)], lex)[0] >= THRESHOLD:
                continue  # 'Employer' over a box: that box's caption, not a heading
            return h
        if h.section and not _caption_heading(h, lex):
            return None
    return None


def _caption_heading(h: Heading, lex: Lexicon) -> bool:
    """A bold line that names one value ('Adresse', 'Address') captions a group of boxes
    inside a block; the block's own heading is further up."""
    return (
        len(norm(h.text).split()) <= 2
        and best_match(lex.terms, [("above", h.text)])[0] >= THRESHOLD
    )


def _block_headings(labels: dict[str, FieldLabel], lex: Lexicon) -> None:
    """Each field's heading, where one says whose its block is. A heading that names one of a
    numbered kind (a child, a member) without a number, said again over the next blocks, is
    numbered by its order: the second 'Kind' block is the second child."""
    chosen: dict[str, Heading] = {}
    cells: dict[int | None, list[float]] = {}
    for lab in labels.values():
        if lab.row:
            cells.setdefault(lab.page, []).append(lab.top)
    for name, lab in labels.items():
        h = _heading_owner(lab, lex)
        if h is None:
            continue
        if not lab.row and any(h.top < t < lab.top for t in cells.get(lab.page, [])):
            continue  # a table between them: the heading is the table's, not this field's
        chosen[name] = h
    numbered = {w for q in lex.qualifiers if q.numbered for w in q.words}
    order: dict[str, list[Heading]] = {}
    for h in sorted(set(chosen.values()), key=lambda h: (h.page, h.top)):
        text = norm(h.text)
        if re.search(r"\b[1-9]\b", text) or not any(phrase_in(w, text) for w in numbered):
            continue
        order.setdefault(text, []).append(h)
    for name, h in chosen.items():
        same = order.get(norm(h.text), [])
        labels[name].heading = h.text + (f" {same.index(h) + 1}" if len(same) > 1 else "")


# a row's label says whose the row is in this many words at most ('Kind 2', 'Ehepartner/in')
ROW_LABEL_WORDS = 4


def _row_labels(labels: dict[str, FieldLabel], lex: Lexicon) -> None:
    """A table's row labels say whose each row is only where two of them or more name a person
    ('Partner', 'Kind 1', 'Kind 2'; the row that names nobody is the client's); text beside
    the rows of other tables (instructions, line numbers) is not theirs."""
    tables: dict[tuple[int | None, str], list[FieldLabel]] = {}
    for lab in labels.values():
        if lab.row_label:
            tables.setdefault((lab.page, lab.table), []).append(lab)
    for cells in tables.values():
        said = {lab.row_label for lab in cells}
        whose = set()
        for t in said:
            word = whose_in([t], lex)
            if word and len(norm(t).split()) <= ROW_LABEL_WORDS:
                whose.add((word, number_by(word, [norm(t)])))
        if len(whose) < 2:  # the same words beside every row ('Dependents'): not whose each is
            for lab in cells:
                lab.row_label = ""


_MAIN = tuple(
    f"address.current.{p}" for p in ("street_line", "street", "city", "postal_code", "postal_line")
)


def _only_address(sugs: list[Suggestion], lex: Lexicon) -> None:
    """A form that asks for one address only, under 'Mailing address' or 'Postadresse', asks
    for the client's address: a postal address is another one beside a main one, or where
    the form says so ('Postal address, if different')."""
    if any(s.mapped and s.target in _MAIN for s in sugs):
        return
    for s in sugs:
        if s.kind not in ("profile", "options") or not s.target.startswith("address.postal."):
            continue
        said = norm(" ".join([*s.label.texts(), s.label.heading]))
        if any(phrase_in(w, said) for w in lex.if_different):
            continue
        s.target = "address.current." + s.target[len("address.postal.") :]
        s.why += f"; the form asks no other address -> {s.target}"


# one word that names the whole name ('Name', 'Navn'), or the family name where the given
# names are asked beside it ('Name' + 'Vorname'). Dutch 'Naam' and French 'Nom' name the
# family name anyway (the lexicon).
_BARE_NAME = frozenset(("name", "navn", "namn"))
# how near (points, on one page) the given names must be asked to make 'Name' the family name
NAME_NEAR_PT = 150.0


def _name_or_family(sugs: list[Suggestion], lex: Lexicon) -> None:
    """A bare 'Name' is the family name of the person whose given names are asked beside it:
    'Name' above 'Vorname' holds 'Müller', not 'Anna Müller' a second time."""
    given = [s for s in sugs if s.kind == "profile" and s.target.endswith(".given_name")]
    for s in sugs:
        said = [w for w in norm(s.said).split() if w not in lex.whose and w not in OWN_WORDS]
        if s.kind != "profile" or " ".join(said) not in _BARE_NAME:
            continue
        owner, _dot, leaf = s.target.rpartition(".")
        if leaf != "full_name":
            continue
        if any(
            g.target == f"{owner}.given_name"
            and g.label.page == s.label.page
            and abs(g.label.top - s.label.top) <= NAME_NEAR_PT
            for g in given
        ):
            s.target = f"{owner}.family_name"
            s.why += "; the given names are asked beside it: the family name"


# a box captioned only with a number sign ('N°', 'Nr.', 'No.') before the street's box
_NUMBER_SIGN = frozenset(("n", "no", "nr", "n o", "numero", "num", "number", "nummer", "husnr"))


_STREET_TERMS = frozenset(("rue", "street", "straße", "strasse", "calle", "straat", "gate", "voie"))


def _number_then_street(sugs: list[Suggestion]) -> None:
    """'N° [ ] Rue [            ]': a box captioned only 'N°' just before the street's box on
    its line holds the house number, and the street's box the street alone (not the street
    line with the number a second time)."""
    by_left = {s.label.left_field: s for s in sugs if s.label.left_field}
    for s in sugs:
        nxt = by_left.get(s.field.name)
        if nxt is None or s.field.kind != "text" or s.kind == "skip":
            continue
        if norm(s.label.left) not in _NUMBER_SIGN:
            continue
        if nxt.no_value and nxt.term in _STREET_TERMS:  # another party's street: its number too
            s.kind, s.target, s.no_value, s.transforms = "unmapped", "", True, []
            s.why = f"left \"{s.label.left}\" before the street's box of another: not the client's"
            continue
        if nxt.kind not in ("profile", "unmapped") or not nxt.target.endswith(".street_line"):
            continue
        owner = nxt.target[: -len("street_line")]
        s.kind, s.target, s.confidence, s.no_value = (
            "profile",
            owner + "house_number",
            nxt.confidence,
            False,
        )
        s.transforms = []
        s.why = f'left "{s.label.left}" before the street\'s box: the house number'
        nxt.kind, nxt.target = "profile", owner + "street"
        nxt.why += "; the house number has its own box before it: the street alone"


_NUMBERED = re.compile(r"^(.*\D)\s*([1-4])$")


def _numbered_split(sugs: list[Suggestion]) -> None:
    """'Applicant SSN 1', 'Applicant SSN 2', 'Applicant SSN 3' side by side on one line, each
    matched to the same value and each with its MaxLen: one value over boxes (3-2-4), as if
    the form drew separators between them."""
    by_left = {s.label.left_field: s for s in sugs if s.label.left_field}
    for s in sugs:
        m = _NUMBERED.match(s.label.from_name or "")
        if not m or m.group(2) != "1" or s.kind != "profile" or s.label.split:
            continue
        run = [s]
        while True:
            nxt = by_left.get(run[-1].field.name)
            mm = _NUMBERED.match(nxt.label.from_name or "") if nxt is not None else None
            if (
                nxt is None or mm is None or mm.group(1) != m.group(1)
                or int(mm.group(2)) != len(run) + 1 or nxt.target != s.target
            ):  # fmt: skip
                break
            run.append(nxt)
        if len(run) < 2 or any(t.field.max_len is None for t in run):
            continue
        for i, t in enumerate(run):
            t.label.split, t.label.split_at = s.field.name, (i, len(run))
            t.kind = "profile"


_MOBILE = ("mobile", "mobil", "cell", "handy", "portable", "movil", "mobiel", "celular", "gsm")


def _phone_and_mobile(sugs: list[Suggestion]) -> None:
    """A form that asks for a 'Mobile number' and, apart, a 'Phone number' means another phone
    by the second: the home phone (the mobile is the one it names)."""
    phones = [s for s in sugs if s.kind == "profile" and s.target == "contact.phone_mobile"]
    mobile = [s for s in phones if any(w in s.term.split() or w in s.term for w in _MOBILE)]
    if not mobile:
        return
    for s in phones:
        if s not in mobile and s.term:
            s.target = "contact.phone_home"
            s.why += "; the form asks for the mobile number apart: the home phone"


def _list_items(sugs: list[Suggestion]) -> None:
    """A list value asked in several boxes ('List all other names you have used' twice): one
    item per box in reading order, not the whole list joined in each."""
    groups: dict[tuple[str, str], list[Suggestion]] = {}
    for s in sugs:
        info = vocabulary().get(s.target) if s.kind == "profile" else None
        if info is not None and info.type.startswith("list") and "[" not in s.target:
            groups.setdefault((s.target, s.term), []).append(s)
    for (path, _term), members in groups.items():
        if len(members) < 2:
            continue
        for i, s in enumerate(sorted(members, key=reading_order)):
            s.target = f"{path}[{i}]"
            s.transforms = []
            s.why += f"; the list is asked in {len(members)} boxes: item {i + 1}"


def draft_map(form: Path) -> Draft:
    """The draft of a blank PDF form: its fields, labelled from the page, suggested."""
    inv = inspect_pdf(form)
    return draft_fields(form, inv, label_fields(form, inv.fields))


def draft_fields(form: Path, inv: FormInventory, labels: dict[str, FieldLabel]) -> Draft:
    """The draft of a form's fields, given their labels: each field's suggestion, then the
    passes over the whole form (owners of rows, repeats, split values, choice options)."""
    _group_context(inv.fields, labels)
    lex = load_lexicon()
    _block_headings(labels, lex)
    _row_labels(labels, lex)
    if _organisation_form(labels):
        for lab in labels.values():
            if not _about_client(lab, lex):  # its block about the person it is filed for is
                lab.alternatives.append("organization")
    vertical = _caption_side(list(labels.values()), lex)
    sugs = [suggest(f, labels[f.name], lex, vertical) for f in inv.fields]
    _row_owner(sugs, lex)
    _beside_partner(sugs, lex)
    _only_address(sugs, lex)
    _name_or_family(sugs, lex)
    _number_then_street(sugs)
    langs: dict[str, int] = {}
    for s in sugs:
        if s.lang and s.mapped:
            langs[s.lang] = langs.get(s.lang, 0) + 1
    language = max(langs, key=lambda k: langs[k]) if langs else "en"
    date_parts(sugs, lex, language)
    _numbered_split(sugs)
    _phone_and_mobile(sugs)
    _list_items(sugs)
    _one_owner(sugs, lex)
    _split_slices(sugs)
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
