"""A small typed client of Trello's REST API, on ``requests``.

What it does, and who does it:

* **Authentication**: the key and token travel in the ``Authorization: OAuth
  oauth_consumer_key="...", oauth_token="..."`` header only, never in a URL, a log line or an
  error. A 401 becomes :class:`~agilemarketing_trello.errors.TrelloAuthenticationFailed`
  naming the environment variable that holds the refused secret.
* **Rate limits**: every request first takes a place in the process-wide
  :mod:`~agilemarketing_trello.limiter` (100 requests per 10 s per token, 300 per key). A 429
  still happens when other programs share the token; Trello sends no Retry-After, so the
  client waits for the window to turn, with jitter, and tries again (a bounded number of
  times); a Retry-After (from a proxy) is waited out too, up to :data:`MAX_RETRY_AFTER`
  seconds (a longer one fails at once, saying how long). A 429 means Trello did nothing, so
  any method may be sent again.
* **Transport**: every request has a connect and a read time-out. GET, PUT and DELETE are
  retried on 5xx answers, dropped connections and time-outs, with exponential back-off and
  jitter, a bounded number of times; each retry takes its place in the rate limiter like any
  request (retried below it, by urllib3, a burst of server errors could go over Trello's
  limit). POST (a create) is never retried here: the adapter first looks for what a lost POST
  may have made.
* After the retries, a :class:`~agilemarketing_trello.errors.TrelloRemoteError`.

>>> client = TrelloClient("https://api.trello.com/1", key="k3y", token="t0ken")
>>> client.session.headers["Authorization"]
'OAuth oauth_consumer_key="k3y", oauth_token="t0ken"'
>>> "t0ken" in repr(client)
False
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import msgspec
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError
from urllib3.util.retry import Retry

from agilemarketing.errors import redact
from agilemarketing_trello.errors import (
    TrelloAuthenticationFailed,
    TrelloRemoteError,
    TrelloSecretInvalid,
)
from agilemarketing_trello.limiter import RateLimiter, shared_limiter

__all__ = ["DEFAULT_API_URL", "TrelloClient"]

DEFAULT_API_URL = "https://api.trello.com/1"
#: Trello's batch endpoint takes at most this many GET routes.
BATCH_SIZE = 10

log = logging.getLogger("agilemarketing_trello.client")

_RETRIED = frozenset({500, 502, 503, 504})
#: The longest Retry-After (seconds) a 429 is waited out for; a longer one fails at once.
MAX_RETRY_AFTER = 120.0
_T = TypeVar("_T")
_batch = msgspec.json.Decoder(list[dict[str, msgspec.Raw]])


class TrelloClient:
    """Requests to one Trello API root with one key and token.

    Args:
        api_url: the API root, ``https://api.trello.com/1`` (a fake on 127.0.0.1 in tests).
        key, token: the secrets (from the environment, read by the adapter).
        key_env, token_env: the names of their variables, for error messages.
        board: the board's id, for error messages.
        timeout: (connect, read) seconds for every request.
        retries: how many times a request is sent again: a GET/PUT/DELETE after a 5xx, a
            drop or a time-out, any request after a 429.
        backoff: the first retry's wait after a 5xx, drop or time-out (seconds; doubled on
            every retry, plus up to half of it at random).
        limiter: the rate limiter; the process-wide one of this key and token by default.
        sleep: how to wait between attempts (tests pass a fast one).
    """

    def __init__(
        self,
        api_url: str,
        *,
        key: str,
        token: str,
        key_env: str = "TRELLO_KEY",
        token_env: str = "TRELLO_TOKEN",  # noqa: S107 - the name of a variable
        board: str = "?",
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        for variable, secret in ((key_env, key), (token_env, token)):
            if any(c.isspace() or not c.isprintable() for c in secret):
                # requests would refuse the header with an error quoting it whole
                raise TrelloSecretInvalid(variable, board=board)
        self.api_url = api_url.rstrip("/")
        self._base_path = urlsplit(self.api_url).path.rstrip("/")
        self._secrets = (key, token)
        self.key_env = key_env
        self.token_env = token_env
        self.board = board
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.limiter = limiter or shared_limiter(self.api_url, key, token)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self.requests = 0
        self.session = requests.Session()
        self.session.headers["Authorization"] = (
            f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'
        )
        self.session.headers["Accept"] = "application/json"
        # Below the limiter, urllib3 retries only connections that were never made (nothing
        # reached Trello, for any method); every request that reached it is retried in
        # _request, through the limiter.
        connect_only = Retry(
            total=retries,
            connect=retries,
            read=False,  # a read error is raised as it is (a time-out stays a time-out)
            status=0,
            other=0,
            backoff_factor=backoff,
            backoff_jitter=backoff / 2,
            allowed_methods=None,
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        transport = HTTPAdapter(max_retries=connect_only)
        self.session.mount("http://", transport)
        self.session.mount("https://", transport)

    def __repr__(self) -> str:
        return f"<TrelloClient {self.api_url!r}>"

    def redact(self, text: str) -> str:
        """``text`` without the key and token."""
        return redact(text, *self._secrets)

    def close(self) -> None:
        """Close the connection pool."""
        self.session.close()

    # -- requests ---------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """The body of ``GET {api_url}{path}?{params}``."""
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any]) -> bytes:
        """The body of ``POST {api_url}{path}`` with a JSON body (never retried on a drop)."""
        return self.request("POST", path, body=body)

    def put(self, path: str, body: Mapping[str, Any]) -> bytes:
        """The body of ``PUT {api_url}{path}`` with a JSON body."""
        return self.request("PUT", path, body=body)

    def batch(self, routes: Sequence[str]) -> list[tuple[int, bytes]]:
        """Up to 10 GET routes (``/cards/{id}/actions?...``) in one request: each answer's
        status and body, in order."""
        if not 0 < len(routes) <= BATCH_SIZE:
            raise ValueError(f"a batch takes 1 to {BATCH_SIZE} routes")
        raw = self.get("/batch", {"urls": ",".join(routes)})
        answers = self.decoded(_batch_answers, raw, "GET", "/batch")
        if len(answers) != len(routes):
            raise self._not_json("GET", "/batch", f"{len(answers)} answers to {len(routes)} routes")
        return answers

    def decoded(self, decode: Callable[[bytes], _T], body: bytes, method: str, path: str) -> _T:
        """``decode(body)``, the answer to ``method path``; an answer that is not the JSON
        Trello sends (a proxy's page, a cut answer) is a
        :class:`~agilemarketing_trello.errors.TrelloRemoteError` naming the request."""
        try:
            return decode(body)
        except (msgspec.MsgspecError, ValueError) as exc:
            why = str(exc)[:200]
        raise self._not_json(method, path, why)  # outside the except: no chained error

    def _not_json(self, method: str, path: str, why: str) -> TrelloRemoteError:
        return TrelloRemoteError(
            method,
            self._base_path + path,
            status=200,
            reason=f"the answer is not Trello's JSON ({self.redact(why)})",
            fix=f"check that api_url ({self.api_url}) is Trello's API, "
            f"{DEFAULT_API_URL}, and that no proxy answers in its place; then run again",
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> bytes:
        """Send one request (waiting for the rate limiter, retrying as the module says) and
        return the body of its 2xx answer."""
        url = self.api_url + path
        shown = self._base_path + path
        for attempt in range(1, self.retries + 2):
            self.limiter.acquire()
            started = time.monotonic()
            self.requests += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=body, timeout=self.timeout
                )
            except requests.RequestException as exc:
                failure: str | None = _reason(exc)
                late = isinstance(exc, requests.ReadTimeout)
                connects = _connects_tried(exc, self.retries)
                log.debug("%s %s: no answer (%s)", method, shown, type(exc).__name__)
            else:
                failure, connects = None, 1
            if failure is not None:
                # a connection never made was retried by urllib3 already: not again on top
                if method != "POST" and attempt <= self.retries and connects == 1:
                    self._back_off(method, shown, failure, attempt)
                    continue
                # raised outside the except block, keeping no reference to the requests error
                # (whose text may quote a header or a URL): it is neither the cause nor the
                # context of the error, nor a local of its traceback
                raise TrelloRemoteError(
                    method,
                    shown,
                    status=None,
                    reason=self.redact(failure),
                    attempts=attempt - 1 + connects,
                    answer_late=late,
                )
            elapsed = time.monotonic() - started
            log.debug("%s %s -> %s (%.3f s)", method, shown, response.status_code, elapsed)
            status = response.status_code
            if status in _RETRIED and method != "POST" and attempt <= self.retries:
                self._back_off(method, shown, f"server error {status}", attempt)
                continue
            if response.status_code == 429 and attempt <= self.retries:
                wait = self.limiter.after_429(rng=self._rng)
                asked = _retry_after(response.headers.get("Retry-After"))
                if asked is not None and asked > MAX_RETRY_AFTER:
                    raise TrelloRemoteError(
                        method,
                        shown,
                        status=429,
                        reason=f"Trello's rate limit asks for a wait of {asked:.0f} s",
                        attempts=attempt,
                        fix=f"run again after {asked:.0f} s (longer than the "
                        f"{MAX_RETRY_AFTER:.0f} s this client waits by itself)",
                    )
                wait = max(wait, asked or 0.0)
                log.info("%s %s: Trello's rate limit (429); waiting %.2f s", method, shown, wait)
                self._sleep(wait)
                continue
            if response.status_code >= 400:
                raise self._error(method, shown, response, attempt)
            return response.content
        raise AssertionError("unreachable")  # pragma: no cover

    def _back_off(self, method: str, path: str, failure: str, attempt: int) -> None:
        """Wait before retry ``attempt`` + 1: exponential, with jitter, at most 120 s."""
        wait = min(
            120.0, self.backoff * 2 ** (attempt - 1) + self._rng.uniform(0, self.backoff / 2)
        )
        log.info("%s %s: %s; retrying in %.2f s", method, path, failure, wait)
        self._sleep(wait)

    def _error(
        self, method: str, path: str, response: requests.Response, attempt: int
    ) -> TrelloRemoteError:
        text = self.redact(response.text.strip())[:300]
        if response.status_code == 401:
            if "permission" in text.lower():
                return TrelloAuthenticationFailed(self.token_env, board=self.board, read_only=True)
            if "key" in text.lower() and "token" not in text.lower():
                return TrelloAuthenticationFailed(self.key_env, board=self.board, what="key")
            return TrelloAuthenticationFailed(self.token_env, board=self.board)
        fix = None
        if response.status_code == 404:
            fix = f"check the board id or short link ({self.board}) and that the token can see it"
        elif response.status_code == 429:
            fix = "another program shares this token or key; wait a minute and run again"
        return TrelloRemoteError(
            method,
            path,
            status=response.status_code,
            reason=text or "no reason given",
            attempts=attempt,
            fix=fix,
            answer_late=response.status_code == 504,
        )


def _retry_after(value: str | None) -> float | None:
    """The seconds a Retry-After header asks for (a number or an HTTP date), or None.

    >>> _retry_after("30"), _retry_after(None), _retry_after("soon")
    (30.0, None, None)
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _batch_answers(raw: bytes) -> list[tuple[int, bytes]]:
    answers = []
    for entry in _batch.decode(raw):
        ((status, body),) = entry.items()
        answers.append((int(status), bytes(body)))
    return answers


def _connects_tried(exc: requests.RequestException, retries: int) -> int:
    """How many times the request that failed with ``exc`` was sent: ``retries`` + 1 when
    urllib3 gave up connecting (it retries a connection never made), else once."""
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError) and isinstance(cause.reason, ConnectTimeoutError):
        return retries + 1
    return 1


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ReadTimeout):
        return "timed out waiting for the answer"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.RetryError):
        return "Trello kept answering with server errors"
    if isinstance(exc, requests.ConnectionError):
        return "the connection was dropped or refused"
    return type(exc).__name__


def route(path: str, params: Mapping[str, str | int]) -> str:
    """A batch route: ``/cards/abc/actions?filter=...`` (no API version, no secrets)."""
    return f"{path}?{urlencode(params)}"
