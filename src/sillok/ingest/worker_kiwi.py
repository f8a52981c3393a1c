"""Imported only by the parsing worker's forkserver (worker.PRELOAD): Kiwi's model is loaded
there once, so that every worker forked from it has the model at once and shares its memory,
instead of each loading its own (seconds, and a worker is replaced every 500 files and after
a time limit).

Without threads (analyzer.use_threads): the forkserver forks, and a child gets only the
forking thread. A worker analyses one text at a time anyway."""

from __future__ import annotations

import contextlib

from sillok.language import analyzer

analyzer.use_threads(0)
# The forkserver stops at an exception in a preloaded module other than ImportError; without
# the model here, each worker loads it on its first text instead.
with contextlib.suppress(Exception):
    analyzer.analyse_many(["[가상 자료] 증언자는 회령에서 말했다."])
