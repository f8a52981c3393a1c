"""Values about the whole index kept between searches: how many records it holds, how many
match a clause in a permission scope (for IDF), the vocabulary's labels (for expansion) and the
gazetteer's provinces (for facets).

Why: counting a common word's records in the actor's scope is a pass over all of them — at a
million records it was most of a search's time — and the answer changes only when the index
does. So each value is kept with the index *generation* it was computed at:

- SQLite: FTS5's structure record (``search_fts_data`` row 10). Every write to the index,
  including a record's change of level (the update trigger rewrites its entry), adds a segment
  and so changes the record; reading it is one lookup by key. Exact.
- PostgreSQL: the highest entry id, which changes at once when records are added, and the
  statistics' count of rows inserted, updated and deleted in ``search_index``, which the server
  publishes about a second late; as a guard (statistics can be switched off), a value is also
  recounted once a minute.

These values only weigh and expand the query; which records match, the totals and the facets
are always counted afresh, inside the permission scope.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import text
from sqlalchemy.orm import Session

MAX_ENTRIES = 20_000  # least recently used values beyond this are dropped
# Seconds a value is kept even when the generation is unchanged (no limit on SQLite).
MAX_AGE = {"sqlite": float("inf"), "postgresql": 60.0}

GENERATION = {
    "sqlite": "SELECT block FROM search_fts_data WHERE id = 10",
    "postgresql": "SELECT (SELECT max(id) FROM search_index), "
                  "pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + "
                  "pg_stat_get_tuples_deleted(c.oid) FROM pg_class c "
                  "WHERE c.oid = to_regclass('search_index')",
}

# The snapshot a search's answer is kept with (``IndexCache.snapshot``), read before anything
# else of the search. PostgreSQL: the transaction snapshot — the next transaction id and those
# in progress — which changes with every commit that wrote anything in the cluster.
SNAPSHOT = {"postgresql": "SELECT CAST(pg_current_snapshot() AS TEXT)"}
RESULTS_KEPT = 500  # whole answers kept (a page of results with its snippets and facets)
# Longest wait for another thread's computation of the same answer before computing it here.
WAIT_SECONDS = 30.0

T = TypeVar("T")
_values: OrderedDict[tuple[Any, ...], tuple[float, object, Any]] = OrderedDict()
_results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_running: dict[tuple[Any, ...], threading.Event] = {}  # answers being computed, by key
# The web server searches in many threads: reordering or evicting from one of the two dicts
# while another thread does the same could lose a key between its lookup and its move.
_lock = threading.Lock()


class IndexCache:
    """The cached values as seen from one session: its database and its index generation
    (read once, on first need)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        bind = session.get_bind()
        self.dialect = bind.dialect.name
        self.max_age = MAX_AGE.get(self.dialect, 60.0)
        self.url = bind.engine.url.render_as_string(hide_password=False)
        self._generation: tuple[Any, ...] | None = None

    def generation(self) -> tuple[Any, ...]:
        if self._generation is None:
            sql = GENERATION.get(self.dialect)
            row = self.session.execute(text(sql)).first() if sql else None
            self._generation = tuple(row) if row is not None else ()
        return self._generation

    def snapshot(self) -> tuple[Any, ...]:
        """A value that changes with every committed change of what a search can read, exactly
        (unlike ``generation`` on PostgreSQL, which lags by about a second): whole answers are
        kept with it.

        SQLite: the index's generation. Every write through the archive's services rewrites
        the entries of the records it touches (a change of level, a retraction, a redaction
        mark, a place's edit), and the index is written in the same transaction as the record.
        PostgreSQL: the snapshot. Why it is safe to read it first and compute the answer after:
        later statements never see older data than the snapshot read before them, so an
        answer is kept under a key at most as new as its data; a reader who gets it has a
        snapshot with that key, so no change the answer misses has been committed for them."""
        sql = SNAPSHOT.get(self.dialect)
        if sql is None:
            return ("index", *self.generation())
        return ("snapshot", self.session.execute(text(sql)).scalar_one())

    def result(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """A whole answer, kept with ``snapshot()``; ``compute`` runs when there is none.

        One thread computes a missing answer while the others asking the same question wait
        for it (at most ``WAIT_SECONDS``): when a common word is first searched, the many
        clients asking it at once would otherwise each run the same costly pass over its
        matches, and all of them, sharing the GIL, would finish many times later."""
        full = (self.url, *self.snapshot(), *key)
        with _lock:
            found = _results.get(full)
            if found is not None:
                _results.move_to_end(full)
                return cast(T, found)
            running = _running.get(full)
            if running is None:
                running = _running[full] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            running.wait(WAIT_SECONDS)
            with _lock:
                found = _results.get(full)
                if found is not None:
                    _results.move_to_end(full)
                    return cast(T, found)
            # The thread computing it failed or is still at it: compute it here.
            return compute()
        try:
            value = compute()
            with _lock:
                _results[full] = value
                while len(_results) > RESULTS_KEPT:
                    _results.popitem(last=False)
            return value
        finally:
            with _lock:
                _running.pop(full, None)
            running.set()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T], stale: float = 0.0,
            max_age: float | None = None) -> T:
        """The value for ``key``, computed if missing or out of date: ``stale`` is how many
        seconds it may outlive a change of the index (0: not at all), ``max_age`` how long it
        is kept at most even without one."""
        value: T = self.get_many([key], lambda _missing: [compute()], stale, max_age)[0]
        return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep a value found on the way (a clause's frequency that a search counted anyway)."""
        entry = (time.monotonic(), self.generation(), value)
        with _lock:
            _values[(self.url, *key)] = entry
            _values.move_to_end((self.url, *key))

    def get_many(self, keys: list[tuple[Any, ...]], compute: Callable[[list[int]], list[T]],
                 stale: float = 0.0, max_age: float | None = None) -> list[T]:
        """Values for several keys; ``compute`` gets the positions of those missing and
        returns their values in that order (so that they are counted in one statement)."""
        out: list[Any] = [None] * len(keys)
        missing = []
        now = time.monotonic()
        limit = min(self.max_age, max_age) if max_age is not None else self.max_age
        with _lock:
            kept = [_values.get((self.url, *key)) for key in keys]
        used = []
        for i, found in enumerate(kept):
            if found is not None:
                at, generation, value = found
                age = now - at
                if age < stale or (age < limit and generation == self.generation()):
                    used.append((self.url, *keys[i]))
                    out[i] = value
                    continue
            missing.append(i)
        with _lock:
            for full in used:
                if full in _values:
                    _values.move_to_end(full)
        if missing:
            generation = self.generation()
            computed = compute(missing)
            with _lock:
                for i, value in zip(missing, computed, strict=True):
                    _values[(self.url, *keys[i])] = (now, generation, value)
                    out[i] = value
                while len(_values) > MAX_ENTRIES:
                    _values.popitem(last=False)
        return out


def forget_answers() -> None:
    """Forget the whole answers kept (eval-search times searches, not the keeping of them)."""
    _results.clear()


def clear() -> None:
    """Forget every value (tests)."""
    _values.clear()
    _results.clear()
