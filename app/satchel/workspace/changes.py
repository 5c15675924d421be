"""What changed, published once by the workspace; each view decides how to answer.

Three events: a card's attachments changed (an upload landed, an attachment was deleted),
an account must sign in again (the service refused its secret), and it signed in again.
Listeners are held weakly, so a closed window or a dropped model stops listening by itself.
"""

from __future__ import annotations

import weakref
from typing import Protocol


class ChangeListener(Protocol):
    def notify_card_changed(self, account: str, card_id: str) -> None: ...

    def notify_sign_in_required(self, account: str) -> None: ...

    def notify_signed_in(self, account: str) -> None: ...


class ChangeFeed:
    def __init__(self) -> None:
        self._listeners: list[weakref.ref[ChangeListener]] = []

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(weakref.ref(listener))

    def _alive(self) -> list[ChangeListener]:
        alive = [listener for ref in self._listeners if (listener := ref()) is not None]
        self._listeners = [weakref.ref(listener) for listener in alive]
        return alive

    def card_changed(self, account: str, card_id: str) -> None:
        for listener in self._alive():
            listener.notify_card_changed(account, card_id)

    def sign_in_required(self, account: str) -> None:
        for listener in self._alive():
            listener.notify_sign_in_required(account)

    def signed_in(self, account: str) -> None:
        for listener in self._alive():
            listener.notify_signed_in(account)
