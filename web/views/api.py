"""The JSON API (/api/v1): clients, applications, batches and the proposals read from
evidence, with the web's permissions (the session cookie; unsafe methods need the X-CSRFToken
header). Errors are one JSON shape (web/errors.py). The OpenAPI document is at
/api/v1/openapi.json."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_babel import get_locale
from flask_login import login_required
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError

from formfill.cases import batch as fbatch
from formfill.cases.deadlines import advance_application
from formfill.cases.review import UNSEEN, client_review_items, review_items
from formfill.cases.review import decide as decide_proposal
from formfill.profile.provenance import Provenance
from formfill.profile.validation import parse_profile
from formfill.store import applications as store_apps
from formfill.store import users as store_users
from formfill.store.clients import (
    count_clients,
    create_client,
    latest_version,
    list_clients,
    load_profile,
    save_profile,
)
from formfill.store.db import get_row
from formfill.store.models import PROPOSAL_STATUSES, Application, EvidenceProposal
from web.access import batch_or_404, client_or_404, recent_batches
from web.auth import me, roles
from web.openapi import OPENAPI
from web.services import db, services, today
from web.views.applications import application_or_404, query
from web.views.evidence import evidence_or_404

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _app_dict(a: Application) -> dict[str, Any]:
    return {
        "id": a.id,
        "client": a.client_id,
        "form": a.form_id,
        "program": a.program,
        "status": a.status,
        "decision": a.decision,
        "submission": None
        if a.submission is None
        else {
            "channel": a.submission.channel,
            "date": a.submission.submitted_on.isoformat(),
            "reference": a.submission.reference,
            "receipt": bool(a.submission.receipt_artifact),
        },
        "deadlines": [
            {"kind": d.kind, "due": d.due.isoformat(), "done": d.done, "label": d.label}
            for d in a.deadlines
        ],
    }


def _body(optional: bool = False) -> dict[str, Any]:
    """The JSON object sent; ``optional``: no body at all is an empty object."""
    if optional and not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "the body must be a JSON object")
    return data


@bp.route("/openapi.json")
def openapi() -> Any:
    return jsonify(OPENAPI)


@bp.route("/csrf")
@login_required  # type: ignore[misc]
def csrf() -> Any:
    return jsonify({"csrf_token": generate_csrf()})


@bp.route("/clients")
@login_required  # type: ignore[misc]
def clients() -> Any:
    q = (request.args.get("q") or "").strip()[:100] or None
    limit = max(1, min(request.args.get("limit", 50, type=int) or 50, 200))
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    user = me().row()
    rows = list_clients(db(), user, q, offset, limit, str(get_locale() or "en"))
    return jsonify(
        {
            "total": count_clients(db(), user, q),
            "offset": offset,
            "items": [{"id": c.id, "name": c.name, "reference": c.reference} for c in rows],
        }
    )


@bp.route("/clients", methods=["POST"])
@roles("specialist", "supervisor")
def create() -> Any:
    body = _body()
    profile = parse_profile(body.get("profile") or {}, source="profile")
    actor = me().actor
    ref = body.get("reference")
    client = create_client(db(), actor, str(ref)[:64] if ref else None)
    store_users.assign(db(), actor, me().uid, client.id)
    save_profile(
        db(), actor, client.id, profile, Provenance("typed", user_id=actor.user_id), note="api"
    )
    return jsonify({"id": client.id, "name": client.name}), 201


@bp.route("/clients/<int:client_id>")
@login_required  # type: ignore[misc]
def client(client_id: int) -> Any:
    c = client_or_404(client_id)
    out: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "reference": c.reference,
        "profile": None,
        "version": None,
        "provenance": {},
    }
    if latest_version(db(), client_id) is not None:
        _profile, version = load_profile(db(), me().actor, client_id)
        out.update(profile=version.data, version=version.version, provenance=version.provenance)
    return jsonify(out)


@bp.route("/applications")
@login_required  # type: ignore[misc]
def applications() -> Any:
    raw = request.args.get("due_within", "")
    within = int(raw) if raw.isdigit() else None
    apps = db().scalars(query(request.args.get("status"), within).limit(500)).all()
    return jsonify({"items": [_app_dict(a) for a in apps]})


@bp.route("/applications/<int:application_id>")
@login_required  # type: ignore[misc]
def application(application_id: int) -> Any:
    a = application_or_404(application_id)
    out = _app_dict(a)
    out["events"] = [
        {
            "from": e.from_status,
            "to": e.to_status,
            "at": e.at.isoformat(),
            "by": e.actor_label,
            "note": e.note,
        }
        for e in a.events
    ]
    return jsonify(out)


@bp.route("/applications/<int:application_id>/advance", methods=["POST"])
@login_required  # type: ignore[misc]
def advance(application_id: int) -> Any:
    a = application_or_404(application_id)
    body = _body()
    try:
        on = date.fromisoformat(str(body.get("date") or today().isoformat()))
    except ValueError:
        abort(400, "date: YYYY-MM-DD")
    sub = body.get("submission")
    submission = None
    if isinstance(sub, dict) and sub.get("channel"):
        submission = store_apps.SubmissionDetails(
            str(sub["channel"]), on, str(sub.get("reference") or "") or None
        )
    advance_application(
        db(),
        me().actor,
        a.id,
        str(body.get("to") or ""),
        on,
        catalog=services().catalog,
        maps_dir=services().settings.maps_dir,
        note=body.get("note"),
        decision=body.get("decision"),
        submission=submission,
        today=today(),
    )
    db().flush()
    return jsonify(_app_dict(a))


@bp.route("/batches")
@login_required  # type: ignore[misc]
def batches() -> Any:
    rows = recent_batches(100)
    return jsonify(
        {
            "items": [
                {
                    "id": b.id,
                    "state": b.state,
                    "label": b.label,
                    "created_at": b.created_at.isoformat(),
                }
                for b in rows
            ]
        }
    )


@bp.route("/batches", methods=["POST"])
@roles("specialist", "supervisor")
def create_batch() -> Any:
    body = _body()
    ids = [int(v) for v in body.get("clients") or [] if str(v).isdigit()]
    for cid in ids:
        client_or_404(cid)
    form_ids = [str(f) for f in body.get("forms") or []]
    if not ids or not form_ids:
        abort(400, "clients and forms: non-empty lists")
    readiness = fbatch.plan(services().forms, db(), ids, form_ids, today())
    pairs = [(r.client, r.form) for r in readiness if r.ready or not body.get("only_ready")]
    if not pairs:
        return jsonify({"readiness": [r.to_dict() for r in readiness], "batch": None}), 422
    b = fbatch.create(db(), me().actor, pairs[:500], today(), body.get("label"))
    batch_id, item_ids = b.id, [i.id for i in b.items]
    db().commit()
    from worker.queue import submit

    try:
        submit(services().sessions, services().queue(), item_ids)
    except (RedisError, OSError):
        pass  # saved; workers reconcile it
    return jsonify(
        {"readiness": [r.to_dict() for r in readiness], "batch": fbatch.status(db(), batch_id)}
    ), 201


@bp.route("/batches/<int:batch_id>")
@login_required  # type: ignore[misc]
def batch(batch_id: int) -> Any:
    batch_or_404(batch_id)
    data = fbatch.status(db(), batch_id)
    total = len(data["items"])
    finished = data["counts"].get("done", 0) + data["counts"].get("failed", 0)
    data["progress"] = {"finished": finished, "total": total}
    return jsonify(data)


# -- proposals read from evidence: the review page's decisions ------------------------------


@bp.route("/clients/<int:client_id>/proposals")
@login_required  # type: ignore[misc]
def proposals(client_id: int) -> Any:
    """Every proposal of the client's evidence, pending and decided (``state`` filters: one
    or more of proposed, accepted, corrected, rejected, repeated or comma-separated)."""
    client_or_404(client_id)
    states = {s.strip() for raw in request.args.getlist("state") for s in raw.split(",")} - {""}
    if states - set(PROPOSAL_STATUSES):
        abort(400, f"state: one or more of {', '.join(PROPOSAL_STATUSES)}")
    items = client_review_items(db(), me().actor, client_id, states or None)
    return jsonify({"client": client_id, "items": [i.to_dict() for i in items]})


def _decide(proposal_id: int, action: str) -> Any:
    """One decision, as the review page makes it: another specialist's proposal is 404, a
    decided one or a profile changed since ``seen`` 409, a value the profile refuses 400."""
    proposal = get_row(db(), EvidenceProposal, proposal_id, "proposal")
    row = evidence_or_404(proposal.evidence_id)
    body = _body(optional=action != "correct")
    value = reason = None
    if action == "correct":
        raw = body.get("value")
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            abort(400, "value: the corrected value, as text")
        value = str(raw)
    if action == "reject" and body.get("reason") is not None:
        if not isinstance(body["reason"], str):
            abort(400, "reason: text")
        reason = body["reason"]
    seen = body["seen"] if "seen" in body else UNSEEN
    if seen is not UNSEEN and seen is not None and not isinstance(seen, str | int | float):
        abort(400, "seen: the current value you were shown, as text (or null: none)")
    if action != "reject" and body.get("owner_checked") is not True:
        item = next(i for i in review_items(db(), row.id) if i.proposal.id == proposal_id)
        if any(d.kind in ("other_person", "whose_document") for d in item.doubts):
            abort(400, "owner_checked: the document may be another person's; send true once "
                       "you checked it is the client's, or reject the value")  # fmt: skip
    done = decide_proposal(db(), me().actor, proposal_id, action, value, seen, reason)
    db().flush()
    return jsonify(
        {
            "id": done.proposal_id,
            "client": row.client_id,
            "path": done.path,
            "state": done.status,
            "value": done.value,
            "replaced": done.replaced,
        }
    )


@bp.route("/proposals/<int:proposal_id>/accept", methods=["POST"])
@login_required  # type: ignore[misc]
def accept_proposal(proposal_id: int) -> Any:
    return _decide(proposal_id, "accept")


@bp.route("/proposals/<int:proposal_id>/correct", methods=["POST"])
@login_required  # type: ignore[misc]
def correct_proposal(proposal_id: int) -> Any:
    return _decide(proposal_id, "correct")


@bp.route("/proposals/<int:proposal_id>/reject", methods=["POST"])
@login_required  # type: ignore[misc]
def reject_proposal(proposal_id: int) -> Any:
    return _decide(proposal_id, "reject")
