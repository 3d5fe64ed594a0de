"""The map editor: upload a blank, get the draft (``map new``), decide each field on the page
image, declare tables, test-fill with a persona or client, publish when ``map check`` passes.

Admins and form maintainers edit; specialists and supervisors see the same page read-only. A
draft's map lives in the store (a draft form version); every save is loaded by the strict
loader before it is kept, and is in the audit log, as is the publication.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request
from flask import url_for as url
from flask_babel import gettext as _
from flask_login import login_required

from formfill.errors import FormfillError, FormMapError, NotFoundError, Problem
from formfill.evidence import preview
from formfill.maps.edit import (
    EDIT_SOURCES,
    EditSource,
    FieldEdit,
    Rows,
    rows_of,
    set_field,
    set_fields,
    set_header,
    set_rows,
)
from formfill.maps.editor import EditorField, Sheet, boxes_of, sheet
from formfill.maps.transforms import apply_transforms
from formfill.profile.expressions import expression_problems
from formfill.profile.model import vocabulary
from formfill.store import forms as store_forms
from formfill.store.models import FormVersion
from web.auth import me, roles
from web.labels import enum_label
from web.services import db, services

bp = Blueprint("editor", __name__)
EDITORS = ("admin", "form_maintainer")
PAGE_WIDTH = 1000  # the page image's pixels; the browser scales it to the column
TABLE_LISTS = ("household.children", "household.everyone", "household.others", "household.members",
               "address.previous", "income.sources", "benefits.current")  # fmt: skip
LINE = 0.008  # boxes whose tops differ by less than this fraction of the page are one line
FORM_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
TRANSFORM_EXAMPLES = ("date:%d.%m.%Y", "date_locale", "digits", "upper", "lower", "first",
                      "last", "chars:0:4", "phone", "money", "money0", "yesno", "language",
                      "country", "join:, ", "default:-")  # fmt: skip


def can_edit() -> bool:
    return me().role in EDITORS


def _version(form_id: str, number: int) -> FormVersion:
    return store_forms.get_version(db(), form_id, number)


def _blank(v: FormVersion) -> bytes:
    """The version's blank, as the catalogue reads and keeps it for fills."""
    forms = services().forms
    return forms.blank_data(forms.map_of(store_forms.stored(v)))


def _sheet(v: FormVersion) -> Sheet:
    cache = services().previews
    key = ("sheet", v.id, v.map_sha256)
    if key not in cache:
        cache[key] = sheet(v.form.kind, v.blank_name, _blank(v), v.map_text)  # type: ignore[assignment]
    return cache[key]  # type: ignore[return-value]


def _paths() -> list[dict[str, Any]]:
    from web.labels import path_label

    out = []
    for path, info in vocabulary().items():
        if path.endswith("[]") or info.type in ("object", "list[object]"):
            continue
        shown = path.replace("[]", "[0]")
        example = info.example if info.example is not None else ""
        described = _(info.description) if info.description else ""  # the catalog has them
        out.append({"path": shown, "label": path_label(shown), "description": described,
                    "example": str(example), "choices": list(info.choices)})  # fmt: skip
    return out


def _programs() -> list[str]:
    return sorted(p.id for p in services().forms.catalog().programs)


