"""Who is calling the Trello dialect: key and token from the OAuth header or the query.

Errors are plain text, in Trello's words. Attachment downloads and previews refuse
query auth (Trello's "auth in query params for attachments is not allowed"). Every
authenticated request counts against its token's budget (100 per 10 s) and its key's
(300 per 10 s, shared by every token of the key); a request to `/1/members/{id}` itself
also counts against the token's members budget (100 per 900 s). Over one: 429 with the
JSON body that names it, as Trello's rate-limit guide shows.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from satchel.sandbox.trello.store import TokenRecord, TrelloStore, hash_token

TOKEN_LIMIT = 100
TOKEN_WINDOW_SECONDS = 10.0
KEY_LIMIT = 300
MEMBERS_LIMIT = 100
MEMBERS_WINDOW_SECONDS = 900.0
#: The route the members budget counts (nested routes like /members/me/boards do not).
MEMBERS_ROUTE = re.compile(r"/1/members/[^/]+/?")

INVALID_KEY = "invalid key"
INVALID_TOKEN = "invalid token"  # noqa: S105 - Trello's error text, not a secret
EXPIRED_TOKEN = "expired token"  # noqa: S105
UNAUTHORIZED = "unauthorized permission requested"
QUERY_AUTH_REFUSED = "auth in query params for attachments is not allowed"
NOT_FOUND = "The requested resource was not found."

_OAUTH_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')


class TrelloError(Exception):
    """Raise from a handler: the dialect answers with `text` as plain text."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text

    def response(self) -> Response:
        return PlainTextResponse(self.text, self.status)


class RateLimited(Exception):
    def __init__(self, code: str = "API_TOKEN_LIMIT_EXCEEDED") -> None:
        super().__init__(code)
        self.code = code

    def response(self) -> Response:
        return JSONResponse({"error": self.code, "message": "Rate limit exceeded"}, 429)


def not_found() -> TrelloError:
    return TrelloError(404, NOT_FOUND)


@dataclass(frozen=True, slots=True)
class Caller:
    token: TokenRecord
    plaintext: str

    @property
    def tenant_id(self) -> str:
        return self.token.member.tenant_id


def oauth_params(header: str) -> dict[str, str]:
    """`OAuth oauth_consumer_key="K", oauth_token="T"` -> {"oauth_consumer_key": "K", ...}."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return {}
    return {name: value for name, value in _OAUTH_PARAM.findall(rest)}


class TokenRateLimiter:
    """A sliding window per credential: the 101st request within 10 s is refused."""

    def __init__(
        self,
        limit: int = TOKEN_LIMIT,
        window: float = TOKEN_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def admit(self, token_hash: str) -> bool:
        now = self._clock()
        seen = self._seen.setdefault(token_hash, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:  # forget idle tokens now and then
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
        return True


@dataclass
class TrelloBudgets:
    """The three budgets; each a sliding window (limits settable for tests)."""

    token: TokenRateLimiter = field(default_factory=TokenRateLimiter)
    key: TokenRateLimiter = field(
        default_factory=lambda: TokenRateLimiter(KEY_LIMIT, TOKEN_WINDOW_SECONDS)
    )
    members: TokenRateLimiter = field(
        default_factory=lambda: TokenRateLimiter(MEMBERS_LIMIT, MEMBERS_WINDOW_SECONDS)
    )

    def admit(self, key: str, token_hash: str, *, members_route: bool) -> None:
        """Count the request, or RateLimited naming the budget it is over."""
        if not self.key.admit(key):
            raise RateLimited("API_KEY_LIMIT_EXCEEDED")
        if not self.token.admit(token_hash):
            raise RateLimited("API_TOKEN_LIMIT_EXCEEDED")
        if members_route and not self.members.admit(token_hash):
            raise RateLimited("MEMBER_LIMIT_EXCEEDED")


class TrelloAuth:
    def __init__(self, trello: TrelloStore, budgets: TrelloBudgets) -> None:
        self.trello = trello
        self.budgets = budgets

    def credentials(self, request: Request, *, query_allowed: bool) -> tuple[str, str] | None:
        """(key, token) as sent, or None when the request carries none."""
        query = request.query_params
        if not query_allowed and ("key" in query or "token" in query):
            raise TrelloError(401, QUERY_AUTH_REFUSED)
        header = request.headers.get("authorization")
        if header:
            params = oauth_params(header)
            return params.get("oauth_consumer_key", ""), params.get("oauth_token", "")
        if "key" in query or "token" in query:
            return query.get("key", ""), query.get("token", "")
        return None

    def caller(
        self, request: Request, *, write: bool = False, query_allowed: bool = True
    ) -> Caller:
        """The token's caller, or a TrelloError (401) / RateLimited (429)."""
        sent = self.credentials(request, query_allowed=query_allowed)
        if sent is None:
            raise TrelloError(401, INVALID_KEY if query_allowed else UNAUTHORIZED)
        members_route = MEMBERS_ROUTE.fullmatch(request.url.path) is not None
        return self.check(*sent, write=write, members_route=members_route)

    def check(
        self, key: str, token: str, *, write: bool = False, members_route: bool = False
    ) -> Caller:
        if not key or not self.trello.app_exists(key):
            raise TrelloError(401, INVALID_KEY)
        if not token:
            raise TrelloError(401, UNAUTHORIZED)
        record = self.trello.token(token)
        if record is None or record.revoked_at is not None or record.app_key != key:
            raise TrelloError(401, INVALID_TOKEN)
        if record.expired():
            raise TrelloError(401, EXPIRED_TOKEN)
        self.budgets.admit(key, hash_token(token), members_route=members_route)
        if write and not record.can_write:
            raise TrelloError(401, UNAUTHORIZED)
        return Caller(record, token)
