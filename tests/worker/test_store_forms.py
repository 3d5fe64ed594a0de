"""Workers fill the form version the store publishes, never their own folder's copy: a real
`formfill worker` process on a machine whose FORMFILL_HOME has no form_maps/ or sample_forms/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from formfill import artifacts
from formfill.store import Actor, make_engine, make_sessions, session_scope
from formfill.store import forms as store_forms
from formfill.store.models import Batch
from tests.worker.seed import seed
from tests.worker.test_queue import Env, env

__all__ = ["env"]  # the fixture, shared with test_queue

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]
FORM = "nav-yrkesskade"
BLANK = REPO / "sample_forms" / "nav" / f"{FORM}.pdf"


def test_worker_fills_the_version_published_in_the_store(env: Env, tmp_path: Path) -> None:
    """A version published through the core (the family name written as a literal) is what a
    worker fills, with no form folders on its machine at all; the item names the version."""
    seed(env.settings, 1)  # db upgrade: the folder's forms are published as version 1
    text = (REPO / "form_maps" / "nav" / f"{FORM}.toml").read_text(encoding="utf-8")
    old = 'field = "Etternavn"\nprofile = "person.family_name"'
    assert old in text
    engine = make_engine(env.settings)
    sessions = make_sessions(engine)
    with session_scope(sessions) as s:
        v2 = store_forms.add_version(
            s, env.settings, Actor.system("test"),
            text.replace(old, 'field = "Etternavn"\nvalue = "STORE-V2"'),
            BLANK.read_bytes(), BLANK.name, publish_it=True,
        )  # fmt: skip
        v2_id = v2.id
    bare = tmp_path / "machine"  # programs and templates, no form_maps/ or sample_forms/
    bare.mkdir()
    for name in ("programs", "templates", "extractors", "personas"):
        (bare / name).symlink_to(REPO / name)
    env.environ["FORMFILL_HOME"] = str(bare)
    r = env.run("batch", "run", "--clients", "all", "--forms", FORM, "--json")
    assert r.returncode == 0, r.stderr
    r = env.run("worker", "--burst", "-n", "1", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    with session_scope(sessions) as s:
        batch = s.get(Batch, max(b.id for b in s.query(Batch).all()))
        assert batch is not None
        (item,) = batch.items
        assert item.status == "done", item.error
        assert item.form_version_id == v2_id and item.report is not None
        assert item.report["form_version"] == 2
        output = item.output_artifact
    engine.dispose()
    assert output is not None
    fields = PdfReader(io.BytesIO(artifacts.read(env.settings, output))).get_form_text_fields()
    assert fields["Etternavn"] == "STORE-V2"
