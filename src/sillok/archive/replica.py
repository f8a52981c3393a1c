"""Reading the public site from a PostgreSQL streaming replica (docs/replica.md).

A busy public search bar can be served by a hot standby of the archive's PostgreSQL server
(``SILLOK_PUBLIC_DATABASE_URL``) while staff keep working on the primary. Only reads that
need nothing the replica may lag behind on go there: anonymous visitors' GET requests (the
public pages, search and the JSON API), whose answers are made from public copies alone. A
replica holds exactly what the primary committed, up to its replay lag, so nothing the
primary has restricted is ever older there than the restriction (publishing and restricting
are both commits of the primary; docs/replica.md says what a lag means for each).

Everything else (signed-in staff, API tokens, any write) reads and writes the primary. A
write sent to the replica by mistake fails there (a hot standby accepts no writes) rather
than being lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_PUBLIC: ContextVar[bool] = ContextVar("sillok_public_reads", default=False)


@contextmanager
def public_reads() -> Iterator[None]:
    """Within this block, the archive's transactions read the replica when there is one."""
    token = _PUBLIC.set(True)
    try:
        yield
    finally:
        _PUBLIC.reset(token)


def reading_public() -> bool:
    return _PUBLIC.get()
