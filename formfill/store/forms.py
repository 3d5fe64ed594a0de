"""Agency forms in the store: each form a record with versions (blank, fingerprint, map text,
status), and the catalogue's view of them.

A version is ``draft`` until it is published (only a map that passes ``map check`` against its
own blank is), then ``published``, then perhaps ``retired``. A published version never changes:
this module never writes one but to retire it, and the session guard and database triggers
refuse anyone else (store/guards.py, migration 0006). A form's current version is its newest
published one; a fill, a batch item and an application record the version they used.

``formfill db upgrade`` imports ``form_maps/`` with their blanks from ``sample_forms/`` as
published versions (:func:`import_folder`), keyed by the blank's fingerprint: a blank the store
already holds a version of is not imported again.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload, sessionmaker

from formfill import artifacts
from formfill.config import Settings
from formfill.errors import ConflictError, FormfillError, FormMapError, NotFoundError, Problem
from formfill.fill.catalogue import StoredVersion
from formfill.maps.check import MapCheck, blank_views, check_against
from formfill.maps.diff import FormDiff
from formfill.maps.loader import load_map_text
from formfill.maps.model import FormMap
from formfill.pdf.inspect import check_is_pdf
from formfill.store.audit import Actor, record
from formfill.store.db import session_scope
from formfill.store.models import Form, FormVersion, utcnow

__all__ = [
    "FolderImport",
    "StoreVersions",
    "add_version",
    "check_version",
    "current_version",
    "get_version",
    "import_folder",
    "list_forms",
    "parse_ref",
    "publish",
    "retire",
    "stored",
]

BLANK_KIND = "blank"  # the artifact kind of a form's blank


def stored(v: FormVersion) -> StoredVersion:
    """What the catalogue needs of a version to fill it (no session)."""
    return StoredVersion(
        form_id=v.form_id,
        agency=v.form.agency,
        kind=v.form.kind,
        number=v.version,
        row_id=v.id,
        status=v.status,
        fingerprint=v.fingerprint,
        map_text=v.map_text,
        blank_artifact=v.blank_artifact,
        blank_name=v.blank_name,
    )


def parse_ref(text: str) -> tuple[str, int | None]:
    """``nav-barnetrygd`` or ``nav-barnetrygd@2`` -> (form id, version number or None)."""
    form_id, at, number = text.partition("@")
    if not at:
        return form_id, None
    if not number.isdigit() or int(number) < 1:
        raise FormMapError(text, [Problem("version", f"{number!r} is not a version number")])
    return form_id, int(number)


def _map_header(text: str, where: str) -> tuple[str, str]:
    """The id and agency a map's text declares (the strict loader checks the rest)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FormMapError(where, [Problem("", f"not valid TOML: {e}")]) from None
    problems = [
        Problem(key, "missing: a map names its id and agency")
        for key in ("id", "agency")
        if not isinstance(data.get(key), str) or not data[key].strip()
    ]
    if problems:
        raise FormMapError(where, problems)
    return data["id"], data["agency"]


