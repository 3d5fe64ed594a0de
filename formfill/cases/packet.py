"""A batch's outputs for people: per client one PDF packet (a cover sheet, then every document
of the batch in the batch's order), and the whole batch as a ZIP (the outputs as filled, the
packets and the status as JSON).

pypdf merges the PDFs; Word outputs are converted to PDF by LibreOffice headless
(:mod:`formfill.docx.convert`); the cover (:mod:`formfill.cases.cover`) lists exactly what the
packet holds, each document by its title with its pages, and what is still missing: items not
filled (failed, queued, running) and outputs that could not be read or converted. One bad
document never sinks the packet: it goes on the missing list with the reason.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy.orm import Session

from formfill import artifacts
from formfill.cases.apply import open_on_form
from formfill.cases.batch import as_member_path
from formfill.cases.checklists import application_checklist
from formfill.cases.cover import (
    CoverCheck,
    CoverDoc,
    CoverMissing,
    cover_language,
    draw_cover,
    say,
)
from formfill.cases.history import shown_label
from formfill.config import Settings
from formfill.docx.convert import ConvertLimits, docx_to_pdf
from formfill.errors import ArtifactError, ConversionError, FormfillError
from formfill.fill import fill_form
from formfill.fill.catalogue import FormCatalogue
from formfill.profile.model import Profile, label_of_path
from formfill.profile.validation import parse_profile
from formfill.store.audit import Actor
from formfill.store.batches import batch_dict, get_batch
from formfill.store.clients import client_label, latest_version
from formfill.store.models import Application, BatchItem, ProfileVersion

__all__ = [
    "Packet",
    "PacketDocument",
    "batch_zip",
    "build_packet",
    "client_packet",
    "packet_language",
]


@dataclass(frozen=True)
class PacketDocument:
    form: str
    title: str
    pdf: bytes
    pages: int


@dataclass
class Packet:
    """What :func:`build_packet` made: the PDF and what its cover says it holds."""

    language: str
    cover_pages: int
    documents: list[PacketDocument] = field(default_factory=list)
    missing: list[CoverMissing] = field(default_factory=list)
    checks: list[CoverCheck] = field(default_factory=list)  # said by a document, chosen by nobody
    pdf: bytes = b""

    def page_ranges(self) -> list[tuple[str, int, int]]:
        """(title, first page, last page) of each document, in the packet's page numbers."""
        out, first = [], self.cover_pages + 1
        for d in self.documents:
            out.append((d.title, first, first + d.pages - 1))
            first += d.pages
        return out


def packet_language(session: Session, client_id: int, language: str) -> str:
    """The language the client's packet is written in: their preferred language where the
    cover has texts for it, else ``language`` (the reader's), else English. Pages say it
    beside the packet's link, so nobody is surprised by a cover in another language."""
    version = latest_version(session, client_id)
    preferred = ((version.data.get("contact") or {}) if version else {}).get("preferred_language")
    return cover_language(preferred, language)


def _as_pdf(settings: Settings, form_id: str, artifact: str, limits: ConvertLimits) -> bytes:
    data = artifacts.read(settings, artifact)
    if data.startswith(b"%PDF"):
        return data
    return docx_to_pdf(data, f"{form_id}.docx", limits, settings.soffice)


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _detail(error: str | None, form_id: str) -> str:
    """An item's error for the cover: its first line, without the form id it starts with."""
    text = (error or "").strip().splitlines()[0] if (error or "").strip() else ""
    return text.removeprefix(f"{form_id}: ").removeprefix(f"{form_id}.docx: ")[:160]


