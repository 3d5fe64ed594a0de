"""Clients: the list with search, the client page, intake and edit, notes and referrals."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from formfill.cases.apply import OPEN, AlreadyOpen, open_application
from formfill.errors import FormfillError, ProfileError
from formfill.profile.provenance import Provenance, flatten, is_demo
from formfill.profile.validation import parse_profile, profile_warnings
from formfill.programs.screening import screen
from formfill.store import notes as store_notes
from formfill.store import users as store_users
from formfill.store.applications import list_applications
from formfill.store.clients import (
    count_clients,
    create_client,
    latest_version,
    list_clients,
    load_profile,
    profile_history,
    profile_json,
    reference_taken,
    save_profile,
    set_reference,
)
from formfill.store.models import EvidenceFile, User
from formfill.text import localised
from web.access import client_or_404
from web.auth import me, roles
from web.form_input import amount_example, countries, date_example, hours_example
from web.forms import (
    Section,
    build_sections,
    counts_of,
    field_errors,
    form_values,
    languages,
    normalize,
    parse_values,
    rerender_on_csrf,
)
from web.history import event_rows, version_rows
from web.labels import day_text, form_title
from web.problems import problem_text
from web.services import db, services, today

bp = Blueprint("clients", __name__)
PAGE = 50
OPEN_STATUSES = {s.value for s in OPEN}
HISTORY = 20  # profile versions shown, newest first


@bp.route("/clients")
@login_required  # type: ignore[misc]
def index() -> Any:
    q = (request.args.get("q") or "").strip()[:100]
    try:
        page = max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    user = me().row()
    rows = list_clients(db(), user, q or None, (page - 1) * PAGE, PAGE + 1, _lang())
    total = count_clients(db(), user, q or None) if page == 1 or rows else 0
    more = len(rows) > PAGE
    return render_template(
        "clients.html", clients=rows[:PAGE], q=q, page=page, more=more, total=total
    )


def _parent(path: str) -> str:
    """The object a flattened path's value sits in (``employment``, ``income.sources[0]``)."""
    return path.rsplit(".", 1)[0] if "." in path else ""


def _provenance_text(
    p: dict[str, Any] | None, users: dict[int, str], files: dict[int, str] | None = None
) -> str:
    if not p:
        return ""
    who = users.get(p.get("user_id") or 0, "")
    at = day_text((p.get("at") or "")[:10])
    if p.get("source") == "evidence":
        kind = _("corrected from evidence") if p.get("corrected") else _("from evidence")
        name = (files or {}).get(p.get("evidence_id") or 0) or _("an evidence file")
        page = _("p. %(page)s", page=p.get("page") or "-")
        return f"{kind} {name}, {page} · {who} {at}"
    if p.get("source") == "imported":
        if is_demo(p.get("imported_from")):  # the demo seed's synthetic clients, no file
            demo = _("demo data (synthetic)")
            return f"{demo} · {at}"
        imported = _("imported from %(source)s", source=p.get("imported_from"))
        return f"{imported} · {at}"
    if p.get("source") == "default":
        return _("default: nobody entered it")
    typed = _("typed")
    return f"{typed} · {who} {at}"


