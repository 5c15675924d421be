"""A one-shot HTTP listener on 127.0.0.1 for the browser's way back from a sign-in page.

The browser arrives at `http://127.0.0.1:PORT/PATH?state=S#token=T`. The fragment never
reaches a server, so the page served at PATH has a script that reads it and POSTs
`{"token", "error", "state"}` back to PATH. The first answer whose state matches ends
the wait; one whose state does not match is refused and ignored (a stale tab, or a page
trying its luck), so it cannot end someone's sign-in. Other origins may not post at
all, and a request naming another host is refused (a DNS-rebinding page reaches
127.0.0.1 under its own name). The listener always closes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from satchel.domain.errors import SignInRequired, UsageError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
_MAX_HEAD = 16 * 1024
_MAX_BODY = 8 * 1024
_READ_SECONDS = 10.0

_SCRIPT = """
(function () {
  var fragment = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  var answer = {
    token: fragment.get("token") || "",
    error: fragment.get("error") || "",
    state: query.get("state") || ""
  };
  // The token leaves the address bar and the history at once.
  history.replaceState(null, "", location.pathname);
  var status = document.getElementById("status");
  fetch(location.pathname, {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(answer), credentials: "omit", cache: "no-store"
  }).then(function (r) { return r.json(); })
    .then(function (said) { status.textContent = said.message; })
    .catch(function () {
      status.textContent = "Satchel is no longer waiting. Go back to Satchel and sign in again.";
    });
})();
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="referrer" content="no-referrer"><title>Satchel sign-in</title></head>'
    '<body style="font:16px sans-serif;max-width:36em;margin:3em auto">'
    '<h1>Satchel</h1><p id="status">Finishing the sign-in…</p>'
    "<noscript>This page needs JavaScript to hand the sign-in to Satchel. In Satchel, "
    "choose to paste the token instead.</noscript>"
    f"<script>{_SCRIPT}</script></body></html>"
)
_PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; connect-src 'self'; "
        "style-src 'unsafe-inline'"
    ),
}


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    token: str = ""
    error: str = ""

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"CallbackAnswer(token={'***' if self.token else ''!r}, error={self.error!r})"


class StateMismatch(SignInRequired):
    """The answer that came back does not belong to this sign-in."""


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LoopbackListener:
    """`async with LoopbackListener(path, state, port) as listener: await listener.answer()`."""

    def __init__(self, path: str, state: str, port: int) -> None:
        self.path = path
        self._state = state
        self._wanted_port = port
        self._server: asyncio.Server | None = None
        self._answer: asyncio.Future[CallbackAnswer] | None = None
        self.port = port

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.path

    async def __aenter__(self) -> LoopbackListener:
        self._answer = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(self._serve, HOST, self._wanted_port)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"Port {self._wanted_port} on this computer is in use, so Satchel cannot "
                    "wait there for the browser. Choose another port (and allow "
                    f"http://{HOST}:PORT among the key's allowed origins)."
                ) from None
            raise UsageError(
                f"Satchel cannot listen on {HOST}:{self._wanted_port}: {error}"
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()
        if self._answer is not None and not self._answer.done():
            self._answer.cancel()

    async def answer(self) -> CallbackAnswer:
        """The first answer posted back with the right state."""
        assert self._answer is not None, "use the listener in `async with`"
        return await asyncio.shield(self._answer)

    # --- HTTP, just enough of it -----------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_READ_SECONDS):
                request = await _read_request(reader)
            if request is None:
                await _reply(writer, 400, {"Content-Type": "text/plain"}, b"bad request")
            else:
                await self._route(request, writer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _route(self, request: _Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("host", "").lower() not in self._hosts():
            await _reply(writer, 421, {"Content-Type": "text/plain"}, b"wrong host")
        elif request.path != self.path:
            await _reply(writer, 404, {"Content-Type": "text/plain"}, b"not found")
        elif request.method == "GET":
            await _reply(writer, 200, _PAGE_HEADERS, PAGE.encode())
        elif request.method == "POST":
            status, message = self._receive(request)
            body = json.dumps({"message": message}).encode()
            await _reply(writer, status, {"Content-Type": "application/json"}, body)
        else:
            await _reply(writer, 405, {"Allow": "GET, POST"}, b"")

    def _hosts(self) -> set[str]:
        return {f"{HOST}:{self.port}", f"localhost:{self.port}"}

    def _receive(self, request: _Request) -> tuple[int, str]:
        origin = request.headers.get("origin")
        if origin is not None and origin != self.origin:
            return 403, "Only Satchel's own page may answer here."
        try:
            said: Any = json.loads(request.body)
        except (ValueError, RecursionError):
            said = None
        if not isinstance(said, dict) or not all(isinstance(v, str) for v in said.values()):
            return 400, "Satchel could not read that answer."
        assert self._answer is not None
        if self._answer.done():
            return 409, "Satchel has its answer already. You can close this page."
        if not hmac.compare_digest(str(said.get("state", "")).encode(), self._state.encode()):
            log.info("ignored a sign-in answer with another state (an old tab?)")
            return 400, (
                "This page does not belong to Satchel's current sign-in (an old tab?), so "
                "Satchel ignored it. Finish the sign-in in the page Satchel opened last."
            )
        answer = CallbackAnswer(token=said.get("token", ""), error=said.get("error", ""))
        self._answer.set_result(answer)
        if answer.token and not answer.error:
            return 200, "Satchel is signed in. You can close this page and go back to Satchel."
        return 200, "Satchel was not given access. You can close this page."


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        return None
    if len(head) > _MAX_HEAD:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length", "0")
    # isascii: a latin-1 head may say "²", which isdigit() takes and int() refuses
    if not (length.isascii() and length.isdigit()) or int(length) > _MAX_BODY:
        return None
    body = await reader.readexactly(int(length)) if int(length) else b""
    return _Request(parts[0], parts[1].split("?", 1)[0], headers, body)


async def _reply(
    writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes
) -> None:
    reason = {
        200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
        421: "Misdirected Request",
    }.get(status, "")  # fmt: skip
    lines = [f"HTTP/1.1 {status} {reason}".rstrip()]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    writer.write("\r\n".join(lines).encode("latin-1") + body)
    await writer.drain()
