"""Applications: filter by status and due date; the application with its event history,
submission and deadlines; advance it (channel, reference, receipt)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from formfill import artifacts
from formfill.cases import batch as fbatch
from formfill.cases.checklists import Checklist, application_checklist, rule_text
from formfill.cases.deadlines import advance_application, complete_deadline
from formfill.errors import (
    ConflictError,
    FormfillError,
    InvalidTransitionError,
    NotFoundError,
    TransitionDateError,
    TransitionDetailsError,
)
from formfill.evidence.files import evidence_from_bytes
from formfill.lifecycle import CHANNELS, allowed_from, move_kind
from formfill.store import applications as store_apps
from formfill.store.audit import record
from formfill.store.db import get_row
from formfill.store.models import APP_STATUSES, Application, BatchItem, DeadlineRow
from web.access import client_or_404, visible_ids
from web.auth import me, roles
from web.forms import rerender_on_csrf
from web.history import event_rows
from web.labels import day_text, enum_label, form_title, program_name
from web.services import db, services, today
from web.views.batches import queue_items
from web.views.dashboard import names

bp = Blueprint("applications", __name__)


def query(status: str | None, due_within: int | None) -> sa.Select[Application]:
    q = (
        sa.select(Application)
        .options(selectinload(Application.deadlines), selectinload(Application.submission))
        .where(Application.client_id.in_(visible_ids()))
        .order_by(Application.id.desc())
    )
    if status in APP_STATUSES:
        q = q.where(Application.status == status)
    if due_within is not None:
        horizon = today() + timedelta(days=due_within)
        q = q.where(
            Application.id.in_(
                sa.select(DeadlineRow.application_id).where(
                    DeadlineRow.done.is_(False), DeadlineRow.due <= horizon
                )
            )
        )
    return q


def _within() -> int | None:
    raw = request.args.get("due_within", "")
    return max(0, min(int(raw), 3650)) if raw.isdigit() else None


@bp.route("/applications")
@login_required  # type: ignore[misc]
def index() -> Any:
    status = request.args.get("status") or None
    within = _within()
    apps = db().scalars(query(status, within).limit(200)).all()
    return render_template(
        "applications.html",
        apps=apps,
        status=status,
        within=within,
        statuses=APP_STATUSES,
        labels=names({a.client_id for a in apps}),
    )


def application_or_404(application_id: int, asked: str = "application") -> Application:
    """The application, when the user may see its client; ``asked``: what was asked for, as
    a refusal's audit names it (the application, its receipt, its filled form)."""
    app = get_row(db(), Application, application_id, "application")
    client_or_404(app.client_id, (asked, application_id))
    return app


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


def refusal(e: InvalidTransitionError | TransitionDetailsError) -> str:
    """Why the lifecycle refused a move, in the reader's language, statuses by their names."""
    if isinstance(e, TransitionDetailsError):
        if e.to_status == "submitted":
            return _("To mark the application submitted, choose the channel it was sent by.")
        if e.to_status == "decided":
            return _("To mark the application decided, choose the agency's decision.")
        return _("A decision is only given when the application is marked decided.")
    now = enum_label(e.from_status, "app_status")
    if e.to_status not in APP_STATUSES:
        return _("Choose the status the application moves to.")
    if not e.allowed:
        return _(
            "The application is %(now)s, which is final: it cannot move to %(to)s.",
            now=now,
            to=enum_label(e.to_status, "app_status"),
        )
    return _(
        "The application is %(now)s and cannot move to %(to)s. From %(now)s it can move "
        "to: %(allowed)s. Nothing was saved.",
        now=now,
        to=enum_label(e.to_status, "app_status"),
        allowed=", ".join(enum_label(s, "app_status") for s in e.allowed),
    )


UNSENT = ("draft", "ready", "filled", "reviewed")


def _waiting(app: Application, versions: list[BatchItem]) -> list[BatchItem]:
    """Fills of the application's form for its client, done in a batch since its latest version
    and on no application: one click puts them on this one (a batch never does it unasked)."""
    if app.status not in UNSENT or app.form_id is None:
        return []
    q = sa.select(BatchItem).where(
        BatchItem.client_id == app.client_id,
        BatchItem.form_id == app.form_id,
        BatchItem.status == "done",
        BatchItem.application_id.is_(None),
    )
    if versions and versions[0].finished_at is not None:
        q = q.where(BatchItem.finished_at > versions[0].finished_at)
    return list(db().scalars(q.order_by(BatchItem.finished_at.desc()).limit(5)))


_KEPT_SALT = "formfill-receipt-kept"
KEPT_MAX_AGE = 3600  # a receipt kept across a failed submit is offered for an hour


def _keep_receipt(app: Application, artifact_id: str, name: str) -> str:
    """A signed note of a receipt uploaded with a submit that failed: the page sends it back,
    so the next try submits it without choosing the file again."""
    signer = URLSafeTimedSerializer(current_app.secret_key or "", salt=_KEPT_SALT)
    return signer.dumps([app.id, me().uid, artifact_id, name[:120]])


