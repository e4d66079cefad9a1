"""A client-side rate limiter shared by every request of the process, under Trello's limits.

Trello allows 100 requests in any 10 seconds per token and 300 per API key, and answers 429
(with no Retry-After) past that. :class:`SlidingWindow` keeps the times of the requests made
in the last window and makes a caller wait until one more fits; :func:`shared_limiter` hands
every client of one key and token the *same* limiters, so several adapters (or threads) of one
process share the budget, over windows :data:`MARGIN` longer than Trello's.

The window, the clock and the sleep are injectable, so tests run a "10 seconds" window in
milliseconds.

>>> now = [0.0]
>>> def sleep(seconds): now[0] += seconds
>>> window = SlidingWindow(2, 10.0, clock=lambda: now[0], sleep=sleep)
>>> [window.acquire() for _ in range(3)]
[0.0, 0.0, 10.0]
>>> now[0]
10.0
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = [
    "KEY_LIMIT",
    "MARGIN",
    "TOKEN_LIMIT",
    "WINDOW",
    "RateLimiter",
    "SlidingWindow",
    "shared_limiter",
]

#: Trello's limits: requests per window, per token and per API key, and the window in seconds.
TOKEN_LIMIT = 100
KEY_LIMIT = 300
WINDOW = 10.0
#: How much longer than Trello's window the shared limiter's window is (a fraction): Trello
#: counts a request when it arrives, later than the client counted it and by a delay that
#: varies, so a window of exactly 10 s lets the 101st request arrive a little early (a 429).
MARGIN = 0.05


class SlidingWindow:
    """At most ``limit`` acquisitions in any ``window`` seconds (a sliding log of times)."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def _wait_needed(self, now: float) -> float:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.window - now

    def acquire(self) -> float:
        """Wait until one more request fits, record it, and return the seconds waited.

        Bounded: each pass either records the request or sleeps until the oldest recorded
        request leaves the window, so at most ``limit + 1`` passes.
        """
        waited = 0.0
        for _ in range(self.limit + 2):
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._times.append(now)
                    return waited
            self._sleep(wait)
            waited += wait
        raise RuntimeError("rate limiter could not record a request")  # pragma: no cover

    def time_to_turn(self) -> float:
        """Seconds until the oldest request in the window leaves it (0 if the window is empty)."""
        with self._lock:
            now = self._clock()
            self._wait_needed(now)
            return max(0.0, self._times[0] + self.window - now) if self._times else 0.0

    def fill(self) -> None:
        """Count the window as full from now (after a 429: the server counted more than we did)."""
        with self._lock:
            now = self._clock()
            self._wait_needed(now)
            while len(self._times) < self.limit:
                self._times.append(now)


class RateLimiter:
    """The per-token and per-key windows of one key and token, acquired together."""

    def __init__(self, token: SlidingWindow, key: SlidingWindow) -> None:
        self.token = token
        self.key = key

    def acquire(self) -> float:
        """Wait until a request fits in both windows; the seconds waited."""
        return self.token.acquire() + self.key.acquire()

    def after_429(self, *, jitter: float = 0.1, rng: random.Random | None = None) -> float:
        """After a 429: treat the windows as full, wait for them to turn (plus up to ``jitter``
        of a window at random, so processes refused together do not retry together), and
        return the seconds to wait."""
        self.token.fill()
        self.key.fill()
        turn = max(self.token.time_to_turn(), self.key.time_to_turn())
        spread = (rng or random).uniform(0, jitter * self.token.window)
        return turn + spread


_SHARED: dict[tuple[str, str], SlidingWindow] = {}
_SHARED_LOCK = threading.Lock()


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def shared_limiter(
    api_url: str,
    key: str,
    token: str,
    *,
    window: float = WINDOW,
    token_limit: int = TOKEN_LIMIT,
    key_limit: int = KEY_LIMIT,
) -> RateLimiter:
    """The process-wide limiter of one API key and token at ``api_url`` (secrets are only kept
    as hashes). Clients asking with the same key share the key's window; with the same token,
    the token's window. Each window is ``window`` plus :data:`MARGIN` of it, so requests
    that arrive late after an early one still fit Trello's count."""

    def window_of(kind: str, secret: str, limit: int) -> SlidingWindow:
        name = (f"{api_url}|{kind}|{window}|{limit}", _fingerprint(secret))
        with _SHARED_LOCK:
            found = _SHARED.get(name)
            if found is None:
                found = _SHARED[name] = SlidingWindow(limit, window * (1 + MARGIN))
            return found

    return RateLimiter(window_of("token", token, token_limit), window_of("key", key, key_limit))
