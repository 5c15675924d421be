"""From an account and its secret to a connected provider: one factory per kind.

A new kind of service plugs in with one entry in `FACTORIES`. How each kind's
credentials travel:
- bearer: `Account.url` is the service's root; the secret is the API key.
- trello: `Account.url` is the API's root (https://api.trello.com, or the local
  service's base URL); `Account.options["key"]` is the application key, which is not a
  secret (Trello puts it in authorize URLs) and is needed to sign in again; the secret
  (the keyring's entry) is the user's token alone.
"""

from __future__ import annotations

from collections.abc import Callable

from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.providers.base import Provider

#: Where a Trello account keeps its application key.
TRELLO_KEY_OPTION = "key"

Factory = Callable[[Account, str], Provider]


def _bearer(account: Account, secret: str) -> Provider:
    from satchel.providers.bearer import BearerProvider  # loaded on first use: fast start-up

    return BearerProvider(account.url, secret)


def _trello(account: Account, secret: str) -> Provider:
    from satchel.providers.trello import TrelloProvider

    key = account.options.get(TRELLO_KEY_OPTION)
    if not key:
        raise UsageError(
            f"Trello account {account.name!r} has no application key. Add it again with "
            "'satchel account add trello --key KEY'."
        )
    return TrelloProvider(account.url, key, secret)


FACTORIES: dict[str, Factory] = {
    "bearer": _bearer,
    "trello": _trello,
}
KINDS = tuple(FACTORIES)


def connect(account: Account, secret: str) -> Provider:
    """A provider for the account; it owns its HTTP clients until `aclose()`."""
    factory = FACTORIES.get(account.kind)
    if factory is None:
        raise UsageError(
            f"Account {account.name!r} is of kind {account.kind!r}, which this version "
            f"of Satchel does not know. Known kinds: {', '.join(KINDS)}."
        )
    return factory(account, secret)
