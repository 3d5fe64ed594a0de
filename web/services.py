"""What the app holds for its life: settings, the store, the form catalogue, the program
catalog, the extractors and the queue (opened lazily). One per app; views reach it with
``services()`` and a request's database session with ``db()``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from datetime import date
from functools import cached_property
from typing import Any

from flask import current_app, g
from redis import Redis
from rq import Queue
from sqlalchemy.orm import Session

from formfill.config import Settings
from formfill.fill import FormCatalogue
from formfill.programs.catalog import Catalog
from formfill.store import open_store
from formfill.store.forms import StoreVersions


class Bounded(MutableMapping[Any, Any]):
    """A dict that keeps its ``limit`` most recently used entries: previews, page images,
    editor sheets and test-fills are made again when asked after they were dropped, so the
    process does not grow with every map saved or form previewed."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._data: OrderedDict[Any, Any] = OrderedDict()

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]
        self._data.move_to_end(key)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.limit:
            self._data.popitem(last=False)

    def __delitem__(self, key: Any) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine, self.sessions = open_store(settings, check=False)
        # maps and blanks from the store's published versions, never from the checkout
        self.forms = FormCatalogue(settings, StoreVersions(self.sessions))
        self._redis: Redis | None = None
        # previews, page images, editor sheets and test-fills, the most recently used kept
        self.previews: Bounded = Bounded()

    @cached_property
    def catalog(self) -> Catalog:
        return self.forms.catalog()  # one catalog for fills, screening and deadlines

    def redis(self) -> Redis:
        if self._redis is None:
            from worker.queue import connect

            self._redis = connect(self.settings)
        return self._redis

    def queue(self) -> Queue:
        from worker.queue import get_queue

        return get_queue(self.redis())


def services() -> Services:
    return current_app.extensions["formfill"]  # type: ignore[no-any-return]


def db() -> Session:
    """This request's database session: committed after a successful request, else rolled
    back (web/security.py and web/errors.py)."""
    if "db" not in g:
        g.db = services().sessions()
    return g.db  # type: ignore[no-any-return]


def today() -> date:
    return date.today()