def _kept_receipt(app: Application) -> tuple[str, str] | None:
    """(artifact id, file name) of the receipt a failed try kept for this application and user."""
    token = request.form.get("receipt_kept") or ""
    if not token:
        return None
    signer = URLSafeTimedSerializer(current_app.secret_key or "", salt=_KEPT_SALT)
    try:
        app_id, uid, artifact_id, name = signer.loads(token, max_age=KEPT_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if app_id != app.id or uid != me().uid:
        return None
    return str(artifact_id), str(name)


def _moves(app: Application) -> list[tuple[str, str]]:
    """The moves the lifecycle allows now, each with its kind: next steps first, then steps
    back (filled -> ready: fill again), then withdrawing."""
    moves = [(to, move_kind(app.status, to)) for to in allowed_from(app.status)]
    rank = {"next": 0, "back": 1, "stop": 2}
    return sorted(moves, key=lambda m: rank[m[1]])


def _render(
    app: Application,
    status: int = 200,
    message: str | None = None,
    field: str | None = None,
    kept: tuple[str, str] | None = None,
) -> Any:
    """The application's page; after a failed move, ``message`` says why, ``field`` is the
    field it is about (marked invalid, the message beside it), ``kept`` the receipt (token,
    file name) a failed submit keeps for the next try."""
    record(db(), me().actor, "read", "application", app.id, client_id=app.client_id)
    rules: dict[int, str] = {}  # a deadline's rule as the catalog words it
    try:
        catalog = services().catalog
    except FormfillError as e:
        evidence = Checklist(None, problem=str(e).splitlines()[0])
    else:
        evidence = application_checklist(db(), me().actor, catalog, app, today(), _lang())
        rules = {d.id: rule_text(catalog, app.program, d, _lang()) for d in app.deadlines}
    linked = (
        db()
        .scalars(
            sa.select(BatchItem)
            .where(BatchItem.application_id == app.id, BatchItem.status == "done")
            .order_by(BatchItem.finished_at.desc(), BatchItem.id.desc())
        )
        .all()
    )
    versions = [i for i in linked if i.form_id == app.form_id]
    return render_template(
        "application.html",
        app=app,
        versions=versions,
        waiting=_waiting(app, versions),
        attachments=[i for i in linked if i.form_id != app.form_id],
        allowed=allowed_from(app.status),
        moves=_moves(app),
        field=field,
        kept=kept,
        channels=CHANNELS,
        program=program_name(app.program),
        label=names({app.client_id}).get(app.client_id),
        today=today(),
        message=message,
        checklist=evidence,
        rules=rules,
        history=event_rows(db(), app.events, form_title(app.form_id)),
        values=request.form if request.method == "POST" else {},
    ), status


@bp.route("/applications/<int:application_id>")
@login_required  # type: ignore[misc]
def show(application_id: int) -> Any:
    return _render(application_or_404(application_id))


@bp.route("/applications/<int:application_id>/advance", methods=["POST"])
@rerender_on_csrf("applications.advance")
@login_required  # type: ignore[misc]
def advance(application_id: int) -> Any:
    app = application_or_404(application_id)
    if g.get("csrf_expired"):
        return _render(
            app, 400, _("The form had expired. Nothing was saved; check and send again.")
        )
    to = request.form.get("to", "")
    try:
        on = date.fromisoformat(request.form.get("date") or today().isoformat())
    except ValueError:
        return _render(
            app, 400, _("The date must be a date (YYYY-MM-DD)."), "date", _kept_again(app)
        )
    submission = None
    kept: tuple[str, str] | None = None  # (token, file name) of a receipt kept for a retry
    if to == "submitted":
        channel = request.form.get("channel") or ""
        receipt_id = None
        receipt = request.files.get("receipt")
        if receipt and receipt.filename:
            data = receipt.read()
            receipt.close()
            try:
                evidence_from_bytes(data, receipt.filename)
            except FormfillError as e:
                return _render(app, 400, str(e), field="receipt")
            receipt_id = artifacts.save(services().settings, data, "receipt")
            kept = (_keep_receipt(app, receipt_id, receipt.filename), receipt.filename)
        elif (earlier := _kept_receipt(app)) is not None:
            receipt_id = earlier[0]
            kept = (request.form.get("receipt_kept") or "", earlier[1])
        submission = (
            store_apps.SubmissionDetails(
                channel, on, (request.form.get("reference") or "").strip()[:200] or None, receipt_id
            )
            if channel
            else None
        )
    try:
        with db().begin_nested():
            advance_application(
                db(),
                me().actor,
                app.id,
                to,
                on,
                catalog=services().catalog,
                maps_dir=services().settings.maps_dir,
                note=(request.form.get("note") or "").strip()[:2000] or None,
                decision=request.form.get("decision") or None,
                submission=submission,
                today=today(),
            )
    except InvalidTransitionError as e:  # the page was stale, or the request hand-made
        db().refresh(app)
        return _render(app, 409, refusal(e), "to", kept)
    except TransitionDetailsError as e:
        db().refresh(app)
        missing = "channel" if e.to_status == "submitted" else "decision"
        return _render(app, 400, refusal(e), missing, kept)
    except TransitionDateError as e:  # deadlines count from this date: it must have happened
        db().refresh(app)
        if e.when == "future":
            why = _(
                "The date %(on)s is after today (%(today)s): record a step once it has happened.",
                on=format_date(e.on), today=format_date(e.limit),
            )  # fmt: skip
        else:
            why = _("The date %(on)s is before the application was submitted (%(sent)s).",
                    on=format_date(e.on), sent=format_date(e.limit))  # fmt: skip
        return _render(app, 400, why, "date", kept)
    except FormfillError as e:
        db().refresh(app)
        return _render(app, 400, str(e), None, kept)
    flash(_("Application is now %(status)s.", status=enum_label(to, "app_status")), "info")
    return redirect(url_for("applications.show", application_id=app.id))


def _kept_again(app: Application) -> tuple[str, str] | None:
    """The receipt an earlier failed try kept, offered again after another failure."""
    earlier = _kept_receipt(app)
    return (request.form.get("receipt_kept") or "", earlier[1]) if earlier else None


@bp.route("/applications/<int:application_id>/receipt")
@login_required  # type: ignore[misc]
def receipt(application_id: int) -> Any:
    app = application_or_404(application_id, "receipt")
    if app.submission is None or not app.submission.receipt_artifact:
        raise NotFoundError("receipt of application", application_id)
    data = artifacts.read(services().settings, app.submission.receipt_artifact)
    kind = (
        "application/pdf"
        if data.startswith(b"%PDF")
        else "image/" + ("png" if data.startswith(b"\x89PNG") else "jpeg")
    )
    record(db(), me().actor, "export", "receipt", app.id, client_id=app.client_id)
    return Response(data, mimetype=kind, headers={"Content-Disposition": "attachment"})


@bp.route("/applications/<int:application_id>/output")
@login_required  # type: ignore[misc]
def output(application_id: int) -> Any:
    app = application_or_404(application_id, "output")
    if not app.output_artifact:
        raise NotFoundError("output of application", application_id)
    data = artifacts.read(services().settings, app.output_artifact)
    pdf = data.startswith(b"%PDF")
    record(db(), me().actor, "export", "application", app.id, client_id=app.client_id)
    return Response(
        data,
        mimetype="application/pdf" if pdf else "application/octet-stream",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{app.form_id}.{"pdf" if pdf else "docx"}"'
            )
        },
    )


