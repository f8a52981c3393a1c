"""An embedded tantivy index of the search entries (SILLOK_SEARCH_BACKEND=tantivy).

The database's ``search_index`` stays the truth: each entry's analysed title and body (the
project's one analysis, language/analyzer.py, done once per text when the entry is written)
are fed to tantivy as they are, split on white space — no second analysis. Two indexes live
under ``DATA_DIR/search-index``: ``full``, every entry, and ``public``, the public copies of
records that are not restricted (the same entries as SQLite's ``search_fts_public``,
migrations 0012–0013) — a public search reads only the latter, which holds no protected name.

Leak-safe by construction. A transaction that writes entries (search/index.py) names the
records it touched; before the database commits, their documents are taken out of both
indexes (so a record being restricted is gone before the restriction is visible anywhere);
after it commits — or rolls back — their documents are written again from the entries the
database now holds (so a record being published appears only once it is). In between, a
search finds neither copy: never more than the database allows. Searches re-check every
result against the policy anyway (tantivy_search.py).

Crash repair. Before it hides anything, a transaction leaves a note of its records in
``pending/`` and removes it once they are written again. Every transaction that writes entries
also adds a row to ``search_changes`` (migration 0024); the index keeps the highest it has
applied in ``generation``. When an archive opens: the notes of dead processes are applied
(their records written again from the database), and an index whose generation is not the
database's — a write made without the index, a restored backup, no index yet — is rebuilt.
``sillok reindex`` rebuilds it too.

Several processes may use one index (the server, a CLI ingest): tantivy lets one writer at a
time hold the index, and each change takes it only while it runs. A change leaves out
records another live transaction is hiding; that one writes them when it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy
from sqlalchemy import Connection, Engine, and_, delete, event, func, insert, select
from sqlalchemy.orm import Session

from sillok.archive.views import PUBLIC_COPIES
from sillok.config import Settings
from sillok.db import models as m

log = logging.getLogger(__name__)

FULL, PUBLIC = "full", "public"
# Records whose entries this transaction wrote or removed, as {(kind, record id)}
# (search/index.py), and whether it removed them all (a reindex).
TOUCHED = "sillok.search.touched"
REBUILD = "sillok.search.rebuild"
_JOB = "sillok.search.tantivy_job"
WRITER_HEAP = 32_000_000
WRITER_WAIT = 60.0  # seconds a change waits for another process's writer
BATCH = 2000  # entries read at a time when rebuilding
PRUNE_EVERY = 1000  # changes between two prunings of search_changes
UNDATED = 0  # the day of an entry without a date: before any other, last in date order


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("entry", indexed=True, fast=True)  # search_index.id
    sb.add_text_field("rec", tokenizer_name="raw")  # "kind:id": a record's documents
    sb.add_text_field("rtype", tokenizer_name="raw")
    sb.add_unsigned_field("rid", indexed=True)
    sb.add_text_field("level", tokenizer_name="raw")
    sb.add_text_field("audience", tokenizer_name="raw")
    sb.add_text_field("lang", tokenizer_name="raw")
    sb.add_text_field("kind", tokenizer_name="raw")
    sb.add_integer_field("day", indexed=True, fast=True)  # date.toordinal(), or UNDATED
    # The analyser's terms, split where it joined them; positions for phrases.
    sb.add_text_field("title", tokenizer_name="whitespace")
    sb.add_text_field("body", tokenizer_name="whitespace")
    return sb.build()


SCHEMA = schema()
_COLUMNS = (m.SearchEntry.id, m.SearchEntry.record_type, m.SearchEntry.record_id,
            m.SearchEntry.level, m.SearchEntry.audience, m.SearchEntry.language,
            m.SearchEntry.kind, m.SearchEntry.date_start, m.SearchEntry.title,
            m.SearchEntry.body)


def public(level: str, audience: str) -> bool:
    """Whether an entry belongs in the public index (migration 0013's condition)."""
    return audience in PUBLIC_COPIES and level != "restricted"


def _document(row: Any) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("entry", int(row.id))
    doc.add_text("rec", f"{row.record_type}:{row.record_id}")
    doc.add_text("rtype", row.record_type)
    doc.add_unsigned("rid", int(row.record_id))
    doc.add_text("level", row.level)
    doc.add_text("audience", row.audience)
    if row.language:
        doc.add_text("lang", row.language)
    if row.kind:
        doc.add_text("kind", row.kind)
    doc.add_integer("day", row.date_start.toordinal() if row.date_start else UNDATED)
    doc.add_text("title", row.title or "")
    doc.add_text("body", row.body or "")
    return doc


@dataclass
class Job:
    """One transaction's change of the index."""

    keys: set[tuple[str, int]]
    rebuild: bool
    change: int  # its row in search_changes
    note: Path | None = None
    hidden: bool = False


@dataclass
class Writers:
    """The writers of one change, and which indexes it changed."""

    of: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)

    def delete(self, name: str, term: str) -> None:
        self.of[name].delete_documents_by_term("rec", term)
        self.changed.add(name)

    def add(self, row: Any) -> None:
        doc = _document(row)
        self.of[FULL].add_document(doc)
        self.changed.add(FULL)
        if public(row.level, row.audience):
            self.of[PUBLIC].add_document(doc)
            self.changed.add(PUBLIC)


