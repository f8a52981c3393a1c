"""Parsing in a separate process, with a time limit and a memory limit per file.

Parsers of PDF, Office and HTML files are large bodies of code fed with untrusted bytes: a
pathological file can make them loop, recurse or allocate without end. Running them in a worker
process means a time limit can actually be enforced (the worker is killed and replaced), an
address-space limit stops runaway allocation, and a crash in a parser is one file's failure,
not the batch's. The worker is started once and reused, so the cost is one round trip per file.

The worker also does the heavy work on a parsed text that needs no database (see _prepare):
the search index's Kiwi analysis above all, so that the process writing the archive only
writes. It has two processes on a machine with two cores or more, which keeps both busy.
"""

from __future__ import annotations

import atexit
import dataclasses
import multiprocessing
import multiprocessing.pool
import os
import resource
import threading
from dataclasses import dataclass
from typing import Any

from sillok.ingest import formats_email, formats_office, formats_pdf, formats_text
from sillok.ingest.detect import Refused, sniff
from sillok.ingest.document import Extracted
from sillok.ingest.guards import Limits

_lock = threading.Lock()
# One worker per thread that parses: a pipelined batch queues the next chunk's files in its
# worker ahead of time, and each file's time limit is only fair if no other caller's files
# (another ingest job of the web app) are queued in between.
_pools: dict[int, tuple[multiprocessing.pool.Pool, int]] = {}
_atexit = False
# datasketch by name: dedup.py imports it only when a sketch is made (it pulls in SciPy, which
# commands that never ingest should not load), and a worker must not spend a file's time on it.
PRELOAD = ["sillok.ingest.worker", "sillok.ingest.dedup", "datasketch", "sillok.extract.suggest",
           "sillok.archive.dates", "sillok.search.index", "sillok.ingest.worker_kiwi"]
# Processes per worker: the worker analyses each text with Kiwi (most of ingest's work), and
# one process analyses one text at a time; two keep two cores busy while the caller writes.
PROCESSES = min(2, os.cpu_count() or 1)


@dataclass
class Prepared:
    """What the worker works out from a parsed text beside the parsing, so that the process
    writing the database does not have to: the near-duplicate sketch, the suggestions that
    need no archive (Kiwi's proper nouns among them), and the search index's terms."""

    sketch: Any  # dedup.Sketch | None
    ahead: Any  # suggest.Ahead
    language: str | None  # by the share of Hangul and Latin letters
    # The text's and the parser's title's index terms, as {text: index.analysed_texts([text])[0]}
    # (empty for a text too long to analyse here).
    analysed: dict[str, str] = dataclasses.field(default_factory=dict)


class Pending:
    """A file handed to this thread's worker; ``result`` waits for it (time limit per file,
    counted from when the caller starts waiting, which is never before the worker could start
    on it: the worker takes files in order)."""

    def __init__(self, data: bytes, limits: Limits, mapping: dict[str, str] | None = None,
                 prepare: bool = False) -> None:
        self.args = (data, limits, mapping or {}, prepare)
        self.limits = limits
        self._submit()

    def _submit(self) -> None:
        with _lock:
            self.pool = _worker(self.limits.worker_memory_bytes)
            self.pending = self.pool.apply_async(_parse_in_worker, self.args)

    def result(self) -> tuple[Extracted, Prepared | None]:
        """What the file holds; raises Refused with a one-line reason."""
        with _lock:
            gone = _pools.get(threading.get_ident(), (None, 0))[0] is not self.pool
        if gone:  # the worker was replaced (another file's time limit): hand this one again
            self._submit()
        try:
            status, result, prepared = self.pending.get(timeout=self.limits.seconds_per_file)
        except multiprocessing.TimeoutError:
            _discard(self.pool)
            raise Refused(f"took longer than {self.limits.seconds_per_file:g} s to parse "
                          "(time limit per file)") from None
        except Exception as exc:  # e.g. the worker died; this file failed
            _discard(self.pool)
            raise Refused(f"the parser failed ({type(exc).__name__}: {exc})") from None
        if status == "refused":
            assert isinstance(result, str)
            raise Refused(result)
        assert isinstance(result, Extracted)
        return result, prepared


def parse(data: bytes, limits: Limits, mapping: dict[str, str] | None = None) -> Extracted:
    """What ``data`` holds; raises Refused with a one-line reason."""
    return Pending(data, limits, mapping).result()[0]


def pids() -> list[int]:
    """The worker processes of every thread, and the server they are forked from (whose Kiwi
    model they share): for measuring their memory."""
    import multiprocessing.forkserver as forkserver

    with _lock:
        found = [int(p.pid) for pool, _memory in _pools.values()
                 for p in getattr(pool, "_pool", []) if p.pid is not None]
    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    return found + ([int(server)] if server else [])


def shutdown() -> None:
    with _lock:
        pools = [pool for pool, _memory in _pools.values()]
        _pools.clear()
    for pool in pools:
        _terminate(pool)


class _Pool(multiprocessing.pool.Pool):
    """multiprocessing's Pool, without its maintenance thread's busy wait.

    The stock pool's worker-maintenance thread sleeps until a worker process exits, the pool
    changes state, or the results pipe becomes readable. The last stays true from the moment a
    worker starts sending a result until the result thread has read all of it (tens of
    kilobytes here: a text and its index terms), and all that time the maintenance thread
    loops: checks every worker, polls, wakes at once. Measured, that was about 1 ms of CPU per
    file in the writing process, a quarter of its work. A finished result needs no
    maintenance (only an exited worker does, and its own sentinel wakes the thread), so the
    thread waits on the change notifier alone."""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


