"""The fake Jira's JQL: the clauses the adapter and its tests use, evaluated over fake issues.

``project``, ``key``, ``summary`` (``~`` is a word-sequence match, as Lucene's phrase query),
``status``, ``type``, ``reporter`` (``currentUser()``), ``labels``, ``updated`` and ``created``
(dates read in the user's profile time zone, to the minute); ``AND``, ``OR``, parentheses,
``in (...)``; ``ORDER BY key``, ``Rank``, ``created``, ``updated`` with ``ASC``/``DESC``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_jira import FakeJira, Issue

__all__ = ["JqlError", "Query"]


class JqlError(ValueError):
    pass


_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:\\.|[^"\\])*")|(?P<op>>=|<=|!=|=|~|>|<)|(?P<punct>[(),])'
    r"|(?P<word>[^\s(),=<>!~\"]+))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise JqlError(f"cannot parse JQL near {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        pos = match.end()
    return out


class Query:
    """A parsed JQL query: a predicate over issues, and an ordering."""

    def __init__(self, text: str, fake: FakeJira) -> None:
        self.fake = fake
        tokens = _tokens(text)
        order_at = next(
            (
                i
                for i in range(len(tokens) - 1)
                if tokens[i] == ("word", tokens[i][1])
                and tokens[i][1].lower() == "order"
                and tokens[i + 1][1].lower() == "by"
            ),
            None,
        )
        where, order = (
            (tokens, []) if order_at is None else (tokens[:order_at], tokens[order_at + 2 :])
        )
        self.bounded = bool(where)
        self._pos = 0
        self._tokens = where
        self.predicate: Callable[[Issue], bool] = (lambda _i: True) if not where else self._expr()
        if self._pos != len(where):
            raise JqlError(f"unexpected {where[self._pos][1]!r} in JQL")
        self.order: list[tuple[str, str]] = []
        words = [t[1].lower() for t in order if t[0] == "word"]
        for position, word in enumerate(words):
            if word in ("asc", "desc"):
                continue
            following = words[position + 1] if position + 1 < len(words) else "asc"
            self.order.append((word, following if following in ("asc", "desc") else "asc"))

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise JqlError("JQL ends too early")
        self._pos += 1
        return token

    def _expr(self) -> Callable[[Issue], bool]:
        terms = [self._term()]
        while (tok := self._peek()) is not None and tok[1].lower() in ("and", "or"):
            self._take()
            if tok[1].lower() == "or":
                left = terms.pop()
                right = self._term()
                terms.append(lambda i, a=left, b=right: a(i) or b(i))
            else:
                terms.append(self._term())
        return lambda i: all(t(i) for t in terms)

    def _term(self) -> Callable[[Issue], bool]:
        if self._peek() == ("punct", "("):
            self._take()
            inner = self._expr()
            if self._take() != ("punct", ")"):
                raise JqlError("missing )")
            return inner
        name = self._take()[1].lower()
        op = self._take()
        if op[0] == "word" and op[1].lower() == "in":
            if self._take() != ("punct", "("):
                raise JqlError("in needs a list")
            values = []
            while (tok := self._take()) != ("punct", ")"):
                if tok != ("punct", ","):
                    values.append(tok[1])
            return lambda i: self._value(i, name) in values
        value = self._take()
        text = value[1]
        if value[0] == "word" and text.lower() == "currentuser":
            self._take()
            self._take()
            text = self.fake.user
        return self._compare(name, op[1], text)

    def _value(self, issue: Issue, name: str) -> Any:
        return {
            "project": issue.key.rsplit("-", 1)[0],
            "key": issue.key,
            "issuekey": issue.key,
            "summary": issue.summary,
            "status": issue.status,
            "type": issue.type,
            "issuetype": issue.type,
            "reporter": issue.reporter,
            "labels": issue.labels,
            "updated": issue.updated,
            "created": issue.created,
        }.get(name)

    def _date(self, text: str) -> datetime:
        zone = self.fake.zone
        for form in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
            try:
                return datetime.strptime(text, form).replace(tzinfo=zone).astimezone(UTC)
            except ValueError:
                continue
        raise JqlError(f"Date value '{text}' for field 'updated' is invalid")

    def _compare(self, name: str, op: str, text: str) -> Callable[[Issue], bool]:
        if name in ("updated", "created"):
            bound = self._date(text)
            ops: dict[str, Callable[[datetime], bool]] = {
                ">=": lambda v: v >= bound,
                ">": lambda v: v >= bound + timedelta(minutes=1),
                "<=": lambda v: v < bound + timedelta(minutes=1),
                "<": lambda v: v < bound,
            }
            test = ops[op]
            return lambda i: test(self._value(i, name))
        if name == "key" and op in (">", "<", ">=", "<="):
            number = int(text.rsplit("-", 1)[1])
            cmp = {
                ">": number.__lt__,
                "<": number.__gt__,
                ">=": number.__le__,
                "<=": number.__ge__,
            }[op]
            return lambda i: cmp(i.number)
        if op == "~":
            wanted = re.findall(r"\w+", text.lower())

            def contains(issue: Issue) -> bool:
                words = re.findall(r"\w+", str(self._value(issue, name)).lower())
                return any(
                    words[k : k + len(wanted)] == wanted
                    for k in range(len(words) - len(wanted) + 1)
                )

            return contains
        if name == "labels":
            return (lambda i: text in i.labels) if op == "=" else (lambda i: text not in i.labels)
        if op == "=":
            return lambda i: str(self._value(i, name)).lower() == text.lower()
        if op == "!=":
            return lambda i: str(self._value(i, name)).lower() != text.lower()
        raise JqlError(f"operator {op} is not supported for {name}")

    def sort(self, issues: list[Issue]) -> list[Issue]:
        keys = {
            "key": lambda i: i.number,
            "rank": lambda i: i.rank,
            "created": lambda i: (i.created, i.number),
            "updated": lambda i: (i.updated, i.number),
        }
        result = sorted(issues, key=lambda i: i.number)
        for name, direction in reversed(self.order):
            if name not in keys:
                raise JqlError(f"cannot order by {name}")
            result.sort(key=keys[name], reverse=direction == "desc")
        return result
