"""The forms catalogue: each map with its coverage, a preview of its blank, and which of the
user's clients are ready for it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, render_template
from flask_login import login_required

from formfill.cases.batch import plan
from formfill.errors import FormfillError, NotFoundError
from formfill.evidence import preview
from formfill.maps.check import MapCheck
from formfill.store.forms import list_forms
from formfill.store.models import Client, FormVersion
from web.access import visible_ids
from web.auth import me
from web.services import db, services, today

bp = Blueprint("forms", __name__)
READY_LIMIT = 200


def _counts(check: MapCheck) -> dict[str, int]:
    """How much of the form the map covers, for the page to word in the reader's language."""
    sources = [f.source for f in check.fmap.fields] if check.fmap is not None else []
    return {
        "mapped": sum(k != "skip" for k in sources),
        "skipped": sources.count("skip"),
        "unmapped": len(check.unmapped),
        "problems": len(check.problems),
    }


def catalogue() -> list[dict[str, Any]]:
    """Every form's current version (with its coverage) and Word template; checked once per
    set of current versions (a version published since is checked at the next request)."""
    s = services()
    ids = s.forms.map_ids()
    current = {f: s.forms.current(f) for f in ids}
    key = ("catalogue", tuple((f, v.row_id if v else None) for f, v in current.items()))
    cache = s.previews.setdefault(key, [])  # type: ignore[arg-type]
    if cache:
        return cache  # type: ignore[return-value]
    out: list[dict[str, Any]] = []
    for form_id in ids:
        try:
            version = current[form_id]
            fmap = s.forms.map_of(version) if version else s.forms.map(form_id)
            check: MapCheck = s.forms.check(fmap)
            out.append(
                {
                    "id": form_id,
                    "title": fmap.title,
                    "agency": fmap.agency,
                    "kind": fmap.kind,
                    "language": fmap.language,
                    "ok": check.ok,
                    "coverage": check.summary(),
                    "counts": _counts(check),
                    "unmapped": check.unmapped,
                    "problems": [str(p) for p in check.problems],
                    "source": fmap.source,
                    "version": fmap.version,
                }
            )
        except FormfillError as e:
            out.append(
                {
                    "id": form_id,
                    "title": form_id,
                    "agency": "",
                    "kind": "?",
                    "language": "",
                    "ok": False,
                    "coverage": str(e).splitlines()[0],
                    "counts": None,
                    "unmapped": [],
                    "problems": [str(e)],
                    "source": None,
                    "version": None,
                }
            )
    for form_id, path in s.forms.template_ids().items():
        out.append(
            {
                "id": form_id,
                "title": s.forms.title(form_id),
                "agency": path.parent.name,
                "kind": "docx template",
                "language": form_id.rsplit("-", 1)[-1],
                "ok": True,
                "coverage": "Word template",
                "counts": None,
                "unmapped": [],
                "problems": [],
                "source": None,
                "version": None,
            }
        )
    cache.extend(out)  # type: ignore[attr-defined]
    return out


def form_or_404(form_id: str) -> dict[str, Any]:
    for f in catalogue():
        if f["id"] == form_id:
            return f
    raise NotFoundError("form", form_id)


EDITORS = ("admin", "form_maintainer")


def _versions() -> dict[str, list[FormVersion]]:
    """Every stored form's versions, newest first (the editor's way in)."""
    return {f.id: sorted(f.versions, key=lambda v: -v.version) for f in list_forms(db())}


@bp.route("/forms")
@login_required  # type: ignore[misc]
def index() -> Any:
    versions = _versions()
    listed = {f["id"] for f in catalogue()}
    drafts = {fid: vs for fid, vs in versions.items() if fid not in listed}
    return render_template(
        "forms.html", forms=catalogue(), drafts=drafts, can_edit=me().role in EDITORS
    )


@bp.route("/forms/<form_id>")
@login_required  # type: ignore[misc]
def show(form_id: str) -> Any:
    form = form_or_404(form_id)
    readiness = []
    if me().role in ("specialist", "supervisor"):
        ids = list(
            db().scalars(
                sa.select(Client.id)
                .where(Client.id.in_(visible_ids()), Client.archived.is_(False))
                .order_by(Client.name)
                .limit(READY_LIMIT)
            )
        )
        readiness = plan(services().forms, db(), ids, [form_id], today())
    return render_template(
        "form.html",
        form=form,
        readiness=readiness,
        versions=_versions().get(form_id, []),
        can_edit=me().role in EDITORS,
    )


@bp.route("/forms/<form_id>/preview.png")
@login_required  # type: ignore[misc]
def preview_png(form_id: str) -> Any:
    form = form_or_404(form_id)
    s = services()
    key = ("preview", form_id, form["version"])
    if key not in s.previews:
        if not form["source"] or not str(form["source"]).endswith(".pdf"):
            raise NotFoundError("preview of", form_id)
        data = s.forms.blank_data(s.forms.map(form_id))  # the published version's blank
        s.previews[key] = preview.page_png(data, 1, 600, form_id)
    return Response(
        s.previews[key], mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )
