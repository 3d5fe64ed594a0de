"""Word documents: our docxtpl templates rendered in the sandbox, content controls and legacy
form fields of agency Word forms, and verification by reading back."""

from __future__ import annotations

from formfill.docx.templates import (
    DocxField,
    docx_fingerprint,
    fill_docx_fields,
    inspect_docx,
    read_docx_fields,
    render_template,
    unresolved_placeholders,
)
from formfill.docx.verify import (
    verify_docx,
)

__all__ = [
    "DocxField",
    "docx_fingerprint",
    "fill_docx_fields",
    "inspect_docx",
    "read_docx_fields",
    "render_template",
    "unresolved_placeholders",
    "verify_docx",
]
