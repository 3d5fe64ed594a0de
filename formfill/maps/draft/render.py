"""A draft as a map file: mapped fields active, unsure ones commented out and flagged, the
tables declared as ``[[rows]]``.

The file always loads and checks against its blank (decision 29): a label's control characters
never reach a comment or a string raw, a field name TOML cannot hold stays a comment, and the
draft is loaded and validated before it is returned. An entry the check rejects is turned into
a TODO with the reason, so a person sees it rather than a file that does not load.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

from formfill.errors import FormMapError, Problem
from formfill.maps.draft.passes import Draft
from formfill.maps.draft.rows import DraftRows, find_rows
from formfill.maps.draft.suggest import Suggestion
from formfill.maps.loader import LANGUAGE_CURRENCY, load_map
from formfill.maps.model import validate_against_form
from formfill.profile.money import is_money_path

_PASSES = 4  # each pass turns what the check rejected into a TODO; one is usually enough


def clean(text: str, limit: int = 0) -> str:
    """Text safe for a comment or a human string: control characters (CR, LF, tab, NUL, C1),
    line and paragraph separators and lone surrogates become spaces; runs of spaces one."""
    out = []
    for c in text:
        cat = unicodedata.category(c)
        out.append(" " if cat in ("Cc", "Cs", "Zl", "Zp") else c)
    said = re.sub(r"\s+", " ", "".join(out)).strip()
    return said[: limit - 1] + "…" if limit and len(said) > limit else said


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly ``text`` (ValueError when TOML cannot hold it: a lone
    surrogate is no Unicode scalar value)."""
    if any(unicodedata.category(c) == "Cs" for c in text):
        raise ValueError("it holds a lone surrogate, which a TOML file cannot")
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves DEL and the C1 controls raw; TOML forbids DEL, and neither reads well
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _s(text: str) -> str:
    """A human string (label, reason, heading): cleaned, then quoted."""
    return toml_string(clean(text))


def _body(s: Suggestion) -> list[str]:
    f = s.field
    body = [f"field = {toml_string(f.name)}"]
    if s.kind in ("profile", "options") or (s.kind == "unmapped" and s.target and s.options):
        body.append(f"profile = {toml_string(s.target)}")
    if s.kind == "profile":
        if len(s.transforms) == 1:
            body.append(f"transform = {toml_string(s.transforms[0])}")
        elif s.transforms:
            body.append(f"transform = [{', '.join(toml_string(t) for t in s.transforms)}]")
    elif s.kind == "when":
        body.append(f"when = {toml_string(s.target)}")
    elif s.kind == "skip":
        body.append(f"skip = {_s(s.target)}")
    elif s.no_value:
        body.append(f"skip = {_s('no profile value: ' + s.why.split('; but of the ')[-1])}")
    if s.options and (s.kind == "options" or s.todo):
        opts = ", ".join(f"{toml_string(k)} = {toml_string(v)}" for k, v in s.options.items())
        body.append(f"options = {{ {opts} }}")
    return body


def _entry(s: Suggestion) -> list[str]:
    f = s.field
    where = f"p{','.join(map(str, f.pages)) or '-'} {f.kind}"
    lines = ["", f"# {where}: {clean(s.label.best, 90)}"]
    if s.why:
        lines.append(f"# confidence {s.confidence:.2f}: {clean(s.why, 240)}")
    try:
        body = _body(s)
    except ValueError as e:
        lines.append(f"# TODO the field's name cannot be written in a map: {e}")
        lines.append(f"# field = {clean(f.name)!r}")
        return lines
    if not s.todo:
        return [*lines, "[[fields]]", *body]
    guess = f" (best guess {clean(s.target)} at {s.confidence:.2f})" if s.target else ""
    lines.append(f"# TODO unmapped{guess}: map it or skip it, then uncomment")
    return [*lines, "# [[fields]]", *[f"# {b}" for b in body]]


def _rows(t: DraftRows) -> list[str]:
    lines = ["", "[[rows]]", f"list = {toml_string(t.list)}"]
    if t.section:
        lines.append(f"section = {_s(t.section)}")
    lines.append(f"columns = [{', '.join(_s(clean(c, 40)) for c in t.columns)}]")
    lines.append("fields = [")
    lines += [f"  [{', '.join(toml_string(name) for name in row)}]," for row in t.fields]
    return [*lines, "]"]