@bp.route("/applications/<int:application_id>/fill", methods=["POST"])
@roles("specialist", "supervisor")
def fill(application_id: int) -> Any:
    """Fill the application's form again from the client's profile: a batch of one item whose
    output is a new version of this application (never a second application)."""
    app = application_or_404(application_id)
    try:
        with db().begin_nested():
            batch = fbatch.create_for_application(
                db(), me().actor, services().forms, app.id, today()
            )
    except FormfillError as e:
        return _render(app, 400, str(e))
    item_ids, batch_id = [i.id for i in batch.items], batch.id
    db().commit()
    queue_items(item_ids)
    return redirect(url_for("batches.show", batch_id=batch_id))


@bp.route("/deadlines/<int:deadline_id>/done", methods=["POST"])
@login_required  # type: ignore[misc]
def deadline_done(deadline_id: int) -> Any:
    """Mark a deadline met, with a note of what was done; a recurring one (a meldekort every
    14 days) gets its next one, said in the flash."""
    row = get_row(db(), DeadlineRow, deadline_id, "deadline")
    # another specialist's deadline is as missing as none
    client_or_404(row.client_id, ("deadline", row.id))
    back = (
        url_for("applications.show", application_id=row.application_id) + "#deadlines"
        if row.application_id is not None
        else url_for("clients.show", client_id=row.client_id)
    )
    try:
        with db().begin_nested():
            nxt = complete_deadline(
                db(), me().actor, deadline_id,
                catalog=services().catalog, maps_dir=services().settings.maps_dir,
                note=(request.form.get("note") or "").strip() or None,
            )  # fmt: skip
    except ConflictError:
        flash(_("That deadline was already marked done."), "warning")
        return redirect(back)
    what = enum_label(row.kind, "deadline_kind")
    if nxt is not None:
        flash(_("Marked done: %(what)s. The next one is due %(day)s.", what=what,
                day=day_text(nxt.due)), "info")  # fmt: skip
    else:
        flash(_("Marked done: %(what)s.", what=what), "info")
    return redirect(back)
