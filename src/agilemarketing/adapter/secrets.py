"""Secrets never travel as adapter options: the rule that tells a secret-looking option name.

An adapter reads a secret from an environment variable (``Adapter.secret``) whose *name* is the
option (``token_env="JIRA_TOKEN"``); an option that looks like the secret itself is refused, by the
adapter base class and by the sync configuration alike.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["SECRET_NAME", "is_secret_option"]

#: What the name of an option holding a secret contains (a token, a password, an API key...).
SECRET_NAME: Final = re.compile(r"(token|password|passwd|secret|api_?key|credential)", re.I)


def is_secret_option(name: str) -> bool:
    """Whether an option called ``name`` looks like it holds a secret itself, rather than the
    name of the environment variable holding one (an option ending in ``_env``).

    >>> is_secret_option("api_token"), is_secret_option("api_token_env"), is_secret_option("page")
    (True, False, False)
    """
    return SECRET_NAME.search(name) is not None and not name.endswith("_env")
