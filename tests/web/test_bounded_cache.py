"""The app's cache of previews, sheets and test-fills keeps its most recently used entries."""

from __future__ import annotations

from web.services import Bounded


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = Bounded(limit=3)
    for key in "abc":
        cache[key] = key.upper()
    assert cache["a"] == "A"  # a used again: b is now the oldest
    cache["d"] = "D"
    assert set(cache) == {"a", "c", "d"} and len(cache) == 3
    made = cache.setdefault("e", [])
    made.append(1)
    assert cache["e"] == [1] and "c" not in cache
