"""The bearer-key check in front of everything under /api/v1.

It runs before routing, so an unknown route without a key is 401, not 404 (wire contract).
The key is looked up in the store on every request: a revoke from another process counts
at once.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from satchel.sandbox import problems
from satchel.sandbox.records import Grant
from satchel.sandbox.store import Store

API_PREFIX = "/api/v1"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEY_SHAPE = re.compile(r"ixk_[A-Za-z0-9_-]{40}")


def _bearer_token(header: str | None) -> str:
    if not header:
        raise problems.unauthorized("Authentication required: send Authorization: Bearer <key>.")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _KEY_SHAPE.fullmatch(token):
        raise problems.unauthorized("Malformed Authorization header: expected Bearer ixk_...")
    return token


def authenticate(store: Store, method: str, header: str | None) -> Grant:
    """The grant for this request, or a Problem (401 / 403)."""
    grant = store.grant_for(_bearer_token(header))
    if grant is None:
        raise problems.unauthorized("Unknown or revoked API key.")
    if not grant.tenant.api_access:
        raise problems.forbidden("This workspace has no API access entitlement.")
    if method not in _READ_METHODS and grant.scope != "read_write":
        raise problems.insufficient_scope()
    return grant


class BearerAuthMiddleware:
    """Puts the request's Grant in `request.state.grant`, or answers with a problem."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            grant = authenticate(self.store, request.method, request.headers.get("authorization"))
        except problems.Problem as problem:
            await problem.response()(scope, receive, send)
            return
        scope.setdefault("state", {})["grant"] = grant
        await self.app(scope, receive, send)


def grant_of(request: Request) -> Grant:
    grant: Grant = request.state.grant
    return grant
