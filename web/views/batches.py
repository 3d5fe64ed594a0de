"""Batch fill: choose clients x forms, readiness before launching, launch, live progress (a JSON
endpoint the page polls), the ZIP, a client's packet, and any filled page as an image."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from redis.exceptions import RedisError

from formfill import artifacts
from formfill.cases import batch as fbatch
from formfill.cases.apply import ChooseProgram, is_letter
from formfill.cases.apply import track_item as fbatch_track
from formfill.cases.packet import batch_zip, client_packet, packet_language
from formfill.docx.convert import docx_to_pdf
from formfill.errors import ConversionError, FormfillError, NotFoundError
from formfill.evidence import preview
from formfill.store import applications as store_apps
from formfill.store.audit import record
from formfill.store.models import Application, BatchItem, Client
from web.access import batch_or_404, client_or_404, recent_batches, visible_ids
from web.auth import me, roles
from web.labels import form_title, program_name
from web.problems import problem_text
from web.services import db, services, today
from web.views.forms import catalogue

bp = Blueprint("batches", __name__)
MAX_ITEMS = 500


def _lang() -> str:
    return str(get_locale() or "en")


def _choices() -> tuple[list[Client], list[dict[str, Any]]]:
    q = (request.values.get("q") or "").strip()[:100]
    from formfill.store.clients import list_clients

    clients = list_clients(db(), me().row(), q or None, 0, 200, _lang())
    forms = [f for f in catalogue() if f["ok"]]
    return clients, forms


def _visible(ids: list[int]) -> list[int]:
    """``ids`` the user may see, in their order."""
    allowed = set(
        db().scalars(sa.select(Client.id).where(Client.id.in_(ids), Client.id.in_(visible_ids())))
    )
    return [i for i in ids if i in allowed]


def _selected() -> tuple[list[int], list[str]]:
    """The clients and forms chosen: posted, or in the query (the readiness page's own link,
    so that switching the language keeps the choice)."""
    ids = [int(v) for v in request.values.getlist("clients") if v.isdigit()]
    known = {f["id"] for f in catalogue()}
    form_ids = [f for f in request.values.getlist("forms") if f in known]
    return _visible(ids), form_ids


@bp.route("/batches")
@login_required  # type: ignore[misc]
def index() -> Any:
    rows = recent_batches(50)
    return render_template("batches.html", batches=rows)


@bp.route("/batches/new", methods=["GET", "POST"])
@roles("specialist", "supervisor")
def new() -> Any:
    """Choose clients and forms. ``?client=<id>`` (the client page's "Fill forms") comes with
    that client ticked, still free to untick; a refused choice comes back as it was ticked."""
    clients, forms = _choices()
    if request.method == "GET" and not request.args.get("plan"):
        chosen = _visible([int(v) for v in request.args.getlist("client") if v.isdigit()])
        return _new_page(clients, forms, chosen, _open_forms(chosen, forms), 200)
    client_ids, form_ids = _selected()
    if not client_ids or not form_ids:
        flash(_("Choose at least one client and one form."), "error")
        return _new_page(clients, forms, client_ids, form_ids, 400)
    if len(client_ids) * len(form_ids) > MAX_ITEMS:
        flash(_("At most %(n)s items in one batch.", n=MAX_ITEMS), "error")
        return _new_page(clients, forms, client_ids, form_ids, 400)
    readiness = fbatch.plan(services().forms, db(), client_ids, form_ids, today())
    again = url_for("batches.new", plan=1, clients=client_ids, forms=form_ids)
    return render_template(
        "batch_plan.html", readiness=readiness, client_ids=client_ids, form_ids=form_ids,
        lang_next=again, problem_text=problem_text,
    )  # fmt: skip


def _open_forms(client_ids: list[int], forms: list[dict[str, Any]]) -> list[str]:
    """The forms of the chosen clients' applications not yet sent: "Fill forms" from a client
    page comes with them ticked (a walk filled nothing, then the wrong form)."""
    if not client_ids:
        return []
    offered = {f["id"] for f in forms}
    q = sa.select(Application.form_id).where(
        Application.client_id.in_(client_ids),
        Application.status.in_(("draft", "ready", "filled", "reviewed")),
    )
    return sorted({f for f in db().scalars(q) if f in offered})


def _new_page(
    clients: list[Client],
    forms: list[dict[str, Any]],
    chosen: list[int],
    form_ids: list[str],
    status: int,
) -> Any:
    listed = {c.id for c in clients}
    missing = [i for i in chosen if i not in listed]  # ticked, but not on this page of the list
    if missing:
        rows = db().scalars(sa.select(Client).where(Client.id.in_(missing))).all()
        clients = [*sorted(rows, key=lambda c: chosen.index(c.id)), *clients]
    page = render_template(
        "batch_new.html",
        clients=clients,
        forms=forms,
        q=request.values.get("q", ""),
        chosen=set(chosen),
        chosen_forms=set(form_ids),
    )
    return page, status


@bp.route("/batches/launch", methods=["POST"])
@roles("specialist", "supervisor")
def launch() -> Any:
    client_ids, form_ids = _selected()
    if not client_ids or not form_ids:
        flash(_("Choose at least one client and one form."), "error")
        return redirect(url_for("batches.new"))
    readiness = fbatch.plan(services().forms, db(), client_ids, form_ids, today())
    only_ready = request.form.get("only_ready") == "1"
    pairs = [(r.client, r.form) for r in readiness if r.ready or not only_ready][:MAX_ITEMS]
    if not pairs:
        flash(_("Nothing is ready to fill."), "error")
        return redirect(url_for("batches.new"))
    label = (request.form.get("label") or "").strip()[:200] or None
    batch = fbatch.create(db(), me().actor, pairs, today(), label)
    item_ids = [i.id for i in batch.items]
    batch_id = batch.id
    db().commit()
    queue_items(item_ids)
    return redirect(url_for("batches.show", batch_id=batch_id))


def queue_items(item_ids: list[int]) -> bool:
    """Hand saved items to the workers. When the queue is unreachable the batch stays saved,
    the workers' reconcile queues it later, and the user is told so; False then."""
    from worker.queue import submit

    try:
        submit(services().sessions, services().queue(), item_ids)
    except (RedisError, OSError):
        flash(
            _(
                "The batch is saved but the queue is unreachable; it will run when the workers "
                "reconcile."
            ),
            "error",
        )
        return False
    return True


@bp.route("/batches/<int:batch_id>")
@login_required  # type: ignore[misc]
def show(batch_id: int) -> Any:
    batch = batch_or_404(batch_id)
    data = fbatch.status(db(), batch_id)
    names = dict(
        db()
        .execute(
            sa.select(Client.id, Client.name).where(
                Client.id.in_({i.client_id for i in batch.items})
            )
        )
        .all()
    )
    try:
        catalog = services().catalog
        templates = list(services().forms.template_ids())
        letters = {i.form_id for i in batch.items if is_letter(catalog, templates, i.form_id)}
    except FormfillError:
        letters = set()
    languages = {cid: packet_language(db(), cid, _lang()) for cid in names}
    return render_template(
        "batch.html", batch=batch, data=data, names=names, letters=letters, languages=languages
    )


@bp.route("/batches/<int:batch_id>.zip")
@login_required  # type: ignore[misc]
def download_zip(batch_id: int) -> Any:
    batch = batch_or_404(batch_id)
    for cid in {i.client_id for i in batch.items}:
        client_or_404(cid)
    data = batch_zip(services().settings, db(), services().forms, batch_id, today(), _lang())
    record(db(), me().actor, "export", "batch", batch_id)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.zip"'},
    )


