"""httpcore's network layer on plain asyncio, under every client Satchel makes.

httpcore reaches asyncio through AnyIO, and for many small requests (an upload makes four
per file) that layer cost more than the socket work it wraps. Measured with py-spy over
300 uploads of 256 KiB, the client's loop thread was the bottleneck (about 7 ms of CPU
per file) and AnyIO was 30 % of it, two thirds of that overhead: a CancelScope around
every read and write, an `import asyncio` through PySide6's import hook in
`current_async_library()`, and a dict of socket attributes with a getpeername() call
each time httpcore asks whether a pooled connection is still good.

Here a connection is one asyncio Protocol. What arrives waits in a deque and is handed
over as it came (no copy); a read or write that has to wait awaits one future, and its
timeout is one timer on the loop, set only then. Failures become httpcore's exceptions
as its AnyIO backend maps them, so httpx raises the same types. The loop's own
`create_connection` and `start_tls` do the rest, as they do under qasync.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
import sys
from collections import deque
from collections.abc import Iterable
from typing import Any, cast

import httpcore
import httpx
from httpcore._utils import is_socket_readable

#: Unread bytes past which the socket is left unread until the reader catches up
#: (a download's reads take 256 KiB at a time).
_PAUSE_ABOVE = 1024 * 1024
_RESUME_BELOW = 256 * 1024
#: As AnyIO's connect_tcp, which httpcore used before: IPv6 and IPv4 raced 250 ms apart.
_HAPPY_EYEBALLS_DELAY = 0.25


class _Connection(asyncio.Protocol):
    """One socket's events: what arrived and was not read yet, its end, and who waits."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.pieces: deque[bytes] = deque()
        self.unread = 0
        self.ended = False  # the peer's EOF, or the connection gone
        self.error: Exception | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.reader: asyncio.Future[bool] | None = None
        self.writer: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.pieces.append(data)
        self.unread += len(data)
        if self.unread > _PAUSE_ABOVE and not self.reading_paused and self.transport:
            self.reading_paused = True
            self.transport.pause_reading()
        _wake(self.reader)

    def eof_received(self) -> None:
        # The transport then closes itself (what a TLS transport does anyway).
        self.ended = True
        _wake(self.reader)

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        _wake(self.reader)
        _wake(self.writer)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        _wake(self.writer)


def _wake(waiter: asyncio.Future[bool] | None, expired: bool = False) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(expired)


def _expire(waiter: asyncio.Future[bool]) -> None:
    _wake(waiter, expired=True)