def build_packet(
    settings: Settings,
    session: Session,
    forms: FormCatalogue,
    batch_id: int,
    client_id: int,
    on: date,
    language: str = "en",
    limits: ConvertLimits | None = None,
    actor: Actor | None = None,
) -> Packet:
    """The client's packet of batch ``batch_id``. Its language is the client's preferred one
    where the profile has it and the cover has texts for it, else ``language`` (the reader's).
    Its missing list also names each required checklist item (evidence) not yet accepted for
    the applications the batch's documents belong to, so a packet is never "complete" while
    its application lacks a document (``actor`` reads the profile the checklist needs).
    """
    limits = limits or ConvertLimits()
    actor = actor or Actor.system("packet")
    batch = get_batch(session, batch_id)
    version = latest_version(session, client_id)
    packet = Packet(packet_language(session, client_id, language), cover_pages=1)
    profile = _parsed(version)
    letters: dict[int, BatchItem] = {}  # cover letters, by their place in packet.documents
    for item in batch.items:
        if item.client_id != client_id:
            continue
        title = forms.title(item.form_id)
        if item.status != "done" or not item.output_artifact:
            why = item.status if item.status in ("queued", "running") else "failed"
            packet.missing.append(CoverMissing(title, why, _detail(item.error, item.form_id)))
            continue
        try:
            pdf = _as_pdf(settings, item.form_id, item.output_artifact, limits)
            pages = _page_count(pdf)
        except ConversionError as e:
            packet.missing.append(CoverMissing(title, "conversion", e.reason[:160]))
            continue
        except (ArtifactError, PyPdfError, ValueError) as e:
            packet.missing.append(CoverMissing(title, "unreadable", _detail(str(e), item.form_id)))
            continue
        packet.documents.append(PacketDocument(item.form_id, title, pdf, pages))
        packet.checks += [
            CoverCheck(title, t.get("label") or t["field"], t["shown"])
            for t in (item.report or {}).get("to_check", [])
        ]
        if (item.report or {}).get("addendum"):  # the form's own pages could not hold it all
            packet.checks.append(CoverCheck(title, title, "", hand="addendum"))
        packet.checks += _left_blank(title, item.report or {}, packet.language, profile)
        if forms.encloses(item.form_id):
            letters[len(packet.documents) - 1] = item
    _enclose(settings, session, forms, packet, letters, batch.options, limits)
    packet.missing += _evidence_missing(session, actor, forms, batch.items, client_id, on, packet)
    name = client_label(version, client_id)
    batch_name = shown_label(batch.id, batch.label)
    for _attempt in range(4):  # the cover's own length moves the page numbers it prints
        docs = [CoverDoc(t, a, b - a + 1) for t, a, b in packet.page_ranges()]
        cover = draw_cover(
            name, batch_name, on, packet.language, packet.cover_pages, docs, packet.missing,
            settings.font_path, packet.checks,
        )  # fmt: skip
        pages = _page_count(cover)
        if pages == packet.cover_pages:
            break
        packet.cover_pages = pages
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for d in packet.documents:
        writer.append(PdfReader(io.BytesIO(d.pdf)))
    out = io.BytesIO()
    writer.write(out)
    packet.pdf = out.getvalue()
    return packet


MAX_BLANK = 8  # blank fields named per document; the rest are counted


_NO_VALUE = re.compile(r"no value in the profile at (\S+)")
_WHOSE = re.compile(r"household\.(children|members)\[(\d+)\]|household\.partner\b")


def _blank_name(outcome: dict[str, Any], language: str) -> str:
    """A blank field as the cover names it: whose it is and what ("Barn 2: fødselsnummer"),
    from the profile path it would have shown; never the PDF's field name."""
    m = _NO_VALUE.match(str(outcome.get("reason", "")))
    path = m.group(1) if m else ""
    what = str(outcome.get("label") or "") or (label_of_path(path) if path else "")
    what = what or str(outcome.get("field"))
    who = _WHOSE.match(path)
    if who is None:
        return what
    if who.group(1) is None:
        return f"{say('partner', language)}: {what}"
    key = "child" if who.group(1) == "children" else "member"
    return f"{say(key, language, n=int(who.group(2)) + 1)}: {what}"


def _parsed(version: ProfileVersion | None) -> Profile | None:
    """The stored profile parsed, for knowing who is in the household; None when there is
    none or it no longer validates (the packet is still made; blanks are then all named)."""
    if version is None:
        return None
    try:
        return parse_profile(version.data, source=f"client {version.client_id}")
    except FormfillError:
        return None


def _left_blank(
    title: str, report: dict[str, Any], language: str, profile: Profile | None = None
) -> list[CoverCheck]:
    """The fields a document leaves empty that a person must write by hand (an amount in
    another currency, a phone number the form's country cannot take, a municipality the
    dropdown lacks), then those empty because the client's profile has no value for them
    (an account number, a child's fødselsnummer): a blank is not an error, but whoever signs
    should know it is there. A row for a person the client does not have (the form's third
    child) is nobody's blank. At most MAX_BLANK by name, then how many more."""
    fields = report.get("fields") or []
    blank = [
        f for f in fields if isinstance(f, dict) and f.get("status") == "blank"
        and (m := _NO_VALUE.match(str(f.get("reason", ""))))
        and (profile is None or as_member_path(profile, m.group(1)) is not None)
    ]  # fmt: skip
    names = list(dict.fromkeys(_blank_name(f, language) for f in blank))
    out = [  # by hand first: the client has the value, the form could not take it
        CoverCheck(title, _blank_name(f, language), "", True, 0, str(f["hand"]), str(f["held"]))
        for f in fields
        if isinstance(f, dict) and f.get("status") == "blank" and f.get("hand")
    ]
    out += [CoverCheck(title, name, "", blank=True) for name in names[:MAX_BLANK]]
    if len(names) > MAX_BLANK:
        out.append(CoverCheck(title, "", "", blank=True, more=len(names) - MAX_BLANK))
    return out