@bp.route("/forms/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new() -> Any:
    """Upload a blank: a new form, or a new version of a form the store holds."""
    typed = {k: (request.form.get(k) or "").strip() for k in ("form_id", "agency", "title")}
    # a new blank of a form the store holds: its id and agency stay, the page says whose
    existing = request.args.get("form", "") if request.method == "GET" else (
        typed["form_id"] if request.form.get("existing") == "1" else ""
    )  # fmt: skip
    current = store_forms.current_version(db(), existing) if existing else None
    if current is not None:
        typed["form_id"], typed["agency"] = current.form_id, current.form.agency
        if request.method == "GET" or not typed["title"]:
            typed["title"] = services().forms.map_of(store_forms.stored(current)).title
    if request.method == "GET":
        return render_template("form_new.html", typed=typed, problems=[], current=current)
    upload = request.files.get("blank")
    problems: list[str] = []
    data = upload.read(store_forms.MAX_BLANK_BYTES + 1) if upload else b""
    name = (upload.filename or "") if upload else ""
    if not data:
        problems.append(_("Choose the blank form (a PDF or Word file) to upload."))
    elif not name.lower().endswith((".pdf", ".docx")):
        problems.append(_("The blank must be a PDF or a Word (.docx) file."))
    elif name.lower().endswith(".pdf") and b"%PDF-" not in data[:1024]:
        problems.append(_("%(file)s is not a PDF: its contents are not a PDF file's. Upload "
                          "the agency's blank form itself.", file=name))  # fmt: skip
    elif name.lower().endswith(".docx") and not data.startswith(b"PK\x03\x04"):
        problems.append(_("%(file)s is not a Word (.docx) file: its contents are not a Word "
                          "document's. Upload the agency's blank form itself.",
                          file=name))  # fmt: skip
    if not FORM_ID.fullmatch(typed["form_id"]):
        problems.append(
            _("The form's id: small letters, digits, dots and dashes (nav-barnetrygd).")
        )
    if not FORM_ID.fullmatch(typed["agency"]):
        problems.append(_("The agency: small letters, digits, dots and dashes (nav)."))
    if not typed["title"]:
        problems.append(_("Give the form's title as the agency names it."))
    if not problems:
        try:
            stored_name = "blank.docx" if name.lower().endswith(".docx") else "blank.pdf"
            v = store_forms.new_draft(db(), services().settings, me().actor, data, stored_name,
                                      form_id=typed["form_id"], agency=typed["agency"],
                                      title=typed["title"])  # fmt: skip
            db().commit()
        except FormfillError as e:
            db().rollback()
            why = str(e).splitlines()[0].replace(stored_name, name)  # the user's file
            problems.append(_("%(file)s could not be drafted: %(why)s", file=name, why=why))
        else:
            flash(_("Draft made: decide the fields marked to do, then publish."), "ok")
            return redirect(url("editor.edit", form_id=v.form_id, number=v.version))
    return render_template("form_new.html", typed=typed, problems=problems, current=current), 400


@bp.route("/forms/<form_id>/v/<int:number>")
@login_required  # type: ignore[misc]
def edit(form_id: str, number: int) -> Any:
    v = _version(form_id, number)
    sh = _sheet(v)
    chosen = request.args.get("field") or ""
    field = sh.by_name().get(chosen) or sh.next_todo() or (sh.fields[0] if sh.fields else None)
    return _page(v, sh, field, None, [])


def _page(v: FormVersion, sh: Sheet, field: EditorField | None, typed: dict[str, Any] | None,
          problems: list[str], status: int = 200) -> Any:  # fmt: skip
    cache = services().previews
    key = ("check", v.id, v.map_sha256)
    if key not in cache:  # the same text against the same blank checks the same
        cache[key] = store_forms.check_version(services().settings, v)  # type: ignore[assignment]
    check: Any = cache[key]
    by_page: dict[int, list[tuple[EditorField, Any]]] = defaultdict(list)
    for f in sh.fields:
        for b in f.boxes:
            by_page[b.page].append((f, b))
    return render_template(
        "editor.html", v=v, sheet=sh, field=field, by_page=by_page, counts=sh.counts(),
        check=check, can_edit=can_edit() and v.status == "draft", typed=typed or {},
        problems=problems, paths=_paths(), transforms=TRANSFORM_EXAMPLES, sources=EDIT_SOURCES,
        lists=TABLE_LISTS, programs=_programs(), personas=_personas(), lang=_language(v),
        previous=_previous(v), clients=_clients(), currency=_currency(v), currencies=CURRENCIES,
    ), status  # fmt: skip


def _currency(v: FormVersion) -> str | None:
    """The form's currency as its map says (or its language implies); None: not said."""
    return services().forms.map_of(store_forms.stored(v)).currency


def _language(v: FormVersion) -> str:
    """The form's language (its map as the catalogue loaded it, not parsed again)."""
    return services().forms.map_of(store_forms.stored(v)).language


def _edit_from(form: Any, field: EditorField) -> FieldEdit:
    chosen = form.get("source") or "todo"
    source: EditSource = next((s for s in EDIT_SOURCES if s == chosen), "todo")
    value: str | bool = (form.get("value") or "").strip()
    if field.kind == "checkbox" and value in ("true", "false"):
        value = value == "true"
    options: dict[str, str] = {}
    for line in (form.get("options") or "").splitlines():
        key, eq, export = line.partition("=")
        if eq and key.strip():
            options[key.strip()] = export.strip()
    transforms = [t for t in (form.get("transform1", ""), form.get("transform2", "")) if t.strip()]
    return FieldEdit(
        field=field.name, source=source, profile=(form.get("profile") or "").strip(), value=value,
        expr=form.get("expr") or "", when=form.get("when") or "", skip=form.get("skip") or "",
        state=form.get("state") or "", transforms=transforms, options=options,
        required=form.get("required") == "1", label=field.entry.data.get("label", "")
        if field.entry and field.entry.active else "",
        overwrite_read_only=field.read_only and form.get("overwrite_read_only") == "1",
    )  # fmt: skip


def _save(v: FormVersion, text: str) -> list[str]:
    """Keep ``text`` as the draft's map; the loader's problems (nothing kept) otherwise."""
    try:
        store_forms.update_draft(db(), me().actor, v.form_id, v.version, text)
        db().commit()
    except FormMapError as e:
        db().rollback()
        return [str(p) for p in e.problems] or [str(e)]
    return []


@bp.route("/forms/<form_id>/v/<int:number>/field", methods=["POST"])
@roles(*EDITORS)
def save_field(form_id: str, number: int) -> Any:
    v = _version(form_id, number)
    sh = _sheet(v)
    field = sh.by_name().get(request.form.get("field") or "")
    if field is None:
        raise NotFoundError("field of the form", request.form.get("field") or "")
    if v.status != "draft":
        status = enum_label(v.status, "form_status")
        flash(_("Version %(n)s is %(status)s: make a new version to change it.", n=number,
                status=status), "error")  # fmt: skip
        return redirect(url("editor.edit", form_id=form_id, number=number, field=field.name))
    edit = _edit_from(request.form, field)
    try:
        text = _with_column(set_field(v.map_text, edit), edit)
    except FormMapError as e:
        return _page(v, sh, field, request.form, [p.message for p in e.problems], 400)
    problems = _save(v, text)
    if problems:
        return _page(v, sh, field, request.form, problems, 400)
    new = _sheet(v)
    nxt = new.next_todo(field.name) if request.form.get("stay") != "1" else None
    flash(_("Field %(n)s saved.", n=field.number), "ok")
    target = nxt.name if nxt else field.name
    return redirect(url("editor.edit", form_id=form_id, number=number, field=target) + "#detail")


def _with_column(text: str, edit: FieldEdit) -> str:
    """A cell of a declared table decided: the same column of every other row decided alike,
    reading its own item (the loader holds a table's rows to being filled alike)."""
    for table in rows_of(text):
        for ri, row in enumerate(table.fields):
            if edit.field not in row:
                continue
            ci = row.index(edit.field)
            own = re.compile(re.escape(table.list) + rf"\[{ri}\]")

            def moved(
                rj: int, cell: str, own: re.Pattern[str] = own, li: str = table.list
            ) -> FieldEdit:
                here = f"{li}[{rj}]"
                return replace(
                    edit, field=cell, label="", profile=own.sub(here, edit.profile),
                    expr=own.sub(here, edit.expr), when=own.sub(here, edit.when),
                )  # fmt: skip

            text = set_fields(text, [moved(rj, other[ci]) for rj, other in enumerate(table.fields)
                                     if rj != ri and ci < len(other)])  # fmt: skip
    return text


@bp.route("/forms/<form_id>/v/<int:number>/skip-rest", methods=["POST"])
@roles(*EDITORS)
def skip_rest(form_id: str, number: int) -> Any:
    """Skip every field still to decide, with one reason (the form's own boxes, the office's)."""
    v = _version(form_id, number)
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        flash(_("Give the reason the remaining fields are left blank."), "error")
        return redirect(url("editor.edit", form_id=form_id, number=number))
    todo = [f for f in _sheet(v).fields if f.status == "todo"]
    text = set_fields(v.map_text, [FieldEdit(f.name, "skip", skip=reason) for f in todo])
    problems = _save(v, text)
    for p in problems:
        flash(p, "error")
    if not problems:
        flash(_("%(n)s fields skipped.", n=len(todo)), "ok")
    return redirect(url("editor.edit", form_id=form_id, number=number))


def _lines(fields: list[EditorField]) -> list[list[EditorField]]:
    """Selected boxes grouped into the rows of a table: by page and line, each left to right."""
    placed = sorted((f for f in fields if f.boxes), key=lambda f: (f.boxes[0].page, f.boxes[0].top))
    rows: list[list[EditorField]] = []
    for f in placed:
        b = f.boxes[0]
        last = rows[-1][0].boxes[0] if rows else None
        if last and last.page == b.page and abs(last.top - b.top) < LINE:
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(r, key=lambda f: f.boxes[0].left) for r in rows]


