"""'Did you mean': close matches for a name someone mistyped, and the hint that offers them.

The one place formfill guesses what was meant (profile paths, map keys and fields, form ids,
expression names, programs, parameters): every message that offers a correction says it the
same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

__all__ = ["close_matches", "did_you_mean"]


def close_matches(
    word: str, choices: Iterable[str], *, cutoff: float = 70, limit: int = 3, loose: bool = False
) -> list[str]:
    """Up to ``limit`` choices that look like ``word``, best first. ``loose`` also matches a
    word inside a longer choice (rapidfuzz's WRatio), for names of fields and forms."""
    scorer = fuzz.WRatio if loose else fuzz.ratio
    found = process.extract(word, list(choices), scorer=scorer, limit=limit, score_cutoff=cutoff)
    return [match for match, _score, _i in found]


def did_you_mean(matches: Sequence[str], *, quote: bool = False) -> str:
    """' (did you mean a, b?)', or nothing when there is no match."""
    if not matches:
        return ""
    shown = [repr(m) for m in matches] if quote else list(matches)
    return f" (did you mean {', '.join(shown)}?)"
