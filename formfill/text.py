"""Localised text: a table of the same words in several languages, and the one rule for which
of them a reader gets.

The rule: the reader's language; for Norwegian nynorsk (nn) and the generic "no", bokmål (nb)
when there is no nynorsk; then English; then the default the caller gives (an id, a code).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["Text", "localised"]

Text = Mapping[str, str]

_NEAR = {"nn": ("nb",), "no": ("nb",), "nb": ("no",)}


def localised(text: Mapping[str, str] | None, language: str, default: str = "") -> str:
    """``text`` in ``language`` by the one fallback rule (see the module)."""
    if not text:
        return default
    for lang in (language, *_NEAR.get(language, ()), "en"):
        value = text.get(lang)
        if value:
            return str(value)
    return default
