"""What an expression of a map or a program may read: the profile's sections, ``fill`` (the
facts of the fill itself) and ``programs`` (the client's screening), and the checks that can be
made without a profile: unknown names, paths outside the vocabulary, private attributes.

The sandbox itself is :mod:`formfill.expressions`; this module gives it the profile's meaning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables

from formfill.errors import ExpressionError, UnknownPathError
from formfill.expressions import chains, compile_condition, compile_template, parse
from formfill.profile.model import Profile, check_path, vocabulary
from formfill.suggest import close_matches, did_you_mean

__all__ = [
    "FILL_PATHS",
    "PROGRAM_ATTRIBUTES",
    "FillContext",
    "ProgramFact",
    "Programs",
    "expression_context",
    "expression_names",
    "expression_paths",
    "expression_problems",
    "program_refs",
    "unknown_programs",
]

# paths a map may name besides the profile's: facts of the fill itself
FILL_PATHS = frozenset({"fill.date"})


def expression_names() -> frozenset[str]:
    """Top-level names an expression may use: the profile's sections, ``fill``, and in a form
    map ``programs`` (the client's screening: ``programs['utvidet-barnetrygd'].eligible``)."""
    return frozenset(Profile.model_fields) | {"fill", "programs"}


@dataclass(frozen=True)
class FillContext:
    """The ``fill`` object expressions see."""

    date: date


@lru_cache(maxsize=1)
def _vocabulary_patterns() -> frozenset[str]:
    return frozenset(re.sub(r"\[\d*\]", "[]", p) for p in vocabulary())


def _check_chain(root: str, parts: tuple[str, ...], called: bool) -> str | None:
    """A message when an attribute chain in an expression leaves the profile vocabulary."""
    if root == "programs":
        if len(parts) < 2 or parts[1] not in PROGRAM_ATTRIBUTES:
            return (
                "programs must be read as programs['<program id>'] followed by one of "
                + ", ".join(PROGRAM_ATTRIBUTES)
            )
        return None
    if root == "fill":
        if parts and parts[0] != ".date":
            return f"fill{parts[0]}: fill has only .date"
        return None
    if called:  # a method on an object (household.children_under(...)) or a value (.upper())
        parts = parts[:-1]
    patterns = _vocabulary_patterns()
    path = root
    for part in parts:
        path += part
        if path in patterns:
            return None  # reached a value: its own attributes (.year, .upper) are fine
        if not any(p.startswith(path + ".") or p.startswith(path + "[") for p in patterns):
            try:
                check_path(path)
            except UnknownPathError as e:
                return str(e)
            return None
    return None


def _syntax(message: str) -> str:
    """The parser's message in a map maintainer's words, the parser's own after it."""
    if "end of template" in message:
        return (
            f"{message}: it ends too early (a bracket or quote left open, or an operator "
            "with nothing after it)"
        )
    if "unexpected char" in message:
        return f"{message}: a character with no meaning there (a quote left open?)"
    return message


def expression_problems(source: str, *, condition: bool) -> list[str]:
    """Everything wrong with an ``expr`` (or, with ``condition``, a ``when``) that can be seen
    without a profile: syntax, unknown names, paths outside the profile vocabulary, private
    attributes. Empty when it is fine; compiles (and caches) the expression."""
    try:
        if condition:
            compile_condition(source)
        else:
            compile_template(source)
        tree = parse(source, condition)
    except ExpressionError as e:
        return [_syntax(str(e))]
    except TemplateSyntaxError as e:
        return [f"expression {source!r}: {_syntax(e.message or '')}"]
    out: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr: Any = None
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = node.arg.value
        if isinstance(attr, str) and attr.startswith("_"):
            out.append(f"private attribute {attr!r} is not allowed in {source!r}")
    names = expression_names()
    for name in sorted(find_undeclared_variables(tree) - names):
        hint = did_you_mean(close_matches(name, sorted(names), cutoff=60, loose=True))
        out.append(f"unknown name {name!r}{hint} in {source!r}")
    for root, parts, called in chains(tree):
        if root in names:
            msg = _check_chain(root, parts, called)
            if msg:
                out.append(msg)
    out += _off_choice_literals(tree)
    return out


@lru_cache(maxsize=1)
def _choices() -> dict[str, tuple[str, ...]]:
    """Paths of coded values (``[]`` for list indices) and their codes."""
    return {
        re.sub(r"\[\d*\]", "[]", p): info.choices
        for p, info in vocabulary().items()
        if info.choices
    }


def _literals(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.Const) and isinstance(node.value, list | tuple):  # folded
        return [v for v in node.value if isinstance(v, str)]
    if isinstance(node, nodes.List | nodes.Tuple) and all(
        isinstance(i, nodes.Const) and isinstance(i.value, str) for i in node.items
    ):
        return [i.value for i in node.items]  # type: ignore[attr-defined]
    return None


def _off_choice_literals(tree: nodes.Node) -> list[str]:
    """A coded value compared with a text it never holds (``person.marital_status ==
    'Single'``, where the profile stores ``single``): the condition could never be true."""
    out: list[str] = []
    known = _choices()
    for cmp in tree.find_all(nodes.Compare):
        left = next(chains(cmp.expr), None)
        if left is None or not isinstance(cmp.expr, nodes.Getattr | nodes.Getitem):
            continue
        path = (left.root + "".join(left.parts)).replace(".[]", "[]")
        codes = known.get(path)
        if not codes:
            continue
        for op in cmp.ops:
            if op.op not in ("eq", "ne", "in", "notin"):
                continue
            for text in _literals(op.expr) or []:
                if text not in codes:
                    near = close_matches(text, codes, cutoff=60, loose=True)
                    hint = did_you_mean(
                        near or [c for c in codes if c.casefold() == text.casefold()]
                    )
                    out.append(
                        f"{path} is never {text!r}{hint}: it holds one of {', '.join(codes)}"
                    )
    return out


def expression_paths(source: str, *, condition: bool = True) -> frozenset[str]:
    """The profile paths an expression reads, list indices as ``[]``: {'person.marital_status',
    'household.children_under'} for ``person.marital_status == 'single' and
    household.children_under(16, fill.date) > 0``."""
    try:
        tree = parse(source, condition)
    except TemplateSyntaxError:
        return frozenset()
    sections = frozenset(Profile.model_fields)
    return frozenset(
        root + "".join(parts).replace(".[]", "[]")
        for root, parts, _called in chains(tree)
        if root in sections
    )


def program_refs(source: str, *, condition: bool = True) -> frozenset[str]:
    """The program ids an expression reads: {'utvidet-barnetrygd'} for
    ``programs['utvidet-barnetrygd'].eligible``."""
    try:
        tree = parse(source, condition)
    except TemplateSyntaxError:
        return frozenset()
    return frozenset(
        node.arg.value
        for node in tree.find_all(nodes.Getitem)
        if isinstance(node.node, nodes.Name)
        and node.node.name == "programs"
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    )


# --- what a map may ask of the client's screening ---------------------------------------------

PROGRAM_ATTRIBUTES = (".eligible", ".not_eligible", ".status", ".applied", ".sent")


@dataclass(frozen=True)
class ProgramFact:
    """One program's screening result as a map's expression sees it. A box that claims an
    entitlement refers to this instead of re-stating the program's criteria; an ``unknown``
    result leaves the box empty and the report says why."""

    id: str
    status: str  # eligible | not_eligible | unknown
    reason: str = ""  # for unknown: what is missing
    # the client has an application for the program being prepared: the specialist chose to
    # apply, so a box asking what is applied for is decided whatever the screening says
    applied: bool = False
    # the client has applied for it already (submitted or further): not asked for again
    sent: bool = False

    @property
    def eligible(self) -> bool:
        return self.status == "eligible"

    @property
    def not_eligible(self) -> bool:
        return self.status == "not_eligible"


class Programs(dict[str, ProgramFact]):
    """id -> ProgramFact; a program that was not screened is unknown."""

    def __missing__(self, key: str) -> ProgramFact:
        return ProgramFact(key, "unknown", "the client was not screened for it")


def unknown_programs(source: str, programs: Mapping[str, ProgramFact], condition: bool) -> str:
    """Why an expression cannot be decided: the programs it reads whose result is unknown."""
    reasons = []
    for pid in sorted(program_refs(source, condition=condition)):
        fact = programs[pid] if pid in programs else Programs()[pid]
        if fact.status == "unknown":
            reasons.append(f"screening of {pid} is unknown ({fact.reason or 'no reason given'})")
    return "; ".join(reasons)


def expression_context(
    profile: Profile, on: date, programs: Mapping[str, ProgramFact] | None = None
) -> dict[str, Any]:
    """The names an expression sees: each profile section as the profile's own object,
    ``fill`` (with ``.date``) and ``programs`` (the client's screening, by program id)."""
    context: dict[str, Any] = {name: getattr(profile, name) for name in type(profile).model_fields}
    context["fill"] = FillContext(date=on)
    context["programs"] = Programs(programs or {})
    return context
