"""The Trello dialect under /1: members, boards, lists, cards, attachments, tokens, downloads.

Over the one store: the demo member is the first tenant, ids are the store's ids. Auth by
the OAuth header or by `?key=&token=`, except downloads and previews (header or the
attachment URL's signature only). Errors are plain text, as Trello's are.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from satchel.sandbox import problems
from satchel.sandbox.records import Attachment, Board, BoardList, Card
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello import payloads
from satchel.sandbox.trello.auth import (
    Caller,
    RateLimited,
    TrelloAuth,
    TrelloBudgets,
    TrelloError,
)
from satchel.sandbox.trello.authorize_page import AuthorizePage
from satchel.sandbox.trello.files import TrelloFiles, TrelloSettings, base_url, path_param
from satchel.sandbox.trello.ids import TrelloIds
from satchel.sandbox.trello.lookup import Lookup
from satchel.sandbox.trello.store import TrelloStore

__all__ = ["TrelloApi", "TrelloSettings"]

Endpoint = Callable[[Request], Awaitable[Response]]
_ALL = 1_000_000
_SIGNING_SALT = "trello_signing_salt"


def _signing_secret(store: Store, storage: StorageGate) -> bytes:
    """Signs attachment URLs. Derived from the storage's secret key (kept 0600 outside the
    database) and a salt in the store, so signed URLs outlive a restart while a copy of the
    database alone cannot forge one."""
    salt = store.meta(_SIGNING_SALT)
    if salt is None:
        salt = secrets.token_hex(16)
        store.set_meta(_SIGNING_SALT, salt)
    master = storage.gateway.settings.secret_key.encode()
    return hmac.new(master, f"trello-url-signatures:{salt}".encode(), hashlib.sha256).digest()


class TrelloApi:
    def __init__(
        self,
        store: Store,
        storage: StorageGate,
        settings: TrelloSettings,
        *,
        budgets: TrelloBudgets | None = None,
    ) -> None:
        self.store = store
        self.trello = TrelloStore(store)
        self.ids = TrelloIds(store)
        self.lookup = Lookup(store, self.ids)
        self.auth = TrelloAuth(self.trello, budgets or settings.budgets or TrelloBudgets())
        self.authorize_page = AuthorizePage(self.trello)
        self.files = TrelloFiles(
            store,
            self.trello,
            self.lookup,
            storage,
            self.auth,
            settings,
            _signing_secret(store, storage),
        )

    def app(self) -> ASGIApp:
        """The ASGI app to mount at /1, answering its own errors in plain text."""
        app = Starlette(
            routes=self.routes(),
            exception_handlers={
                TrelloError: _on_trello_error,
                RateLimited: _on_rate_limited,
                problems.Problem: _on_problem,
                HTTPException: _on_http_error,
            },
        )
        app.router.redirect_slashes = False
        return without_trailing_slash(app)

    def routes(self) -> list[BaseRoute]:
        def route(path: str, endpoint: Endpoint, *methods: str) -> Route:
            return Route(path, endpoint, methods=list(methods))

        files = self.files
        attachment = "/cards/{card}/attachments/{attachment}"
        preview = attachment + "/previews/{preview}/download"
        return [
            route("/authorize", self.authorize_page.show, "GET"),
            route("/authorize", self.authorize_page.decide, "POST"),
            route("/tokens/{token}", self.token_info, "GET"),
            route("/tokens/{token}", self.revoke_token, "DELETE"),
            route("/members/me", self.member, "GET"),
            route("/members/me/boards", self.boards, "GET"),
            route("/boards/{id}", self.board, "GET"),
            route("/boards/{id}/lists", self.board_lists, "GET"),
            route("/boards/{id}/cards", self.board_cards, "GET"),
            route("/lists/{id}", self.one_list, "GET"),
            route("/lists/{id}/cards", self.list_cards, "GET"),
            route("/cards/{card}", self.card, "GET"),
            route("/cards/{card}/attachments", self.card_attachments, "GET"),
            route("/cards/{card}/attachments", files.upload, "POST"),
            route(attachment, self.attachment, "GET"),
            route(attachment, files.delete, "DELETE"),
            # GET answers HEAD too (Starlette adds it): the preflight of seed 000.
            route(attachment + "/download/{file_name:path}", files.download, "GET"),
            route(preview, files.preview, "GET"),
            route(preview + "/{file_name:path}", files.preview, "GET"),
        ]

    # -- lookups ----------------------------------------------------------------

    def _lists(self, tenant_id: str, board_id: str) -> list[BoardList]:
        return self.store.lists(tenant_id, board_id, limit=_ALL).items

    def _cards(self, tenant_id: str, list_id: str) -> list[Card]:
        return self.store.cards(tenant_id, list_id, limit=_ALL).items

    def _attachments(self, tenant_id: str, card_id: str) -> list[Attachment]:
        return self.store.card_attachments(tenant_id, card_id, limit=_ALL).items

    def _board_json(self, request: Request, board: Board) -> dict[str, Any]:
        (oid, link) = self.ids.many([(board.id, board.created_at)])[board.id]
        item = payloads.board_json(board, oid, link, base_url(request), self.trello.closed_ids())
        return payloads.only(item, request.query_params.get("fields"))

    def _list_json(self, request: Request, lists: list[BoardList]) -> list[dict[str, Any]]:
        closed = self.trello.closed_ids()
        boards = self.lookup.created("board", {x.board_id for x in lists})
        oids = self.ids.many_out([*((x.id, x.created_at) for x in lists), *boards])
        fields = request.query_params.get("fields")
        return [
            payloads.only(payloads.list_json(x, oids[x.id], oids[x.board_id], closed), fields)
            for x in lists
        ]

    async def _cards_json(
        self, request: Request, caller: Caller, cards: list[Card], placed: dict[str, int]
    ) -> list[dict[str, Any]]:
        query = request.query_params
        attachments_wanted = _choice(query, "attachments", ("false", "true", "cover"), "false")
        closed = self.trello.closed_ids()
        base = base_url(request)
        records = [(c.id, c.created_at) for c in cards]
        records += self.lookup.created("board", {c.board_id for c in cards})
        records += self.lookup.created("list", {c.list_id for c in cards})
        known = self.ids.many(records)
        oids = {key: oid for key, (oid, _link) in known.items()}
        by_card = {card.id: self._attachments(caller.tenant_id, card.id) for card in cards}
        attachments_json: dict[str, list[dict[str, Any]]] = {}
        if attachments_wanted != "false":
            every = [a for attachments in by_card.values() for a in attachments]
            fields = query.get("attachment_fields")
            for item, attachment in zip(
                await self.files.attachments_json(request, caller, every), every, strict=True
            ):
                attachments_json.setdefault(attachment.card_id or "", []).append(
                    payloads.only(item, fields)
                )
        answer = []
        fields = query.get("fields")
        for card in cards:
            item = payloads.card_json(
                card, oids, known[card.id][1], placed.get(card.id, 0), base, closed
            )
            item["badges"]["attachments"] = len(by_card[card.id])
            item = payloads.only(item, fields)
            if attachments_wanted != "false":
                item["attachments"] = attachments_json.get(card.id, [])
            answer.append(item)
        return answer

    def _page(self, request: Request, cards: list[Card]) -> list[Card]:
        """`limit`, `before`, `since`: newest first by ObjectId, as Trello pages."""
        query = request.query_params
        if not any(name in query for name in ("limit", "before", "since")):
            return cards
        limit_text = query.get("limit", str(MAX_CARD_PAGE))
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_CARD_PAGE:
            raise TrelloError(400, "invalid value for limit")
        before = self.ids.into_or_none(query.get("before"))
        since = self.ids.into_or_none(query.get("since"))
        oids = self.ids.many_out((c.id, c.created_at) for c in cards)
        chosen = sorted(cards, key=lambda c: oids[c.id], reverse=True)
        if before is not None:
            chosen = [c for c in chosen if oids[c.id] < before]
        if since is not None:
            chosen = [c for c in chosen if oids[c.id] > since]
        return chosen[: int(limit_text)]

    # -- reading ------------------------------------------------------------------

    async def member(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        member = payloads.member_json(caller.token.member, base_url(request))
        return JSONResponse(payloads.only(member, request.query_params.get("fields")))

    async def boards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        closed = self.trello.closed_ids()
        boards = self.store.boards(caller.tenant_id, limit=_ALL).items
        wanted = _keep(_choice(request.query_params, "filter", BOARD_FILTERS, "all"), closed)
        return JSONResponse([self._board_json(request, b) for b in boards if wanted(b.id)])

    async def board(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self.lookup.board(caller, path_param(request, "id"))
        return JSONResponse(self._board_json(request, board))

    async def board_lists(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self.lookup.board(caller, path_param(request, "id"))
        closed = self.trello.closed_ids()
        wanted = _keep(_choice(request.query_params, "filter", LIST_FILTERS, "open"), closed)
        lists = [x for x in self._lists(caller.tenant_id, board.id) if wanted(x.id)]
        return JSONResponse(self._list_json(request, lists))

    async def one_list(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board_list = self.lookup.list_(caller, path_param(request, "id"))
        (item,) = self._list_json(request, [board_list])
        return JSONResponse(item)

    async def board_cards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self.lookup.board(caller, path_param(request, "id"))
        closed = self.trello.closed_ids()
        card_filter = _choice(request.query_params, "filter", CARD_FILTERS, "visible")
        cards: list[Card] = []
        for board_list in self._lists(caller.tenant_id, board.id):
            if card_filter == "visible" and board_list.id in closed:
                continue  # "visible": open cards on open lists
            cards += self._cards(caller.tenant_id, board_list.id)
        return await self._card_listing(request, caller, cards, card_filter, closed)

    async def list_cards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board_list = self.lookup.list_(caller, path_param(request, "id"))
        closed = self.trello.closed_ids()
        card_filter = _choice(request.query_params, "filter", CARD_FILTERS, "open")
        cards = self._cards(caller.tenant_id, board_list.id)
        return await self._card_listing(request, caller, cards, card_filter, closed)

    async def _card_listing(
        self,
        request: Request,
        caller: Caller,
        cards: list[Card],
        card_filter: str,
        closed: set[str],
    ) -> Response:
        """A page of the cards the filter keeps, with their positions among all of them."""
        placed = _positions(cards)
        wanted = _keep("open" if card_filter == "visible" else card_filter, closed)
        cards = self._page(request, [c for c in cards if wanted(c.id)])
        return JSONResponse(await self._cards_json(request, caller, cards, placed))

    async def card(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        card = self.lookup.card(caller, path_param(request, "card"))
        siblings = self._cards(caller.tenant_id, card.list_id)
        (item,) = await self._cards_json(request, caller, [card], _positions(siblings))
        return JSONResponse(item)

    async def card_attachments(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        card = self.lookup.card(caller, path_param(request, "card"))
        _choice(request.query_params, "filter", ("false", "true", "cover"), "false")
        attachments = self._attachments(caller.tenant_id, card.id)
        answer = await self.files.attachments_json(request, caller, attachments)
        fields = request.query_params.get("fields")
        return JSONResponse([payloads.only(item, fields) for item in answer])

    async def attachment(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        card = self.lookup.card(caller, path_param(request, "card"))
        wanted = self.lookup.attachment(caller.tenant_id, card, path_param(request, "attachment"))
        (item,) = await self.files.attachments_json(request, caller, [wanted])
        return JSONResponse(payloads.only(item, request.query_params.get("fields")))

    # -- tokens ---------------------------------------------------------------------

    def _own_token(self, request: Request, caller: Caller) -> str:
        plaintext = path_param(request, "token")
        record = self.trello.token(plaintext)
        if record is None or record.member.id != caller.token.member.id:
            raise TrelloError(401, "invalid token")
        return plaintext

    async def token_info(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        record = self.trello.token(self._own_token(request, caller))
        assert record is not None
        return JSONResponse(payloads.token_json(record))

    async def revoke_token(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        self.trello.revoke_token(self._own_token(request, caller))
        return JSONResponse({"_value": None})


#: The `filter` values Trello takes, per collection (anything else: 400).
BOARD_FILTERS = ("all", "closed", "members", "open", "organization", "public", "pinned",
                 "starred", "unpinned")  # fmt: skip
LIST_FILTERS = ("all", "closed", "none", "open")
CARD_FILTERS = ("all", "closed", "none", "open", "visible")
MAX_CARD_PAGE = 1000


def _choice(query: Any, name: str, allowed: tuple[str, ...], default: str) -> str:
    value: str = query.get(name, default)
    if value not in allowed:
        raise TrelloError(400, f"invalid value for {name}")
    return value


def _positions(cards: list[Card]) -> dict[str, int]:
    """Each card's place in its list (its `pos` and `idShort` come from it)."""
    placed: dict[str, int] = {}
    counts: dict[str, int] = {}
    for card in cards:
        placed[card.id] = counts.get(card.list_id, 0)
        counts[card.list_id] = placed[card.id] + 1
    return placed


def without_trailing_slash(app: ASGIApp) -> ASGIApp:
    """Trello takes `/1/members/me/boards/` as `/1/members/me/boards`."""

    async def strip(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await app(scope, receive, send)

    return strip


def _keep(filter_value: str, closed: set[str]) -> Callable[[str], bool]:
    """Trello's `filter`: open, closed, or everything (all, and the values we ignore)."""
    if filter_value in ("open", "visible", "members", "organization", "public", "pinned",
                        "starred", "unpinned"):  # fmt: skip
        return lambda item_id: item_id not in closed
    if filter_value == "closed":
        return lambda item_id: item_id in closed
    if filter_value == "none":
        return lambda _item_id: False
    return lambda _item_id: True


async def _on_trello_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, TrelloError)
    return error.response()


async def _on_rate_limited(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RateLimited)
    return error.response()


async def _on_problem(_request: Request, error: Exception) -> Response:
    """Storage trouble from the shared gate, in this dialect's plain words."""
    assert isinstance(error, problems.Problem)
    return PlainTextResponse(error.detail, error.status, headers=error.headers)


async def _on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return PlainTextResponse(f"Cannot {request.method} {request.url.path}", 404)
    return PlainTextResponse(str(error.detail), error.status_code, headers=error.headers)