def _like_first(first: EditorField, cell: EditorField, list_: str, index: int) -> FieldEdit:
    """Row ``index``'s cell filled like the first row's: the same entry, reading item ``index``."""
    assert first.entry is not None
    data = first.entry.data
    pattern = re.compile(re.escape(list_) + r"\[0\]")

    def moved(s: str) -> str:
        return pattern.sub(f"{list_}[{index}]", s)

    source = next(k for k in ("profile", "value", "expr", "when", "skip") if k in data)
    transform = data.get("transform", [])
    return FieldEdit(
        cell.name, source, profile=moved(str(data.get("profile", ""))),  # type: ignore[arg-type]
        value=data.get("value", ""), expr=moved(str(data.get("expr", ""))),
        when=moved(str(data.get("when", ""))), skip=str(data.get("skip", "")),
        state=str(data.get("state", "")) if data.get("state") in cell.states else "",
        transforms=[transform] if isinstance(transform, str) else list(transform),
        options=dict(data.get("options", {})), required=False,
    )  # fmt: skip


@bp.route("/forms/<form_id>/v/<int:number>/rows", methods=["POST"])
@roles(*EDITORS)
def declare_rows(form_id: str, number: int) -> Any:
    """The selected boxes are a table of ``list``: its first row as mapped, the other rows
    filled like it (item 2, 3, ...), and the table declared so who does not fit goes on the
    addendum."""
    v = _version(form_id, number)
    sh = _sheet(v)
    list_ = request.form.get("list") or ""
    chosen = [sh.by_name()[n] for n in request.form.getlist("sel") if n in sh.by_name()]
    back = url("editor.edit", form_id=form_id, number=number)
    if list_ not in TABLE_LISTS:
        flash(_("Choose whose table it is."), "error")
        return redirect(back)
    rows = _lines(chosen)
    if len(rows) < 2:
        flash(_("Select the boxes of at least two rows of the table."), "error")
        return redirect(back)
    first = rows[0]
    unmapped = [f for f in first if f.status != "mapped" or f"{list_}[0]" not in str(f.target)]
    if unmapped:
        flash(_("Map the first row to %(list)s[0] first: field %(n)s does not read it.",
                list=list_, n=unmapped[0].number), "error")  # fmt: skip
        return redirect(url("editor.edit", form_id=form_id, number=number, field=unmapped[0].name))
    bad = [i for i, r in enumerate(rows, 1) if len(r) != len(first)]
    if bad:
        flash(_("Row %(row)s has %(has)s boxes, the first row %(first)s: select whole rows.",
                row=bad[0], has=len(rows[bad[0] - 1]), first=len(first)), "error")  # fmt: skip
        return redirect(back)
    text = set_fields(v.map_text, [
        _like_first(head, cell, list_, index)
        for index, row in enumerate(rows[1:], 1)
        for head, cell in zip(first, row, strict=True)
    ])  # fmt: skip
    section = (request.form.get("section") or "").strip()
    text = set_rows(text, Rows(list_, tuple(tuple(f.name for f in r) for r in rows), section))
    problems = _save(v, text)
    for p in problems:
        flash(p, "error")
    if not problems:
        flash(_("Table of %(n)s rows declared.", n=len(rows)), "ok")
    return redirect(back)


