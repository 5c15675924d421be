"""The account scripts name in environment variables: a transient account of the workspace."""

from __future__ import annotations

import os
from collections.abc import Mapping

from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.workspace.kinds import TRELLO_KEY_OPTION

#: Scripts on machines without a keyring name the service and its secret here.
ENV_URL = "SATCHEL_URL"
ENV_KIND = "SATCHEL_KIND"
ENV_SECRET = "SATCHEL_SECRET"  # noqa: S105 - the variable's name, not a secret
#: With SATCHEL_KIND=trello: the application key (the token is SATCHEL_SECRET).
ENV_TRELLO_KEY = "SATCHEL_TRELLO_KEY"
#: The environment's account is named by its URL, so that `queue resume` never sends a
#: queued file to another service.
ENV_PREFIX = "env:"


def environment_name(url: str) -> str:
    return ENV_PREFIX + url.rstrip("/")


def environment_account(environ: Mapping[str, str] = os.environ) -> tuple[Account, str] | None:
    """The account and secret the environment names, or None when it names no service."""
    url = environ.get(ENV_URL)
    if not url:
        return None
    secret = environ.get(ENV_SECRET)
    if not secret:
        raise UsageError(f"{ENV_URL} is set but {ENV_SECRET} is not: set both, or neither.")
    trello_key = environ.get(ENV_TRELLO_KEY)
    account = Account(
        name=environment_name(url),
        kind=environ.get(ENV_KIND, "bearer"),
        url=url,
        options={TRELLO_KEY_OPTION: trello_key} if trello_key else {},
    )
    return account, secret
