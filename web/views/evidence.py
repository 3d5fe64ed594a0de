"""Evidence: upload (several files; the type decided by content), reading in a worker with a
visible state, the review page (page image, the proposal's box) and accept / correct / reject."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import login_required
from redis.exceptions import RedisError

from formfill import artifacts
from formfill.cases import intake as evidence_intake
from formfill.cases.review import ACTIONS, UNSEEN, current_value, review_items
from formfill.cases.review import decide as decide_proposal
from formfill.errors import ConflictError, EvidenceError, FormfillError
from formfill.evidence import preview
from formfill.evidence.doubt import DOUBTFUL_BELOW
from formfill.store.audit import record
from formfill.store.clients import latest_version
from formfill.store.db import get_row
from formfill.store.models import EvidenceFile, EvidenceProposal
from web.access import client_or_404
from web.auth import me
from web.form_input import Unreadable, date_example
from web.forms import correction, read_correction
from web.labels import enum_label, path_label, profile_value
from web.problems import problem_text, subject
from web.services import db, services

bp = Blueprint("evidence", __name__)
MAX_FILES = 10


def evidence_or_404(evidence_id: int) -> EvidenceFile:
    row = get_row(db(), EvidenceFile, evidence_id, "evidence")
    client_or_404(row.client_id, ("evidence", evidence_id))
    return row


def enqueue(evidence_ids: list[int]) -> bool:
    """Queue the reading of committed files; False (each file failed with the reason) when
    the queue is unreachable."""
    from worker.queue import submit_evidence

    try:
        submit_evidence(services().sessions, services().queue(), evidence_ids)
    except (RedisError, OSError) as e:
        for evidence_id in evidence_ids:
            evidence_intake.fail(services().sessions, evidence_id, f"the queue is unreachable: {e}")
        return False
    return True


def upload_files(client_id: int) -> tuple[list[EvidenceFile], list[str]]:
    """Store every acceptable file of the request; the problems of the others."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return [], [_("Choose at least one file.")]
    rows, problems = [], []
    for f in files[:MAX_FILES]:
        data = f.read()
        f.close()
        try:
            rows.append(
                evidence_intake.upload(
                    services().settings, db(), me().actor, client_id, f.filename or "upload", data
                )
            )
        except EvidenceError as e:
            problems.append(str(e))
    if len(files) > MAX_FILES:
        problems.append(_("Only the first %(n)s files were taken.", n=MAX_FILES))
    db().flush()
    return rows, problems


@bp.route("/clients/<int:client_id>/evidence", methods=["POST"])
@login_required  # type: ignore[misc]
def upload(client_id: int) -> Any:
    client_or_404(client_id)
    rows, problems = upload_files(client_id)
    if not rows:  # the page says why, once (a flash as well said it twice)
        return render_template("upload_failed.html", client_id=client_id, problems=problems), 400
    for p in problems:
        flash(p, "error")
    db().commit()  # the job must find the rows
    if enqueue([r.id for r in rows]):
        flash(_("%(n)s file(s) uploaded; reading them now.", n=len(rows)), "info")
    else:
        flash(_("Uploaded, but the reading queue is unreachable."), "error")
    return redirect(url_for("clients.show", client_id=client_id) + "#evidence")


def render_review(
    row: EvidenceFile,
    status: int = 200,
    typed: dict[int, str] | None = None,
    problems: dict[int, str] | None = None,
) -> Any:
    """The review page: each proposal beside the profile's current value and its source.
    ``typed``: corrections to show again after a failed save; ``problems``: why, by proposal."""
    try:
        active = int(request.args.get("proposal", ""))
    except ValueError:
        active = None
    items = review_items(db(), row.id)
    lang = str(get_locale() or "en")
    corrections = {
        i.proposal.id: correction(i.proposal.path, i.proposal.value, lang) for i in items
    }
    return render_template(
        "evidence.html",
        ev=row,
        items=items,
        corrections=corrections,
        date_example=date_example(lang),
        active=active,
        typed=typed or {},
        problems=problems or {},
        doubtful_below=DOUBTFUL_BELOW,
        percent=format_percent,
        # the page warns once, at the top, when the document names someone else
        other=next((d for i in items for d in i.doubts if d.kind == "other_person"), None),
    ), status


@bp.route("/evidence/<int:evidence_id>")
@login_required  # type: ignore[misc]
def review(evidence_id: int) -> Any:
    row = evidence_or_404(evidence_id)
    record(db(), me().actor, "read", "evidence", evidence_id, client_id=row.client_id)
    return render_review(row)


@bp.route("/evidence/<int:evidence_id>/retry", methods=["POST"])
@login_required  # type: ignore[misc]
def retry(evidence_id: int) -> Any:
    """Read a file again whose reading failed (the queue was down, a worker stopped)."""
    evidence_or_404(evidence_id)
    evidence_intake.retry(db(), me().actor, evidence_id)
    db().commit()
    if enqueue([evidence_id]):
        flash(_("Reading the document again."), "info")
    else:
        flash(_("The reading queue is unreachable; try again later."), "error")
    return redirect(url_for("evidence.review", evidence_id=evidence_id))


@bp.route("/evidence/<int:evidence_id>/status")
@login_required  # type: ignore[misc]
def status(evidence_id: int) -> Any:
    row = evidence_or_404(evidence_id)
    counts = dict(
        db()
        .execute(
            sa.select(EvidenceProposal.status, sa.func.count())
            .where(EvidenceProposal.evidence_id == evidence_id)
            .group_by(EvidenceProposal.status)
        )
        .all()
    )
    return jsonify(
        {
            "id": row.id,
            "status": row.status,
            "error": row.error,
            "doc_type": row.doc_type,
            "proposals": counts,
        }
    )


