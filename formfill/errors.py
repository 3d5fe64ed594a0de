"""Every error formfill raises. Each carries structured data for the web, the CLI and the worker.

The CLI prints ``str(error)`` and exits non-zero; the web maps the type to a status code.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class FormfillError(Exception):
    """Base of every formfill error."""


@dataclass(frozen=True)
class Problem:
    """One problem found while loading or validating: where it is and what is wrong."""

    where: str  # a profile path, a map field, a file name, a TOML key
    message: str
    # what a person reads instead of ``where``: whose value it is and its name
    # ("household.members[2] (child Biret Somby): fødselsnummer"); empty: ``where``
    subject: str = ""
    # what a shell needs to say it in the reader's language: a stable code ("check_digit",
    # "birth_in_future") and its parameters (values, dates, member indices); empty: only the
    # English ``message`` exists
    code: str = ""
    args: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        head = self.subject or self.where
        return f"{head}: {self.message}" if head else self.message


class ProblemsError(FormfillError):
    """An error that collects every problem at once instead of stopping at the first."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(
            f"  - {p} [{p.where}]" if p.subject and p.where else f"  - {p}" for p in self.problems
        )
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


class ProfileError(ProblemsError):
    """A client profile is invalid; ``problems`` name each profile path and the reason."""


class UnknownPathError(FormfillError):
    """A profile path that is not in the vocabulary, with close matches."""

    def __init__(self, path: str, suggestions: list[str] | None = None) -> None:
        self.path = path
        self.suggestions = suggestions or []
        from formfill.suggest import did_you_mean

        hint = did_you_mean(self.suggestions)
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

    def __init__(
        self, form_id: str, expected: str | None, actual: str, details: list[str] | None = None
    ) -> None:
        self.form_id = form_id
        self.expected = expected
        self.actual = actual
        self.details = list(details or [])
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
        if self.details:
            msg += "\n" + "\n".join(f"  - {d}" for d in self.details)
        super().__init__(msg)


class EvidenceError(FormfillError):
    """A piece of evidence (a scan, a photo, a PDF) that formfill will not read: its type is not
    supported, or it is past a limit. ``limit`` names the limit (``bytes``, ``pages``, ``pixels``,
    ``seconds per page``) or is None when the problem is not a limit."""

    def __init__(self, source: str, reason: str, limit: str | None = None) -> None:
        self.source = source
        self.reason = reason
        self.limit = limit
        super().__init__(f"{source}: {reason}")


class ConversionError(FormfillError):
    """A Word document could not be turned into a PDF: LibreOffice is not installed, it failed,
    it ran past its time limit, or the document or its PDF is past a size limit. ``source``
    names the document, ``reason`` says what went wrong (never the document's content)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ConfigError(FormfillError):
    """A setting is missing or invalid; ``variable`` names the environment variable."""

    def __init__(self, variable: str, message: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {message}")


# -- the store, artifacts and tracking ---------------------------------------------------------


class StoreError(FormfillError):
    """The database refused or could not do what was asked."""


class StoreNotReadyError(StoreError):
    """The database schema is not at the revision this code needs (run `formfill db upgrade`)."""

    def __init__(self, current: str | None, head: str) -> None:
        self.current = current
        self.head = head
        super().__init__(
            f"the database is at revision {current or 'none (empty)'}, this formfill needs "
            f"{head}: run `formfill db upgrade`"
        )


class NotFoundError(StoreError):
    """No object of this kind with this id (or email) in the store."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}")


class ConflictError(StoreError):
    """The change contradicts what the store holds (a duplicate, an append-only row, ...)."""


class InvalidTransitionError(FormfillError):
    """An application cannot move from ``from_status`` to ``to_status``; ``allowed`` can."""

    def __init__(self, from_status: str, to_status: str, allowed: tuple[str, ...]) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = tuple(allowed)
        nexts = ", ".join(self.allowed) if self.allowed else "nothing (it is final)"
        super().__init__(
            f"an application cannot go from {from_status} to {to_status}; from {from_status} "
            f"it can go to {nexts}"
        )


class TransitionDetailsError(FormfillError):
    """A transition needs details that were not given (a channel to submit, a decision, ...)."""

    def __init__(self, to_status: str, missing: list[str]) -> None:
        self.to_status = to_status
        self.missing = list(missing)
        super().__init__(f"to mark an application {to_status}, give: {', '.join(self.missing)}")


class TransitionDateError(FormfillError):
    """A step dated where it cannot have happened: after today, or before the application
    was submitted (``when``: "future" | "before_submission"; ``limit``: today or that date)."""

    def __init__(self, to_status: str, on: date, when: str, limit: date) -> None:
        self.to_status, self.on, self.when, self.limit = to_status, on, when, limit
        said = (
            f"after today ({limit.isoformat()}): record a step once it has happened"
            if when == "future"
            else f"before the application was submitted ({limit.isoformat()})"
        )
        super().__init__(f"to mark an application {to_status} on {on.isoformat()}: that is {said}")


class DeadlineRuleError(ProblemsError):
    """Deadline rules (data) failed to validate; ``problems`` lists each one."""


class ArtifactError(FormfillError):
    """An artifact could not be stored or read."""

    def __init__(self, artifact_id: str, message: str) -> None:
        self.artifact_id = artifact_id
        super().__init__(f"artifact {artifact_id[:16]}…: {message}")


class ArtifactNotFoundError(ArtifactError):
    """No artifact with this id (or the id is not a sha256 hex digest)."""


class ArtifactCorruptError(ArtifactError):
    """The stored bytes do not decrypt, or do not hash to their id: tampered with or damaged."""


class ExtractorError(ProblemsError):
    """An extractor file (extractors/*.toml) failed to load; ``problems`` lists every problem."""


class ProgramError(ProblemsError):
    """The program catalog (programs/<country>/<id>.toml) failed to load or check; ``problems``
    lists every problem in every file."""


# -- logs ----------------------------------------------------------------------------------------


def frames_only(exc: BaseException) -> str:
    """A traceback an operator can act on, without what could be personal: the exception's
    type and each frame's file, line and function, never a message (formfill's messages name
    a client's file, value or name) and never a source line's locals."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = "".join(f"\n  {f.filename}:{f.lineno} in {f.name}" for f in frames)
    return f"{type(exc).__module__}.{type(exc).__qualname__} (message withheld){where}"


class RedactingFilter(logging.Filter):
    """On a handler (or a logger): a record that carries an exception keeps only
    ``frames_only`` of it, and RQ's "exception raised while executing" record loses the
    exception text it formats into its arguments. The store keeps the message for the person
    who may read it; logs go to operators, who need the place, not the value."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()}\n{frames_only(exc)}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        elif record.name.startswith("rq.") and "exception raised while executing" in str(
            record.msg
        ):
            args = tuple(record.args or ())
            record.args = (*args[:3], "(exception text withheld: the store keeps the message)")
        for key in ("arguments", "kwargs"):  # RQ's extra: job arguments (ids today, maybe not)
            if hasattr(record, key):
                setattr(record, key, "(withheld)")
        return True


def redact_logs(*loggers: logging.Logger) -> None:
    """Put one RedactingFilter on every handler of the root logger and on ``loggers``."""
    flt = RedactingFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    for logger in loggers:
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(flt)
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(flt)
