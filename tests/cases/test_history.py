"""History as people read it: the notes formfill writes name the batch by its label (or #id),
a typed note stays as typed, and who did it is a name or a process, never ``user:N``."""

from __future__ import annotations

from datetime import date

from formfill.cases import batch as fbatch
from formfill.cases.history import EventNote, Who, read_notes, who
from formfill.store import clients, session_scope
from formfill.store import users as store_users
from tests.store.conftest import SYSTEM, Store


def test_batch_notes_name_the_batch_by_label_or_number(store: Store) -> None:
    with session_scope(store.sessions) as s:
        cid = clients.create_client(s, SYSTEM).id
        labelled = fbatch.create(s, SYSTEM, [(cid, "nav-yrkesskade")], date(2026, 1, 5), "Mars")
        plain = fbatch.create(s, SYSTEM, [(cid, "nav-barnetrygd")], date(2026, 1, 5))
        notes = [
            f"filled by batch {labelled.id} (item 7)",
            f"tracked from batch {plain.id}",
            "batch 999",
            "ringte NAV om Máret",
        ]
        read = read_notes(s, [*notes, None])
    assert read[notes[0]] == EventNote("batch_fill", batch="Mars")
    assert read[notes[1]] == EventNote("batch_track", batch=f"#{plain.id}")
    assert read[notes[2]] == EventNote("batch_track", batch="#999")  # a batch since removed
    assert read[notes[3]] == EventNote("text", text="ringte NAV om Máret")


def test_who_is_a_name_never_an_id(store: Store) -> None:
    with session_scope(store.sessions) as s:
        uid = store_users.create_user(s, SYSTEM, "a@example.org", "Čiekčá Somby", "specialist",
                                      "correct horse battery staple", None).id  # fmt: skip
    names = {uid: "Čiekčá Somby"}
    assert who(names, uid, f"user:{uid}") == Who("user", "Čiekčá Somby")
    assert who(names, None, f"user:{uid}") == Who("user", "Čiekčá Somby")  # label only
    assert who(names, uid + 1, f"user:{uid + 1}") == Who("unknown", "")
    assert who(names, None, "worker") == Who("process", "worker")
