"""Small web helpers: the bounded preview cache, batch failures worded without codes."""

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


def test_a_batch_items_failure_is_worded_without_codes(world: object) -> None:
    from web.labels import item_error

    app = world.app  # type: ignore[attr-defined]
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        from flask_babel import force_locale

        with force_locale("nb"):
            said = item_error(
                "housing-assistance: required values missing: identifiers.us_ssn (for field SSN)"
            )
            assert "identifiers.us_ssn" not in said and said.startswith("Profilen mangler")
            landed = item_error("housing-assistance: values did not land: State")
            assert landed.endswith(": State") and "did not land" not in landed
    assert item_error("disk full") == "disk full" and item_error(None) == ""
