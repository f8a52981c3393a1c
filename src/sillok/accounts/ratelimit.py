"""Failed sign-ins per client address, in a sliding window, in memory.

This is the second line behind the per-account lockout (sessions.py): it slows one address
trying many user names, which the lockout of each account alone would not. It lives in the
serving process (counts start afresh at a restart, and each worker process counts on its own);
behind a reverse proxy every client has the proxy's address, so name the proxy in
SILLOK_TRUSTED_PROXIES (its X-Forwarded-For is then believed, web/auth.py client_address) or
rely on the proxy's own limits.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# Addresses kept at most: a flood of new addresses cannot grow memory without bound.
MAX_KEYS = 10_000


class FailureLimiter:
    def __init__(self, limit: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, t: float) -> deque[float]:
        times = self.failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= t - self.window:
            times.popleft()
        if not times:
            del self.failures[key]
        return times

    def blocked(self, key: str) -> bool:
        with self.lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def failed(self, key: str) -> None:
        with self.lock:
            t = self.clock()
            times = self._recent(key, t)
            if key not in self.failures:
                if len(self.failures) >= MAX_KEYS:
                    # The oldest address goes first (dicts keep insertion order).
                    self.failures.pop(next(iter(self.failures)))
                self.failures[key] = times
            times.append(t)