def _address(address: Any) -> Any:
    # As AnyIO gave it: (host, port), the scope of an IPv6 link-local host in the host.
    if isinstance(address, tuple) and len(address) == 4:
        host, port, _flow, scope = address
        return (f"{host}%{scope}" if scope else host, port)
    return address


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection as httpcore reads and writes it."""

    def __init__(self, connection: _Connection, transport: asyncio.Transport) -> None:
        self._connection = connection
        self._transport = transport
        self._loop = asyncio.get_running_loop()
        self._socket: socket.socket | None = transport.get_extra_info("socket")
        self._closed = False
        self._poller: Any = None  # a select.poll, which Windows has not

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        connection = self._connection
        deadline = None
        while not connection.pieces:
            if self._closed:
                raise httpcore.ReadError("the connection was closed")
            if connection.ended:
                if connection.error is not None:
                    raise httpcore.ReadError(connection.error) from connection.error
                return b""
            if deadline is None and timeout is not None:
                deadline = self._loop.time() + timeout
            await self._wait(True, deadline, httpcore.ReadTimeout)
        piece = connection.pieces.popleft()
        if len(piece) > max_bytes:
            connection.pieces.appendleft(piece[max_bytes:])
            piece = piece[:max_bytes]
        connection.unread -= len(piece)
        if connection.reading_paused and connection.unread < _RESUME_BELOW:
            connection.reading_paused = False
            self._transport.resume_reading()
        return piece

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        if not buffer:
            return
        connection = self._connection
        if self._closed or connection.ended:
            # asyncio would drop the bytes quietly; httpcore then reads what the peer said.
            raise httpcore.WriteError(connection.error or "the connection was closed")
        self._transport.write(buffer)
        deadline = None
        while connection.writing_paused and connection.error is None:
            if deadline is None and timeout is not None:
                deadline = self._loop.time() + timeout
            await self._wait(False, deadline, httpcore.WriteTimeout)
        if connection.error is not None:
            raise httpcore.WriteError(connection.error) from connection.error

    async def _wait(
        self, reading: bool, deadline: float | None, timed_out: type[httpcore.TimeoutException]
    ) -> None:
        """Until the connection has news for a reader (or writer), or the deadline."""
        waiter: asyncio.Future[bool] = self._loop.create_future()
        if reading:
            self._connection.reader = waiter
        else:
            self._connection.writer = waiter
        expiry = None if deadline is None else self._loop.call_at(deadline, _expire, waiter)
        try:
            expired = await waiter
        finally:
            if reading:
                self._connection.reader = None
            else:
                self._connection.writer = None
            if expiry is not None:
                expiry.cancel()
        if expired:
            raise timed_out("timed out")

    async def aclose(self) -> None:
        self._closed = True
        # Unsent bytes are dropped (AnyIO aborted too): a peer that reads nothing must not
        # keep the socket open.
        self._transport.close()
        self._transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
    ) -> httpcore.AsyncNetworkStream:
        connection = self._connection
        try:
            async with asyncio.timeout(timeout):
                transport = await self._loop.start_tls(
                    self._transport, connection, ssl_context, server_hostname=server_hostname
                )
        except OSError as error:  # asyncio has closed the transport
            await self.aclose()
            raise _connect_error(error) from error
        if transport is None:  # only for a transport already closing
            raise httpcore.ConnectError("the connection closed before TLS began")
        connection.transport = transport
        connection.writing_paused = False
        return AsyncioStream(connection, transport)

    def _readable(self) -> bool:
        """httpcore's is_socket_readable with the poll object kept: httpcore asks every
        pooled connection several times per request. (Only asked of an open socket: its
        descriptor is this connection's still.)"""
        if sys.platform == "win32" or self._socket is None:
            return is_socket_readable(self._socket)
        if self._poller is None:
            self._poller = select.poll()
            self._poller.register(self._socket.fileno(), select.POLLIN)
        return bool(self._poller.poll(0))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            connection = self._connection
            return self._closed or bool(connection.pieces) or connection.ended or self._readable()
        if info == "socket":
            return self._socket
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return _address(self._transport.get_extra_info("sockname"))
        if info == "server_addr":
            return _address(self._transport.get_extra_info("peername"))
        return None


def _connect_error(error: OSError) -> Exception:
    """httpcore's exception for a failed connect or handshake, as AnyIO's backend maps it
    (TimeoutError is an OSError too; so are ssl.SSLError and socket.gaierror)."""
    if isinstance(error, TimeoutError):
        return httpcore.ConnectTimeout(error)
    return httpcore.ConnectError(error)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections made by the running asyncio loop (qasync's included)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, connection = await loop.create_connection(
                    _Connection,
                    host,
                    port,
                    local_addr=None if local_address is None else (local_address, 0),
                    happy_eyeballs_delay=_HAPPY_EYEBALLS_DELAY,
                )
        except OSError as error:
            raise _connect_error(error) from error
        return _opened(connection, transport, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, connection = await loop.create_unix_connection(_Connection, path)
        except OSError as error:
            raise _connect_error(error) from error
        return _opened(connection, transport, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _opened(
    connection: _Connection,
    transport: asyncio.Transport,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
) -> AsyncioStream:
    stream = AsyncioStream(connection, transport)
    sock = transport.get_extra_info("socket")
    try:
        for option in socket_options or ():
            sock.setsockopt(*option)
    except OSError as error:
        transport.abort()
        raise httpcore.ConnectError(error) from error
    return stream


_BACKEND = AsyncioBackend()


def use_asyncio_streams(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Put the connection pools httpx made for `client` (its own, and the proxies' it
    found in the environment) on this backend. httpx has no parameter for it; the pools
    take it at their construction, and read it each time they open a connection."""
    for transport in (client._transport, *client._mounts.values()):
        if isinstance(transport, httpx.AsyncHTTPTransport):
            pool = transport._pool
            if not isinstance(
                getattr(pool, "_network_backend", None), httpcore.AsyncNetworkBackend
            ):
                raise RuntimeError("httpcore's pool no longer takes a network backend")
            pool._network_backend = _BACKEND
    return client
