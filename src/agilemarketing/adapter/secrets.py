"""Secrets never travel as adapter options: the rule that tells a secret-looking option name.

An adapter reads a secret from an environment variable (``Adapter.secret``) whose *name* is the
option (``token_env="JIRA_TOKEN"``); an option that looks like the secret itself is refused, by the
adapter base class and by the sync configuration alike, and so is a table of options whose name
looks like one (``[target.credentials]``), an option nested anywhere below (``[source.auth]
token = ...``) and a URL value carrying credentials (``https://user:token@host``).

A name is split into words at ``_``, ``-``, ``.``, spaces and camelCase (``X-API-Key``,
``apiKey``, ``api_key`` are all ``api key``). It looks like a secret when

* its letters, joined, hold a long secret word (``token``, ``secret``, ``password``,
  ``passwd``, ``passphrase``, ``credential``, ``bearer``, ``cookie``, ``signature``,
  ``authorization``, ``authentication``, ``session`` id or token) or a key that is a secret
  (``apikey``, ``accesskey``, ``privatekey``, ``secretkey``, ``signingkey``, ``appkey``...);
* or one of its words is a short secret word (``auth``, ``oauth``, ``pat``, ``pwd``,
  ``pass``, ``creds``, ``sig``, ``jwt``, ``otp``, ``session``): whole words only, so ``path``,
  ``pattern``, ``author`` and ``bypass`` stay ordinary names;

and its last word is not ``env`` (``token_env`` names a variable: allowed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

__all__ = ["SECRET_NAME", "is_secret_option", "secret_options"]

#: Secret words found anywhere in a name's letters once its separators are gone.
SECRET_NAME: Final = re.compile(
    r"token|secret|password|passwd|passphrase|credential|bearer|cookie|signature"
    r"|authori[sz]ation|authentication|session(?:id|key|token)"
    r"|(?:api|access|private|secret|signing|encryption|master|app|auth|license)key"
)
#: Secret words that only count as a whole word of the name (``pat``, not ``path``).
_SECRET_WORD: Final = re.compile(
    r"auth|oauth|pat|pwd|pass|creds?|sig|jwt|otp|totp|mfa|session|sess|cookies?|sid"
)
_PARTS: Final = re.compile(r"[\W_]+")
_WORDS: Final = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_A-Za-z]+")
# A URL with userinfo in its authority: "scheme://user:secret@host" or "//token@host".
_CREDENTIALS_IN_URL: Final = re.compile(r"(?:^|[A-Za-z][A-Za-z0-9+.-]*:)//[^/?#\s]*@")


def _words(name: str) -> list[str]:
    return [w.lower() for part in _PARTS.split(name) for w in _WORDS.findall(part)]


def is_secret_option(name: str) -> bool:
    """Whether an option called ``name`` looks like it holds a secret itself, rather than the
    name of the environment variable holding one (an option whose last word is ``env``).

    >>> is_secret_option("api_token"), is_secret_option("api_token_env"), is_secret_option("page")
    (True, False, False)
    >>> is_secret_option("X-API-Key"), is_secret_option("pat"), is_secret_option("path")
    (True, True, False)
    """
    words = _words(name)
    if not words or words[-1] == "env":
        return False
    if SECRET_NAME.search("".join(words)):
        return True
    return any(_SECRET_WORD.fullmatch(word) for word in words)


def secret_options(options: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every option in ``options`` that holds a secret, as ``(path, why)``, never its value:
    ``why`` is ``"name"`` for a secret-looking name, ``"table"`` for a table with such a name
    (reported whole, not searched), ``"url"`` for a URL value carrying credentials. Tables
    (mappings) and lists are searched through, paths dotted (``"hooks[1].signature"``).

    >>> list(secret_options({"user": "me", "http": {"api-key": "x"}, "url": "https://a:b@h"}))
    [('http.api-key', 'name'), ('url', 'url')]
    """
    for name, value in options.items():
        path = f"{prefix}{name}"
        if is_secret_option(str(name)):
            yield path, "table" if isinstance(value, Mapping) else "name"
        else:
            yield from _secret_values(value, path)


def _secret_values(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        yield from secret_options(value, f"{path}.")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _secret_values(item, f"{path}[{index}]")
    elif isinstance(value, str) and _CREDENTIALS_IN_URL.search(value):
        yield path, "url"