@bp.route("/forms/<form_id>/v/<int:number>/try", methods=["POST"])
@roles(*EDITORS)
def try_it(form_id: str, number: int) -> Any:
    """As you type: the problems of a condition or expression, or a transform's result on the
    path's example value."""
    _version(form_id, number)
    kind = request.form.get("kind")
    if kind in ("when", "expr"):
        problems = expression_problems(request.form.get("text") or "", condition=kind == "when")
        return jsonify({"ok": not problems, "problems": problems})
    info = vocabulary().get(re.sub(r"\[\d+\]", "[]", request.form.get("profile") or ""))
    if info is None:
        return jsonify({"ok": False, "problems": [_("Not a profile path.")]})
    specs = [t for t in request.form.getlist("transform") if t.strip()]
    try:
        result = apply_transforms(info.example, specs, request.form.get("lang") or "en")
    except (FormfillError, ValueError) as e:
        return jsonify({"ok": False, "problems": [str(e)]})
    return jsonify({"ok": True, "example": str(info.example), "result": str(result)})


def _who_label(who: str) -> str:
    kind, _sep, ref = who.partition(":")
    if kind == "client":
        return dict(_clients()).get(int(ref), ref) if ref.isdigit() else ref
    return ref


def _clients() -> list[tuple[int, str]]:
    """The user's own clients a test-fill may use (none for an admin or form maintainer)."""
    import sqlalchemy as sa

    from formfill.store.models import Client
    from web.access import visible_ids

    q = (
        sa.select(Client.id, Client.name)
        .where(Client.id.in_(visible_ids()), Client.archived.is_(False))
        .order_by(Client.name)
        .limit(50)
    )
    return [(cid, name or f"#{cid}") for cid, name in db().execute(q)]