def _check(fmap: FormMap, blank: bytes, blank_name: str) -> MapCheck:
    try:
        views, fp = blank_views(fmap.kind, blank_name, blank)
    except FormfillError as e:
        result = MapCheck(fmap.path, fmap)
        result.problems.append(Problem("blank", f"{blank_name}: {e}"))
        return result
    return check_against(fmap, views, fp)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_version(
    session: Session,
    settings: Settings,
    actor: Actor,
    map_text: str,
    blank: bytes,
    blank_name: str,
    *,
    publish_it: bool = False,
) -> FormVersion:
    """A new draft version of the form ``map_text`` names (the form is made on its first
    version), loaded by the strict loader and checked against ``blank``; published at once
    with ``publish_it`` (refused, nothing stored, unless ``map check`` passes).

    The same map text with the same blank as an existing version is that version (published
    if asked and it is a draft), not a new one."""
    form_id, agency = _map_header(map_text, blank_name)
    fmap = load_map_text(map_text, Path(agency) / f"{form_id}.toml")
    check = _check(fmap, blank, blank_name)
    if check.fingerprint is None:
        raise FormMapError(form_id, check.problems)  # not a blank we can read at all
    if publish_it and not check.ok:
        raise FormMapError(f"{form_id} (not published)", check.problems)
    form = session.get(Form, form_id)
    if form is None:
        form = Form(id=form_id, agency=agency, kind=fmap.kind, created_by=actor.user_id)
        session.add(form)
        session.flush()
        record(session, actor, "create", "form", form_id)
    elif (form.agency, form.kind) != (agency, fmap.kind):
        raise ConflictError(
            f"{form_id} is a {form.kind} form of {form.agency}, not a {fmap.kind} form of {agency}"
        )
    blank_id = hashlib.sha256(blank).hexdigest()
    same = session.scalar(
        sa.select(FormVersion).where(
            FormVersion.form_id == form_id,
            FormVersion.blank_artifact == blank_id,
            FormVersion.map_sha256 == _sha(map_text),
        )
    )
    if same is not None:
        if publish_it and same.status == "draft":
            _publish(session, actor, same)
        return same
    number = (
        session.scalar(
            sa.select(sa.func.max(FormVersion.version)).where(FormVersion.form_id == form_id)
        )
        or 0
    ) + 1
    artifacts.save(settings, blank, BLANK_KIND)
    version = FormVersion(
        form_id=form_id,
        version=number,
        status="draft",
        fingerprint=check.fingerprint,
        map_text=map_text,
        map_sha256=_sha(map_text),
        blank_artifact=blank_id,
        blank_name=Path(blank_name).name,
        created_by=actor.user_id,
    )
    session.add(version)
    session.flush()
    record(session, actor, "create", "form_version", version.id)
    if publish_it:
        _publish(session, actor, version)
    return version


def _publish(session: Session, actor: Actor, version: FormVersion) -> None:
    version.status = "published"
    version.published_at, version.published_by = utcnow(), actor.user_id
    session.flush()
    record(
        session,
        actor,
        "update",
        "form_version",
        version.id,
        ["status", "published_at", "published_by"],
    )


def check_version(settings: Settings, version: FormVersion) -> MapCheck:
    """``map check`` of a stored version against its own stored blank."""
    ref = stored(version)
    fmap = load_map_text(ref.map_text, ref.map_path(), ref.number)
    return _check(fmap, artifacts.read(settings, ref.blank_artifact), ref.blank_name)


def publish(
    session: Session, settings: Settings, actor: Actor, form_id: str, number: int
) -> FormVersion:
    """Publish a draft: refused unless its map passes ``map check`` against its blank. The
    publication is in the audit log; the version never changes again (but to be retired)."""
    version = get_version(session, form_id, number)
    if version.status != "draft":
        raise ConflictError(f"form version {form_id}@{number} is {version.status}, not a draft")
    check = check_version(settings, version)
    if not check.ok:
        raise FormMapError(f"{form_id}@{number} (not published)", check.problems)
    _publish(session, actor, version)
    return version


def retire(session: Session, actor: Actor, form_id: str, number: int) -> FormVersion:
    """Retire a published version: no new fill uses it; what was filled with it keeps it."""
    version = get_version(session, form_id, number)
    if version.status != "published":
        raise ConflictError(f"form version {form_id}@{number} is {version.status}, not published")
    version.status, version.retired_at, version.retired_by = "retired", utcnow(), actor.user_id
    session.flush()
    record(session, actor, "update", "form_version", version.id, ["status"])
    return version


def list_forms(session: Session) -> list[Form]:
    """Every form with its versions, by id."""
    q = sa.select(Form).options(selectinload(Form.versions)).order_by(Form.id)
    return list(session.scalars(q))


def current_version(session: Session, form_id: str) -> FormVersion | None:
    """The form's newest published version, or None."""
    q = (
        sa.select(FormVersion)
        .options(selectinload(FormVersion.form))
        .where(FormVersion.form_id == form_id, FormVersion.status == "published")
        .order_by(FormVersion.version.desc())
        .limit(1)
    )
    return session.scalar(q)


def get_version(session: Session, form_id: str, number: int | None = None) -> FormVersion:
    """Version ``number`` of the form (any status), or its current published version when
    ``number`` is None; NotFoundError naming what is missing."""
    if session.get(Form, form_id) is None:
        raise NotFoundError("form", form_id)
    if number is None:
        version = current_version(session, form_id)
        if version is None:
            raise NotFoundError("published version of form", form_id)
        return version
    q = sa.select(FormVersion).where(FormVersion.form_id == form_id, FormVersion.version == number)
    found = session.scalar(q)
    if found is None:
        raise NotFoundError("form version", f"{form_id}@{number}")
    return found