def _evidence_missing(
    session: Session,
    actor: Actor,
    forms: FormCatalogue,
    items: list[BatchItem],
    client_id: int,
    on: date,
    packet: Packet,
) -> list[CoverMissing]:
    """Required evidence not yet accepted for the client's applications behind this batch:
    the one an item was tracked on or launched from, and every open application of the
    client on the item's form (one form can serve two programs: barnetrygd and utvidet
    barnetrygd, each with its own checklist). Each row names the evidence and, as its
    detail, the form it is for."""
    apps: dict[int, Application] = {}
    for item in items:
        if item.client_id != client_id or forms.encloses(item.form_id):
            continue
        tracked = (
            session.get(Application, item.application_id)
            if item.application_id is not None
            else None
        )
        for app in [tracked, *open_on_form(session, client_id, item.form_id)]:
            if app is not None and app.form_id == item.form_id:
                apps.setdefault(app.id, app)
    out: list[CoverMissing] = []
    seen: set[tuple[str, str]] = set()
    for app in apps.values():
        listed = application_checklist(session, actor, forms.catalog(), app, on, packet.language)
        title = forms.title(app.form_id)
        for row in listed.rows:
            if row.required and not row.done and (row.label, title) not in seen:
                seen.add((row.label, title))
                why = "evidence_old" if row.file is not None else "evidence"
                out.append(CoverMissing(row.label, why, title))
    return out


def _enclose(
    settings: Settings,
    session: Session,
    forms: FormCatalogue,
    packet: Packet,
    letters: dict[int, BatchItem],
    options: dict[str, object] | None,
    limits: ConvertLimits,
) -> None:
    """Make each cover letter list the documents the packet actually holds: a letter filled
    while another item later failed (or could not be converted) lists that item, so it is
    written again, from the profile version it was filled from, with the packet's titles."""
    enclosed = [
        d.title
        for d in packet.documents
        if not forms.encloses(d.form) and not forms.to_client(d.form)
    ]
    for index, item in letters.items():
        report = item.report or {}
        if report.get("enclosures", []) == enclosed:
            continue
        doc = packet.documents[index]
        try:
            profile = _profile_of(session, item, report.get("profile_version"))
            raw_on = (options or {}).get("on")
            on = date.fromisoformat(str(raw_on)) if raw_on else date.today()
            extras = {"enclosures": enclosed}
            filled = fill_form(forms, item.form_id, profile, on=on, extras=extras)
            if not filled.report.ok:
                continue  # keep the letter as filled; the cover names what is missing
            pdf = docx_to_pdf(filled.data, f"{item.form_id}.docx", limits)
            packet.documents[index] = PacketDocument(doc.form, doc.title, pdf, _page_count(pdf))
        except (FormfillError, PyPdfError, ValueError):
            continue  # the letter as filled still goes in; the cover lists what is missing


def _profile_of(session: Session, item: BatchItem, version: object) -> Profile:
    """The profile an item was filled from (its report's version), else the latest."""
    q = sa.select(ProfileVersion).where(ProfileVersion.client_id == item.client_id)
    q = q.where(ProfileVersion.version == version) if isinstance(version, int) else q
    row = session.scalars(q.order_by(ProfileVersion.version.desc()).limit(1)).first()
    if row is None:
        raise FormfillError(f"client {item.client_id} has no profile")
    return parse_profile(row.data, source=f"client {item.client_id} v{row.version}")


def client_packet(
    settings: Settings,
    session: Session,
    forms: FormCatalogue,
    batch_id: int,
    client_id: int,
    on: date,
    language: str = "en",
    actor: Actor | None = None,
) -> bytes:
    """The packet's PDF (see :func:`build_packet`)."""
    packet = build_packet(settings, session, forms, batch_id, client_id, on, language, actor=actor)
    return packet.pdf


def batch_zip(
    settings: Settings,
    session: Session,
    forms: FormCatalogue,
    batch_id: int,
    on: date,
    language: str = "en",
) -> bytes:
    """The batch as a ZIP: ``client-N/<form>.pdf|.docx`` (as filled), ``client-N/packet.pdf``
    and ``status.json``."""
    data = batch_dict(get_batch(session, batch_id))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in data["items"]:
            if item["output"]:
                content = artifacts.read(settings, item["output"])
                suffix = ".pdf" if content.startswith(b"%PDF") else ".docx"
                z.writestr(f"client-{item['client']}/{item['form']}{suffix}", content)
        for client_id in sorted({int(i["client"]) for i in data["items"]}):
            packet = client_packet(settings, session, forms, batch_id, client_id, on, language)
            z.writestr(f"client-{client_id}/packet.pdf", packet)
        z.writestr("status.json", json.dumps(data, indent=2, ensure_ascii=False))
    return buf.getvalue()
