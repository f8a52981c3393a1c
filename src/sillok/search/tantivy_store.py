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
database now holds (so a record being published appears only once it is), in batches with
other transactions' (Store.flush), before any search of this process reads the index. In between, a
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

import atexit
import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy
from sqlalchemy import Connection, Engine, and_, case, delete, event, func, insert, select
from sqlalchemy.orm import Session

from sillok.archive.resolve import MODELS
from sillok.archive.views import PUBLIC_COPIES
from sillok.config import Settings
from sillok.db import models as m
from sillok.search.snippet import offsets

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
# A rebuild's progress: (what, entries read, entries in all), as search/index.reindex_all's.
Progress = Callable[[str, int, int], None]
PROGRESS_LABEL = "tantivy"
PRUNE_EVERY = 1000  # changes between two prunings of search_changes
UNDATED = 0  # the day of an entry without a date: before any other, last in date order
# Records are written again after their transactions (Store.end) in batches: a commit of a
# tantivy index syncs its files, and one per transaction made a write six times as slow as
# the database's own index. A batch is written FLUSH_AFTER seconds after its first record, at
# FLUSH_AT records, before any search of this process reads the index, and at exit. Hiding
# before the database commits (Store.begin) is never put off.
FLUSH_AFTER = 0.2
FLUSH_AT = 2000


# The index's layout (schema below); an index of another is rebuilt when the archive opens.
# 2: type, language and kind as fast fields, and the year: facets are counted in the index.
# 3: the offsets of a record's text that its snippets read (snippet.offsets), stored.
FORMAT = "3"


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("entry", indexed=True, fast=True)  # search_index.id
    sb.add_text_field("rec", tokenizer_name="raw")  # "kind:id": a record's documents
    # Fast (columns per document): the facets are counted from them (tantivy_search.py).
    sb.add_text_field("rtype", tokenizer_name="raw", fast=True)
    sb.add_unsigned_field("rid", indexed=True)
    sb.add_text_field("level", tokenizer_name="raw")
    sb.add_text_field("audience", tokenizer_name="raw")
    sb.add_text_field("lang", tokenizer_name="raw", fast=True)
    sb.add_text_field("kind", tokenizer_name="raw", fast=True)
    sb.add_integer_field("day", indexed=True, fast=True)  # date.toordinal(), or UNDATED
    sb.add_integer_field("year", fast=True)  # the year of date_start; none if undated
    # The analyser's terms, split where it joined them; positions for phrases.
    sb.add_text_field("title", tokenizer_name="whitespace")
    sb.add_text_field("body", tokenizer_name="whitespace")
    # Stored, not searched: where the words of the text a result's snippet is cut from stand
    # (snippet.offsets) — only for entries with nothing to hide ('all'), whose text every
    # reader reads: the public index keeps nothing of a text but its public copy.
    sb.add_bytes_field("snip", stored=True)
    return sb.build()


SCHEMA = schema()


def _snippet_text() -> Any:
    """The text a record's snippets are cut from (search/service._items: a source's text,
    another record's description), of the entries with nothing to hide."""
    si = m.SearchEntry
    texts = [(si.record_type == kind, select(model.text if kind == "source" else
                                             model.description).where(
        model.id == si.record_id).scalar_subquery())
        for kind, model in MODELS.items() if kind == "source" or hasattr(model, "description")]
    return case((si.audience == "all", case(*texts, else_=None)), else_=None).label("shown")


