"""What every formfill command shares: exit codes and turning our errors into one-line messages."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from formfill.errors import FormfillError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_NOT_LANDED = 1
EXIT_BAD_INPUT = 2
EXIT_CONFLICT = 3  # the store holds something else by now (HTTP's 409)


def _friendly(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FormfillError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]
