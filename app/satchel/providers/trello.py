"""The Trello dialect (PROTOCOLS.md §1), against https://api.trello.com or the local one.

Sign-in is an application key and a user token (see `satchel.auth.trello_authorize`),
sent only in the OAuth header. The tree is members/me/boards → lists → cards →
attachments; expanding a board brings its open cards with their attachments in pages of
at most 1,000 (`limit`, `before`), kept (see TreeCache) so the levels below need none.
Closed boards, lists and cards are hidden unless `show_closed` (then archived cards are
asked for too). Files over the account's upload limit are refused before a byte is
sent; the others go in one streamed multipart POST. Downloads go through
`/download/{fileName}` with the header: a 302 is followed by a clean client that carries
no credential, a 200 is the file itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from satchel.domain.errors import (
    MalformedResponse,
    NotFound,
    PermissionDenied,
    Rejected,
    SignInRequired,
    UsageError,
)
from satchel.domain.model import (
    Attachment,
    Board,
    BoardList,
    Card,
    FileToSend,
    Identity,
    Node,
    Preview,
    ResolvedLink,
)
from satchel.domain.plans import TRELLO_DEFAULT_UPLOAD_LIMIT
from satchel.domain.progress import CountProgress, ProgressCallback, no_count, no_progress
from satchel.providers.base import SingleRequestUploadProvider
from satchel.providers.http import json_body, make_api_client, malformed, read_answer
from satchel.providers.pacing import Budget, Pacer
from satchel.providers.retries import API_RETRY, RetryPolicy
from satchel.providers.trello_cache import TreeCache
from satchel.providers.trello_http import (
    TRELLO_BUDGETS,
    TrelloHttp,
    everywhere,
    paced_budgets,
    too_large,
    trello_auth,
)
from satchel.providers.trello_links import TrelloLinks
from satchel.providers.trello_pages import MAX_PAGE, CardPages
from satchel.providers.trello_wire import (
    TokenInfo,
    created_at,
    read_attachment,
    read_attachments,
    read_boards,
    read_identity,
    read_lists,
    read_token_info,
)
from satchel.storage.client import make_storage_client
from satchel.storage.download import download_to_file, save_answer
from satchel.storage.form_body import FormBody

log = logging.getLogger(__name__)

T = TypeVar("T", Board, BoardList, Card)
A = TypeVar("A")
B = TypeVar("B")

TRELLO_API = "https://api.trello.com"


def _segment(identifier: str) -> str:
    return quote(identifier, safe="")


class TrelloProvider(SingleRequestUploadProvider):
    """One Trello member's account, signed in with an application key and a token."""

    kind = "trello"

    def __init__(
        self,
        api_url: str = TRELLO_API,
        key: str = "",
        token: str = "",
        *,
        api_client: httpx.AsyncClient | None = None,
        storage_client: httpx.AsyncClient | None = None,
        pacers: tuple[Pacer, ...] | None = None,
        budgets: Sequence[Budget] = TRELLO_BUDGETS,
        backoff: RetryPolicy = API_RETRY,
        show_closed: bool = False,
        cache: TreeCache | None = None,
        upload_limit: int | None = TRELLO_DEFAULT_UPLOAD_LIMIT,
        token_expires_at: datetime | None = None,
        page_size: int = MAX_PAGE,
    ) -> None:
        """`api_url` is the API's root (the paths start with /1).

        Clients passed in stay the caller's to close; those made here close in `aclose()`.
        Requests are paced by `budgets` (this token's, this key's and the members route's,
        process-wide), or by `pacers` alone when given. `upload_limit` is the largest file
        (bytes) the account's workspaces take; `token_expires_at`, when known, makes an
        expired sign-in fail before its request is sent.
        """
        if not key or not token:
            raise UsageError("A Trello account needs its application key and a token.")
        self.api_url = api_url.rstrip("/")
        self.show_closed = show_closed
        self._key = key
        self._token = token
        self._owned: list[httpx.AsyncClient] = []
        if api_client is None:
            api_client = make_api_client(self.api_url)
            self._owned.append(api_client)
        if storage_client is None:
            storage_client = make_storage_client()
            self._owned.append(storage_client)
        self._storage = storage_client
        paced = everywhere(pacers) if pacers is not None else paced_budgets(key, token, budgets)
        self._http = TrelloHttp(api_client, trello_auth(self.api_url, key, token), paced, backoff)
        self._http.before_request = self._check_not_expired
        self._http.upload_limit = upload_limit
        self._links = TrelloLinks(self._http, self.api_url)
        self._cache = cache or TreeCache()
        self._pages = CardPages(self._http, self._url, page_size)
        self.upload_limit = upload_limit
        self.token_expires_at = token_expires_at

    def __repr__(self) -> str:
        return f"TrelloProvider({self.api_url!r})"

    async def aclose(self) -> None:
        owned, self._owned = self._owned, []
        for client in owned:
            await client.aclose()

    # --- plumbing --------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self.api_url}/1{path}"

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._http.send(method, self._url(path), **kwargs)
        if response.status_code >= 300:
            raise malformed(f"an unexpected redirect ({response.status_code})")
        return json_body(response)

    def _visible(self, items: list[T]) -> list[T]:
        return items if self.show_closed else [item for item in items if not item.closed]

    def _check_not_expired(self) -> None:
        expires = self.token_expires_at
        if expires is not None and datetime.now(UTC) >= expires:
            raise SignInRequired(
                f"Your Trello sign-in expired at {expires:%Y-%m-%d %H:%M} UTC. "
                "Sign in to Trello again to continue."
            )

    # --- the token -------------------------------------------------------------------------

    async def token_info(self) -> TokenInfo:
        """Who the token belongs to, its scope, and when it expires (`/1/tokens/{token}`)."""
        return read_token_info(await self._json("GET", f"/tokens/{_segment(self._token)}"))

    async def revoke(self) -> None:
        """Revoke the token on Trello (`DELETE /1/tokens/{token}`): signing out."""
        await self._json("DELETE", f"/tokens/{_segment(self._token)}")

    async def sign_out(self) -> None:
        with contextlib.suppress(SignInRequired):  # revoked or expired already: done
            await self.revoke()

    # --- reading ---------------------------------------------------------------------------

    async def whoami(self) -> Identity:
        member, token = await _both(self._json("GET", "/members/me"), self._token_info_if_any())
        identity = read_identity(member, token)
        if token is not None:
            self.token_expires_at = token.expires_at
        return replace(identity, max_upload_size=self.upload_limit)

    async def _token_info_if_any(self) -> TokenInfo | None:
        """The token's scope and expiry, or None: whether the token works is members/me's call."""
        try:
            return await self.token_info()
        except (SignInRequired, NotFound, Rejected, PermissionDenied, MalformedResponse) as error:
            log.info("Trello would not describe the token: %s", error.detail or error.message)
            return None

    async def list_boards(self) -> list[Board]:
        body = await self._json("GET", "/members/me/boards", params={"filter": "all"})
        return self._visible(read_boards(body))

    async def children(
        self, parent: Node | None, *, progress: CountProgress | None = None
    ) -> list[Node]:
        if isinstance(parent, Board):
            return list(await self.list_lists(parent.id, progress=progress or no_count))
        return await super().children(parent)

    async def list_lists(
        self, board_id: str, *, progress: CountProgress = no_count
    ) -> list[BoardList]:
        """The board's lists; its cards and their attachments come along, page by page,
        for later levels. `progress` hears (cards so far, about how many in all)."""
        board = _segment(board_id)
        lists_body, cards = await _both(
            self._json("GET", f"/boards/{board}/lists", params={"filter": "all"}),
            self._pages.all(
                f"/boards/{board}/cards",
                closed=self.show_closed,
                since=created_at(board_id),
                progress=progress,
            ),
        )
        lists = read_lists(lists_body)
        self._cache.put_board(board_id, [x.id for x in lists], cards)
        return self._visible(lists)

    async def list_cards(self, list_id: str) -> list[Card]:
        cards = self._cache.cards(list_id)
        if cards is None:
            items = await self._pages.all(
                f"/lists/{_segment(list_id)}/cards", closed=self.show_closed
            )
            self._cache.put_list(list_id, items)
            cards = [item.card for item in items]
        return self._visible(cards)

    async def list_attachments(self, card_id: str) -> list[Attachment]:
        attachments = self._cache.attachments(card_id)
        if attachments is None:
            body = await self._json("GET", f"/cards/{_segment(card_id)}/attachments")
            attachments = read_attachments(body, card_id)
            self._cache.put_attachments(card_id, attachments)
        return list(attachments)

    async def get_attachment(self, attachment_id: str) -> Attachment:
        """By `CARD_ID/ATTACHMENT_ID` (one request), or by its id alone (searched for)."""
        card_id, _, bare_id = attachment_id.rpartition("/")
        if card_id:
            path = f"/cards/{_segment(card_id)}/attachments/{_segment(bare_id)}"
            return read_attachment(await self._json("GET", path), card_id)
        found = self._cache.find_attachment(bare_id)
        for board in [] if found else await self.list_boards():
            await self.list_lists(board.id)  # one request brings every attachment on it
            found = self._cache.find_attachment(bare_id)
            if found:
                break
        if found is None:
            raise NotFound(
                f"No attachment {bare_id!r} is on the boards this Trello account sees. "
                "Name it as CARD_ID/ATTACHMENT_ID to look on one card."
            )
        return found

    def forget(self, node: Node | None = None) -> None:
        self._cache.forget(node)

    # --- upload and delete -----------------------------------------------------------------

    async def upload(
        self, card_id: str, file: FileToSend, progress: ProgressCallback = no_progress
    ) -> Attachment:
        """One multipart POST, streamed from disk; a 429 sends it again from the start.

        A file over the account's upload limit is refused before a byte is sent."""
        path, name, content_type = file.path, file.name, file.content_type
        self._check_size(path, name)
        # setCover=false: Trello would otherwise make an uploaded picture the card's cover.
        fields = {"name": name, "mimeType": content_type, "setCover": "false"}
        url = self._url(f"/cards/{_segment(card_id)}/attachments")

        async def attempt() -> httpx.Response:
            with FormBody(
                path, fields, file_name=name, content_type=content_type, progress=progress
            ) as body:
                client = self._http.client
                request = client.build_request("POST", url, content=body, headers=body.headers)
                return await client.send(
                    request, auth=self._http.auth, follow_redirects=False, stream=True
                )

        response = await read_answer(
            await self._http.retrying(attempt, path=httpx.URL(url).path, what="upload")
        )
        attachment = read_attachment(json_body(response), card_id)
        self._cache.added(card_id, attachment)
        return attachment

    def _check_size(self, path: Path, name: str) -> None:
        try:
            size = path.stat().st_size
        except OSError:
            return  # the form body says what is wrong with the file
        if self.upload_limit is not None and size > self.upload_limit:
            raise too_large(self.upload_limit, name)

    async def delete(self, attachment: Attachment) -> None:
        card_id = _card_of(attachment)
        path = f"/cards/{_segment(card_id)}/attachments/{_segment(attachment.id)}"
        await self._http.send("DELETE", self._url(path))
        self._cache.removed(card_id, attachment.id)

    # --- download, links, previews ---------------------------------------------------------

    async def resolve_download(self, attachment: Attachment) -> ResolvedLink:
        """The hosted file's URL, valid one hour: a HEAD preflight on the download route."""
        if attachment.is_link:
            raise UsageError(f"“{attachment.name}” is a link to a web page: open it instead.")
        return await self._links.resolve(
            self._links.download_route(attachment, _card_of(attachment))
        )

    async def _save_file(
        self, attachment: Attachment, dest: Path, progress: ProgressCallback, replace: bool
    ) -> Path:
        """The file from its `/download/` route: Trello's 302 or the bytes themselves."""
        response = await self.open_file(attachment, {"Accept-Encoding": "identity"})
        return await save_answer(response, dest, attachment.size, progress, replace=replace)

    async def open_file(self, attachment: Attachment, headers: dict[str, str]) -> httpx.Response:
        """A streamed answer holding the file: the route's own 200, or its 302's target
        fetched by the clean storage client. The caller closes it."""
        route = self._links.download_route(attachment, _card_of(attachment))
        return await self._links.open(route, headers, self._storage)

    async def resolve_preview(self, attachment: Attachment, preview: Preview) -> ResolvedLink:
        """A credential-free URL of a preview image (its `/download` route's redirect)."""
        route = self._links.preview_route(attachment, _card_of(attachment), preview)
        return await self._links.resolve(route)

    async def download_preview(self, attachment: Attachment, preview: Preview, dest: Path) -> Path:
        """Save a preview image (a thumbnail for the tree or the preview pane) at `dest`."""
        return await download_to_file(
            self._storage,
            lambda: self.resolve_preview(attachment, preview),
            dest,
            expected_size=preview.size,
        )

    def permanent_link(self, attachment: Attachment) -> str:
        """Trello's own address of the file (for people signed in to Trello); no secret in it."""
        if attachment.link_url is not None:
            return attachment.link_url
        return attachment.download_url or self._links.download_route(
            attachment, _card_of(attachment)
        )


async def _both(first: Coroutine[Any, Any, A], second: Coroutine[Any, Any, B]) -> tuple[A, B]:
    """Two requests at once; the first failure is raised as itself (not as a group)."""
    try:
        async with asyncio.TaskGroup() as group:
            one = group.create_task(first)
            two = group.create_task(second)
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return one.result(), two.result()


def _card_of(attachment: Attachment) -> str:
    if not attachment.card_id:
        raise UsageError(f"Satchel does not know which card holds “{attachment.name}”.")
    return attachment.card_id
