"""`/1/authorize`: the page where the demo member lets an application have a token.

As on trello.com: the query names the key, the app's name, the scope, the expiration
and, optionally, `callback_method=fragment` with a `return_url`; Allow sends the browser
to `return_url#token=...`, Deny to `return_url#token=&error=...`. Without a return_url
the token is shown on the page, for the user to paste. A return_url's origin must be
one of the key's allowed origins exactly (`127.0.0.1` and `localhost` differ, and so do
ports), else Trello's own refusal.
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from satchel.sandbox.trello.auth import INVALID_KEY, TrelloError
from satchel.sandbox.trello.store import EXPIRATIONS, TrelloStore

INVALID_RETURN_URL = (
    "Invalid return_url. The return URL should match the application's allowed origins."
)
SCOPES = frozenset({"read", "write", "account"})
DENIED = "Token request rejected"
#: How long the page's Allow/Deny form stays valid.
REQUEST_SECONDS = 600.0
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}
_FIELDS = ("key", "name", "scope", "expiration", "response_type", "callback_method", "return_url")


@dataclass(frozen=True, slots=True)
class TokenRequest:
    key: str
    name: str
    scope: str
    expiration: str
    callback_method: str | None
    return_url: str | None


def origin_of(url: str) -> str | None:
    """`scheme://host:port` of an http(s) URL, as an allowed origin is written; else None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _read(trello: TrelloStore, values: dict[str, str]) -> TokenRequest:
    key = values.get("key", "")
    if not trello.app_exists(key):
        raise TrelloError(401, INVALID_KEY)
    scope = values.get("scope") or "read"
    if not set(scope.split(",")) <= SCOPES:
        raise TrelloError(400, "invalid value for scope")
    expiration = values.get("expiration") or "30days"
    if expiration not in EXPIRATIONS:
        raise TrelloError(400, "invalid value for expiration")
    if (values.get("response_type") or "token") != "token":
        raise TrelloError(400, "invalid value for response_type")
    callback = values.get("callback_method") or None
    if callback not in {None, "fragment"}:
        raise TrelloError(400, "invalid value for callback_method (this service: fragment)")
    return_url = values.get("return_url") or None
    if callback == "fragment" and return_url is None:
        raise TrelloError(400, "invalid value for return_url")
    if return_url is not None and origin_of(return_url) not in trello.allowed_origins(key):
        raise TrelloError(400, INVALID_RETURN_URL)
    name = (values.get("name") or "An application")[:100]
    return TokenRequest(key, name, scope, expiration, callback, return_url)


def _page(title: str, body: str) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:16px sans-serif;max-width:36em;margin:3em auto}"
        "button{font-size:1em;margin-right:1em}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(document, headers=_HEADERS)


def _with_fragment(url: str, fragment: str) -> str:
    return url.split("#", 1)[0] + "#" + fragment


class AuthorizePage:
    def __init__(self, trello: TrelloStore) -> None:
        self.trello = trello
        self._pending: dict[str, float] = {}  # one-time form ids -> when they die

    async def show(self, request: Request) -> Response:
        values = dict(request.query_params)
        token_request = _read(self.trello, values)
        form_id = secrets.token_urlsafe(16)
        now = time.monotonic()
        self._pending = {k: t for k, t in self._pending.items() if t > now}
        self._pending[form_id] = now + REQUEST_SECONDS
        hidden = "".join(
            f'<input type="hidden" name="{field}" value="{html.escape(values[field])}">'
            for field in _FIELDS
            if values.get(field)
        )
        lifetime = token_request.expiration
        body = (
            f"<p><strong>{html.escape(token_request.name)}</strong> asks to use your account "
            f"({html.escape(token_request.scope)}) for {html.escape(lifetime)}.</p>"
            f'<form method="post" action="authorize">{hidden}'
            f'<input type="hidden" name="request" value="{form_id}">'
            '<button name="decision" value="allow">Allow</button>'
            '<button name="decision" value="deny">Deny</button></form>'
        )
        return _page("Let this application use your account?", body)

    async def decide(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=20) as form:
            values = {k: v for k, v in form.items() if isinstance(v, str)}
        token_request = _read(self.trello, values)
        if self._pending.pop(values.get("request", ""), 0.0) < time.monotonic():
            raise TrelloError(400, "This authorization page has expired: open it again.")
        allowed = values.get("decision") == "allow"
        token = self._grant(token_request) if allowed else ""
        if token_request.return_url is not None:
            fragment = f"token={token}" if allowed else f"token=&error={quote(DENIED)}"
            location = _with_fragment(token_request.return_url, fragment)
            return RedirectResponse(location, status_code=302, headers=_HEADERS)
        if not allowed:
            return _page("Access denied", "<p>You did not give the application access.</p>")
        return _page(
            "Copy this token",
            "<p>Give this token to the application to finish signing in:</p>"
            f'<pre id="token">{html.escape(token)}</pre>',
        )

    def _grant(self, token_request: TokenRequest) -> str:
        members = self.trello.members()
        if not members:
            raise TrelloError(500, "No member is signed in to this service.")
        return self.trello.create_token(
            token_request.key,
            members[0],
            app_name=token_request.name,
            scope=token_request.scope,
            expiration=token_request.expiration,
        )
