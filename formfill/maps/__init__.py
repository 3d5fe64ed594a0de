"""Form maps: the map model and its strict loader, transforms, resolving a map against a
profile, checking a map against its form, migrating a map to a new form version, and drafts."""

from __future__ import annotations

from formfill.maps.check import (
    MapCheck,
    check_map,
    stamp_map,
)
from formfill.maps.diff import (
    diff_forms,
    migrate_map,
)
from formfill.maps.loader import find_map, load_map, load_maps
from formfill.maps.model import (
    FormMap,
    RowGroup,
    unmapped_fields,
    validate_against_form,
)
from formfill.maps.resolve import Resolution, resolve
from formfill.profile.expressions import FillContext, ProgramFact

__all__ = [
    "FillContext",
    "FormMap",
    "MapCheck",
    "ProgramFact",
    "Resolution",
    "RowGroup",
    "check_map",
    "diff_forms",
    "find_map",
    "load_map",
    "load_maps",
    "migrate_map",
    "resolve",
    "stamp_map",
    "unmapped_fields",
    "validate_against_form",
]
