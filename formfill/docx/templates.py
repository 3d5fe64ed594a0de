"""Word documents: render our docxtpl templates in a sandbox; the entry point for Word forms.

This is the only module that imports docxtpl (and, through it, python-docx).

- :func:`render_template` renders one of our templates (``templates/``) with docxtpl in a
  :class:`formfill.expressions.Sandbox`, the one sandbox (autoescape on; absent values are
  reported, not read as None). Every undefined name is collected while rendering and reported
  at once as a :class:`TemplateError` (``.undefined`` holds the dotted names)
  instead of rendering blank; sandbox violations and syntax errors are TemplateErrors too.
- :func:`inspect_docx` lists content controls, legacy form fields and Jinja placeholders;
  filling and reading forms is in :mod:`formfill.docx.fields` and re-exported here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from lxml import etree

from formfill.docx.fields import (
    docx_fingerprint,
    field_dict,
    fill_docx_data,
    fill_docx_fields,
    form_fields,
    load_docx,
    read_docx_fields,
    story_parts,
    unresolved_placeholders,
)
from formfill.docx.wordml import DocxField
from formfill.errors import FillError, TemplateError
from formfill.expressions import Sandbox, chains
from formfill.report import FieldOutcome, FillReport, Status

__all__ = [
    "DocxField",
    "docx_fingerprint",
    "field_dict",
    "fill_docx_data",
    "fill_docx_fields",
    "inspect_docx",
    "inspect_docx_data",
    "read_docx_fields",
    "render_template",
    "unresolved_placeholders",
]

_SIMPLE = (str, int, float, bool, type(None))
# reads one chain's value for the report and for naming what a template looked up
_PLAIN = Sandbox(absent_is_none=False)


def inspect_docx(path: Path) -> list[DocxField]:
    """Every content control, legacy form field and Jinja placeholder in a Word file."""
    return inspect_docx_data(load_docx(path), str(path))


def inspect_docx_data(data: bytes, name: str) -> list[DocxField]:
    """:func:`inspect_docx` of a Word file held in memory (a blank kept in the store)."""
    placeholders = [DocxField(n, "placeholder", "jinja") for n in _template_names(data, name)]
    return form_fields(data, name) + placeholders


def _template_xml(data: bytes, name: str) -> str:
    tpl = DocxTemplate(io.BytesIO(data))
    xml = "\n".join(
        tpl.patch_xml(etree.tostring(root, encoding="unicode"))
        for root in story_parts(data, name).values()
    )
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # one paragraph a line, as docxtpl does


def _names_in(ast: nodes.Template, env: jinja2.Environment) -> list[str]:
    local = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    local |= {"loop", "caller", "super", "self", "varargs", "kwargs"} | set(env.globals)
    found = [c.path for c in chains(ast, names=True) if c.root not in local]
    unique = list(dict.fromkeys(found))
    return [c for c in unique if not any(o.startswith((c + ".", c + "[")) for o in unique)]


def _template_names(data: bytes, name: str) -> list[str]:
    """Dotted names a docxtpl template looks up (loop variables left out)."""
    env = Sandbox(autoescape=True, absent_is_none=False)
    source = _template_xml(data, name)
    try:
        return _names_in(env.parse(source), env)
    except jinja2.TemplateSyntaxError as e:
        lines = source.splitlines()[max(e.lineno - 2, 0) : e.lineno + 1]
        near = " / ".join(t for t in (re.sub(r"<[^>]+>", "", x).strip() for x in lines) if t)
        raise TemplateError(
            name, f"template syntax error: {e.message}; in paragraph {near[:300]!r}"
        ) from e


class _Env(Sandbox):
    """Sandboxed environment that knows the dotted path of what a template looks up."""

    def __init__(self, missing: list[str], context: Mapping[str, Any], chains: list[str]):
        super().__init__(autoescape=True, undefined=_recording(missing), absent_is_none=False)
        self._chains = chains
        self._context = context
        self._keep: list[Any] = list(context.values())
        self._paths = {id(v): k for k, v in context.items() if not isinstance(v, _SIMPLE)}
        self._last: tuple[int, str] = (0, "")

    def _path(self, obj: Any, key: object) -> str:
        if isinstance(obj, jinja2.Undefined):
            return f"{obj._undefined_name}.{key}"
        base = None if isinstance(obj, _SIMPLE) else self._paths.get(id(obj))
        if base is None:  # None, a string...: which chain of the template holds it?
            hits = {
                c.rsplit(".", 1)[0]
                for c in self._chains
                if c.endswith(f".{key}") and self._lookup(c.rsplit(".", 1)[0]) is obj
            }
            base = hits.pop() if len(hits) == 1 else None
        if base is None and self._last[0] == id(obj):  # the lookup just before this one
            base = self._last[1]
        base = base or type(obj).__name__
        return f"{base}.{key}" if isinstance(key, str) else f"{base}[{key}]"

    def _lookup(self, path: str) -> Any:
        try:
            return _PLAIN.compile_expression(path.replace("[]", "[0]"), False)(**self._context)
        except (jinja2.TemplateError, TypeError, LookupError):
            return self

    def _track(self, obj: Any, key: object, value: Any) -> Any:
        if isinstance(value, jinja2.Undefined):
            if value._undefined_exception is SecurityError:
                return value
            return self.undefined(name=self._path(obj, key))
        path = self._path(obj, key)
        self._last = (id(value), path)
        if not isinstance(value, _SIMPLE):
            self._keep.append(value)
            self._paths[id(value)] = path
            if isinstance(value, list | tuple):
                self._paths.update({id(v): f"{path}[{i}]" for i, v in enumerate(value)})
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._track(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._track(obj, argument, super().getitem(obj, argument))


def _recording(missing: list[str]) -> type[jinja2.Undefined]:
    """An Undefined that notes its name wherever it is used and renders as nothing."""

    class Recording(jinja2.Undefined):
        __slots__ = ()

        def _note(self) -> None:
            if self._undefined_exception is not jinja2.UndefinedError:
                self._fail_with_undefined_error()
            name = self._undefined_name or self._undefined_hint or "?"
            if name not in missing:
                missing.append(name)

        def __str__(self) -> str:
            self._note()
            return ""

        def __iter__(self) -> Iterator[Any]:
            self._note()
            return iter(())

        def __bool__(self) -> bool:
            self._note()
            return False

        def __len__(self) -> int:
            self._note()
            return 0

        def __call__(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
            self._note()
            return ""

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__") or self._undefined_exception is not jinja2.UndefinedError:
                return super().__getattr__(name)
            if name in ("unsafe_callable", "alters_data"):  # the sandbox probing a callable
                raise AttributeError(name)
            return type(self)(name=f"{self._undefined_name}.{name}")

    return Recording


def render_template(template: Path, context: Mapping[str, Any]) -> tuple[bytes, FillReport]:
    """Render a docxtpl template with the profile's sections and ``fill``; sandboxed, strict."""
    data = load_docx(template)
    name = str(template)
    chains = _template_names(data, name)
    missing: list[str] = []
    env = _Env(missing, context, chains)
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.render(dict(context), jinja_env=env, autoescape=True)
    except jinja2.TemplateSyntaxError as e:
        near = " / ".join(t.strip() for t in getattr(e, "docx_context", []) if t.strip())
        raise TemplateError(
            name, f"syntax error at paragraph {e.lineno}: {e.message}; near: {near[:300]}"
        ) from e
    except SecurityError as e:
        raise TemplateError(name, f"blocked by the sandbox: {e}") from e
    except jinja2.UndefinedError as e:
        raise TemplateError(name, f"undefined: {e}", undefined=missing or [str(e)]) from e
    except jinja2.TemplateError as e:
        raise TemplateError(name, f"template error: {e}") from e
    except (ValueError, KeyError, etree.XMLSyntaxError) as e:
        raise FillError(name, f"docxtpl could not render: {e}") from e
    if missing:
        raise TemplateError(name, f"undefined name(s): {', '.join(missing)}", undefined=missing)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue(), _render_report(template.name, chains, context)


def _render_report(document: str, chains: list[str], context: Mapping[str, Any]) -> FillReport:
    report = FillReport(document=document, notes=["rendered with docxtpl in a Jinja sandbox"])
    for chain in chains:
        try:
            value = _PLAIN.compile_expression(chain.replace("[]", "[0]"))(**context)
        except (jinja2.TemplateError, TypeError, IndexError):
            value = None
        if value is None or isinstance(value, jinja2.Undefined) or value == "":
            report.add(
                FieldOutcome(chain, Status.BLANK, None, "empty (or not shown by a condition)")
            )
        else:
            report.add(FieldOutcome(chain, Status.FILLED, str(value)))
    return report