@dataclass
class Store:
    """The two indexes of one archive, shared by the threads of a process."""

    root: Path
    indexes: dict[str, tantivy.Index] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.root / "pending").mkdir(parents=True, exist_ok=True)
        for name in (FULL, PUBLIC):
            path = self.root / name
            path.mkdir(exist_ok=True)
            self.indexes[name] = tantivy.Index(SCHEMA, path=str(path),
                                               reuse=(path / "meta.json").exists())

    # -- reading ------------------------------------------------------------------------
    def searcher(self, name: str) -> tantivy.Searcher:
        """A searcher of the index's last commit, by whichever process made it."""
        index = self.indexes[name]
        stamp = self._stamp(name)
        if self._seen.get(name) != stamp:
            index.reload()
            self._seen[name] = stamp
        return index.searcher()

    def _stamp(self, name: str) -> tuple[int, int]:
        try:
            st = (self.root / name / "meta.json").stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_ino)

    def generation(self) -> tuple[Any, ...]:
        """Changes with every commit of either index (whole answers are kept with it)."""
        return (self._stamp(FULL), self._stamp(PUBLIC))

    def applied(self) -> int | None:
        try:
            return int((self.root / "generation").read_text())
        except (FileNotFoundError, ValueError):
            return None

    # -- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writers(self) -> Iterator[Writers]:
        """Both indexes' writers, held for one change; those it changed are committed and
        merged (a commit is most of a change's cost), the others let go untouched."""
        with self.lock:
            deadline = time.monotonic() + WRITER_WAIT
            writers = Writers()
            try:
                for name, index in self.indexes.items():
                    while True:
                        try:
                            writers.of[name] = index.writer(heap_size=WRITER_HEAP,
                                                            num_threads=1)
                            break
                        except ValueError as exc:  # another process's writer holds it
                            if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                                raise
                            time.sleep(0.05)
                yield writers
                for name in writers.changed:
                    writers.of[name].commit()
            except BaseException:
                for writer in writers.of.values():
                    writer.rollback()
                raise
            finally:
                for name, writer in writers.of.items():
                    writer.wait_merging_threads()
                    if name in writers.changed:
                        self.indexes[name].reload()
                        self._seen[name] = self._stamp(name)

    def hide(self, keys: Iterable[tuple[str, int]]) -> None:
        """Take the records' documents out of the indexes that hold them, at once."""
        keys = list(keys)
        if not keys:
            return
        with self._writers() as writers:
            for kind, rid in keys:
                for name in self._holding((kind, rid)):
                    writers.delete(name, f"{kind}:{rid}")

    def show(self, engine: Engine, keys: set[tuple[str, int]], own: Path | None = None
             ) -> None:
        """Write the records' documents again from the entries the database holds now, but
        for those another live transaction is hiding (it writes them when it ends). The
        entries are read while the writers are held: no other change of these records can
        come between the reading and the commit."""
        with self._writers() as writers:
            keys = keys - self.held(own)
            for key in keys:
                for name in self._holding(key):
                    writers.delete(name, f"{key[0]}:{key[1]}")
            with engine.connect() as conn:
                for row in _entries(conn, keys):
                    writers.add(row)

    def rebuild(self, engine: Engine, own: Path | None = None) -> int:
        """Every document again from the database's entries; returns how many entries."""
        count = 0
        with self._writers() as writers:
            held = self.held(own)
            for name, writer in writers.of.items():
                writer.delete_all_documents()
                writers.changed.add(name)
            with engine.connect() as conn:
                top = conn.execute(select(func.max(m.SearchChange.id))).scalar()
                rows = conn.execution_options(yield_per=BATCH).execute(
                    select(*_COLUMNS).order_by(m.SearchEntry.id))
                for row in rows:
                    if (row.record_type, row.record_id) not in held:
                        writers.add(row)
                        count += 1
        self.mark_applied(int(top or 0), exact=True)
        return count

    def _holding(self, key: tuple[str, int]) -> list[str]:
        """The indexes that hold documents of the record."""
        term = f"{key[0]}:{key[1]}"
        return [name for name in (FULL, PUBLIC) if self.searcher(name).doc_freq("rec", term)]

    def mark_applied(self, change: int, exact: bool = False) -> None:
        """The highest change applied (kept at the highest: transactions end in any order)."""
        path = self.root / "generation"
        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            now = self.applied()
            if exact or now is None or change > now:
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(str(change))
                os.replace(tmp, path)

    # -- notes of transactions in flight ---------------------------------------------------
    def note(self, job: Job) -> Path:
        path = self.root / "pending" / f"{os.getpid()}-{uuid.uuid4().hex}.json"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w") as out:
            json.dump({"keys": sorted(job.keys), "rebuild": job.rebuild}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        return path

    def notes(self) -> list[tuple[Path, bool, dict[str, Any]]]:
        """Every note, whether its process is alive, and its content."""
        out = []
        for path in sorted((self.root / "pending").glob("*.json")):
            try:
                content = json.loads(path.read_text())
            except (FileNotFoundError, ValueError):
                continue
            out.append((path, _alive(int(path.name.split("-", 1)[0])), content))
        return out

    def held(self, own: Path | None) -> set[tuple[str, int]]:
        return {(str(k), int(i)) for path, alive, content in self.notes()
                if alive and path != own for k, i in content["keys"]}

    # -- a transaction ------------------------------------------------------------------
    def begin(self, job: Job) -> None:
        """Before the database commits: the note, then the records out of the index (only
        those it holds: a new record has nothing to hide, and no commit to wait for)."""
        job.note = self.note(job)
        if job.rebuild:
            with self._writers() as writers:
                for name, writer in writers.of.items():
                    writer.delete_all_documents()
                    writers.changed.add(name)
        else:
            self.hide(job.keys)
        job.hidden = True

    def end(self, engine: Engine, job: Job, committed: bool) -> None:
        """After the database committed or rolled back: the records as it holds them now."""
        if job.rebuild:
            self.rebuild(engine, own=job.note)
        else:
            self.show(engine, job.keys, own=job.note)
            if committed:
                self.mark_applied(job.change)
        if job.note is not None:
            job.note.unlink(missing_ok=True)

    def repair(self, engine: Engine) -> str:
        """On opening: apply the notes of transactions that died, then rebuild if the index
        is not at the database's generation. Returns what was done (for logs and tests)."""
        done = []
        for path, alive, content in self.notes():
            if alive:
                continue
            keys = {(str(k), int(i)) for k, i in content["keys"]}
            if content.get("rebuild"):
                self.rebuild(engine)
            else:
                self.show(engine, keys, own=path)
            path.unlink(missing_ok=True)
            done.append(f"repaired {len(keys)} records")
        with engine.connect() as conn:
            top = int(conn.execute(select(func.max(m.SearchChange.id))).scalar() or 0)
        if self.applied() != top:
            count = self.rebuild(engine)
            done.append(f"rebuilt {count} entries")
        return "; ".join(done)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _entries(conn: Connection, keys: set[tuple[str, int]]) -> Iterator[Any]:
    by_kind: dict[str, list[int]] = {}
    for kind, rid in keys:
        by_kind.setdefault(kind, []).append(rid)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), 500):
            yield from conn.execute(select(*_COLUMNS).where(and_(
                m.SearchEntry.record_type == kind,
                m.SearchEntry.record_id.in_(ids[start:start + 500]))))


