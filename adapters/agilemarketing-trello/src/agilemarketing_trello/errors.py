"""The errors of the Trello adapter, each a subclass of agilemarketing's base errors.

Every message says what was wrong, where (the board, the card, the request) and what to do.
No message ever holds the API key or token: requests carry them in a header only, and every
text that reaches an error passes through the adapter's redaction first.

>>> error = TrelloAuthenticationFailed("TRELLO_TOKEN", board="b0ard1d")
>>> print(error)
Trello board b0ard1d: Trello refused the token in TRELLO_TOKEN (401). Fix: check that \
TRELLO_TOKEN holds a current token for this key (tokens can be revoked or expire).
>>> isinstance(error, TrelloRemoteError), error.variable
(True, 'TRELLO_TOKEN')
"""

from __future__ import annotations

from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.errors import AuthenticationFailed as CoreAuthenticationFailed
from agilemarketing.errors import RemoteError as CoreRemoteError

__all__ = [
    "TrelloAuthenticationFailed",
    "TrelloDataError",
    "TrelloError",
    "TrelloExportError",
    "TrelloRemoteError",
    "TrelloSecretInvalid",
]


class TrelloError(AgileMarketingError):
    """Base of every error of the Trello adapter."""


class TrelloRemoteError(TrelloError, CoreRemoteError):
    """A request to Trello failed for good: after the bounded retries (429, 5xx, dropped
    connections, time-outs), or with an answer that cannot be retried (400, 403, 404).

    Nothing of the read was returned and no cursor moved; a write may have reached Trello
    before its answer was lost (the adapter looks for what it made before it sends a create
    again).

    Attributes:
        method: the HTTP method.
        path: the request's path, without query string (it never holds a secret).
        status: the last HTTP status, or None when no answer came (a dropped connection).
        reason: what went wrong, in Trello's words where it gave any.
        answer_late: the request reached Trello but its answer did not come in time (a read
            time-out, a gateway's 504): Trello may still apply it.
    """

    def __init__(
        self,
        method: str,
        path: str,
        *,
        status: int | None,
        reason: str,
        attempts: int = 1,
        fix: str | None = None,
        answer_late: bool = False,
    ) -> None:
        self.reason = reason
        self.attempts = attempts
        self.answer_late = answer_late
        answer = f"HTTP {status}" if status is not None else "no answer"
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        CoreRemoteError.__init__(
            self,
            method,
            path,
            status=status,
            message=reason,
            tool="Trello",
            what=f"{method} {path} failed{tries}: {answer}, {reason}",
            where="Trello API",
            fix=fix
            or "check the board id and your connection, then run the same command again "
            "(nothing was stored and the cursor did not move)",
        )


class TrelloAuthenticationFailed(TrelloRemoteError, CoreAuthenticationFailed):
    """Trello answered 401: the API key or the token (named by its environment variable) is
    not valid. A :class:`agilemarketing.errors.AuthenticationFailed`, so every command exits 2
    on it.

    Attributes:
        variable: the environment variable holding the refused secret.
    """

    def __init__(
        self, variable: str, *, board: str, what: str = "token", read_only: bool = False
    ) -> None:
        self.variable = variable
        self.board = board
        if read_only:  # a valid token without write scope ("unauthorized permission requested")
            message = f"Trello refused a write with the token in {variable} (401): it may only read"
            fix = (
                "authorise a token with write scope (the authorise link with "
                f"scope=read,write) and put it in {variable}"
            )
        elif what == "token":
            message = f"Trello refused the {what} in {variable} (401)"
            fix = (
                f"check that {variable} holds a current {what} for this key "
                "(tokens can be revoked or expire)"
            )
        else:
            message = f"Trello refused the {what} in {variable} (401)"
            fix = f"check that {variable} holds your API key from trello.com/power-ups/admin"
        AgileMarketingError.__init__(self, message, where=f"Trello board {board}", fix=fix)
        self.method = "GET"
        self.path = ""
        self.status = 401
        self.reason = "the token may only read" if read_only else f"invalid {what}"
        self.answer_late = False
        self.message = self.reason
        self.tool = "Trello"
        self.attempts = 1


class TrelloSecretInvalid(TrelloError, InvalidValue):
    """The API key or token holds a space, a line break or another control character (a value
    pasted with its newline): no HTTP header can carry it, so nothing is sent. Names the
    environment variable, never the value.

    Attributes:
        variable: the environment variable holding the secret.
    """

    def __init__(self, variable: str, *, board: str) -> None:
        self.variable = variable
        InvalidValue.__init__(
            self,
            f"the value of {variable} holds a space, a line break or a control character",
            where=f"Trello board {board}",
            fix=f"export {variable} again with the bare key or token (a value read from a file "
            "often keeps its line break)",
        )


class TrelloDataError(TrelloError, InvalidValue):
    """A card holds data the adapter cannot translate (a points value that is not a number).

    Attributes:
        card: the card's short link (or id) and name, as shown in the message.
        field: what is wrong on it.
    """

    def __init__(
        self, what: str, *, card: str, field: str, value: object = None, fix: str | None = None
    ) -> None:
        self.card = card
        self.field = field
        InvalidValue.__init__(
            self,
            what,
            where=f"Trello card {card}, {field}",
            fix=fix or "correct the value on the card in Trello, then read again",
            value=value,
        )


class TrelloExportError(TrelloError, InvalidValue):
    """A file given to the ``trello-json`` adapter is not a Trello board export.

    Attributes:
        path: the file.
    """

    def __init__(self, path: str, what: str) -> None:
        self.path = path
        InvalidValue.__init__(
            self,
            what,
            where=f"file {path}",
            fix="export the board from Trello (Menu, Print, export and share, Export as JSON) "
            "and point trello-json: at that file",
        )
