"""The Trello dialect under /1: members, boards, lists, cards, attachments, tokens, downloads.

Over the one store: the demo member is the first tenant, ids are the store's ids. Auth by
the OAuth header or by `?key=&token=`, except downloads and previews (header or the
attachment URL's signature only). Errors are plain text, as Trello's are.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from satchel.sandbox import problems
from satchel.sandbox.records import Attachment, Board, BoardList, Card
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello import payloads
from satchel.sandbox.trello.auth import (
    Caller,
    RateLimited,
    TokenRateLimiter,
    TrelloAuth,
    TrelloError,
    not_found,
)
from satchel.sandbox.trello.authorize_page import AuthorizePage
from satchel.sandbox.trello.files import TrelloFiles, TrelloSettings, base_url, path_param
from satchel.sandbox.trello.store import TrelloStore

__all__ = ["TrelloApi", "TrelloSettings"]

Endpoint = Callable[[Request], Awaitable[Response]]
_ALL = 1_000_000
_SIGNING_SECRET = "trello_signing_secret"  # noqa: S105 - the meta key's name


def _signing_secret(store: Store) -> bytes:
    """Signs attachment URLs; kept in the store so signed URLs outlive a restart."""
    secret = store.meta(_SIGNING_SECRET)
    if secret is None:
        secret = secrets.token_hex(32)
        store.set_meta(_SIGNING_SECRET, secret)
    return secret.encode()


class TrelloApi:
    def __init__(
        self,
        store: Store,
        storage: StorageGate,
        settings: TrelloSettings,
        *,
        limiter: TokenRateLimiter | None = None,
    ) -> None:
        self.store = store
        self.trello = TrelloStore(store)
        self.auth = TrelloAuth(self.trello, limiter or TokenRateLimiter())
        self.authorize_page = AuthorizePage(self.trello)
        self.files = TrelloFiles(
            store, self.trello, storage, self.auth, settings, _signing_secret(store)
        )

    def app(self) -> Starlette:
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
        return app

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
            route("/lists/{id}/cards", self.list_cards, "GET"),
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

    def _board(self, caller: Caller, board_id: str) -> Board:
        board = self.store.board(caller.tenant_id, board_id)
        if board is None:
            raise not_found()
        return board

    def _card(self, caller: Caller, card_id: str) -> Card:
        card = self.store.card(caller.tenant_id, card_id)
        if card is None:
            raise not_found()
        return card

    def _lists(self, tenant_id: str, board_id: str) -> list[BoardList]:
        return self.store.lists(tenant_id, board_id, limit=_ALL).items

    def _cards(self, tenant_id: str, list_id: str) -> list[Card]:
        return self.store.cards(tenant_id, list_id, limit=_ALL).items

    def _attachments(self, tenant_id: str, card_id: str) -> list[Attachment]:
        return self.store.card_attachments(tenant_id, card_id, limit=_ALL).items

    async def _cards_json(
        self, request: Request, caller: Caller, cards: list[Card], with_attachments: bool
    ) -> list[dict[str, Any]]:
        closed = self.trello.closed_ids()
        base = base_url(request)
        by_card = {card.id: self._attachments(caller.tenant_id, card.id) for card in cards}
        attachments_json: dict[str, list[dict[str, Any]]] = {}
        if with_attachments:
            every = [a for attachments in by_card.values() for a in attachments]
            for item, attachment in zip(
                await self.files.attachments_json(request, caller, every), every, strict=True
            ):
                attachments_json.setdefault(attachment.card_id or "", []).append(item)
        answer = []
        positions: dict[str, int] = {}
        for card in cards:
            position = positions.get(card.list_id, 0)
            positions[card.list_id] = position + 1
            item = payloads.card_json(card, position, base, closed)
            item["badges"]["attachments"] = len(by_card[card.id])
            if with_attachments:
                item["attachments"] = attachments_json.get(card.id, [])
            answer.append(item)
        return answer

    # -- reading ------------------------------------------------------------------

    async def member(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        return JSONResponse(payloads.member_json(caller.token.member, base_url(request)))

    async def boards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        closed = self.trello.closed_ids()
        boards = self.store.boards(caller.tenant_id, limit=_ALL).items
        wanted = _keep(request.query_params.get("filter", "all"), closed)
        base = base_url(request)
        return JSONResponse([payloads.board_json(b, base, closed) for b in boards if wanted(b.id)])

    async def board(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self._board(caller, path_param(request, "id"))
        return JSONResponse(payloads.board_json(board, base_url(request), self.trello.closed_ids()))

    async def board_lists(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self._board(caller, path_param(request, "id"))
        closed = self.trello.closed_ids()
        wanted = _keep(request.query_params.get("filter", "open"), closed)
        lists = [x for x in self._lists(caller.tenant_id, board.id) if wanted(x.id)]
        return JSONResponse([payloads.list_json(x, closed) for x in lists])

    async def board_cards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board = self._board(caller, path_param(request, "id"))
        closed = self.trello.closed_ids()
        card_filter = request.query_params.get("filter", "visible")
        cards: list[Card] = []
        for board_list in self._lists(caller.tenant_id, board.id):
            if card_filter == "visible" and board_list.id in closed:
                continue  # "visible": open cards on open lists
            cards += self._cards(caller.tenant_id, board_list.id)
        wanted = _keep("open" if card_filter == "visible" else card_filter, closed)
        cards = [c for c in cards if wanted(c.id)]
        with_attachments = request.query_params.get("attachments", "false") == "true"
        return JSONResponse(await self._cards_json(request, caller, cards, with_attachments))

    async def list_cards(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        board_list = self.store.list_(caller.tenant_id, path_param(request, "id"))
        if board_list is None:
            raise not_found()
        closed = self.trello.closed_ids()
        wanted = _keep(request.query_params.get("filter", "open"), closed)
        cards = [c for c in self._cards(caller.tenant_id, board_list.id) if wanted(c.id)]
        with_attachments = request.query_params.get("attachments", "false") == "true"
        return JSONResponse(await self._cards_json(request, caller, cards, with_attachments))

    async def card_attachments(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        card = self._card(caller, path_param(request, "card"))
        attachments = self._attachments(caller.tenant_id, card.id)
        return JSONResponse(await self.files.attachments_json(request, caller, attachments))

    async def attachment(self, request: Request) -> Response:
        caller = self.auth.caller(request)
        card = self._card(caller, path_param(request, "card"))
        attachments = self._attachments(caller.tenant_id, card.id)
        wanted = path_param(request, "attachment")
        answer = await self.files.attachments_json(request, caller, attachments)
        for item in answer:
            if item["id"] == wanted:
                return JSONResponse(item)
        raise not_found()

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


def _keep(filter_value: str, closed: set[str]) -> Callable[[str], bool]:
    """Trello's `filter`: open, closed, or everything (all, and the values we ignore)."""
    if filter_value == "open":
        return lambda item_id: item_id not in closed
    if filter_value == "closed":
        return lambda item_id: item_id in closed
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
