"""The sandbox's ASGI app: the dialect routes over one store and one S3 gateway."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from satchel.domain.addresses import is_loopback_host
from satchel.sandbox import problems
from satchel.sandbox.bearer.api import BearerApi, BearerSettings
from satchel.sandbox.bearer.auth import BearerAuthMiddleware
from satchel.sandbox.orphan_sweep import run_sweeper
from satchel.sandbox.productive.api import ProductiveApi, ProductiveSettings
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello.api import TrelloApi, TrelloSettings
from satchel.sandbox.trello.web_host import web_app

#: The S3 single-POST limit.
DEFAULT_MAX_UPLOAD_SIZE = 5 * 1024**3
DEFAULT_ORPHAN_GRACE_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    max_upload_size: int = DEFAULT_MAX_UPLOAD_SIZE
    orphan_grace_seconds: float = DEFAULT_ORPHAN_GRACE_SECONDS
    productive: ProductiveSettings = field(default_factory=ProductiveSettings)
    #: The Trello dialect's web host, budgets and fault modes (None: its defaults).
    trello: TrelloSettings | None = None
    #: Host names answered besides loopback ones ("*": any, for a service on all interfaces).
    extra_hosts: tuple[str, ...] = ()


_VERDICTS_KEPT = 64


class HostCheckMiddleware:
    """Answers only requests that name this service's host. A page on another site can
    make a browser reach 127.0.0.1 under its own name (DNS rebinding); its Host header
    gives it away, so it can neither read the API nor mint tokens on the authorize page."""

    def __init__(self, app: ASGIApp, extra_hosts: Sequence[str] = ()) -> None:
        self.app = app
        self._extra = {host.lower() for host in extra_hosts}
        #: Verdicts by Host header: a client sends the same one every time (kept for the
        #: first few only, so that made-up names cannot grow it).
        self._verdicts: dict[str, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        # HTTP/1.1 needs exactly one Host header (RFC 9112 section 3.2). h11 refused the
        # rest itself; httptools (runner.py's parser) lets them through.
        if len(hosts) != 1 and scope["http_version"] == "1.1":
            await _INVALID_REQUEST(scope, receive, send)
            return
        if not self._allowed(hosts[0].decode("latin-1") if hosts else ""):
            response = problems.Problem(
                421, "misdirected_request", "This service answers only under its own address."
            ).response()
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, host: str) -> bool:
        verdict = self._verdicts.get(host)
        if verdict is None:
            verdict = self._judge(host)
            if len(self._verdicts) < _VERDICTS_KEPT:
                self._verdicts[host] = verdict
        return verdict

    def _judge(self, host: str) -> bool:
        if "*" in self._extra:
            return True
        name = urlsplit(f"//{host}").hostname or ""
        return is_loopback_host(name) or name in self._extra


#: What uvicorn answers a request its HTTP parser refuses.
_INVALID_REQUEST = PlainTextResponse(
    "Invalid HTTP request received.", 400, headers={"Connection": "close"}
)


async def _on_problem(_request: Request, error: Exception) -> Response:
    assert isinstance(error, problems.Problem)
    return error.response()


async def _on_http_error(_request: Request, error: Exception) -> Response:
    """Starlette's own 404/405 (no route) in the problem shape too."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        allow = (error.headers or {}).get("Allow", "")
        return problems.method_not_allowed(allow).response()
    if error.status_code == 404:
        return problems.not_found().response()
    status = error.status_code
    return problems.Problem(status, "http_error", error.detail, error.headers).response()


async def _on_crash(_request: Request, _error: Exception) -> Response:
    # Starlette re-raises the error after this answer, and uvicorn logs its traceback.
    return problems.internal_error().response()


def create_app(
    store: Store,
    storage: StorageGate,
    settings: SandboxSettings,
    *,
    outer_middleware: Sequence[Middleware] = (),
) -> Starlette:
    """`outer_middleware` wraps everything, before the key check: fault injection goes there."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(
            run_sweeper(store, storage, settings.orphan_grace_seconds), name="orphan-sweep"
        )
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await storage.aclose()

    bearer = BearerApi(store, storage, BearerSettings(settings.max_upload_size))
    trello = TrelloApi(store, storage, settings.trello or TrelloSettings(settings.max_upload_size))
    productive = ProductiveApi(store, storage, settings.productive)
    app = Starlette(
        routes=[
            *bearer.routes(),
            Mount("/1", app=trello.app()),
            Mount("/api/v2", app=productive.app()),
        ],
        middleware=[
            Middleware(HostCheckMiddleware, extra_hosts=settings.extra_hosts),
            *outer_middleware,
            Middleware(BearerAuthMiddleware, store=store),
        ],
        exception_handlers={
            problems.Problem: _on_problem,
            HTTPException: _on_http_error,
            Exception: _on_crash,
        },
        lifespan=lifespan,
    )
    # "/api/v1/boards/" is not "/api/v1/boards": no redirect that a client would follow.
    app.router.redirect_slashes = False
    # The Trello dialect's web host (a stand-in for trello.com): served on its own port.
    app.state.trello_web = web_app(trello.files)
    return app