@bp.route("/batches/<int:batch_id>/clients/<int:client_id>/packet.pdf")
@login_required  # type: ignore[misc]
def packet(batch_id: int, client_id: int) -> Any:
    batch = batch_or_404(batch_id)
    client_or_404(client_id)
    if client_id not in {i.client_id for i in batch.items}:
        raise NotFoundError("client in batch", client_id)
    data = client_packet(
        services().settings, db(), services().forms, batch_id, client_id, today(), _lang(),
        me().actor,
    )  # fmt: skip
    record(db(), me().actor, "export", "packet", f"{batch_id}-{client_id}", client_id=client_id)
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="packet-{batch_id}-client-{client_id}.pdf"'
            )
        },
    )


def _item(batch_id: int, item_id: int) -> BatchItem:
    batch = batch_or_404(batch_id)
    item = next((i for i in batch.items if i.id == item_id), None)
    if item is None:
        raise NotFoundError("batch item", item_id)
    client_or_404(item.client_id, ("batch_item", item_id))
    return item


def _output_pdf(item: BatchItem) -> bytes:
    """The item's filled, verified output as a PDF (a Word output converted, as in its packet);
    ConversionError when it cannot be."""
    if not item.output_artifact:
        raise NotFoundError("output of item", item.id)
    settings = services().settings
    data = artifacts.read(settings, item.output_artifact)
    if data.startswith(b"%PDF"):
        return data
    return docx_to_pdf(data, f"{item.form_id}.docx", executable=settings.soffice)


