"""The one module that talks to Jira: the ``jira`` client, tamed.

Everything the adapter sends goes through :class:`JiraTransport`, so an upgrade of the ``jira``
client (or a move away from it) touches this file only. What the client gives us, and what we
change about it:

* **Authentication and session.** The client builds an authenticated ``requests`` session:
  Cloud e-mail + API token as basic auth, a Data Center personal access token as a Bearer
  header (``token_auth``) or basic auth with a user name. We use that session.
* **Retries.** The client's own ``ResilientSession`` retries 429 and 503 for *every* method, a
  POST included (so a rate-limited create can be sent twice), never retries 500/502/504, and
  sleeps with its own formula. We switch it off (``max_retries=0``: one attempt, then its
  ``raise_on_error``) and mount urllib3's :class:`~urllib3.util.Retry` on the session instead:
  idempotent methods only (GET, PUT, DELETE... and the one read-only POST, the bulk changelog),
  statuses 429/500/502/503/504, ``Retry-After`` honoured (seconds or an HTTP date), exponential
  backoff with jitter otherwise, and a budget: a request never waits more than ``max_wait``
  seconds in total for retries. The last answer is then raised as :class:`RemoteError`.
* **Timeouts.** The client has no default timeout; we give every request a connect and a read
  timeout.
* **Missing endpoints.** The client has no bulk changelog and no board configuration calls;
  we send those (and the searches, whose paging we need to control) on its session.

Errors come out as :mod:`agilemarketing_jira.errors` values, built from Jira's answer only,
never from the request (which carries the credentials), and redacted.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

import attrs
import requests
from jira import JIRA, JIRAError
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from agilemarketing_jira.errors import (
    AuthenticationFailed,
    JiraConnectionError,
    JiraTimeout,
    RemoteError,
)

__all__ = ["Answer", "JiraTransport", "TransportSettings"]

LOG = logging.getLogger("agilemarketing_jira")

#: Statuses worth another try of an idempotent request.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: POST endpoints that only read, and so may be retried like a GET.
READ_ONLY_POSTS = ("/rest/api/3/changelog/bulkfetch",)


@attrs.frozen
class TransportSettings:
    """Timeouts and retry budget of every request.

    Attributes:
        connect_timeout: seconds to establish a connection.
        read_timeout: seconds to wait for an answer once the request is sent.
        max_retries: retries of one request (idempotent methods only) before giving up.
        max_wait: seconds one request may spend waiting between retries, in total; a
            ``Retry-After`` longer than what is left ends the request at once.
        backoff: the first backoff in seconds (doubling per retry, with jitter), when the
            server gives no ``Retry-After``.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_retries: int = 6
    max_wait: float = 300.0
    backoff: float = 1.0


class BoundedRetry(Retry):
    """urllib3's Retry with a time budget and jittered backoff from the first retry on.

    The budget starts at the first retry of a request: each retry plans its wait (the server's
    ``Retry-After``, else ``backoff * 2**n`` with +-50% jitter) and gives up, returning the last
    answer, when that wait would end past ``max_wait``.
    """

    def __init__(
        self,
        *args: Any,
        max_wait: float = 300.0,
        deadline: float | None = None,
        planned_wait: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait
        self.deadline = deadline
        self.planned_wait = planned_wait

    def new(self, **kw: Any) -> Self:
        kw.setdefault("max_wait", self.max_wait)
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("planned_wait", self.planned_wait)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        retries = len(self.history)
        if retries == 0:
            return 0.0
        base = min(self.backoff_max, self.backoff_factor * 2 ** (retries - 1))
        return float(base) * (0.5 + random.random())  # noqa: S311 - jitter, not a secret

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: Any = None,
    ) -> Self:
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        now = time.monotonic()
        deadline = self.deadline if self.deadline is not None else now + self.max_wait
        wait = None
        if response is not None and self.respect_retry_after_header:
            wait = new.get_retry_after(response)
        if wait is None:
            wait = new.get_backoff_time()
        if now + wait > deadline:
            reason = error or ResponseError(
                f"giving up: waiting {wait:.1f}s more would pass max_wait={self.max_wait:g}s"
            )
            raise MaxRetryError(_pool, url or "", reason)  # type: ignore[arg-type]
        new.deadline = deadline
        new.planned_wait = wait
        return new

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.planned_wait > 0:
            time.sleep(self.planned_wait)