# -- the folder's forms ----------------------------------------------------------------------


@dataclass
class FolderImport:
    """What :func:`import_folder` did: ``added`` versions (form@n), forms ``unchanged`` (their
    blank is in the store already), ``differs``: forms whose map file differs from the stored
    version of the same blank (not imported: ``formfill forms import`` publishes it), and the
    ``problems`` of every map file that could not be imported (it does not load, its blank is
    missing, or it fails ``map check``), each named by its file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_folder(settings: Settings, session: Session, actor: Actor) -> FolderImport:
    """Import every ``form_maps/<agency>/<id>.toml`` with its blank (the map's ``source``) as a
    published version, unless the store holds a version of that form with the same blank
    fingerprint. Idempotent. A map that cannot be imported is listed in ``problems`` with every
    problem found, and the others are imported: each form is its own version, so a broken file
    in the checkout does not keep the good ones (or the schema upgrade) from the store."""
    done = FolderImport()
    root = settings.maps_dir
    problems = done.problems
    for path in sorted(root.glob("*/*.toml")) if root.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            fmap = load_map_text(text, Path(path.parent.name) / path.name)
            blank_path = settings.root / fmap.source
            blank = blank_path.read_bytes()
            views, fp = blank_views(fmap.kind, blank_path.name, blank)
        except FormMapError as e:
            problems += [Problem(f"{rel}: {p.where}", p.message) for p in e.problems]
            continue
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem(rel, f"cannot read the map or its blank: {e}"))
            continue
        except FormfillError as e:
            problems.append(Problem(rel, f"blank {fmap.source}: {e}"))
            continue
        same_blank = session.scalars(
            sa.select(FormVersion).where(
                FormVersion.form_id == fmap.id, FormVersion.fingerprint == fp
            )
        ).all()
        if same_blank:
            if any(v.map_sha256 == _sha(text) for v in same_blank):
                done.unchanged.append(fmap.id)
            else:
                done.differs.append(fmap.id)
            continue
        check = check_against(fmap, views, fp)
        if not check.ok:
            problems += [Problem(f"{rel}: {p.where}", p.message) for p in check.problems]
            continue
        version = add_version(
            session, settings, actor, text, blank, blank_path.name, publish_it=True
        )
        done.added.append(f"{version.form_id}@{version.version}")
    return done


# -- the catalogue's source ------------------------------------------------------------------


class StoreVersions:
    """The store as a catalogue's :class:`formfill.fill.VersionSource`: each question is one
    short read, so a version published a moment ago is the current one at the next fill."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def form_ids(self) -> list[str]:
        q = (
            sa.select(FormVersion.form_id)
            .where(FormVersion.status == "published")
            .distinct()
            .order_by(FormVersion.form_id)
        )
        with session_scope(self.sessions) as session:
            return list(session.scalars(q))

    def current(self, form_id: str) -> StoredVersion | None:
        with session_scope(self.sessions) as session:
            version = current_version(session, form_id)
            return stored(version) if version is not None else None

    def get(self, form_id: str, number: int) -> StoredVersion:
        with session_scope(self.sessions) as session:
            try:
                return stored(get_version(session, form_id, number))
            except NotFoundError as e:
                raise FormMapError(form_id, [Problem(f"{form_id}@{number}", str(e))]) from None


# --- the map editor's writes --------------------------------------------------------------------

MAX_BLANK_BYTES = 32 * 1024 * 1024  # an agency form is a few MB; the web refuses more


def _docx_draft(head: dict[str, str], views: dict[str, object], fp: str) -> str:
    """A Word form's first draft: every field a TODO (``map new`` drafts PDF forms only)."""
    from formfill.maps.draft.render import clean, toml_string

    lines = [
        f"# Drafted from {clean(head['source'])}: {len(views)} fields for a person to decide.",
        *(f"{k} = {toml_string(v)}" for k, v in head.items()),
        f"fingerprint = {toml_string(fp)}",
    ]
    for name in views:
        lines += [
            "",
            f"# p- docx: {clean(name, 90)}",
            "# TODO unmapped: map it or skip it, then uncomment",
            "# [[fields]]",
            f"# field = {toml_string(name)}",
        ]
    return "\n".join(lines) + "\n"


def draft_text(blank: bytes, blank_name: str, form_id: str, agency: str, title: str) -> str:
    """The first draft of a map for a blank (``map new``'s for a PDF form, every field a TODO
    for a Word form), as text that loads and checks against the blank."""
    import tempfile

    from formfill.maps.draft.passes import draft_map
    from formfill.maps.draft.render import render_toml, toml_string

    if len(blank) > MAX_BLANK_BYTES:
        raise FormMapError(blank_name, [Problem("blank", "larger than 32 MB: not a form")])
    kind = "docx" if blank_name.lower().endswith(".docx") else "pdf"
    if kind == "docx":
        views, fp = blank_views("docx", blank_name, blank)
        head = {"id": form_id, "agency": agency, "title": title, "kind": "docx",
                "source": blank_name, "language": "en"}  # fmt: skip
        return _docx_draft(head, views, fp)
    blank_views("pdf", blank_name, blank)  # a clear error for what is not a fillable PDF
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "blank.pdf"
        path.write_bytes(blank)
        draft = draft_map(path)
    text = render_toml(draft, form_id=form_id, agency=agency, source=blank_name)
    return re.sub(r"(?m)^title = .*$", lambda _m: f"title = {toml_string(title)}", text, count=1)


def new_draft(
    session: Session,
    settings: Settings,
    actor: Actor,
    blank: bytes,
    blank_name: str,
    *,
    form_id: str,
    agency: str,
    title: str,
) -> FormVersion:
    """Upload of a blank: the draft of its map, kept as a draft version of ``form_id`` (a new
    form, or a new version of one the store holds)."""
    base = current_version(session, form_id) if session.get(Form, form_id) else None
    if base is not None and base.form.kind == "pdf" and blank_name.lower().endswith(".pdf"):
        text = migrated_text(settings, base, blank, blank_name)
    else:
        text = draft_text(blank, blank_name, form_id, agency, title)
    return add_version(session, settings, actor, text, blank, blank_name)


def blank_diff(settings: Settings, old: FormVersion, new: FormVersion) -> FormDiff:
    """What changed between two versions' blanks (added, removed, renamed, moved, changed)."""
    import tempfile

    from formfill.maps.diff import diff_forms

    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "old.pdf", Path(tmp) / "new.pdf"
        a.write_bytes(artifacts.read(settings, old.blank_artifact))
        b.write_bytes(artifacts.read(settings, new.blank_artifact))
        return diff_forms(a, b)


def migrated_text(settings: Settings, base: FormVersion, blank: bytes, blank_name: str) -> str:
    """The map of ``base`` carried over to a new blank of its form (``map diff``): what is sure
    to hold is kept, the rest (renamed with an unsure match, changed, added) is a TODO."""
    import tempfile

    from formfill.maps.diff import diff_forms, migrate_map

    check_is_pdf(blank_name, blank)
    with tempfile.TemporaryDirectory() as tmp:
        old_pdf, new_pdf = Path(tmp) / "old.pdf", Path(tmp) / "new.pdf"
        old_pdf.write_bytes(artifacts.read(settings, base.blank_artifact))
        new_pdf.write_bytes(blank)
        map_file = Path(tmp) / base.form.agency / f"{base.form_id}.toml"
        map_file.parent.mkdir()
        map_file.write_text(base.map_text, encoding="utf-8")
        fmap = replace(load_map_text(base.map_text, map_file), path=map_file)
        diff = diff_forms(old_pdf, new_pdf)
        text, _todo = migrate_map(fmap, diff, blank_name)
    return text


def update_draft(
    session: Session, actor: Actor, form_id: str, number: int, map_text: str
) -> FormVersion:
    """A draft's map replaced by ``map_text`` (from the editor), loaded by the strict loader
    first: FormMapError and nothing kept when it does not load; ConflictError for a version
    that is no longer a draft. The change is in the audit log."""
    version = get_version(session, form_id, number)
    if version.status != "draft":
        raise ConflictError(f"form version {form_id}@{number} is {version.status}, not a draft")
    fmap = load_map_text(map_text, stored(version).map_path(), number)
    if (fmap.id, fmap.kind) != (form_id, version.form.kind):
        raise ConflictError(f"the map names {fmap.id} ({fmap.kind}), not {form_id}")
    if map_text == version.map_text:
        return version
    version.map_text, version.map_sha256 = map_text, _sha(map_text)
    session.flush()
    record(session, actor, "update", "form_version", version.id, ["map_text"])
    return version