def _text(
    draft: Draft,
    sugs: list[Suggestion],
    tables: list[DraftRows],
    dropped: dict[str, str],
    head: dict[str, str],
) -> str:
    c: dict[str, int] = {}
    for s in sugs:
        c[s.status] = c.get(s.status, 0) + 1
    mapped = c.get("profile", 0) + c.get("when", 0) + c.get("options", 0)
    lines = [
        f"# Drafted by `formfill map new` from {clean(draft.form.name)}: {mapped} mapped, "
        f"{c.get('skip', 0)} skipped, {c.get('no profile value', 0)} with no profile value, "
        f"{c.get('unmapped', 0)} for a person to decide (marked TODO).",
        "# Check every suggestion against the form before use; then `formfill map stamp`.",
        f"id = {toml_string(head['id'])}",
        f"agency = {toml_string(head['agency'])}",
        f"title = {toml_string(clean(draft.form.stem) or 'form')}",
        'kind = "pdf"',
        f"source = {toml_string(head['source'])}",
        f"fingerprint = {toml_string(draft.inventory.fingerprint)}",
        f"language = {toml_string(draft.language)}",
        *_currency_lines(draft.language, sugs),
    ]
    for s in sugs:
        lines += _entry(s)
    if tables:
        lines += ["", "# Tables: the items beyond a table's last row go on an addendum page."]
    for t in tables:
        lines += _rows(t)
    for name, why in dropped.items():
        lines += ["", f"# TODO the rows of {name} are not declared ({clean(why, 160)}): declare "
                  "them as [[rows]] once each row is mapped alike"]  # fmt: skip
    return "\n".join(lines) + "\n"


# what a label writes for a currency, and its code (an English form may be in any of them)
_CURRENCY_WORDS = (
    (re.compile(r"\$|\bUSD\b|\bdollars?\b", re.I), "USD"),
    (re.compile(r"£|\bGBP\b|\bpounds?\b", re.I), "GBP"),
    (re.compile(r"€|\bEUR\b|\beuros?\b", re.I), "EUR"),
    (re.compile(r"\bNOK\b|\bkr\.?(?=\s|$)|\bkroner\b", re.I), "NOK"),
)


def _currency_lines(language: str, sugs: list[Suggestion]) -> list[str]:
    """The form's ``currency`` when it maps an amount and its language does not say one: the
    currency its amounts' labels name ("Monthly income ($)"), else a TODO, since an amount is
    never written on a form whose currency nobody stated."""
    amounts = [s for s in sugs if s.kind == "profile" and is_money_path(s.target)]
    if not amounts or language in LANGUAGE_CURRENCY:
        return []
    said = " ".join(
        t for s in amounts for t in (s.label.tooltip, s.label.left, s.label.above, s.said) if t
    )
    found = [code for pattern, code in _CURRENCY_WORDS if pattern.search(said)]
    if len(found) == 1:
        return [f"currency = {toml_string(found[0])}  # the amounts' labels name it"]
    return [
        '# TODO currency = "USD": say which currency the form\'s amounts are in; until then '
        "no amount is written on it"
    ]


def _problems(text: str, draft: Draft, form_id: str, agency: str) -> list[Problem]:
    """What loading the text as a map, and checking it against its blank, rejects."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / agency / f"{form_id}.toml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        try:
            fmap = load_map(path)
        except FormMapError as e:
            return list(e.problems)
    return validate_against_form(fmap, draft.inventory.by_name())


def _field_of(where: str, names: list[str]) -> str | None:
    """The field a problem is about ('fields[Name].profile' -> 'Name')."""
    hits = [n for n in names if where.startswith(f"fields[{n}]")]
    return max(hits, key=len) if hits else None


def render_toml(draft: Draft, *, form_id: str, agency: str, source: str) -> str:
    """The draft as a map file that loads and checks against its blank: the suggestions the
    check would reject are written as TODOs, with the reason. FormMapError if it cannot be
    made to load (a fault of the drafter, never a file that does not load)."""
    head = {"id": form_id, "agency": agency, "source": source}
    sugs = [replace(s) for s in draft.suggestions]
    by_name = {s.field.name: s for s in sugs}
    dropped: dict[str, str] = {}  # lists whose [[rows]] the check rejected, and why
    problems: list[Problem] = []
    for _ in range(_PASSES):
        tables, orphans = find_rows(sugs)
        for s in orphans:
            s.kind = "unmapped"
            s.why += "; its row follows one the draft could not map: declare it in [[rows]]"
        tables = [t for t in tables if t.list not in dropped]
        text = _text(draft, sugs, tables, dropped, head)
        problems = _problems(text, draft, form_id, agency)
        if not problems:
            return text
        for p in problems:
            name = _field_of(p.where, list(by_name))
            m = re.match(r"rows\[(\d+)\]", p.where)
            if name is not None:
                s = by_name[name]
                s.kind = "unmapped"
                s.why += f"; the map check says: {p.message}"
            elif m and int(m.group(1)) < len(tables):
                dropped.setdefault(tables[int(m.group(1))].list, p.message)
            else:
                raise FormMapError(f"draft of {draft.form.name}", problems)
    raise FormMapError(f"draft of {draft.form.name}", problems)