@attrs.frozen
class Answer:
    """Jira's answer to one request: the HTTP status and the decoded JSON body (None when
    empty)."""

    status: int
    data: Any


def _error_body(response: requests.Response | None) -> tuple[list[str], dict[str, str]]:
    if response is None:
        return [], {}
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return ([text[:200]] if text else []), {}
    if not isinstance(body, dict):
        return [], {}
    messages = [str(m) for m in body.get("errorMessages") or () if m]
    messages += [
        body[single]
        for single in ("message", "errorMessage")
        if isinstance(body.get(single), str) and body[single]
    ]
    errors = body.get("errors")
    fields = {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}
    return messages, fields


class JiraTransport:
    """Requests to one Jira site, through the ``jira`` client's authenticated session.

    Args:
        site: the site's base URL (``https://example.atlassian.net``).
        user: the user name or e-mail for basic auth; None for a Bearer token (Data Center
            personal access token).
        secret: the API token, password or personal access token.
        settings: timeouts and retries.
        redact: hides secrets in anything logged or raised.

    No request is sent until one is asked for.
    """

    def __init__(
        self,
        site: str,
        *,
        user: str | None,
        secret: str,
        settings: TransportSettings,
        redact: Callable[[str], str],
        secret_variable: str = "JIRA_TOKEN",  # noqa: S107 - the variable's name, not a secret
    ) -> None:
        self.site = site.rstrip("/")
        self.secret_variable = secret_variable  # named by AuthenticationFailed, never the value
        self.settings = settings
        self._redact = redact
        #: requests sent (attempts the retry layer made are not counted twice)
        self.requests_sent = 0
        auth: dict[str, Any] = (
            {"basic_auth": (user, secret)} if user is not None else {"token_auth": secret}
        )
        self._client = JIRA(
            server=self.site,
            get_server_info=False,
            max_retries=0,  # ResilientSession: one attempt, no retries of its own
            timeout=(settings.connect_timeout, settings.read_timeout),
            **auth,
        )
        session: requests.Session = self._client._session
        retry = self._retry(frozenset(Retry.DEFAULT_ALLOWED_METHODS))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        session.mount("http://", HTTPAdapter(max_retries=retry))
        read_post = HTTPAdapter(max_retries=self._retry(frozenset({"POST"})))
        for path in READ_ONLY_POSTS:
            session.mount(self.site + path, read_post)
        self._session = session

    def _retry(self, methods: frozenset[str]) -> BoundedRetry:
        s = self.settings
        return BoundedRetry(
            total=s.max_retries,
            connect=s.max_retries,
            read=s.max_retries,
            status=s.max_retries,
            other=0,
            allowed_methods=methods,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=s.backoff,
            backoff_max=max(s.backoff, s.max_wait),
            respect_retry_after_header=True,
            raise_on_status=False,  # give back the last answer: it becomes a RemoteError
            raise_on_redirect=False,
            retry_after_max=int(s.max_wait) + 1,
            max_wait=s.max_wait,
        )

    def __repr__(self) -> str:
        return f"<JiraTransport {self._redact(self.site)!r}>"

    def redact(self, text: str) -> str:
        """``text`` with the secret hidden (for errors built from an answer's text)."""
        return self._redact(text)

    # -- the client's own calls --------------------------------------------------------------

    def server_info(self) -> dict[str, Any]:
        """``GET /rest/api/2/serverInfo`` (version, deploymentType, serverTime)."""
        data: dict[str, Any] = self._through_client(
            "GET", "/rest/api/2/serverInfo", self._client.server_info
        )
        return data

    def myself(self) -> dict[str, Any]:
        """``GET /rest/api/2/myself`` (the user, with the profile's ``timeZone``)."""
        data: dict[str, Any] = self._through_client(
            "GET", "/rest/api/2/myself", self._client.myself
        )
        return data

    def fields(self) -> list[dict[str, Any]]:
        """``GET /rest/api/2/field``: every field, system and custom."""
        data: list[dict[str, Any]] = self._through_client(
            "GET", "/rest/api/2/field", self._client.fields
        )
        return data

    def _through_client(self, method: str, path: str, call: Callable[[], Any]) -> Any:
        started = time.monotonic()
        self.requests_sent += 1
        # Each error is raised outside its ``except`` block, so that it has no __context__:
        # the client's and requests' errors hold the answer's text, the URL and the request.
        error: RemoteError
        try:
            result = call()
        except JIRAError as exc:
            error = self._remote_error(method, path, exc.status_code, exc.response, None)
        except ValueError:  # the client's json(): a login page or a proxy's page, not JSON
            error = self._not_json(method, path, 200, None)
        except requests.RequestException as exc:
            error = self._transport_error(method, path, exc, None)
        else:
            self._log(method, path, 200, started)
            return result
        raise error

    # -- requests on the client's session -----------------------------------------------------

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, key: str | None = None
    ) -> Any:
        """GET ``path`` and return the decoded JSON."""
        return self.request("GET", path, params=params, key=key).data

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        key: str | None = None,
    ) -> Answer:
        """Send one request; a 4xx/5xx answer (after the retries that were safe) is raised as
        :class:`RemoteError`, a missing answer as :class:`JiraTimeout` or
        :class:`JiraConnectionError`. ``key`` names the issue in errors."""
        started = time.monotonic()
        self.requests_sent += 1
        error: RemoteError | None = None  # raised outside the except blocks: no __context__
        try:
            response = self._session.request(
                method, self.site + path, params=dict(params or {}), json=body
            )
        except JIRAError as exc:
            error = self._remote_error(method, path, exc.status_code, exc.response, key)
        except requests.RequestException as exc:
            error = self._transport_error(method, path, exc, key)
        if error is not None:
            raise error
        self._log(method, path, response.status_code, started)
        try:
            data = response.json() if response.content else None
        except ValueError:
            error = self._not_json(method, path, response.status_code, key)
        if error is not None:
            raise error
        return Answer(response.status_code, data)

    def close(self) -> None:
        """Close the session's connections."""
        self._session.close()

    # -- errors and logging ------------------------------------------------------------------

    def _remote_error(
        self,
        method: str,
        path: str,
        status: int | None,
        response: requests.Response | None,
        key: str | None,
    ) -> RemoteError:
        messages, fields = _error_body(response)
        messages = [self._redact(m) for m in messages]
        fields = {k: self._redact(v) for k, v in fields.items()}
        fix = None
        if status == 401 and "atlassian.net" in self.site:
            fix = "Jira Cloud needs user=<your e-mail> and an API token in token_env"
        details: dict[str, Any] = {
            "status": status,
            "messages": messages,
            "field_errors": fields,
            "key": key,
            "site": self.site,
            "fix": fix,
        }
        error = (
            AuthenticationFailed(method, path, variable=self.secret_variable, **details)
            if status in (401, 403)
            else RemoteError(method, path, **details)
        )
        LOG.warning("%s", self._redact(str(error)))
        return error

    def _not_json(self, method: str, path: str, status: int, key: str | None) -> RemoteError:
        error = RemoteError(
            method,
            path,
            status=status,
            messages=["the answer is not JSON (a login page, or a proxy's page?)"],
            key=key,
            site=self.site,
            fix="check that the URL is the Jira site's base address and that no proxy or "
            "single sign-on page stands in front of its REST API",
        )
        LOG.warning("%s", self._redact(str(error)))
        return error

    def _transport_error(
        self, method: str, path: str, exc: requests.RequestException, key: str | None
    ) -> RemoteError:
        timed_out = isinstance(exc, requests.Timeout) or _caused_by(exc, ReadTimeoutError)
        cls = JiraTimeout if timed_out else JiraConnectionError
        what = (
            f"no answer within the timeouts (connect {self.settings.connect_timeout:g}s, "
            f"read {self.settings.read_timeout:g}s)"
            if timed_out
            else f"the connection failed ({type(exc).__name__})"
        )
        error = cls(method, path, status=None, messages=[what], key=key, site=self.site)
        LOG.warning("%s", self._redact(str(error)))
        return error

    def _log(self, method: str, path: str, status: int, started: float) -> None:
        if LOG.isEnabledFor(logging.DEBUG):
            elapsed = time.monotonic() - started
            LOG.debug("%s", self._redact(f"{method} {path} -> {status} in {elapsed:.3f}s"))


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 8:
        if isinstance(current, kind):
            return True
        for arg in getattr(current, "args", ()):
            if isinstance(arg, kind) or (
                isinstance(arg, MaxRetryError) and isinstance(arg.reason, kind)
            ):
                return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False
