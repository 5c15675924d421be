"""From the ids in a Trello path to the store's records, with Trello's refusals.

An id that is no ObjectId or shortLink is 400 `invalid id`; one that names nothing is
404; one that names another member's board, list, card or attachment is 401
`unauthorized permission requested`, as Trello answers for an object the token may not
see (PROTOCOLS.md §1): not "sign in again".
"""

from __future__ import annotations

from satchel.sandbox.records import Attachment, Board, BoardList, Card
from satchel.sandbox.store import Store
from satchel.sandbox.trello.auth import UNAUTHORIZED, Caller, TrelloError, not_found
from satchel.sandbox.trello.ids import TrelloIds

_TABLES = {"board": "boards", "list": "lists", "card": "cards", "attachment": "attachments"}


class Lookup:
    def __init__(self, store: Store, ids: TrelloIds) -> None:
        self.store = store
        self.ids = ids

    def _refused(self, kind: str, store_id: str) -> TrelloError:
        """401 when the object exists for someone else, else 404."""
        table = _TABLES[kind]
        with self.store.connection() as db:
            row = db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (store_id,)).fetchone()  # noqa: S608
        return TrelloError(401, UNAUTHORIZED) if row else not_found()

    def board(self, caller: Caller, text: str) -> Board:
        store_id = self.ids.into(text)
        board = self.store.board(caller.tenant_id, store_id)
        if board is None:
            raise self._refused("board", store_id)
        return board

    def list_(self, caller: Caller, text: str) -> BoardList:
        store_id = self.ids.into(text)
        board_list = self.store.list_(caller.tenant_id, store_id)
        if board_list is None:
            raise self._refused("list", store_id)
        return board_list

    def card(self, caller: Caller, text: str) -> Card:
        store_id = self.ids.into(text)
        card = self.store.card(caller.tenant_id, store_id)
        if card is None:
            raise self._refused("card", store_id)
        return card

    def attachment(self, tenant_id: str, card: Card, text: str) -> Attachment:
        store_id = self.ids.into(text)
        attachment = self.store.attachment(tenant_id, store_id)
        if attachment is None or attachment.card_id != card.id:
            raise not_found()
        return attachment

    def tenant_of_attachment(self, text: str) -> str | None:
        """Whose attachment an id names (a signed URL carries no key to tell)."""
        try:
            store_id = self.ids.into(text)
        except TrelloError:
            return None
        with self.store.connection() as db:
            row = db.execute(
                "SELECT tenant_id FROM attachments WHERE id = ?", (store_id,)
            ).fetchone()
        return str(row["tenant_id"]) if row else None

    def created(self, kind: str, store_ids: set[str]) -> list[tuple[str, str]]:
        """(store id, created at) of boards or lists, for their ObjectIds."""
        table = _TABLES[kind]
        ids = sorted(store_ids)
        found: list[tuple[str, str]] = []
        with self.store.connection() as db:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT id, created_at FROM {table} WHERE id IN ({marks})",  # noqa: S608
                    tuple(chunk),
                ).fetchall()
                found += [(str(r["id"]), str(r["created_at"])) for r in rows]
        return found