_COLUMNS = (m.SearchEntry.id, m.SearchEntry.record_type, m.SearchEntry.record_id,
            m.SearchEntry.level, m.SearchEntry.audience, m.SearchEntry.language,
            m.SearchEntry.kind, m.SearchEntry.date_start, m.SearchEntry.title,
            m.SearchEntry.body, _snippet_text())


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
    if row.date_start:
        doc.add_integer("year", row.date_start.year)
    doc.add_text("title", row.title or "")
    doc.add_text("body", row.body or "")
    if row.shown:
        doc.add_bytes("snip", offsets(row.shown))
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
    _meta: dict[str, str] = field(default_factory=dict)  # each index's meta.json
    # Transactions that ended, whose records are to be written again (flush).
    _due: list[tuple[Engine, Job, bool]] = field(default_factory=list)
    _due_lock: threading.Lock = field(default_factory=threading.Lock)
    # Held through a flush: a search that flushes waits for one under way in another thread.
    _flushing: threading.Lock = field(default_factory=threading.Lock)
    _timer: threading.Timer | None = None

    def __post_init__(self) -> None:
        (self.root / "pending").mkdir(parents=True, exist_ok=True)
        fmt = self.root / "format"
        with open(self.root / ".lock", "a+") as lock:  # one process at a time checks it
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not fmt.exists() or fmt.read_text().strip() != FORMAT:
                # An index of an earlier layout (or none): begun afresh, and rebuilt from the
                # database when the archive opens (repair: no generation applied).
                for name in (FULL, PUBLIC):
                    shutil.rmtree(self.root / name, ignore_errors=True)
                (self.root / "generation").unlink(missing_ok=True)
                fmt.write_text(FORMAT)
        for name in (FULL, PUBLIC):
            path = self.root / name
            path.mkdir(exist_ok=True)
            self.indexes[name] = tantivy.Index(SCHEMA, path=str(path),
                                               reuse=(path / "meta.json").exists())

    # -- reading ------------------------------------------------------------------------
    def searcher(self, name: str) -> tantivy.Searcher:
        """A searcher of the index's last commit, by whichever process made it, after this
        process's records due to be written are (a search sees its own process's writes)."""
        self.flush()
        return self._reader(name)

    def _reader(self, name: str) -> tantivy.Searcher:
        index = self.indexes[name]
        stamp = self._stamp(name)
        if self._seen.get(name) != stamp:
            index.reload()
            self._seen[name] = stamp
        return index.searcher()

    def _stamp(self, name: str) -> tuple[int, int]:
        # The path as a string, joined once: joining Paths on each of a search's few stamps
        # cost more than the stat itself.
        meta = self._meta.get(name)
        if meta is None:
            meta = self._meta[name] = str(self.root / name / "meta.json")
        try:
            st = os.stat(meta)
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_ino)

    def generation(self) -> tuple[Any, ...]:
        """Changes with every commit of either index (whole answers are kept with it); the
        records due to be written are written first, or an answer kept from before them
        would be taken as current."""
        self.flush()
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
        # Most changes hide nothing (new records): no writers then, whose making and letting
        # go cost more than the rest of a write. Safe: a change that could still add one of
        # these records is writing them (its mark, ``_writing``) — this one then waits for it
        # with the writers — or reads which are hidden after this change's note (begin).
        if not (self._being_written(set(keys)) or any(self._holding(k) for k in keys)):
            return
        with self._writers() as writers:
            for kind, rid in keys:
                for name in self._holding((kind, rid)):
                    writers.delete(name, f"{kind}:{rid}")

    def show(self, engine: Engine, keys: set[tuple[str, int]],
             own: Path | set[Path] | None = None) -> None:
        """Write the records' documents again from the entries the database holds now, but
        for those another live transaction is hiding (it writes them when it ends). The
        entries are read while the writers are held: no other change of these records can
        come between the reading and the commit."""
        with self._writing(keys), self._writers() as writers:
            keys = keys - self.held(own)
            for key in keys:
                for name in self._holding(key):
                    writers.delete(name, f"{key[0]}:{key[1]}")
            with engine.connect() as conn:
                for row in _entries(conn, keys):
                    writers.add(row)

    def rebuild(self, engine: Engine, own: Path | None = None,
                progress: Progress | None = None) -> int:
        """Every document again from the database's entries; returns how many entries.
        ``progress(what, done, total)`` follows it (an archive's first opening on tantivy
        reads every entry: minutes at NKDB's size)."""
        count = 0
        with self._writing(None), self._writers() as writers:
            held = self.held(own)
            for name, writer in writers.of.items():
                # An empty index (a new archive's) is left uncommitted unless rows come: a
                # commit costs ~50 ms, paid on every opening of a new archive otherwise.
                self.indexes[name].reload()
                if self.indexes[name].searcher().num_docs:
                    writer.delete_all_documents()
                    writers.changed.add(name)
            with engine.connect() as conn:
                top = conn.execute(select(func.max(m.SearchChange.id))).scalar()
                total = (int(conn.execute(select(func.count(m.SearchEntry.id))).scalar() or 0)
                         if progress else 0)
                rows = conn.execution_options(yield_per=BATCH).execute(
                    select(*_COLUMNS).order_by(m.SearchEntry.id))
                for i, row in enumerate(rows, 1):
                    if (row.record_type, row.record_id) not in held:
                        writers.add(row)
                        count += 1
                    if progress and (i % BATCH == 0 or i == total):
                        progress(PROGRESS_LABEL, i, total)
        self.mark_applied(int(top or 0), exact=True)
        return count

    @contextlib.contextmanager
    def _writing(self, keys: set[tuple[str, int]] | None) -> Iterator[None]:
        """A mark, for every process, of the records a change writes (None: all of them),
        left from before it reads which records are hidden until it has committed."""
        path = self.root / "pending" / f"{os.getpid()}-{uuid.uuid4().hex}.writing"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(None if keys is None else sorted(keys)))
        os.replace(tmp, path)  # whole or not there: never read half written
        try:
            yield
        finally:
            path.unlink(missing_ok=True)

    def _being_written(self, keys: set[tuple[str, int]]) -> bool:
        """Whether a live change is writing any of the records (``_writing``)."""
        for path in (self.root / "pending").glob("*.writing"):
            if not _alive(int(path.name.split("-", 1)[0])):
                continue
            try:
                content = json.loads(path.read_text())
            except FileNotFoundError:
                continue  # gone: that change has committed, and _holding reads it
            except ValueError:
                return True  # unreadable: taken as writing them
            if content is None or keys & {(str(k), int(i)) for k, i in content}:
                return True
        return False

    def _holding(self, key: tuple[str, int]) -> list[str]:
        """The indexes that hold documents of the record."""
        term = f"{key[0]}:{key[1]}"
        # Not searcher(): a change must not write the batch due (it would write one per
        # transaction again); a record due is in no index yet.
        return [name for name in (FULL, PUBLIC) if self._reader(name).doc_freq("rec", term)]

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
            json.dump({"keys": sorted(job.keys), "rebuild": job.rebuild,
                       "change": job.change}, out)
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

    def held(self, own: Path | set[Path] | None) -> set[tuple[str, int]]:
        mine = own if isinstance(own, set) else {own}
        return {(str(k), int(i)) for path, alive, content in self.notes()
                if alive and path not in mine for k, i in content["keys"]}

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
        """After the database committed or rolled back: the records as it holds them now,
        written with the batch due (``flush``); a rebuild at once."""
        if job.rebuild:
            # The batch due is written first, and no flush may run beside the rebuild: the
            # notes of transactions that ended but are not yet written are on disk until
            # their flush is done, and a rebuild reading them then would leave their records
            # out as another live change's, after that flush had already written them.
            with self._flushing:
                self._flush()
                self.rebuild(engine, own=job.note)
            if job.note is not None:
                job.note.unlink(missing_ok=True)
            return
        with self._due_lock:
            self._due.append((engine, job, committed))
            size = sum(len(j.keys) for _e, j, _c in self._due)
            if self._timer is None:
                self._timer = threading.Timer(FLUSH_AFTER, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if size >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write the records of the transactions that ended since the last batch, as the
        database holds them now, in one commit per index; then their notes go. If that fails,
        the notes stay, as a dead process's, for the next opening to apply."""
        with self._flushing:
            self._flush()

    def _flush(self) -> None:
        with self._due_lock:
            due, self._due = self._due, []
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not due:
            return
        notes = {job.note for _e, job, _c in due if job.note is not None}
        try:
            for engine in dict.fromkeys(e for e, _j, _c in due):
                self.show(engine, {k for e, job, _c in due if e is engine for k in job.keys},
                          own=notes)
            done = [job.change for _e, job, committed in due if committed]
            if done:
                self.mark_applied(max(done))
        except Exception:
            log.exception("search index: records %s not written again",
                          sorted(k for _e, job, _c in due for k in job.keys)[:20])
            for note in notes:
                if note.exists():
                    note.rename(note.with_name("0-" + note.name.split("-", 1)[1]))
            return
        for note in notes:
            note.unlink(missing_ok=True)

    def repair(self, engine: Engine, progress: Progress | None = None) -> str:
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
        applied = self.applied()
        # Changes that live processes have still to write (their notes) are theirs to apply.
        live = {int(c.get("change", 0)) for _p, alive, c in self.notes() if alive}
        if applied is None or applied > top or (applied < top and (
                top - applied > len(live) or not set(range(applied + 1, top + 1)) <= live)):
            count = self.rebuild(engine, progress=progress)
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


def attach(engine: Engine, settings: Settings,
           progress: Progress | None = None) -> Store | None:
    """Open (and repair) the archive's index when the settings ask for it; ``progress``
    follows a rebuild, if the index is missing or behind the database."""
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
        done = store.repair(engine, progress)
        if done:
            log.info("search index %s: %s", root, done)
    return store


def store_of(engine: Engine) -> Store | None:
    return _by_engine.get(engine)


def flush(engine: Engine) -> None:
    """Write the batch due of the archive's index, if it has one (an archive that closes)."""
    store = _by_engine.get(engine)
    if store is not None:
        store.flush()


@atexit.register
def _flush_all() -> None:
    """A process that ends (a CLI import) writes its last batch."""
    for store in list(_stores.values()):
        store.flush()


def forget(settings: Settings) -> None:
    """Let go of an archive's index (tests that simulate a restart), its batch written."""
    root = index_dir(settings).resolve()
    store = _stores.pop(root, None)
    if store is not None:
        store.flush()
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
    except Exception:  # a rebuild that failed
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
