"""Batches: plan client x form items (readiness before anything runs) and run one item.

No queue here: ``worker/`` enqueues item ids and calls :func:`run_item`; the CLI and the web read
progress from the store (:func:`status`), never from the queue.

Idempotence: a done item is skipped; the output is deterministic for a (profile version, form,
date) and stored under its sha256, so an item run twice (a crashed worker's job run again) writes
the same artifact once and :func:`formfill.store.batches.finish_item` accepts the same output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from formfill import artifacts
from formfill.cases.apply import attach_output
from formfill.cases.letters import next_steps_letter
from formfill.config import Settings
from formfill.docx import templates as docx_fill
from formfill.errors import ConflictError, FormfillError, NotFoundError, Problem, VerificationError
from formfill.fill import FormCatalogue, fill_form, left_but_shown, resolve_for
from formfill.profile.model import Profile
from formfill.profile.validation import profile_warnings
from formfill.store import applications as store_apps
from formfill.store import batches as store_batches
from formfill.store import session_scope
from formfill.store.audit import Actor
from formfill.store.clients import client_label, latest_version, load_profile
from formfill.store.db import get_row
from formfill.store.forms import stored
from formfill.store.models import Application, Batch, BatchItem, Client, FormVersion

__all__ = [
    "ItemResult",
    "Readiness",
    "all_client_ids",
    "create",
    "create_for_application",
    "enclosures",
    "fail",
    "link_application",
    "plan",
    "reconcile",
    "run_item",
    "status",
]

WORKER = Actor.system("worker")


@dataclass(frozen=True)
class Readiness:
    """Whether one client x form item can be filled, and if not, why."""

    client: int
    form: str
    client_label: str
    missing: list[str] = field(default_factory=list)  # required profile paths without a value
    problem: str | None = None  # the form changed, is unknown, or the client has no profile
    # people or items the form has no room for and the map cannot continue (not ready)
    dropped: list[str] = field(default_factory=list)
    # ready, but a person should look before signing: implausible values, boxes the screening
    # could not decide, what goes on the addendum
    warnings: list[str] = field(default_factory=list)
    # ready, but these profile paths the form asks for are empty: their fields stay blank
    blank: list[str] = field(default_factory=list)
    # ready, and these lists have more items than the form has rows: (list, how many more)
    addendum: list[tuple[str, int]] = field(default_factory=list)
    # not ready: a value a dropdown of the form does not offer (field label, value, its options)
    off_choices: list[tuple[str, str, str]] = field(default_factory=list)
    # ready, but left blank although the client has something for it, to write by hand:
    # (field label, why: currency | value | undecided, what: the value or "NOK>EUR")
    by_hand: list[tuple[str, str, str]] = field(default_factory=list)
    # ready, but the form shows a value of its own nobody chose (field label, what it shows)
    shown: list[tuple[str, str]] = field(default_factory=list)
    # the profile's plausibility warnings (``warnings`` has them as English text) with their
    # codes, and the profile they are about, for a shell to say them in its reader's language
    cautions: list[Problem] = field(default_factory=list)
    profile: Profile | None = field(default=None, repr=False, compare=False)

    @property
    def ready(self) -> bool:
        return (
            not self.missing and not self.dropped and not self.off_choices and self.problem is None
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "client_label": self.client_label,
            "form": self.form,
            "ready": self.ready,
            "missing": self.missing,
            "problem": self.problem,
            "dropped": self.dropped,
            "warnings": self.warnings,
            "blank": self.blank,
            "addendum": [{"list": name, "more": n} for name, n in self.addendum],
            "off_choices": [{"field": f, "value": v, "options": o} for f, v, o in self.off_choices],
            "by_hand": [{"field": f, "why": w, "held": h} for f, w, h in self.by_hand],
            "shown": [{"field": f, "shows": v} for f, v in self.shown],
        }


_DERIVED = re.compile(r"household\.(children|others|everyone|members)\[(\d+)\]")


def as_member_path(profile: Profile, path: str) -> str | None:
    """A path through a derived list (``household.children[1]``: the second-oldest child) as
    the member it is, as entered (``household.members[3]``), so a page can say whose value it
    is; None for a row of a person the client does not have (the form's third child row of a
    client with two); other paths as they are."""
    m = _DERIVED.match(path)
    if m is None:
        return path
    people = getattr(profile.household, m.group(1))
    index = int(m.group(2))
    if index >= len(people):
        return None
    if m.group(1) == "members":
        return path
    member = people[index]
    j = next((j for j, x in enumerate(profile.household.members) if x is member), None)
    return path if j is None else f"household.members[{j}]{path[m.end() :]}"


def all_client_ids(session: Session) -> list[int]:
    """Every client that is not archived, by id."""
    q = sa.select(Client.id).where(Client.archived.is_(False)).order_by(Client.id)
    return list(session.scalars(q))


def _form_problem(forms: FormCatalogue, form_id: str) -> str | None:
    """None when the form can be filled; else why not (unknown, or its blank changed)."""
    if form_id not in forms.map_ids():
        return None if form_id in forms.template_ids() else f"unknown form {form_id!r}"
    try:
        fmap = forms.map(form_id)
        actual = forms.fingerprint(fmap)
    except FormfillError as e:
        return str(e)
    if fmap.fingerprint != actual:
        return f"the blank of {form_id} changed since it was mapped (fingerprint {actual})"
    return None


def _shown_by_itself(forms: FormCatalogue, form_id: str) -> dict[str, Any]:
    """What a Word form's blank shows in each field by itself (a legacy dropdown always shows
    an entry, Boform its first, Leier): an output shows it wherever no value goes in."""
    if form_id not in forms.map_ids():
        return {}
    fmap = forms.map(form_id)
    if fmap.kind != "docx":
        return {}
    return docx_fill.read_docx_fields(forms.blank_data(fmap))


FF_EDIT = 1 << 18  # a combo box that takes text of its own


def _choices(forms: FormCatalogue, form_id: str) -> dict[str, list[tuple[str, str]]]:
    """The options of each PDF choice field that takes only its own options (the fill refuses
    anything else: readiness must say so before the batch runs)."""
    if form_id not in forms.map_ids():
        return {}
    fmap = forms.map(form_id)
    if fmap.kind != "pdf":
        return {}
    from formfill.pdf.inspect import inspect_reader

    blank = forms.blank(fmap)
    return {
        f.name: f.options
        for f in inspect_reader(blank.name, blank.reader).fields
        if f.kind in ("combo", "list")
        and f.options
        and not (f.kind == "combo" and f.flags & FF_EDIT)
    }


def _off_choices(
    values: dict[str, Any], choices: dict[str, list[tuple[str, str]]], labels: dict[str, str]
) -> list[tuple[str, str, str]]:
    out = []
    for name, options in choices.items():
        value = values.get(name)
        if value is None or isinstance(value, bool) or value == "":
            continue
        if str(value) not in {e for e, _ in options} | {d for _, d in options}:
            shown = ", ".join(e for e, _ in options[:8])
            out.append((labels.get(name) or name, str(value), shown))
    return out


def plan(
    forms: FormCatalogue,
    session: Session,
    client_ids: Sequence[int],
    form_ids: Sequence[str],
    on: date,
) -> list[Readiness]:
    """Readiness of every client x form item, computed from the stored profiles (nothing runs,
    nothing is written but the audit log's reads)."""
    problems = {f: _form_problem(forms, f) for f in form_ids}
    by_itself = {f: _shown_by_itself(forms, f) if problems[f] is None else {} for f in form_ids}
    choices = {f: _choices(forms, f) if problems[f] is None else {} for f in form_ids}
    out: list[Readiness] = []
    for client_id in client_ids:
        version = latest_version(session, client_id)
        label = client_label(version, client_id)
        profile = None
        if version is not None:
            profile, _ = load_profile(session, WORKER, client_id)
        cautions = profile_warnings(profile, on) if profile else []
        applied, sent = store_apps.program_stages(session, client_id)
        warned = [str(w) for w in cautions]
        for form_id in form_ids:
            problem = problems[form_id]
            if profile is None:
                out.append(Readiness(client_id, form_id, label, problem="no profile yet"))
                continue
            missing: list[str] = []
            blank: list[str] = []
            dropped: list[str] = []
            warnings = list(warned)
            by_hand: list[tuple[str, str, str]] = []
            shown: list[tuple[str, str]] = []
            if problem is None and form_id in forms.map_ids():
                fmap = forms.map(form_id)
                res = resolve_for(forms, fmap, profile, on, applied, sent)
                labels = {f.field: f.label for f in fmap.fields}
                shown = [
                    (t.label or t.field, t.shown)
                    for t in left_but_shown(fmap, by_itself[form_id], res)
                ]
                missing = [m.path for m in res.missing_required]
                blank = list(
                    dict.fromkeys(
                        found
                        for m in res.missing
                        if not m.required and (found := as_member_path(profile, m.path))
                    )
                )
                dropped = [f"{d.item}: {d.reason}" for d in res.dropped]
                off = _off_choices(dict(res.values), choices[form_id], labels)
                # the form will be silent where the client has something to say
                by_hand = [
                    (labels.get(b.field) or b.field, b.hand, b.held) for b in res.blank if b.hand
                ]
                addendum = [(c.group.list, len(c.cells)) for c in res.continued]
            else:
                addendum, off = [], []
            out.append(
                Readiness(
                    client_id,
                    form_id,
                    label,
                    missing,
                    problem,
                    dropped,
                    warnings,
                    blank,
                    addendum,
                    off,
                    by_hand,
                    shown,
                    cautions,
                    profile,
                )
            )
    return out


def create(
    session: Session,
    actor: Actor,
    items: Iterable[tuple[int, str]],
    on: date,
    label: str | None = None,
) -> Batch:
    """A batch of (client id, form id) items, all queued; ``on`` (the fill date) is kept with it
    so that a rerun of an item fills the same document."""
    return store_batches.create_batch(session, actor, items, label, {"on": on.isoformat()})


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    status: str  # done | skipped (already done)
    output: str | None  # artifact id


def run_item(
    settings: Settings,
    sessions: sessionmaker[Session],
    forms: FormCatalogue,
    item_id: int,
    job_id: str | None = None,
) -> ItemResult:
    """The whole item: load the profile, fill, verify, store the output, mark the item done.

    Raises FormfillError for bad input (incomplete profile, changed form, failed verification):
    the caller records it with :func:`fail`. A done item is skipped."""
    with session_scope(sessions) as session:
        item = store_batches.start_item(session, item_id, job_id)
        if item is None:
            done = store_batches.get_item(session, item_id)
            return ItemResult(item_id, "skipped", done.output_artifact)
        batch = session.get(Batch, item.batch_id)
        options = batch.options if batch is not None else {}
        on = date.fromisoformat(options["on"]) if options.get("on") else date.today()
        client_id, form_id = item.client_id, item.form_id
        profile, version = load_profile(session, WORKER, client_id)
        # the version the item was planned with, read from the store: never the worker's folder
        form_version = (
            stored(get_row(session, FormVersion, item.form_version_id, "form version"))
            if item.form_version_id is not None
            else None
        )
        extras: dict[str, object] = {}
        if forms.encloses(form_id):
            extras["enclosures"] = enclosures(forms, batch.items if batch else [], item)
            if (to := recipient(forms, batch.items if batch else [], item)) is not None:
                extras["recipient"] = to
        applied, sent = store_apps.program_stages(session, client_id)
        letter = None
        if forms.to_client(form_id):  # the next-steps letter: what the client has applied for
            language = form_id.rsplit("-", 1)[-1]
            letter = next_steps_letter(session, forms.catalog(), client_id, profile, on, language)
    result = fill_form(
        forms,
        form_id,
        profile,
        on=on,
        extras=extras or None,
        version=form_version,
        letter=letter,
        applied=applied,
        sent=sent,
    )
    if not result.report.ok:
        bad = [o.field for o in result.report.outcomes if o.status.value in ("failed", "truncated")]
        raise VerificationError(f"{form_id}: values did not land: {', '.join(bad)}")
    output = artifacts.save(settings, result.data, "output")
    report = result.report.to_dict() | {"profile_version": version.version, **extras}
    used = result.version
    if used is not None:
        report["form_version"] = used.number
    fingerprint = (
        used.fingerprint
        if used is not None
        else forms.map(form_id).fingerprint
        if form_id in forms.map_ids()
        else None
    )
    with session_scope(sessions) as session:  # the item and its application: one transaction
        already = store_batches.get_item(session, item_id, lock=True).status == "done"
        item = store_batches.finish_item(session, item_id, output, report)
        if not already:
            if used is not None:
                item.form_version_id = used.row_id
            link_application(session, WORKER, item, output, report, fingerprint)
    return ItemResult(item_id, "done", output)


def enclosures(forms: FormCatalogue, items: Iterable[BatchItem], letter: BatchItem) -> list[str]:
    """What a cover letter of the batch encloses: the titles of the client's other documents in
    the batch, in the batch's order (other cover letters, and letters to the client, left out).
    The packet checks the list against what it holds and writes the letter again when a
    document could not be filled."""
    return [
        forms.title(i.form_id)
        for i in sorted(items, key=lambda i: i.id)
        if i.client_id == letter.client_id and i.id != letter.id
        and not forms.encloses(i.form_id) and not forms.to_client(i.form_id)
    ]  # fmt: skip


# who a cover letter goes to, by the agency of the forms it encloses (maps' ``agency``); an
# agency not named here (a municipality: which one?) leaves the line for the specialist
AGENCY_ADDRESSEES = {"nav": "NAV", "toeslagen": "Belastingdienst/Toeslagen"}


def recipient(forms: FormCatalogue, items: Iterable[BatchItem], letter: BatchItem) -> str | None:
    """The addressee of a batch's cover letter when every form it encloses is of one agency
    formfill knows the name of; else None (the letter keeps a line to write it on)."""
    agencies = set()
    for i in items:
        if i.client_id != letter.client_id or i.id == letter.id or i.form_id not in forms.map_ids():
            continue
        try:
            agencies.add(forms.map(i.form_id).agency)
        except FormfillError:
            return None
    if len(agencies) != 1:
        return None
    return AGENCY_ADDRESSEES.get(agencies.pop())


def link_application(
    session: Session,
    actor: Actor,
    item: BatchItem,
    output: str,
    report: dict[str, Any] | None,
    fingerprint: str | None = None,
) -> Application | None:
    """Record a done item's fill on the application it was launched from, if any (a new
    version on it; see :func:`formfill.cases.apply.attach_output`). An item of a batch launched
    from clients and forms makes no application: a person tracks the ones that are."""
    if item.application_id is None:
        return None
    app = store_apps.get_application(session, item.application_id)
    item.output_artifact = output
    return attach_output(session, actor, app, item, report, fingerprint)


def create_for_application(
    session: Session, actor: Actor, forms: FormCatalogue, application_id: int, on: date
) -> Batch:
    """A batch of one item that fills ``application_id``'s form for its client; the output goes
    on that application as a new version."""
    app = store_apps.get_application(session, application_id)
    problem = (
        None
        if app.form_id in forms.map_ids() or app.form_id in forms.template_ids()
        else f"{app.form_id} is not a form formfill can fill"
    )
    problem = problem or _form_problem(forms, app.form_id)
    if problem:
        raise ConflictError(problem)
    label = store_batches.application_label(app.id)
    batch = create(session, actor, [(app.client_id, app.form_id)], on, label)
    for item in batch.items:
        item.application_id = app.id
    session.flush()
    return batch


def fail(sessions: sessionmaker[Session], item_id: int, message: str, job_id: str | None) -> bool:
    """Record an item's failure unless a later job carries it now; True if recorded."""
    with session_scope(sessions) as session:
        try:
            item = store_batches.get_item(session, item_id)
        except NotFoundError:
            return False
        if job_id is not None and item.job_id not in (None, job_id):
            return False  # a stale job (the item was requeued under another job)
        store_batches.fail_item(session, item_id, message)
        return True


def requeue(sessions: sessionmaker[Session], item_id: int, job_id: str | None) -> None:
    """Put an item back to queued while the queue retries its job."""
    with session_scope(sessions) as session:
        item = store_batches.get_item(session, item_id)
        if job_id is None or item.job_id in (None, job_id):
            store_batches.requeue_item(session, item_id)


MAX_CRASHES = 3  # a running item whose worker vanished this often is failed, not requeued


def reconcile(
    sessions: sessionmaker[Session], batch_id: int, job_alive: Callable[[str | None], bool]
) -> list[int]:
    """Items the queue lost: running items whose job is gone (a killed worker) are put back to
    queued; queued items without a live job are listed too. Returns the ids to enqueue again.

    ``job_alive(job_id)`` says whether the queue still holds that job, queued, scheduled or
    running on a live worker (the worker shell answers it from Redis)."""
    lost: list[int] = []
    with session_scope(sessions) as session:
        rows = session.scalars(
            sa.select(BatchItem).where(
                BatchItem.batch_id == batch_id, BatchItem.status.in_(("queued", "running"))
            )
        ).all()
        for item in rows:
            if job_alive(item.job_id):
                continue
            if item.status == "running":
                if item.attempts >= MAX_CRASHES:
                    # the worker died on this item every time: stop, so one bad item cannot
                    # take down the workers of the whole batch again and again
                    store_batches.fail_item(
                        session,
                        item.id,
                        f"the worker stopped while filling this item {item.attempts} times "
                        "(a damaged form or profile?); not tried again",
                    )
                    continue
                store_batches.requeue_item(session, item.id)
            lost.append(item.id)
    return lost


def open_batch_ids(session: Session) -> list[int]:
    """Batches with items still queued or running."""
    q = sa.select(Batch.id).where(Batch.state != "done").order_by(Batch.id)
    return list(session.scalars(q))


def status(session: Session, batch_id: int) -> dict[str, Any]:
    """The batch as ``formfill batch status --json`` prints it (outputs are artifact ids)."""
    batch = store_batches.get_batch(session, batch_id)
    return store_batches.batch_dict(batch)
