"""From an account and its secret to a connected provider.

How each kind's credentials travel:
- bearer: `Account.url` is the service's root; the secret is the API key.
- trello: `Account.url` is the API's root (https://api.trello.com, or the local
  service's base URL); `Account.options["key"]` is the application key, which is not a
  secret (Trello puts it in authorize URLs) and is needed to sign in again; the secret
  (the keyring's entry) is the user's token alone.
"""

from __future__ import annotations

from satchel.auth.accounts import Account
from satchel.domain.errors import UsageError
from satchel.providers.base import Provider

KINDS = ("bearer", "trello")
#: Where a Trello account keeps its application key.
TRELLO_KEY_OPTION = "key"


def connect(account: Account, secret: str) -> Provider:
    """A provider for the account; it owns its HTTP clients until `aclose()`."""
    if account.kind == "bearer":
        from satchel.providers.bearer import BearerProvider

        return BearerProvider(account.url, secret)
    if account.kind == "trello":
        from satchel.providers.trello import TrelloProvider

        key = account.options.get(TRELLO_KEY_OPTION)
        if not key:
            raise UsageError(
                f"Trello account {account.name!r} has no application key. Add it again with "
                "'satchel account add trello --key KEY'."
            )
        return TrelloProvider(account.url, key, secret)
    raise UsageError(
        f"Account {account.name!r} is of kind {account.kind!r}, which this version "
        f"of Satchel does not know. Known kinds: {', '.join(KINDS)}."
    )