def _worker(memory: int) -> multiprocessing.pool.Pool:
    """This thread's worker (call with _lock held)."""
    global _atexit
    me = threading.get_ident()
    pool, had = _pools.get(me, (None, 0))
    if pool is None or had != memory:
        if pool is not None:
            _terminate(pool)
        alive = {t.ident for t in threading.enumerate()}
        for ident in [i for i in _pools if i not in alive]:  # threads that ended
            _terminate(_pools.pop(ident)[0])
        # forkserver: the worker is forked from a clean server process, never from ours, whose
        # threads (Kiwi's, the database driver's) must not be copied mid-lock. The server
        # imports the parsers and extractors once (seconds: datasketch pulls in SciPy), so a
        # new worker (after a time limit, or every 500 files) starts at once instead of
        # spending a file's time limit on imports.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        pool = _Pool(PROCESSES, initializer=_limit_memory, initargs=(memory,),
                     maxtasksperchild=500, context=context)
        _pools[me] = (pool, memory)
        if not _atexit:
            atexit.register(shutdown)
            _atexit = True
    return pool


def _discard(pool: multiprocessing.pool.Pool) -> None:
    with _lock:
        for ident, (held, _memory) in list(_pools.items()):
            if held is pool:
                del _pools[ident]
    _terminate(pool)


def _terminate(pool: multiprocessing.pool.Pool) -> None:
    pool.terminate()
    pool.join()


def _limit_memory(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _parse_in_worker(data: bytes, limits: Limits, mapping: dict[str, str], prepare: bool
                     ) -> tuple[str, Extracted | str, Prepared | None]:
    try:
        extracted = parse_here(data, limits, mapping)
    except Refused as exc:
        return "refused", str(exc), None
    except MemoryError:
        return "refused", (f"needs more than {limits.worker_memory_bytes // 2**20} MB "
                           "to parse (memory limit per file)"), None
    except RecursionError:
        return "refused", "too deeply nested to parse", None
    except Exception as exc:  # an unexpected parser error fails this file only
        return "refused", f"could not parse ({type(exc).__name__}: {str(exc)[:200]})", None
    try:
        return "ok", extracted, _prepare(extracted) if prepare else None
    except Exception:  # the extras are a convenience: the archive side works them out anew
        return "ok", extracted, None


PREPARE_CHARS = 1_000_000  # longer texts are prepared where they are written, after parsing


def _prepare(extracted: Extracted) -> Prepared | None:
    # Imported here: only the worker needs them, and only after a successful parse.
    from sillok.archive.dates import parse as parse_date
    from sillok.extract.suggest import ahead
    from sillok.ingest.dedup import sketch
    from sillok.ingest.textcodec import language_of
    from sillok.language.analyzer import MAX_CHARS

    if len(extracted.text) > PREPARE_CHARS:
        return None  # so that the extras never spend a large file's parsing time
    if extracted.rows:  # a table's rows are separate sources, prepared where they are written
        return None
    anchor = None
    if extracted.published:
        try:
            anchor = parse_date(extracted.published).start
        except ValueError:
            anchor = None
    text = extracted.text
    found = ahead(text, anchor)
    analysed: dict[str, str] = {}
    if len(text) <= MAX_CHARS:  # a longer text is analysed in pieces, where it is written
        analysed, proper = _analyse(text, extracted.title)
        found = dataclasses.replace(found, proper=proper)
    return Prepared(sketch(text), found, language_of(text), analysed)


def _analyse(text: str, title: str | None) -> tuple[dict[str, str], tuple[tuple[int, int], ...]]:
    """The index terms of the text and of the parser's title (the source's title unless a
    filename stands in for a missing one), and the proper nouns the person finder needs: one
    Kiwi pass over the text serves both, as it does where the chunk is written."""
    from sillok.extract.persons import proper_nouns
    from sillok.language.analyzer import normalise, tokens_ahead
    from sillok.search.index import analysed_texts

    tokens = tokens_ahead([text])[0]  # kept for analysed_texts below
    # The person finder takes tokens of the normalised text only where their offsets are the
    # text's own (normalising kept every length); otherwise it has Kiwi read the text itself.
    spans = proper_nouns(text, tokens if len(normalise(text)) == len(text) else None)
    parts = list(dict.fromkeys([text] + ([title[:500]] if title else [])))
    return dict(zip(parts, analysed_texts(parts), strict=True)), tuple(spans)


def parse_here(data: bytes, limits: Limits, mapping: dict[str, str]) -> Extracted:
    """Parse in this process (the worker's body; also handy in a debugger)."""
    detected = sniff(data)
    family = detected.family
    if detected.refused:
        return Extracted(family, detected.media_type, refused=detected.refused)
    if family in ("text", "markdown"):
        return formats_text.plain(detected)
    if family == "html":
        return formats_text.html(detected, limits)
    if family == "eml":
        return formats_email.eml(data, limits)
    if family == "mbox":
        return formats_email.mbox(data, limits)
    if family == "msg":
        return formats_email.msg(data, limits)
    if family in ("csv", "jsonl"):
        return formats_text.table(detected, mapping)
    if family == "pdf":
        return formats_pdf.pdf(detected, data, ocr_seconds=limits.seconds_per_file / 2)
    if family == "docx":
        return formats_office.docx(detected, data, limits)
    if family == "hwpx":
        return formats_office.hwpx(detected, data, limits)
    if family == "hwp5":
        return formats_office.hwp5(detected, data)
    if family == "image":
        return formats_office.image(detected, data)
    raise Refused(f"unsupported type {detected.media_type}")  # pragma: no cover
