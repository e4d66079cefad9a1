"""Which option names look like a secret (refused) and which do not (allowed), both ways."""

from __future__ import annotations

import pytest

from agilemarketing.adapter.secrets import is_secret_option, secret_options

SECRET_LOOKING = [
    # tokens and passwords, any case and separator
    "token",
    "api_token",
    "API_TOKEN",
    "apiToken",
    "auth-token",
    "tokens",
    "secret",
    "client_secret",
    "clientSecret",
    "password",
    "db-password",
    "PASSWORD",
    "passwd",
    "pwd",
    "pass",
    "db_pass",
    "passphrase",
    # keys that are secrets
    "api-key",
    "api_key",
    "apikey",
    "ApiKey",
    "APIKey",
    "X-API-KEY",
    "access_key",
    "accessKey",
    "aws_secret_access_key",
    "private_key",
    "privateKey",
    "private-key",
    "secret_key",
    "signing_key",
    "app_key",
    # auth in all its names
    "auth",
    "Auth",
    "auth_header",
    "basic_auth",
    "authorization",
    "Authorization",
    "http-authorization",
    "authentication",
    "oauth",
    "oauth2",
    "bearer",
    "bearer_token",
    "pat",
    "PAT",
    "github_pat",
    "githubPat",
    "credential",
    "credentials",
    "Credentials",
    "creds",
    "jwt",
    "otp",
    # sessions, cookies, signatures
    "session",
    "session_id",
    "sessionid",
    "SESSION-TOKEN",
    "cookie",
    "cookies",
    "set-cookie",
    "signature",
    "sig",
    "url_signature",
    # an *_env name that is not the last segment is no variable name
    "token_env_value",
    "env_token",
]

ALLOWED = [
    "path",
    "paths",
    "PATH",
    "pattern",
    "patch",
    "author",
    "authors",
    "authority",
    "token_env",
    "TOKEN_ENV",
    "tokenEnv",
    "api-key-env",
    "password_env",
    "auth_env",
    "credentials_env",
    "user",
    "username",
    "user_name",
    "email",
    "project",
    "board",
    "site",
    "url",
    "base_url",
    "key",
    "issue_key",
    "key_field",
    "page_size",
    "passes",
    "bypass",
    "compass",
    "private",
    "public_key",
    "client_id",
    "sprint",
    "status_field",
    "session_env",
]


@pytest.mark.parametrize("name", SECRET_LOOKING)
def test_a_secret_looking_option_is_a_secret(name: str) -> None:
    assert is_secret_option(name)


@pytest.mark.parametrize("name", ALLOWED)
def test_an_ordinary_option_or_a_variable_name_is_not_a_secret(name: str) -> None:
    assert not is_secret_option(name)


def test_nested_tables_are_searched_and_a_secret_looking_table_is_refused_whole() -> None:
    options = {
        "user": "me",
        "token_env": "JIRA_TOKEN",
        "http": {"timeout": 5, "headers": {"Authorization": "Basic abc"}},
        "credentials": {"value": "x"},
        "hooks": [{"name": "a"}, {"signature": "s"}],
        "base_url": "https://bob:hunter2@host/",
        "site": "https://example.atlassian.net/me@corp",
    }
    assert list(secret_options(options)) == [
        ("http.headers.Authorization", "name"),
        ("credentials", "table"),
        ("hooks[1].signature", "name"),
        ("base_url", "url"),
    ]


def test_nothing_secret_yields_nothing() -> None:
    assert list(secret_options({"user": "me", "project": {"key": "MKT"}, "tags": ["a"]})) == []
