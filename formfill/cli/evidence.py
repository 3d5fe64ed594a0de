"""``formfill ocr``, ``formfill extract`` and ``formfill evidence``: evidence from the command
line (a shell: parse the arguments, make one formfill call, print). cli.py registers them with
``register(cli)``.

``formfill evidence proposals|accept|correct|reject`` decide what was read from a client's
evidence as the review page does (``formfill.cases.review``), acting as the user named by
``--by`` (the convention of ``application advance``): the decision, the profile version and the
value's provenance name that user, and the user must be allowed to see the client. Exit status
2 for bad input (unknown id, a value the profile refuses), 3 for a conflict (the proposal is
decided already, or the profile changed since ``--seen``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from formfill.cli.common import EXIT_BAD_INPUT, EXIT_CONFLICT
from formfill.config import Settings
from formfill.errors import ConflictError, FormfillError
from formfill.evidence import ocr
from formfill.evidence.extract import extract_evidence, read_pages
from formfill.evidence.extractors import load_extractors
from formfill.evidence.files import Page, read_evidence


def _page_json(page: Page) -> dict[str, object]:
    return {
        "page": page.number,
        "source": page.source,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "skew": round(page.skew, 2),
        "notes": list(page.notes),
        "words": [
            {"text": w.text, "box": [round(v, 1) for v in w.box], "conf": w.conf, "line": w.line}
            for w in page.words
        ],
    }


def _fail(error: FormfillError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.command("ocr")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", default=None, help="Tesseract languages (default: FORMFILL_OCR_LANG).")
@click.option("--json", "as_json", is_flag=True, help="Pages with words, boxes and confidences.")
def ocr_command(files: tuple[Path, ...], lang: str | None, as_json: bool) -> None:
    """Print the text of each page of FILES (pages separated by a form feed). A PDF page with a
    text layer is read, not OCRed."""
    settings = Settings.from_env()
    lang = lang or settings.ocr_languages
    out: list[dict[str, object]] = []
    try:
        if not ocr.is_available():
            raise FormfillError("tesseract is not installed (apt install tesseract-ocr)")
        for path in files:
            evidence = read_evidence(path)
            pages = read_pages(evidence, lang)
            if as_json:
                out.append(
                    {
                        "file": str(path),
                        "evidence_id": evidence.id,
                        "pages": [_page_json(p) for p in pages],
                    }
                )
            else:
                click.echo("\f".join(p.text() for p in pages))
    except FormfillError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@click.command("extract")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", default=None, help="Tesseract languages (default: FORMFILL_OCR_LANG).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def extract_command(file: Path, lang: str | None, as_json: bool) -> None:
    """Print the document type of FILE and the profile values it proposes. Nothing is written
    to a profile: a specialist accepts, corrects or rejects each proposal."""
    settings = Settings.from_env()
    try:
        doc_types = load_extractors(settings.extractors_dir)
        evidence = read_evidence(file)
        result = extract_evidence(evidence, doc_types, lang or settings.ocr_languages)
    except FormfillError as e:
        _fail(e)
        return
    if as_json:
        payload = {
            "file": str(file),
            "evidence_id": result.evidence_id,
            "doc_type": result.doc_type,
            "language": result.language,
            "proposals": [p.as_dict() for p in result.proposals],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{file}: {result.doc_type or 'not recognised'} ({result.language or '?'})")
    for p in result.proposals:
        flag = "REVIEW" if p.needs_review else "ok"
        where = f"p{p.page}" if p.page else "implied"
        note = f"  [{p.note}]" if p.note else ""
        click.echo(f"  {flag:6} {p.confidence:4.2f} {where:7} {p.path} = {p.value}{note}")


# -- formfill evidence: the proposals read from a client's evidence, and their decisions ------

F = TypeVar("F", bound=Callable[..., Any])
STATES = ("proposed", "accepted", "corrected", "rejected")


def _decisions(fn: F) -> F:
    """Our errors as one line on stderr: a conflict exits 3 (like HTTP 409), others 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConflictError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_CONFLICT)
        except FormfillError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def _acting_user(session: Any, email: str, client_id: int) -> Any:
    """The active user with this email, who may see the client (the web's rule): else a
    FormfillError saying which."""
    import sqlalchemy as sa

    from formfill.store import users
    from formfill.store.clients import visible_client_ids

    user = users.user_by_email(session, email)
    if not user.active:
        raise FormfillError(f"user {user.email} is deactivated: they cannot decide anything")
    allowed = session.scalar(
        sa.select(sa.literal(1)).where(sa.literal(client_id).in_(visible_client_ids(user)))
    )
    if allowed is None:
        raise FormfillError(
            f"user {user.email} may not see client {client_id} (not on their caseload or "
            f"their team's): decide as a user who works with this client"
        )
    return user


