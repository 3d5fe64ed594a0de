"""Localised text: a table of the same words in several languages, and the one rule for which
of them a reader gets; and the order a reader expects names in (:func:`sort_key`).

The rule: the reader's language; for Norwegian nynorsk (nn) and the generic "no", bokmål (nb)
when there is no nynorsk; then English; then the default the caller gives (an id, a code).

Order is ICU's collation for the reader's language (PyICU, decision 40): in nb Æ Ø Å come after
Z and "Aa" sorts as Å; in nl and en Å is an A and Ø an O; everywhere é sorts with e and the
Sámi Č Đ Ŋ beside C D N, never after every Latin letter as code points put them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

__all__ = ["Text", "date_locale", "localised", "sort_key"]

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


# languages whose collation we ask ICU for by another name: nynorsk and "no" sort as bokmål
_COLLATION = {"nn": "nb", "no": "nb"}


@lru_cache(maxsize=16)
def sort_key(language: str) -> Callable[[str], bytes]:
    """A key that orders strings as a reader of ``language`` expects (``sorted(names,
    key=sort_key("nb"))``); an unknown language gets ICU's root order (the Unicode default),
    which still sorts é with e."""
    import icu  # PyICU: imported here, so that reading a form never loads ICU

    code = _COLLATION.get(language.lower(), language.lower()) if language else "root"
    collator = icu.Collator.createInstance(icu.Locale(code))
    key: Callable[[str], bytes] = collator.getSortKey
    return key


# English dates are written the British way (14 Mar 1988, 14/03/1988): the people formfill
# serves read European dates, and "3/14/1988" reads as the 3rd of a 14th month to them
_DATE_LOCALES = {"en": "en_GB"}


def date_locale(language: str) -> str:
    """The Babel locale that writes and reads dates for a reader of ``language``."""
    return _DATE_LOCALES.get(language, language)
