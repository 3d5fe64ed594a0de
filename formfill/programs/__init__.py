"""Social-service programs: the catalog as dated, sourced data, its reader, program dates and
checklists, screening a client against every criterion, and the next-steps letter."""

from __future__ import annotations

from formfill.programs.catalog import (
    LANGUAGES,
    Catalog,
    Criterion,
    Program,
    load_catalog,
)
from formfill.programs.criteria import criterion_paths
from formfill.programs.dates import (
    apply_by,
    checklist,
    lifecycle_deadlines,
)
from formfill.programs.next_steps import (
    letter_context,
    render_next_steps,
)
from formfill.programs.screening import (
    diff,
    screen,
    screen_caseload,
)

__all__ = [
    "LANGUAGES",
    "Catalog",
    "Criterion",
    "Program",
    "apply_by",
    "checklist",
    "criterion_paths",
    "diff",
    "letter_context",
    "lifecycle_deadlines",
    "load_catalog",
    "render_next_steps",
    "screen",
    "screen_caseload",
]
