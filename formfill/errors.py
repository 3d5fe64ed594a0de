"""Every error formfill raises. Each carries structured data for the web, the CLI and the worker.

The CLI prints ``str(error)`` and exits non-zero; the web maps the type to a status code.
"""

from __future__ import annotations

from dataclasses import dataclass


class FormfillError(Exception):
    """Base of every formfill error."""


@dataclass(frozen=True)
class Problem:
    """One problem found while loading or validating: where it is and what is wrong."""

    where: str  # a profile path, a map field, a file name, a TOML key
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ProblemsError(FormfillError):
    """An error that collects every problem at once instead of stopping at the first."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


class ProfileError(ProblemsError):
    """A client profile is invalid; ``problems`` name each profile path and the reason."""


class UnknownPathError(FormfillError):
    """A profile path that is not in the vocabulary, with close matches."""

    def __init__(self, path: str, suggestions: list[str] | None = None) -> None:
        self.path = path
        self.suggestions = suggestions or []
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown profile path {path!r}{hint}")


class FormMapError(ProblemsError):
    """A form map failed to load or validate; ``problems`` lists every problem found."""


class TransformError(FormfillError):
    """A named transform could not be applied to a value."""

    def __init__(self, transform: str, message: str) -> None:
        self.transform = transform
        super().__init__(f"transform {transform!r}: {message}")


class ExpressionError(FormfillError):
    """A sandboxed map expression failed to parse or to evaluate."""

    def __init__(self, expression: str, message: str) -> None:
        self.expression = expression
        super().__init__(f"expression {expression!r}: {message}")


class ProfileIncompleteError(FormfillError):
    """Required values are missing from a profile for a form; ``missing`` lists the paths."""

    def __init__(self, form_id: str, missing: list[str]) -> None:
        self.form_id = form_id
        self.missing = list(missing)
        super().__init__(f"{form_id}: required values missing: {', '.join(self.missing)}")


class UnsupportedFormError(FormfillError):
    """A document formfill refuses to fill: not a PDF, XFA-only, needs a password, ..."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot fill: {reason}")


class FillError(FormfillError):
    """The fill engine failed on a document (wraps the engine's own exception)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class TemplateError(FormfillError):
    """A Word template failed to render: syntax error, undefined variable, unsafe access."""

    def __init__(self, path: str, message: str, undefined: list[str] | None = None) -> None:
        self.path = path
        self.undefined = undefined or []
        super().__init__(f"{path}: {message}")


class VerificationError(FormfillError):
    """A filled document does not hold what was asked; ``report`` says which fields."""


class ValuesError(FormfillError):
    """Values handed to the engine do not fit the form (unknown field, wrong kind of value)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class FormChangedError(FormfillError):
    """The blank form is not the one its map was made for (its field fingerprint differs)."""

    def __init__(self, form_id: str, expected: str | None, actual: str) -> None:
        self.form_id = form_id
        self.expected = expected
        self.actual = actual
        if expected is None:
            msg = (
                f"{form_id}: the map records no fingerprint of its blank form; run "
                f"`formfill map stamp` after checking the map, or fill with --force"
            )
        else:
            msg = (
                f"{form_id}: the blank form changed since the map was made (fingerprint "
                f"{actual[:19]}…, map says {expected[:19]}…); check the map against the new "
                f"form, or fill with --force"
            )
        super().__init__(msg)
