"""Drafting a map for a new form: the lexicon, per-field suggestions, whole-form passes (rows,
choice options) and the TOML rendering that always loads."""

from __future__ import annotations

from formfill.maps.draft.lexicon import load_lexicon
from formfill.maps.draft.passes import Draft, draft_map
from formfill.maps.draft.render import (
    render_toml,
)
from formfill.maps.draft.suggest import Suggestion

__all__ = ["Draft", "Suggestion", "draft_map", "load_lexicon", "render_toml"]
