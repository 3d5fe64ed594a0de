"""Evidence: upload (several files; the type decided by content), reading in a worker with a
visible state, the review page (page image, the proposal's box) and accept / correct / reject."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from redis.exceptions import RedisError

from formfill import artifacts
from formfill.cases import intake as evidence_intake
from formfill.errors import EvidenceError, FormfillError
from formfill.evidence import preview
from formfill.store import proposals as store_proposals
from formfill.store.audit import record
from formfill.store.db import get_row
from formfill.store.models import EvidenceFile, EvidenceProposal
from web.access import client_or_404
from web.auth import me
from web.labels import enum_label, path_label
from web.services import db, services

bp = Blueprint("evidence", __name__)
MAX_FILES = 10


def evidence_or_404(evidence_id: int) -> EvidenceFile:
    row = get_row(db(), EvidenceFile, evidence_id, "evidence")
    client_or_404(row.client_id)
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
    for p in problems:
        flash(p, "error")
    if rows:
        db().commit()  # the job must find the rows
        if enqueue([r.id for r in rows]):
            flash(_("%(n)s file(s) uploaded; reading them now.", n=len(rows)), "info")
        else:
            flash(_("Uploaded, but the reading queue is unreachable."), "error")
    if not rows:
        return render_template("upload_failed.html", client_id=client_id, problems=problems), 400
    return redirect(url_for("clients.show", client_id=client_id) + "#evidence")


@bp.route("/evidence/<int:evidence_id>")
@login_required  # type: ignore[misc]
def review(evidence_id: int) -> Any:
    row = evidence_or_404(evidence_id)
    record(db(), me().actor, "read", "evidence", evidence_id)
    return render_template("evidence.html", ev=row, proposals=row.proposals)


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
    record(db(), me().actor, "read", "evidence", evidence_id)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.route("/proposals/<int:proposal_id>", methods=["POST"])
@login_required  # type: ignore[misc]
def decide(proposal_id: int) -> Any:
    proposal = get_row(db(), EvidenceProposal, proposal_id, "proposal")
    evidence_or_404(proposal.evidence_id)
    action = request.form.get("action", "")
    status = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}.get(action)
    if status is None:
        flash(_("Choose accept, correct or reject."), "error")
        return redirect(url_for("evidence.review", evidence_id=proposal.evidence_id))
    value = (request.form.get("value") or "").strip() if status == "corrected" else None
    if status == "corrected" and not value:
        flash(_("Type the corrected value."), "error")
        return redirect(url_for("evidence.review", evidence_id=proposal.evidence_id))
    try:
        with db().begin_nested():
            store_proposals.decide(db(), me().actor, proposal_id, status, value)
    except FormfillError as e:
        flash(_("Not saved: %(why)s", why=str(e).replace("\n", " ")), "error")
    else:
        flash(
            _(
                "Saved: %(path)s %(status)s.",
                path=path_label(proposal.path),
                status=enum_label(status, "proposal"),
            ),
            "info",
        )
    return redirect(
        url_for("evidence.review", evidence_id=proposal.evidence_id) + f"#p{proposal_id}"
    )
