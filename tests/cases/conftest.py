"""The store fixtures of tests/store, for the case-level tests here."""

from tests.store.conftest import backend, pg_migrated, sqlite_template, store  # noqa: F401