@bp.route("/clients/<int:client_id>")
@login_required  # type: ignore[misc]
def show(client_id: int) -> Any:
    session = db()
    client = client_or_404(client_id)
    actor = me().actor
    profile = version = None
    if latest_version(session, client_id) is not None:
        profile, version = load_profile(session, actor, client_id)
    users = dict(session.execute(sa.select(User.id, User.name)).all())
    evidence = session.scalars(
        sa.select(EvidenceFile)
        .where(EvidenceFile.client_id == client_id)
        .options(selectinload(EvidenceFile.proposals))  # the page counts those to decide
        .order_by(EvidenceFile.id)
    ).all()
    files = {e.id: e.filename for e in evidence}
    values = []
    if version is not None:
        flat = flatten(version.data)
        given = {  # the objects someone gave a value in (a default alone is no employment)
            _parent(path)
            for path in flat
            if (version.provenance.get(path) or {}).get("source") != "default"
        }
        for path, value in flat.items():
            prov = version.provenance.get(path)
            if (prov or {}).get("source") == "default" and _parent(path) not in given:
                continue
            values.append((path, value, _provenance_text(prov, users, files), prov or {}))
    screening = None
    warnings = (
        [problem_text(w, profile) for w in profile_warnings(profile, today())] if profile else []
    )
    if profile is not None:
        try:
            screening = screen(profile, services().catalog, today(), language=_lang())
        except FormfillError as e:
            flash(_("Screening is unavailable: %(why)s", why=str(e).splitlines()[0]), "error")
    apps = list_applications(session, client_ids=[client_id])
    open_programs = {
        a.program: a.id for a in reversed(apps) if a.program and a.status in OPEN_STATUSES
    }
    timelines = {a.id: event_rows(session, a.events, form_title(a.form_id)) for a in apps}
    versions = profile_history(session, actor, client_id) if version is not None else []
    return render_template(
        "client.html",
        client=client,
        profile=profile,
        version=version,
        values=values,
        screening=screening,
        evidence=evidence,
        applications=apps,
        timelines=timelines,
        history=version_rows(session, versions[-HISTORY:]),
        notes=store_notes.notes_for(session, actor, client_id),
        referrals=store_notes.referrals_for(session, actor, client_id),
        users=users,
        today=today(),
        warnings=warnings,
        open_programs=open_programs,
    )


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


def _render_form(
    client: Any,
    sections: list[Section],
    values: dict[str, str],
    status: int = 200,
    errors: dict[str, str] | None = None,
    general: list[str] | None = None,
    warnings: dict[str, str] | None = None,
) -> Any:
    lang = _lang()
    return render_template(
        "client_form.html",
        client=client,
        sections=sections,
        values=values,
        errors=errors or {},
        general=general or [],
        warnings=warnings or {},
        countries=countries(lang),
        languages=lambda current="": languages(lang, current),
        amount_example=amount_example(lang),
        hours_example=hours_example(lang),
        date_example=date_example(lang),
    ), status


def _save(client_id: int | None) -> Any:
    """Intake (client_id None) or edit: validate, and save a new profile version. "Add
    another ..." shows the form again with one more empty row and saves nothing; a failed
    save shows every row as typed."""
    session = db()
    client = client_or_404(client_id) if client_id is not None else None
    current = latest_version(session, client_id) if client_id is not None else None
    current_data = current.data if current else {}
    if request.method == "GET":
        warnings: dict[str, str] = {}
        if client_id is not None:
            profile, _v = load_profile(session, me().actor, client_id)  # audited as a read
            if profile is not None:
                warnings = {
                    w.where: problem_text(w, profile) for w in profile_warnings(profile, today())
                }
        sections = build_sections(counts_of(current_data))
        values = form_values(current_data, _lang())
        if client is not None:
            values["reference"] = client.reference or ""
        return _render_form(client, sections, values, warnings=warnings)
    add = request.form.get("add")
    values, counts, blanks = normalize(request.form, request.form.getlist("remove"), add)
    sections = build_sections(counts, blanks)
    if g.get("csrf_expired"):
        msg = _(
            "The form had expired. Nothing was saved; your entries are below: check them "
            "and save again."
        )
        return _render_form(client, sections, values, 400, general=[msg])
    if add:
        return _render_form(client, sections, values)  # nothing is saved
    reference = (request.form.get("reference") or "").strip()[:64] or None
    values["reference"] = reference or ""
    if reference is not None and reference_taken(session, reference, client_id):
        unreadable_ref = {
            "reference": _(
                "Our reference: “%(ref)s” is another client's already; give this client their own.",
                ref=reference,
            )
        }
    else:
        unreadable_ref = {}
    data, unreadable = parse_values(values, current_data, sections, _lang())
    unreadable = {**unreadable, **unreadable_ref}
    try:
        profile = parse_profile(data, source="the form")
    except ProfileError as e:
        errors, general = field_errors(e.problems, data)
        return _render_form(client, sections, values, 400, {**errors, **unreadable}, general)
    if unreadable:
        return _render_form(client, sections, values, 400, unreadable)
    actor = me().actor
    source = Provenance("typed", user_id=actor.user_id)
    saved = profile_json(profile)
    if client is not None and reference != client.reference:
        set_reference(session, actor, client.id, reference)
        if current is not None and saved == current_data:
            flash(_("Our reference saved."), "info")
            return redirect(url_for("clients.show", client_id=client.id))
    if client is not None and current is not None and saved == current_data:
        flash(_("Nothing changed, so nothing was saved."), "info")
        return redirect(url_for("clients.show", client_id=client.id))
    # a value the form left empty that the profile's default filled in was typed by nobody
    typed, before = set(flatten(data)), set(flatten(current_data))
    defaults = {
        path: Provenance("default")
        for path in flatten(saved)
        if path not in typed and path not in before
    }
    if client is None:
        client = create_client(session, actor, reference)
        if me().role in ("specialist", "supervisor"):
            store_users.assign(session, actor, me().uid, client.id)
        save_profile(session, actor, client.id, profile, source, defaults, note="intake")
        flash(_("Client created."), "info")
    else:
        save_profile(session, actor, client.id, profile, source, defaults, note="edited")
        flash(_("Profile saved."), "info")
    for warning in profile_warnings(profile, today()):
        what = problem_text(warning, profile)
        flash(_("Check before signing: %(what)s", what=what), "warning")
    return redirect(url_for("clients.show", client_id=client.id))


