"""PDF forms: reading fields and widgets, filling them with appearances that show every value,
flattening, verification by reading back, field labels, and the continuation addendum."""

from __future__ import annotations

from formfill.pdf.addendum import (
    Addendum,
    append_to_pdf,
    render_pdf,
    verify_pdf_addendum,
)
from formfill.pdf.fill import (
    BlankForm,
    FillOptions,
    fill_pdf,
    flatten_pdf,
)
from formfill.pdf.inspect import (
    FieldInfo,
    FormInventory,
    inspect_pdf,
    inspect_reader,
)
from formfill.pdf.labels import (
    FieldLabel,
    label_fields,
)
from formfill.pdf.verify import (
    shown_text,
    verify_pdf,
    verify_pdf_file,
)

__all__ = [
    "Addendum",
    "BlankForm",
    "FieldInfo",
    "FieldLabel",
    "FillOptions",
    "FormInventory",
    "append_to_pdf",
    "fill_pdf",
    "flatten_pdf",
    "inspect_pdf",
    "inspect_reader",
    "label_fields",
    "render_pdf",
    "shown_text",
    "verify_pdf",
    "verify_pdf_addendum",
    "verify_pdf_file",
]