def _cell(value: Any, width: int = 32) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_proposals(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("no proposals")
        return
    header = ("ID", "STATE", "PATH", "LABEL", "CURRENT", "PROPOSED", "SOURCE", "CONF", "DOUBT")
    table = [header]
    for r in rows:
        src = r["source"]
        where = f"evidence {src['evidence_id']}" + (f" p{src['page']}" if src["page"] else "")
        conf = f"{r['confidence']:.2f}" if r["confidence"] is not None else "-"
        table.append(
            (
                str(r["id"]),
                r["state"],
                r["path"],
                _cell(r["label"], 48),
                _cell(r["current"]),
                _cell(r["final"] if r["state"] == "corrected" else r["proposed"]),
                where,
                conf,
                "DOUBTFUL" if r["doubtful"] else "-",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for r in rows:
        for doubt in r["doubts"]:
            click.echo(f"  {r['id']}: {doubt}")


@click.group("evidence")
def evidence_group() -> None:
    """The values read from a client's evidence: list them, accept, correct or reject each."""


@evidence_group.command("proposals")
@click.argument("client_id", type=int)
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Only these.")
@click.option("--by", "by_email", help="Read as this user (email): only their clients.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_decisions
def proposals_cmd(
    client_id: int, states: tuple[str, ...], by_email: str | None, as_json: bool
) -> None:
    """List the proposals of client CLIENT_ID, pending and decided: the path and whose value
    it is, the profile's value now, the value read, its file and page, the confidence and
    whether it is doubtful."""
    from formfill.cases.review import client_review_items
    from formfill.store import Actor, open_store, session_scope

    engine, sessions = open_store(Settings.from_env())
    try:
        with session_scope(sessions) as s:
            actor = Actor.system("cli")
            if by_email:
                actor = Actor.of(_acting_user(s, by_email, client_id))
            items = client_review_items(s, actor, client_id, set(states) or None)
            rows = [item.to_dict() for item in items]
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    _print_proposals(rows)


def _decide(
    proposal_id: int,
    action: str,
    by_email: str,
    as_json: bool,
    value: str | None = None,
    seen: str | None = None,
    reason: str | None = None,
) -> None:
    from formfill.cases.review import UNSEEN, decide
    from formfill.store import Actor, get_row, open_store, session_scope
    from formfill.store.models import EvidenceProposal

    engine, sessions = open_store(Settings.from_env())
    try:
        with session_scope(sessions) as s:
            proposal = get_row(s, EvidenceProposal, proposal_id, "proposal")
            client_id = proposal.evidence.client_id
            actor = Actor.of(_acting_user(s, by_email, client_id))
            done = decide(
                s, actor, proposal_id, action, value, UNSEEN if seen is None else seen, reason
            )
    finally:
        engine.dispose()
    if as_json:
        out = {
            "id": done.proposal_id,
            "client_id": client_id,
            "path": done.path,
            "state": done.status,
            "value": done.value,
            "replaced": done.replaced,
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    line = f"proposal {done.proposal_id} {done.status}: client {client_id} {done.path}"
    if done.value is not None:
        line += f" = {done.value}"
    if done.replaced is not None:
        line += f" (replaced {done.replaced})"
    click.echo(line)


_BY = click.option(
    "--by",
    "by_email",
    required=True,
    help="The user deciding (email); recorded in the audit log and the value's provenance.",
)
_SEEN = click.option(
    "--seen",
    help="The current value you saw; refused (exit 3) when the profile holds another now.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@evidence_group.command("accept")
@click.argument("proposal_id", type=int)
@_BY
@_SEEN
@_JSON
@_decisions
def accept_cmd(proposal_id: int, by_email: str, seen: str | None, as_json: bool) -> None:
    """Accept proposal PROPOSAL_ID: its value goes into the client's profile, with the
    evidence as its provenance."""
    _decide(proposal_id, "accept", by_email, as_json, seen=seen)


@evidence_group.command("correct")
@click.argument("proposal_id", type=int)
@click.argument("value")
@_BY
@_SEEN
@_JSON
@_decisions
def correct_cmd(
    proposal_id: int, value: str, by_email: str, seen: str | None, as_json: bool
) -> None:
    """Accept proposal PROPOSAL_ID with VALUE instead of the value read (checked as the
    profile checks it: ISO dates, dot decimals, codes)."""
    _decide(proposal_id, "correct", by_email, as_json, value=value, seen=seen)


@evidence_group.command("reject")
@click.argument("proposal_id", type=int)
@click.option("--reason", help="Why; kept as a note on the client.")
@_BY
@_JSON
@_decisions
def reject_cmd(proposal_id: int, reason: str | None, by_email: str, as_json: bool) -> None:
    """Reject proposal PROPOSAL_ID: the profile stays as it is."""
    _decide(proposal_id, "reject", by_email, as_json, reason=reason)


def register(cli: click.Group) -> None:
    """Add ``ocr``, ``extract`` and ``evidence`` to the ``formfill`` command group."""
    cli.add_command(ocr_command)
    cli.add_command(extract_command)
    cli.add_command(evidence_group)
