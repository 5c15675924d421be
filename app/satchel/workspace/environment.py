"""The account scripts name in environment variables: a transient account of the workspace."""

from __future__ import annotations

import os
from collections.abc import Mapping

from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.workspace.kinds import (
    APP_URL_OPTION,
    ORGANIZATION_OPTION,
    STORAGE_URL_OPTION,
    TRELLO_KEY_OPTION,
)

#: Scripts on machines without a keyring name the service and its secret here.
ENV_URL = "SATCHEL_URL"
ENV_KIND = "SATCHEL_KIND"
ENV_SECRET = "SATCHEL_SECRET"  # noqa: S105 - the variable's name, not a secret
#: With SATCHEL_KIND=trello: the application key (the token is SATCHEL_SECRET).
ENV_TRELLO_KEY = "SATCHEL_TRELLO_KEY"
#: With SATCHEL_KIND=productive: the organization id (the token is SATCHEL_SECRET), and
#: for another deployment than Productive's own, the upload bucket and the web app.
ENV_PRODUCTIVE = {
    ORGANIZATION_OPTION: "SATCHEL_ORGANIZATION_ID",
    STORAGE_URL_OPTION: "SATCHEL_STORAGE_URL",
    APP_URL_OPTION: "SATCHEL_APP_URL",
}
#: The environment's account is named by its URL, so that `queue resume` never sends a
#: queued file to another service.
ENV_PREFIX = "env:"


def environment_name(url: str) -> str:
    return ENV_PREFIX + url.rstrip("/")


def secret_for(url: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """SATCHEL_SECRET, only when SATCHEL_URL names this very service: one service's key
    is never sent to another."""
    secret, named = environ.get(ENV_SECRET, "").strip(), environ.get(ENV_URL, "")
    if not secret or not named or named.strip().rstrip("/") != url.strip().rstrip("/"):
        return None
    return secret


def environment_account(environ: Mapping[str, str] = os.environ) -> tuple[Account, str] | None:
    """The account and secret the environment names, or None when it names no service.

    SATCHEL_SECRET alone is refused: it would go to whichever account is chosen.
    """
    url = environ.get(ENV_URL)
    if not url:
        if environ.get(ENV_SECRET):
            raise UsageError(
                f"{ENV_SECRET} is set but {ENV_URL} is not. A key is only sent to the service "
                f"it belongs to: set {ENV_URL} to that service's address, or unset {ENV_SECRET}."
            )
        return None
    secret = environ.get(ENV_SECRET)
    if not secret:
        raise UsageError(f"{ENV_URL} is set but {ENV_SECRET} is not: set both, or neither.")
    trello_key = environ.get(ENV_TRELLO_KEY)
    options = {TRELLO_KEY_OPTION: trello_key} if trello_key else {}
    options |= {
        option: environ[name] for option, name in ENV_PRODUCTIVE.items() if environ.get(name)
    }
    account = Account(
        name=environment_name(url),
        kind=environ.get(ENV_KIND, "bearer"),
        url=url,
        options=options,
    )
    return account, secret