@bp.route("/batches/<int:batch_id>/items/<int:item_id>/page/<int:page>.png")
@login_required  # type: ignore[misc]
def item_page(batch_id: int, item_id: int, page: int) -> Any:
    """A page of the item's output (never the blank): what goes to the agency."""
    item = _item(batch_id, item_id)
    try:
        pdf = _output_pdf(item)
    except ConversionError as e:
        raise NotFoundError("preview of item", item_id) from e
    png = preview.page_png(pdf, page, 900, item.form_id)
    record(
        db(),
        me().actor,
        "read",
        "output",
        (item.output_artifact or "")[:16],
        client_id=item.client_id,
    )
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.route("/batches/<int:batch_id>/items/<int:item_id>/preview")
@login_required  # type: ignore[misc]
def item_preview(batch_id: int, item_id: int) -> Any:
    item = _item(batch_id, item_id)
    problem = None
    pages = 0
    try:
        pages = preview.page_count(_output_pdf(item), item.form_id)
    except ConversionError as e:
        problem = e.reason
    name = db().scalar(sa.select(Client.name).where(Client.id == item.client_id))
    return render_template(
        "item_preview.html",
        item=item,
        pages=pages,
        batch_id=batch_id,
        problem=problem,
        client_name=name or f"#{item.client_id}",
    )


@bp.route("/batches/<int:batch_id>/items/<int:item_id>/track", methods=["POST"])
@login_required  # type: ignore[misc]
def track(batch_id: int, item_id: int) -> Any:
    """Track a filled row as an application of the program its form belongs to (asked when
    several programs list the form), or attach a letter to one of the client's applications."""
    item = _item(batch_id, item_id)
    back = url_for("batches.show", batch_id=batch_id)
    if item.status != "done" or not item.output_artifact:
        flash(_("Only a filled item can be tracked."), "error")
        return redirect(back)
    catalog = services().catalog
    letter = is_letter(catalog, list(services().forms.template_ids()), item.form_id)
    program = request.form.get("program") or None
    raw_attach = request.form.get("attach_to") or ""
    attach_to = int(raw_attach) if raw_attach.isdigit() else None
    if letter and attach_to is None:
        apps = store_apps.list_applications(db(), client_ids=[item.client_id])
        return render_template("batch_track.html", item=item, letter=True, apps=apps)
    batch = batch_or_404(batch_id)
    on = date.fromisoformat(batch.options["on"]) if batch.options.get("on") else today()
    try:
        with db().begin_nested():
            app = fbatch_track(
                db(), me().actor, catalog, item, on,
                program=program, letter=letter, attach_to=attach_to,
            )  # fmt: skip
    except ChooseProgram as e:
        return render_template("batch_track.html", item=item, letter=False, programs=e.programs)
    except FormfillError as e:
        flash(str(e), "error")
        return redirect(back)
    if letter:
        flash(
            _(
                "%(form)s is attached to the application for %(program)s.",
                form=form_title(item.form_id),
                program=program_name(app.program) if app.program else form_title(app.form_id),
            ),
            "info",
        )
    return redirect(url_for("applications.show", application_id=app.id))