def _personas() -> list[str]:
    return [p.stem for p in sorted(services().settings.personas_dir.glob("*.json"))
            if not p.stem.startswith("invalid")]  # fmt: skip


def _test_fill(v: FormVersion, who: str) -> Any:
    """The version filled for a persona (``persona:NAME``) or one of the user's clients
    (``client:ID``, audited as a read): the FormFill, or a message."""
    from formfill.fill.form import fill_form
    from formfill.profile.validation import load_profile as load_json
    from formfill.store.clients import load_profile
    from web.access import client_or_404
    from web.services import today

    kind, _sep, ref = who.partition(":")
    if kind == "persona" and ref in _personas():
        profile = load_json(services().settings.personas_dir / f"{ref}.json")
    elif kind == "client" and ref.isdigit():
        client_or_404(int(ref))
        profile, _v = load_profile(db(), me().actor, int(ref))
        db().commit()
    else:
        raise NotFoundError("persona or client", ref or who)
    return fill_form(services().forms, v.form_id, profile, on=today(), allow_missing=True,
                     version=store_forms.stored(v))  # fmt: skip


@bp.route("/forms/<form_id>/v/<int:number>/test")
@login_required  # type: ignore[misc]
def test_fill(form_id: str, number: int) -> Any:
    v = _version(form_id, number)
    who = request.args.get("who") or ""
    if not who:
        return redirect(url("editor.edit", form_id=form_id, number=number))
    sh = _sheet(v)
    try:
        filled = _test_fill(v, who)
    except NotFoundError:
        raise
    except FormfillError as e:
        page = render_template("editor_test.html", v=v, sheet=sh, who=who, filled=None,
                               error=str(e), outcomes=[], who_label=_who_label(who))  # fmt: skip
        return page, 422
    services().previews[("test", v.id, v.map_sha256, who)] = filled.data
    labels = {f.name: f for f in sh.fields}
    outcomes = sorted(filled.report.outcomes, key=lambda o: labels[o.field].number
                      if o.field in labels else 10**6)  # fmt: skip
    # "every value landed" is true of what was written; a required field left blank is not
    required = [labels.get(m.field) or m.field for m in
                (filled.resolution.missing_required if filled.resolution else [])]  # fmt: skip
    return render_template("editor_test.html", v=v, sheet=sh, who=who, filled=filled,
                           outcomes=outcomes, labels=labels, error=None, required=required,
                           who_label=_who_label(who))  # fmt: skip


@bp.route("/forms/<form_id>/v/<int:number>/page/<int:page>.png")
@login_required  # type: ignore[misc]
def page_png(form_id: str, number: int, page: int) -> Any:
    """A page of the blank, or (``?who=``) of its test-fill."""
    v = _version(form_id, number)
    if v.form.kind != "pdf":
        abort(404)
    who = request.args.get("who") or ""
    cache = services().previews
    data = _blank(v)
    if who:
        key = ("test", v.id, v.map_sha256, who)
        if key not in cache:
            cache[key] = _test_fill(v, who).data
        data = cache[key]  # type: ignore[assignment]
    png_key = ("page", v.id, v.map_sha256 if who else "", who, page)
    if png_key not in cache:
        try:
            cache[png_key] = preview.page_png(data, page, PAGE_WIDTH, form_id)
        except FormfillError:
            abort(404)
    return Response(cache[png_key], mimetype="image/png",  # type: ignore[arg-type]
                    headers={"Cache-Control": "private, max-age=600"})  # fmt: skip


def _previous(v: FormVersion) -> FormVersion | None:
    """The newest published (or retired) version before ``v``: what a new blank is compared to."""
    older = [o for o in v.form.versions if o.version < v.version and o.status != "draft"]
    return max(older, key=lambda o: o.version) if older else None


