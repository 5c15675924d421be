"""A download's body read straight from its connection once the HTTP head is parsed.

Through httpx every body byte is copied four times in Python on top of the socket
read (into h11's buffer, twice out of it, then into bytes by httpcore), each copy
pushing the one before out of the CPU cache, so the copy into the page cache that
follows is slow too. On two cores shared with other work that made a 1 GiB download
cost about 2 s of CPU where curl spends 0.8 s, and throughput followed the CPU share.

A body with a Content-Length over HTTP/1.1 is the plain run of bytes after the head.
After the parser's first piece (what it had buffered past the head, or one read: its
buffer is empty either way) the rest is read from the connection's own stream
(httpcore's `network_stream` response extension), one copy per byte as in curl. h11
never sees the end, so closing the answer closes the connection instead of pooling
it. Anything else (chunked, no length, a test transport) goes through httpx as is.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

import httpcore
import httpx

#: The most asyncio hands over per read (its transports read 256 KiB at a time).
READ_SIZE = 256 * 1024


def _plain_length(response: httpx.Response) -> int | None:
    if response.extensions.get("http_version", b"") != b"HTTP/1.1":
        return None
    if "Transfer-Encoding" in response.headers:
        return None
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


async def body_pieces(response: httpx.Response) -> AsyncIterator[bytes]:
    """The raw (undecoded) body of a streamed answer, piece by piece, as `aiter_raw`."""
    pieces = cast(AsyncGenerator[bytes, None], response.aiter_raw())  # it is one
    stream = response.extensions.get("network_stream")
    length = _plain_length(response)
    try:
        if length is None or not isinstance(stream, httpcore.AsyncNetworkStream):
            async for piece in pieces:
                yield piece
            return
        got = 0
        async for piece in pieces:  # only the first: what h11 holds already
            got += len(piece)
            yield piece
            break
        read_timeout = response.request.extensions.get("timeout", {}).get("read")
        while got < length:
            piece = await _read(stream, min(READ_SIZE, length - got), read_timeout, response)
            if not piece:
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    f"(received {got} bytes, expected {length})",
                    request=response.request,
                )
            got += len(piece)
            yield piece
    finally:
        # The answer first: httpx's inner generators, left suspended at their first
        # piece, then find it closed when they are finalized and end without awaiting
        # (else they await in finalization: "async generator ignored GeneratorExit").
        await response.aclose()
        await pieces.aclose()


async def _read(
    stream: httpcore.AsyncNetworkStream,
    size: int,
    read_timeout: float | None,
    response: httpx.Response,
) -> bytes:
    # httpcore's errors, as httpx would have raised them for the same read.
    try:
        return await stream.read(size, timeout=read_timeout)
    except httpcore.TimeoutException as error:
        raise httpx.ReadTimeout(str(error), request=response.request) from error
    except httpcore.NetworkError as error:
        raise httpx.ReadError(str(error), request=response.request) from error
