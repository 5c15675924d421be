"""Reading an answer's body with a cap on what it becomes, compressed or not.

httpx decompresses transparently, and one small gzip chunk can expand a thousandfold:
a hostile server's "gzip bomb" would fill the memory before any size check. Here the
raw bytes are decompressed by hand, never past the cap.
"""

from __future__ import annotations

import zlib

import httpx


class TooLong(Exception):
    """The body (decompressed) is longer than the cap."""


class UnknownEncoding(Exception):
    """The body is compressed in a way Satchel does not read."""


def _decoder(response: httpx.Response) -> zlib._Decompress | None:
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in {"", "identity"}:
        return None
    if encoding in {"gzip", "x-gzip"}:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise UnknownEncoding(encoding)


async def read_bounded(response: httpx.Response, limit: int, *, cut: bool = False) -> bytes:
    """The body of a streamed answer, decoded, at most `limit` bytes.

    Past the limit: with `cut`, the first `limit` bytes (for error texts); else TooLong.
    """
    if response.is_stream_consumed:  # read already (a transport that hands out whole bodies)
        return _bounded(response.content, limit, cut=cut)
    decoder = _decoder(response)
    body = bytearray()
    async for raw in response.aiter_raw():
        room = limit + 1 - len(body)
        body += raw if decoder is None else decoder.decompress(raw, room)
        if len(body) > limit:
            if cut:
                return bytes(body[:limit])
            raise TooLong(limit)
    return bytes(body)


def _bounded(body: bytes, limit: int, *, cut: bool) -> bytes:
    if len(body) <= limit:
        return body
    if cut:
        return body[:limit]
    raise TooLong(limit)


def answered(response: httpx.Response, body: bytes) -> httpx.Response:
    """A copy of `response` holding the decoded `body` (so `.json()` and `.text` work)."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )
