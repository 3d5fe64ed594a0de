"""Seed a store with synthetic clients for the worker tests and the benchmark."""

from __future__ import annotations

import json
from pathlib import Path

from formfill.config import Settings
from formfill.profile.model import Profile
from formfill.profile.provenance import Provenance
from formfill.store import Actor, make_engine, make_sessions, migrate, session_scope
from formfill.store.clients import create_client, save_profile

REPO = Path(__file__).resolve().parents[2]
CLIENTS = REPO / "personas"
GIVEN = ["Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Per", "Astrid", "Nils", "Marit", "Jon"]


def seed(settings: Settings, n: int, incomplete: int = 0) -> list[int]:
    """Migrate and add ``n`` clients derived from nb_single_parent (varied given names); the last
    ``incomplete`` of them lack their birth number (required by the NAV forms)."""
    migrate.upgrade(settings)
    engine = make_engine(settings)
    sessions = make_sessions(engine)
    base = json.loads((CLIENTS / "nb_single_parent.json").read_text(encoding="utf-8"))
    actor = Actor.system("test")
    ids: list[int] = []
    with session_scope(sessions) as session:
        for i in range(n):
            data = json.loads(json.dumps(base))
            data["person"]["given_name"] = f"{GIVEN[i % len(GIVEN)]}{i}"
            if i >= n - incomplete:
                data.get("identifiers", {}).pop("no_fnr", None)
            client = create_client(session, actor, reference=f"T-{i}")
            save_profile(
                session, actor, client.id, Profile.model_validate(data),
                Provenance("imported", imported_from="tests/worker/seed.py"),
            )  # fmt: skip
            ids.append(client.id)
    engine.dispose()
    return ids
