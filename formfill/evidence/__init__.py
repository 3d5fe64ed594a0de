"""Scanned and digital evidence: reading files within limits, OCR, value parsers, the
extractors that turn pages into proposals, and page previews."""

from __future__ import annotations

from formfill.evidence.extract import (
    extract_evidence,
    read_pages,
)
from formfill.evidence.extractors import (
    DocType,
    load_extractor,
    load_extractors,
)
from formfill.evidence.files import (
    Limits,
    Page,
    Word,
    evidence_from_bytes,
    page_images,
    read_evidence,
    sniff,
)
from formfill.evidence.proposals import (
    Proposal,
    accept_proposal,
    accept_proposals,
)

__all__ = [
    "DocType",
    "Limits",
    "Page",
    "Proposal",
    "Word",
    "accept_proposal",
    "accept_proposals",
    "evidence_from_bytes",
    "extract_evidence",
    "load_extractor",
    "load_extractors",
    "page_images",
    "read_evidence",
    "read_pages",
    "sniff",
]
