"""Redaction (``agilemarketing.errors.redact``): a secret is hidden in every usual encoding.

A token leaks as itself, URL-encoded (a query string), base64 (an HTTP Basic header, where the
user name is unknown), JSON-escaped (a logged request body) or HTML-escaped (a report page).
The property: whatever the secret and whatever the text around it, no encoded form survives;
and text that carries no form of the secret comes back unchanged.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agilemarketing.errors import redact

SECRET = "tok/5f3a+9c=very:secret"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _b64url_unpadded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _json(text: str) -> str:
    return json.dumps(text)[1:-1]


def _json_unicode(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _json_all_escaped(text: str) -> str:
    """Every character as ``\\uXXXX`` (surrogate pairs beyond the BMP), as some encoders do."""
    out = []
    for char in text:
        point = ord(char)
        if point > 0xFFFF:
            point -= 0x10000
            out += [f"\\u{0xD800 + (point >> 10):04X}", f"\\u{0xDC00 + (point & 0x3FF):04X}"]
        else:
            out.append(f"\\u{point:04x}")
    return "".join(out)


#: Every encoding the redaction promises to catch, by name.
ENCODINGS: dict[str, Callable[[str], str]] = {
    "exact": lambda s: s,
    "url, safe=''": lambda s: quote(s, safe=""),
    "url, safe='/'": quote,
    "url, lower-case hex": lambda s: re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), quote(s, "")),
    "url, plus for space": quote_plus,
    "url, twice": lambda s: quote(quote(s, safe=""), safe=""),
    "base64": _b64,
    "base64 Basic user:secret": lambda s: _b64(f"bot:{s}"),
    "base64 Basic, longer user": lambda s: _b64(f"deploy-bot@example.com:{s}"),
    "base64 Basic, empty user": lambda s: _b64(f":{s}"),
    "base64 url-safe unpadded": lambda s: _b64url_unpadded(f"ci:{s}"),
    "base64 then url-encoded": lambda s: quote(_b64(f"bot:{s}"), safe=""),
    "json": _json,
    "json, unicode kept": _json_unicode,
    "json, all escaped": _json_all_escaped,
    "json, slash escaped": lambda s: _json(s).replace("/", "\\/"),
    "html": html.escape,
}


@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_each_encoding_of_the_secret_is_redacted(encoding: Callable[[str], str]) -> None:
    form = encoding(SECRET)
    text = redact(f"GET /items?x={form} failed", SECRET)
    assert form not in text
    assert "***" in text
    assert text.startswith("GET /items?x=")
    assert text.endswith(" failed")


@pytest.mark.parametrize(
    "text",
    [
        "Launch the spring email campaign",
        "https://cdn.example/x?sig=abc123&size=large",
        "Basic " + _b64("bot:another-token"),  # somebody else's credentials: not ours to hide
        "tok/5f3a+9c=very:secre",  # one character short of the secret
        "",
    ],
)
def test_text_without_the_secret_is_left_alone(text: str) -> None:
    assert redact(text, SECRET) == text


def test_the_whole_base64_token_goes_and_the_header_name_stays() -> None:
    header = f"Authorization: Basic {_b64('bot:' + SECRET)}"
    assert redact(header, SECRET) == "Authorization: Basic ***"


def test_no_secret_and_empty_secrets_change_nothing() -> None:
    assert redact("anything at all", None, "") == "anything at all"


def test_the_longer_of_two_overlapping_secrets_is_hidden_whole() -> None:
    assert redact("key=abcdef-123456", "abcdef", "abcdef-123456") == "key=***"


def test_a_secret_formed_again_by_the_text_around_the_mark_is_hidden_too() -> None:
    # "a" + "a**" redacts to "a***", which holds "a**" again: redaction repeats until stable.
    assert "a**" not in redact("a" + "a**", "a**")


@pytest.mark.parametrize(
    ("before", "secret"),
    [
        # base64 "bXRv...P8O%2F": "%2" + "bXRv..." reads as an escaped "+" then "XRv..."
        ("%2", f"m{SECRET}?\u00ff"),
        # base64 "2bV0...MO%2F": "%" + "2bV0..." reads as an escaped "+" then "V0..."
        ("%", f"\u0675{SECRET}\u00ff"),
    ],
)
def test_a_url_encoded_base64_secret_right_after_a_percent_sign_is_hidden(
    before: str, secret: str
) -> None:
    form = quote(_b64(f"{secret}|more data after it"), safe="")
    assert form not in redact(before + form + " tail", secret)


# --- the property ---------------------------------------------------------------------------------

_PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=st.text(_PRINTABLE, min_size=1, max_size=40),
    before=_TEXT,
    after=_TEXT,
    encoding=st.sampled_from(sorted(ENCODINGS)),
)
def test_no_encoded_form_of_any_secret_survives_in_any_text(
    secret: str, before: str, after: str, encoding: str
) -> None:
    # A secret made only of asterisks cannot be told from the *** that replaces it.
    assume(secret.strip("*"))
    form = ENCODINGS[encoding](secret)
    assert form not in redact(before + form + after, secret)


@settings(max_examples=200, deadline=None)
@given(
    secret=st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=8, max_size=30),
    text=st.text(st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), max_size=60),
)
def test_text_that_does_not_contain_the_secret_is_unchanged(secret: str, text: str) -> None:
    assume(secret not in text)
    # (base64 text that decodes to the secret by chance is ~2**-48 likely: not worth excluding)
    assert redact(text, secret) == text