@bp.route("/forms/<form_id>/v/<int:number>/changes")
@login_required  # type: ignore[misc]
def changes(form_id: str, number: int) -> Any:
    """The agency's new blank beside the one before: fields added, removed, renamed, moved or
    changed (type, options, states, MaxLen), with both pages and the boxes that changed."""
    v = _version(form_id, number)
    old = _previous(v)
    if old is None or v.form.kind != "pdf":
        raise NotFoundError("earlier published version of", form_id)
    cache = services().previews
    key = ("diff", old.id, v.id)
    if key not in cache:
        cache[key] = (  # type: ignore[assignment]
            store_forms.blank_diff(services().settings, old, v),
            boxes_of(old.blank_name, _blank(old)),
            boxes_of(v.blank_name, _blank(v)),
        )
    found: Any = cache[key]
    diff, (old_boxes, old_ratios), (new_boxes, new_ratios) = found
    shown = [c for c in diff.fields if c.kind != "same" or c.changes]
    marked: dict[str, dict[int, list[tuple[str, Any]]]] = {"old": defaultdict(list),
                                                            "new": defaultdict(list)}  # fmt: skip
    for c in shown:
        if c.old is not None:
            for b in old_boxes.get(c.old.name, []):
                marked["old"][b.page].append((c.kind, b))
        if c.new is not None:
            for b in new_boxes.get(c.new.name, []):
                marked["new"][b.page].append((c.kind, b))
    pages = sorted(set(marked["old"]) | set(marked["new"]))
    return render_template(
        "editor_changes.html", v=v, old=old, diff=diff, shown=shown, marked=marked, pages=pages,
        old_ratios=old_ratios, new_ratios=new_ratios, counts=_sheet(v).counts(),
    )  # fmt: skip


@bp.route("/forms/<form_id>/v/<int:number>/map.toml")
@login_required  # type: ignore[misc]
def map_text(form_id: str, number: int) -> Any:
    v = _version(form_id, number)
    return Response(v.map_text, mimetype="text/plain; charset=utf-8")


@bp.route("/forms/<form_id>/v/<int:number>/publish", methods=["POST"])
@roles(*EDITORS)
def publish(form_id: str, number: int) -> Any:
    """Publish a draft once every field is decided and ``map check`` passes (audited)."""
    todo = _sheet(_version(form_id, number)).counts()["todo"]
    if todo:
        flash(_("Not published: %(n)s fields are still to do.", n=todo), "error")
        return redirect(url("editor.edit", form_id=form_id, number=number))
    try:
        store_forms.publish(db(), services().settings, me().actor, form_id, number)
        db().commit()
    except FormMapError as e:
        db().rollback()
        flash(_("Not published: the map check found %(n)s problems.", n=len(e.problems)), "error")
        return redirect(url("editor.edit", form_id=form_id, number=number))
    services().previews.clear()  # the catalogue lists the new current version
    flash(_("Version %(n)s published: new fills use it.", n=number), "ok")
    return redirect(url("forms.show", form_id=form_id))


# the currencies the editor offers first (any ISO 4217 code Babel knows is accepted)
CURRENCIES = ("EUR", "NOK", "SEK", "DKK", "ISK", "GBP", "USD", "CAD", "AUD", "CHF", "PLN")


@bp.route("/forms/<form_id>/v/<int:number>/currency", methods=["POST"])
@roles(*EDITORS)
def set_currency(form_id: str, number: int) -> Any:
    """The currency the form asks its amounts in (written as the map's ``currency``): without
    it an English form's amounts are never written."""
    v = _version(form_id, number)
    code = (request.form.get("currency") or "").strip().upper()
    if v.status != "draft":
        flash(_("Version %(n)s is %(status)s: make a new version to change it.", n=number,
                status=enum_label(v.status, "form_status")), "error")  # fmt: skip
    elif not re.fullmatch(r"[A-Z]{3}", code):
        flash(_("Choose the currency the form's amounts are in."), "error")
    else:
        for p in _save(v, set_header(v.map_text, "currency", code)):
            flash(p, "error")
            break
        else:
            flash(_("The form's amounts are in %(code)s.", code=code), "ok")
    return redirect(url("editor.edit", form_id=form_id, number=number))


def field_problems(check: Any, name: str) -> list[Problem]:
    return [p for p in check.problems if p.where.startswith(f"fields[{name}]")]


bp.add_app_template_global(field_problems, "field_problems")
