"""The one sandbox: every expression and template formfill runs (a map's ``expr`` and ``when``,
a program's criteria and dates, the next-steps letter, our Word templates) goes through the
environment built here, and every question about what an expression reads goes through
:func:`chains`.

Kernel: this module knows Jinja, not the profile. What a name may mean (the profile's sections,
``fill``, ``programs``) is :mod:`formfill.profile.expressions`' business.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, Undefined, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.environment import TemplateExpression
from jinja2.sandbox import ImmutableSandboxedEnvironment

from formfill.errors import ExpressionError

__all__ = [
    "RUNTIME_ERRORS",
    "Chain",
    "Sandbox",
    "chains",
    "compile_condition",
    "compile_template",
    "evaluate_condition",
    "parse",
    "render_template",
]

# What a sandboxed expression may raise besides Jinja's own errors (SecurityError,
# UndefinedError, ...): Python errors of the operations it runs, e.g. 1/0 or "a" < 1.
RUNTIME_ERRORS = (
    JinjaTemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
)


def _finalize(value: Any) -> Any:
    return "" if value is None else value


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (an expression cannot call ``list.append`` & co. on the
    profile's objects, nor reach private attributes), printing None as nothing.

    With ``absent_is_none`` (the default, for maps and programs), absent data reads as None the
    way ``resolve_path`` does: an attribute of None (an optional section or address that is not
    there) is None and an index past the end of a list is None, while a name or attribute that
    does not exist stays an error. Word templates turn it off: they report what is absent."""

    def __init__(self, *, absent_is_none: bool = True, **options: Any) -> None:
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        self.absent_is_none = absent_is_none

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj is None and self.absent_is_none:
            return None
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if obj is None and self.absent_is_none:
            return None
        value = super().getitem(obj, argument)
        if self.absent_is_none and isinstance(value, Undefined) and isinstance(obj, list | tuple):
            if isinstance(argument, int) and not isinstance(argument, bool):
                return None
        return value


# autoescape off: the output is plain text for a PDF field, not HTML.
_ENV = Sandbox(autoescape=False, undefined=StrictUndefined)


@lru_cache(maxsize=2048)
def compile_template(source: str) -> Template:
    """Compile an ``expr`` template once per distinct source; ExpressionError if it cannot."""
    try:
        return _ENV.from_string(source)
    except TemplateSyntaxError as e:
        raise ExpressionError(source, f"line {e.lineno}: {e.message}") from e


@lru_cache(maxsize=2048)
def compile_condition(source: str) -> TemplateExpression:
    """Compile a ``when`` expression once per distinct source; ExpressionError if it cannot."""
    try:
        return _ENV.compile_expression(source, undefined_to_none=False)
    except TemplateSyntaxError as e:
        raise ExpressionError(source, e.message or "syntax error") from e


def parse(source: str, condition: bool) -> nodes.Template:
    """The syntax tree of a template (or, with ``condition``, of an expression);
    TemplateSyntaxError if it does not parse."""
    return _ENV.parse("{{ (" + source + ") }}" if condition else source)


def render_template(source: str, context: Mapping[str, Any]) -> str:
    """Render an ``expr`` in the sandbox; ExpressionError for anything it refuses or fails on
    (unknown name, private attribute, a failing operation)."""
    template = compile_template(source)
    try:
        return template.render(context)
    except RUNTIME_ERRORS as e:
        raise ExpressionError(source, f"{type(e).__name__}: {e}") from e


def evaluate_condition(source: str, context: Mapping[str, Any]) -> bool:
    """Evaluate a ``when`` expression in the sandbox to a bool; ExpressionError if it fails."""
    expression = compile_condition(source)
    try:
        return bool(expression(**context))
    except RUNTIME_ERRORS as e:
        raise ExpressionError(source, f"{type(e).__name__}: {e}") from e


class Chain(NamedTuple):
    """One maximal attribute/item chain on a name: ``household.children[i].name`` is
    ('household', ('.children', '[]', '.name'), False); ``called`` when the chain is called
    (``household.children_under(16, fill.date)``: its last part is a method)."""

    root: str
    parts: tuple[str, ...]
    called: bool

    @property
    def path(self) -> str:
        """The chain as one dotted path, list indices as ``[]``; a called method left out."""
        parts = self.parts[:-1] if self.called else self.parts
        return self.root + "".join(parts)


def chains(tree: nodes.Node, *, names: bool = False) -> Iterator[Chain]:
    """Every maximal attribute/item chain on a plain name, in the order of the source; with
    ``names``, also every name read on its own (``{{ signature }}``: a chain without parts).
    A string subscript is an attribute (``x['a']`` is ``x.a``), any other one ``[]``."""

    def walk(node: nodes.Node, called: bool) -> Iterator[Chain]:
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            parts: list[str] = []
            args: list[nodes.Node] = []
            cur: nodes.Node = node
            while isinstance(cur, nodes.Getattr | nodes.Getitem):
                if isinstance(cur, nodes.Getattr):
                    parts.insert(0, "." + cur.attr)
                elif isinstance(cur.arg, nodes.Const) and isinstance(cur.arg.value, str):
                    parts.insert(0, "." + cur.arg.value)
                else:
                    parts.insert(0, "[]")
                    args.append(cur.arg)
                cur = cur.node
            if isinstance(cur, nodes.Name):
                yield Chain(cur.name, tuple(parts), called)
                for arg in reversed(args):
                    yield from walk(arg, False)
                return
        elif names and isinstance(node, nodes.Name) and node.ctx == "load":
            yield Chain(node.name, (), called)
            return
        for child in node.iter_child_nodes():
            yield from walk(child, isinstance(node, nodes.Call) and child is node.node)

    yield from walk(tree, False)
