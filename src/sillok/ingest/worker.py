"""Parsing in a separate process, with a time limit and a memory limit per file.

Parsers of PDF, Office and HTML files are large bodies of code fed with untrusted bytes: a
pathological file can make them loop, recurse or allocate without end. Running them in a worker
process means a time limit can actually be enforced (the worker is killed and replaced), an
address-space limit stops runaway allocation, and a crash in a parser is one file's failure,
not the batch's. The worker is started once and reused, so the cost is one round trip per file.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.pool
import resource
import threading

from sillok.ingest import formats_office, formats_text
from sillok.ingest.detect import Refused, sniff
from sillok.ingest.document import Extracted
from sillok.ingest.guards import Limits

_lock = threading.Lock()
_pool: multiprocessing.pool.Pool | None = None
_pool_memory: int | None = None


def parse(data: bytes, limits: Limits, mapping: dict[str, str] | None = None) -> Extracted:
    """What ``data`` holds; raises Refused with a one-line reason."""
    with _lock:
        pool = _worker(limits.worker_memory_bytes)
        pending = pool.apply_async(_parse_in_worker, (data, limits, mapping or {}))
        try:
            status, result = pending.get(timeout=limits.seconds_per_file)
        except multiprocessing.TimeoutError:
            _discard()
            raise Refused(f"took longer than {limits.seconds_per_file:g} s to parse "
                          "(time limit per file)") from None
        except Exception as exc:  # e.g. the worker died; this file failed
            _discard()
            raise Refused(f"the parser failed ({type(exc).__name__}: {exc})") from None
    if status == "refused":
        assert isinstance(result, str)
        raise Refused(result)
    assert isinstance(result, Extracted)
    return result


def shutdown() -> None:
    with _lock:
        _discard()


def _worker(memory: int) -> multiprocessing.pool.Pool:
    global _pool, _pool_memory
    if _pool is None or _pool_memory != memory:
        _discard()
        # forkserver: the worker is forked from a clean server process, never from ours, whose
        # threads (Kiwi's, the database driver's) must not be copied mid-lock.
        context = multiprocessing.get_context("forkserver")
        _pool = context.Pool(1, initializer=_limit_memory, initargs=(memory,),
                             maxtasksperchild=500)
        _pool_memory = memory
        atexit.register(shutdown)
    return _pool


def _discard() -> None:
    global _pool
    if _pool is not None:
        _pool.terminate()
        _pool.join()
        _pool = None


def _limit_memory(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _parse_in_worker(data: bytes, limits: Limits,
                     mapping: dict[str, str]) -> tuple[str, Extracted | str]:
    try:
        return "ok", parse_here(data, limits, mapping)
    except Refused as exc:
        return "refused", str(exc)
    except MemoryError:
        return "refused", (f"needs more than {limits.worker_memory_bytes // 2**20} MB "
                           "to parse (memory limit per file)")
    except RecursionError:
        return "refused", "too deeply nested to parse"
    except Exception as exc:  # an unexpected parser error fails this file only
        return "refused", f"could not parse ({type(exc).__name__}: {str(exc)[:200]})"


def parse_here(data: bytes, limits: Limits, mapping: dict[str, str]) -> Extracted:
    """Parse in this process (the worker's body; also handy in a debugger)."""
    detected = sniff(data)
    family = detected.family
    if family in ("text", "markdown"):
        return formats_text.plain(detected)
    if family == "html":
        return formats_text.html(detected, limits)
    if family == "eml":
        return formats_text.eml(data, limits)
    if family in ("csv", "jsonl"):
        return formats_text.table(detected, mapping)
    if family == "pdf":
        return formats_office.pdf(detected, data)
    if family == "docx":
        return formats_office.docx(detected, data, limits)
    if family == "hwpx":
        return formats_office.hwpx(detected, data, limits)
    if family == "hwp5":
        return formats_office.hwp5(detected, data)
    if family == "image":
        return formats_office.image(detected, data)
    raise Refused(f"unsupported type {detected.media_type}")  # pragma: no cover
