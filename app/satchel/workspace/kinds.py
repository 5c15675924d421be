"""From an account and its secret to a connected provider: one factory per kind.

A new kind of service plugs in with one entry in `FACTORIES`. How each kind's
credentials travel:
- bearer: `Account.url` is the service's root; the secret is the API key.
- trello: `Account.url` is the API's root (https://api.trello.com, or the local
  service's base URL); `Account.options["key"]` is the application key, which is not a
  secret (Trello puts it in authorize URLs) and is needed to sign in again; the secret
  (the keyring's entry) is the user's token alone; `options["upload_limit"]` the largest
  file its workspaces take (bytes; 250 MB when not set); `options["expires"]` when the
  token stops working.
- productive: `Account.url` is the API's root (https://api.productive.io, or the local
  service's base URL); `Account.options` holds `organization_id` and, for other
  deployments than Productive's own, `storage_url` (the upload bucket) and `app_url`
  (the web app, for task links); the secret is the API token.
"""

from __future__ import annotations

from collections.abc import Callable

from satchel.domain.addresses import check_service_address
from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.domain.plans import TRELLO_DEFAULT_UPLOAD_LIMIT
from satchel.providers.base import Provider

#: Where a Trello account keeps its application key.
TRELLO_KEY_OPTION = "key"
#: Where a Trello account keeps the largest file (bytes) its workspaces take.
UPLOAD_LIMIT_OPTION = "upload_limit"

Factory = Callable[[Account, str], Provider]


def trello_account(name: str, url: str, key: str, upload_limit: int) -> Account:
    """A Trello account as the list keeps it: the application key (not a secret) and the
    largest file its workspaces take; the token goes to the keyring."""
    options = {TRELLO_KEY_OPTION: key.strip(), UPLOAD_LIMIT_OPTION: str(upload_limit)}
    return Account(name, "trello", url, options)


def _required(account: Account, option: str, what: str, flag: str) -> str:
    """An option the kind cannot do without, or a clear way to put it back."""
    value = account.options.get(option)
    if not value:
        raise UsageError(
            f"{account.kind.capitalize()} account {account.name!r} has no {what}. Add it "
            f"again with 'satchel account add {account.kind} {flag}'."
        )
    return value


def _bearer(account: Account, secret: str) -> Provider:
    from satchel.providers.bearer import BearerProvider  # loaded on first use: fast start-up

    return BearerProvider(account.url, secret)


def _trello(account: Account, secret: str) -> Provider:
    from satchel.providers.trello import TrelloProvider

    key = _required(account, TRELLO_KEY_OPTION, "application key", "--key KEY")
    limit = account.options.get(UPLOAD_LIMIT_OPTION, "")
    return TrelloProvider(
        account.url,
        key,
        secret,
        upload_limit=int(limit) if limit.isdigit() else TRELLO_DEFAULT_UPLOAD_LIMIT,
        token_expires_at=account.expires_at,
    )


#: Where a Productive account keeps its organization id and, off Productive, its hosts.
ORGANIZATION_OPTION, STORAGE_URL_OPTION, APP_URL_OPTION = (
    "organization_id",
    "storage_url",
    "app_url",
)


def _productive(account: Account, secret: str) -> Provider:
    from satchel.providers import productive

    organization = _required(account, ORGANIZATION_OPTION, "organization id", "--organization ID")
    return productive.ProductiveProvider(
        account.url,
        secret,
        organization,
        storage_url=account.options.get(STORAGE_URL_OPTION, productive.PRODUCTIVE_STORAGE),
        app_url=account.options.get(APP_URL_OPTION, productive.PRODUCTIVE_APP),
    )


FACTORIES: dict[str, Factory] = {
    "bearer": _bearer,
    "trello": _trello,
    "productive": _productive,
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
    check_service_address(account.url)  # never a secret over plain http to another machine
    return factory(account, secret)