# -- the archive's index ------------------------------------------------------------------
_stores: dict[Path, Store] = {}
_by_engine: dict[Engine, Store] = {}
_opening = threading.Lock()


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "search-index"


def attach(engine: Engine, settings: Settings) -> Store | None:
    """Open (and repair) the archive's index when the settings ask for it."""
    if settings.search_backend != "tantivy":
        _by_engine.pop(engine, None)
        return None
    root = index_dir(settings).resolve()
    with _opening:
        store = _stores.get(root)
        fresh = store is None
        if store is None:
            store = _stores[root] = Store(root)
        _by_engine[engine] = store
    if fresh or store.applied() is None:
        done = store.repair(engine)
        if done:
            log.info("search index %s: %s", root, done)
    return store


def store_of(engine: Engine) -> Store | None:
    return _by_engine.get(engine)


def forget(settings: Settings) -> None:
    """Let go of an archive's index (tests that simulate a restart)."""
    root = index_dir(settings).resolve()
    store = _stores.pop(root, None)
    for engine in [e for e, s in _by_engine.items() if s is store]:
        del _by_engine[engine]


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def before_commit(session: Session) -> None:
    """After the entries are written (search/index.py), before the database commits: the
    change's row in ``search_changes``, and its records hidden from the index."""
    keys: set[tuple[str, int]] = session.info.pop(TOUCHED, set())
    rebuild = bool(session.info.pop(REBUILD, False))
    if rebuild:
        keys = set()  # every record: the index is built again from all entries
    if not keys and not rebuild:
        return
    done: Any = session.execute(insert(m.SearchChange).values(entries=len(keys)))
    change = int(done.inserted_primary_key[0])
    if change % PRUNE_EVERY == 0:
        # Only the highest is ever read: the rows below it need not pile up.
        session.execute(delete(m.SearchChange).where(m.SearchChange.id < change))
    store = store_of(_engine(session))
    if store is None:
        return
    job = Job(set(keys), rebuild, change)
    session.info[_JOB] = job
    store.begin(job)


def after_end(session: Session, committed: bool) -> None:
    job: Job | None = session.info.pop(_JOB, None)
    if job is None:
        return
    session.info.pop(TOUCHED, None)
    session.info.pop(REBUILD, None)
    store = store_of(_engine(session))
    if store is None:
        return
    try:
        store.end(_engine(session), job, committed)
    except Exception:
        log.exception("search index: records %s not written again", sorted(job.keys)[:20])
        if job.note is not None and job.note.exists():
            # Kept for the next opening to apply, as a dead process's note (pid 0).
            job.note.rename(job.note.with_name("0-" + job.note.name.split("-", 1)[1]))


def changes(conn: Connection) -> int:
    return int(conn.execute(select(func.max(m.SearchChange.id))).scalar() or 0)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    after_end(session, committed=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    after_end(session, committed=False)
