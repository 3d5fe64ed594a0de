"""The client list is in the reader's alphabetical order (ICU collation, decision 40), not the
database's code-point order: in nb Æ Ø Å come after Z and Aa is Å; in nl and en Å is an A and
Ø an O; é and the Sámi Č sort with their base letters. Paging follows the same order."""

from __future__ import annotations

from formfill.profile.provenance import Provenance
from formfill.profile.validation import parse_profile
from formfill.store import clients, session_scope
from formfill.store import users as store_users
from formfill.store.models import User
from formfill.text import sort_key
from tests.store.conftest import SYSTEM, Store

NAMES = [
    ("Zara", "Ali"), ("Øystein", "Berg"), ("Åse", "Lund"), ("Ærlig", "Nilsen"),
    ("Élodie", "Martin"), ("Eva", "Smit"), ("Čiekčá", "Biret"), ("Cecilie", "Dahl"),
    ("Ole", "Hansen"), ("Aase", "Moen"),
]  # fmt: skip
NB = ["Cecilie Dahl", "Čiekčá Biret", "Élodie Martin", "Eva Smit", "Ole Hansen", "Zara Ali",
      "Ærlig Nilsen", "Øystein Berg", "Åse Lund", "Aase Moen"]  # fmt: skip
NL = ["Aase Moen", "Ærlig Nilsen", "Åse Lund", "Cecilie Dahl", "Čiekčá Biret", "Élodie Martin",
      "Eva Smit", "Ole Hansen", "Øystein Berg", "Zara Ali"]  # fmt: skip


def _caseload(store: Store) -> User:
    with session_scope(store.sessions) as s:
        user = store_users.create_user(
            s, SYSTEM, "order@example.org", "Orla Order", "specialist", "x" * 12, "t"
        )
        for given, family in NAMES:
            c = clients.create_client(s, SYSTEM)
            data = {"person": {"given_name": given, "family_name": family}}
            clients.save_profile(s, SYSTEM, c.id, parse_profile(data), Provenance("typed"))
            store_users.assign(s, SYSTEM, user.id, c.id)
        unnamed = clients.create_client(s, SYSTEM, "REF-NO-NAME")  # no profile, no name
        store_users.assign(s, SYSTEM, user.id, unnamed.id)
        return user


def test_the_list_is_in_the_readers_alphabetical_order(store: Store) -> None:
    user = _caseload(store)
    with session_scope(store.sessions) as s:
        user = s.get(User, user.id)
        by_lang = {
            lang: [c.name for c in clients.list_clients(s, user, language=lang)]
            for lang in ("nb", "nn", "nl", "en")
        }
    assert by_lang["nb"] == [*NB, None] and by_lang["nn"] == by_lang["nb"]  # unnamed last
    assert by_lang["nl"] == [*NL, None] and by_lang["en"] == by_lang["nl"]
    assert sorted(NB) != NB  # code points would put Čiekčá and Élodie after Zara


def test_pages_follow_the_same_order(store: Store) -> None:
    user = _caseload(store)
    with session_scope(store.sessions) as s:
        user = s.get(User, user.id)
        pages = [
            [c.name for c in clients.list_clients(s, user, None, offset, 4, "nb")]
            for offset in (0, 4, 8)
        ]
        assert pages == [NB[:4], NB[4:8], [*NB[8:], None]]
        assert [c.name for c in clients.list_clients(s, user, "berg", language="nb")] == [
            "Øystein Berg"
        ]


def test_sort_key_of_an_unknown_language_still_sorts_accents_with_their_letter() -> None:
    assert sorted(["Zoë", "Émile", "Eva"], key=sort_key("xx")) == ["Émile", "Eva", "Zoë"]