@bp.route("/clients/new", methods=["GET", "POST"])
@rerender_on_csrf("clients.new")
@roles("specialist", "supervisor")
def new() -> Any:
    return _save(None)


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
@rerender_on_csrf("clients.edit")
@login_required  # type: ignore[misc]
def edit(client_id: int) -> Any:
    return _save(client_id)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/clients/<int:client_id>/notes", methods=["POST"])
@login_required  # type: ignore[misc]
def add_note(client_id: int) -> Any:
    client_or_404(client_id)
    body = (request.form.get("body") or "").strip()
    if not body:
        flash(_("A note needs some text."), "error")
    else:
        store_notes.add_note(
            db(),
            me().actor,
            client_id,
            body[:5000],
            follow_up_on=_date(request.form.get("follow_up_on")),
        )
        flash(_("Note added."), "info")
    return redirect(url_for("clients.show", client_id=client_id) + "#notes")


@bp.route("/clients/<int:client_id>/referrals", methods=["POST"])
@login_required  # type: ignore[misc]
def add_referral(client_id: int) -> Any:
    client_or_404(client_id)
    service = (request.form.get("service") or "").strip()
    if not service:
        flash(_("A referral needs a service."), "error")
    else:
        store_notes.add_referral(
            db(),
            me().actor,
            client_id,
            service[:200],
            _date(request.form.get("referred_on")) or today(),
            organisation=(request.form.get("organisation") or "").strip()[:200] or None,
            reason=(request.form.get("reason") or "").strip()[:2000] or None,
        )
        flash(_("Referral added."), "info")
    return redirect(url_for("clients.show", client_id=client_id) + "#referrals")


@bp.route("/clients/<int:client_id>/applications", methods=["POST"])
@roles("specialist", "supervisor")
def open_applications(client_id: int) -> Any:
    """From the screening panel: a draft application for each ticked program, with the
    program's form, checklist and claim deadline (the call ``formfill screen --apply`` makes);
    a program with an application still open gets no second one."""
    client_or_404(client_id)
    back = url_for("clients.show", client_id=client_id)
    chosen = list(dict.fromkeys(request.form.getlist("programs")))
    start = _date(request.form.get("start"))
    if not chosen:
        flash(_("Tick at least one program to open an application for."), "error")
        return redirect(back + "#screening")
    if start is None:
        flash(_("The start of the right must be a date (YYYY-MM-DD)."), "error")
        return redirect(back + "#screening")
    catalog = services().catalog
    known = {p.id: p for p in catalog.programs}
    unknown = [pid for pid in chosen if pid not in known]
    if unknown:
        flash(_("Not in the program catalog: %(ids)s", ids=", ".join(unknown)[:200]), "error")
        return redirect(back + "#screening")
    session, actor = db(), me().actor
    for pid in chosen:
        program = known[pid]
        name = localised(program.name, _lang())
        try:
            made = open_application(session, actor, client_id, program, start, note="screening")
        except AlreadyOpen:
            flash(_("%(program)s: an application is already open.", program=name), "warning")
            continue
        form = form_title(made.application.form_id)
        flash(
            _("Application opened for %(program)s (%(form)s).", program=name, form=form)
            if form != name
            else _("Application opened for %(program)s.", program=name),
            "info",
        )
    return redirect(back + "#applications")
