"""From an account and its secret to a connected provider."""

from __future__ import annotations

from satchel.auth.accounts import Account
from satchel.domain.errors import UsageError
from satchel.providers.base import Provider

KINDS = ("bearer",)


def connect(account: Account, secret: str) -> Provider:
    """A provider for the account; it owns its HTTP clients until `aclose()`."""
    if account.kind == "bearer":
        from satchel.providers.bearer import BearerProvider

        return BearerProvider(account.url, secret)
    raise UsageError(
        f"Account {account.name!r} is of kind {account.kind!r}, which this version "
        f"of Satchel does not know. Known kinds: {', '.join(KINDS)}."
    )
