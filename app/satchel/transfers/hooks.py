"""The small callables the queue hands to the code it drives, and that feed the queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from satchel.domain.errors import SatchelError
from satchel.providers.base import Provider
from satchel.transfers.items import TransferItem

#: Account name -> its connected provider. The window passes `Workspace.provider`; the
#: command line its own. May raise SatchelError (e.g. SignInRequired).
ProviderSource = Callable[[str], Provider]

#: Called before a step is tried again: (the error, the try that failed, seconds to wait).
RetryHook = Callable[[SatchelError, int, float], None]


class Commit(Protocol):
    """Journal these attributes of the item, and tell the views; see Journal.save."""

    def __call__(
        self,
        item: TransferItem,
        fields: Iterable[str],
        *,
        note: str | None = None,
        durable: bool = False,
    ) -> Awaitable[None]: ...