@bp.route("/evidence/<int:evidence_id>/page/<int:page>.png")
@login_required  # type: ignore[misc]
def page_image(evidence_id: int, page: int) -> Any:
    row = evidence_or_404(evidence_id)
    data = artifacts.read(services().settings, row.artifact_id)
    png = preview.page_png(data, page, 900, row.filename)
    record(db(), me().actor, "read", "evidence", evidence_id, client_id=row.client_id)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


def _why_not_saved(e: FormfillError, proposal: EvidenceProposal, seen: Any) -> str:
    """Why a decision was not saved, in the reader's language and with the field's name: the
    profile problems worded as the client form words them; a value someone changed meanwhile
    named with its label and shown as the page shows values."""
    version = latest_version(db(), proposal.evidence.client_id)
    data = version.data if version is not None else {}
    problems = getattr(e, "problems", [])
    if problems:
        return "; ".join(problem_text(p, data) for p in problems)
    if isinstance(e, ConflictError) and seen is not UNSEEN and proposal.status == "proposed":
        now = current_value(db(), proposal)
        shown = profile_value(now, proposal.path) if now not in (None, "") else _("(empty)")
        return _(
            "%(field)s changed since the page was shown: it is now %(now)s; look at it again.",
            field=subject(proposal.path, data),
            now=shown,
        )
    return str(e).split("\n")[0]


@bp.route("/evidence/<int:evidence_id>/reject-all", methods=["POST"])
@login_required  # type: ignore[misc]
def reject_all(evidence_id: int) -> Any:
    """Not the client's document: every value still to decide is rejected, with that reason
    (kept in the client's notes like any rejection), in one step instead of one per value."""
    row = evidence_or_404(evidence_id)
    pending = sorted(p.id for p in row.proposals if p.status == "proposed")
    reason = _("not the client's document")
    with db().begin_nested():
        for pid in pending:
            decide_proposal(db(), me().actor, pid, "reject", None, UNSEEN, reason)
    flash(_("%(n)s values rejected: not the client's document.", n=len(pending)), "info")
    # a value taken into the profile before is not undone by this: say so, by name
    taken = [p for p in row.proposals if p.status in ("accepted", "corrected")]
    if taken:
        names = ", ".join(path_label(p.path) for p in sorted(taken, key=lambda p: p.id))
        flash(_("Already taken into the profile from this document, and still there: "
                "%(values)s. If they are not the client's, change them on the client's page.",
                values=names), "error")  # fmt: skip
    return redirect(url_for("evidence.review", evidence_id=row.id))


@bp.route("/proposals/<int:proposal_id>", methods=["POST"])
@login_required  # type: ignore[misc]
def decide(proposal_id: int) -> Any:
    """One form per action (accept, correct, reject), so Enter in the correction submits the
    correction. A failed save shows the page again with what was typed and why (400, or 409
    when the profile or the proposal changed since the page was shown)."""
    proposal = get_row(db(), EvidenceProposal, proposal_id, "proposal")
    row = evidence_or_404(proposal.evidence_id)
    action = request.form.get("action", "")
    value = request.form.get("value")
    typed = {proposal_id: value} if value is not None else {}
    if action not in ACTIONS:
        flash(_("Choose accept, correct or reject."), "error")
        return render_review(row, 400, typed)
    seen = request.form["seen"] if "seen" in request.form else UNSEEN
    owner = next((i for i in review_items(db(), row.id) if i.proposal.id == proposal_id), None)
    if (
        action != "reject"
        and owner is not None
        and any(d.kind in ("other_person", "whose_document") for d in owner.doubts)
        and request.form.get("owner_checked") != "1"
    ):  # one click must not put another person's value in the client's profile
        why = _("Tick that you checked the document is the client's, or reject the value.")
        flash(_("Not saved: %(why)s", why=why), "error")
        return render_review(row, 400, typed, {proposal_id: why})
    if action == "correct" and value is not None:
        try:  # read as the client form reads the same field: 38 500,00 in nb, a country by name
            value = read_correction(proposal.path, value, str(get_locale() or "en"))
        except Unreadable as e:
            why = f"{path_label(proposal.path)}: {e}"
            flash(_("Not saved: %(why)s", why=why), "error")
            return render_review(row, 400, typed, {proposal_id: why})
    try:
        with db().begin_nested():
            done = decide_proposal(db(), me().actor, proposal_id, action, value, seen)
    except FormfillError as e:
        db().expire_all()  # the page shows the profile and the proposal as they are now
        why = _why_not_saved(e, proposal, seen)
        flash(_("Not saved: %(why)s", why=why), "error")
        code = 409 if isinstance(e, ConflictError) else 400
        return render_review(row, code, typed, {proposal_id: why})
    if done.replaced is not None:
        message = _(
            "Saved: %(path)s %(status)s; it replaced %(old)s.",
            path=path_label(done.path),
            status=enum_label(done.status, "proposal"),
            old=profile_value(done.replaced, done.path),
        )
    else:
        message = _(
            "Saved: %(path)s %(status)s.",
            path=path_label(done.path),
            status=enum_label(done.status, "proposal"),
        )
    flash(message, "info")
    # on to the next proposal still to decide (the page focuses it), else back to this one
    pending = sorted(p.id for p in row.proposals if p.status == "proposed")
    after = next((i for i in pending if i > proposal_id), pending[0] if pending else proposal_id)
    return redirect(url_for("evidence.review", evidence_id=row.id, proposal=after) + f"#p{after}")
