"""A small HTTP forwarder in front of S3 that injects faults on the path to storage.

With `--faults`, the service hands out upload forms and download links that point
here; each request is forwarded to S3 as it is (with S3's own Host header, so
presigned signatures still match), unless the dice say: answer 503/429 as S3 would
(`SlowDown`), wait seconds first (slow), or drop the connection half-way through the
body (reset: an upload's request body, or a download's answer body).

HTTP/1.1 with Content-Length or chunked bodies, keep-alive towards the client, one
upstream connection per request. Enough for S3 forms and GETs; not a general proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from satchel.sandbox.fault_plan import STORAGE_FAULTS, Fault, FaultPlan

log = logging.getLogger(__name__)

_MAX_HEAD = 64 * 1024
_PIECE = 256 * 1024
_NO_BODY_STATUSES = {204, 304}


class _Head:
    def __init__(self, start_line: str, headers: list[tuple[str, str]]) -> None:
        self.start_line = start_line
        self.headers = headers

    def get(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def without(self, *names: str) -> list[tuple[str, str]]:
        lowered = {n.lower() for n in names}
        return [(k, v) for k, v in self.headers if k.lower() not in lowered]


async def _read_head(reader: asyncio.StreamReader) -> _Head | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise ValueError("header too large") from None
    lines = raw.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return _Head(lines[0], headers)


def _encode(start_line: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [start_line, *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _s3_error(status: int, reason: str) -> bytes:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
        b"<Message>Please reduce your request rate (injected fault).</Message></Error>"
    )
    head = _encode(
        f"HTTP/1.1 {status} {reason}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return head + body


async def _copy_exact(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None, length: int
) -> None:
    left = length
    while left > 0:
        piece = await reader.read(min(_PIECE, left))
        if not piece:
            raise ConnectionError("the body ended early")
        left -= len(piece)
        if writer is not None:
            writer.write(piece)
            await writer.drain()


async def _copy_chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        size_line = await reader.readuntil(b"\r\n")
        writer.write(size_line)
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers, then the empty line
                line = await reader.readuntil(b"\r\n")
                writer.write(line)
                if line == b"\r\n":
                    await writer.drain()
                    return
        await _copy_exact(reader, writer, size + 2)


class FaultForwarder:
    def __init__(self, upstream: str, plan: FaultPlan) -> None:
        parts = urlsplit(upstream)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._upstream_netloc = parts.netloc
        self._plan = plan
        self._server: asyncio.Server | None = None
        self.base_url = ""

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_MAX_HEAD)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        log.info("Storage faults: forwarding %s to %s", self.base_url, self._upstream_netloc)
        return self.base_url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ValueError) as error:
            log.debug("forwarder connection ended: %s", error)
        finally:
            writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Handle one request; False when the client connection must end."""
        head = await _read_head(reader)
        if head is None:
            return False
        method = head.start_line.split(" ", 1)[0]
        if (head.get("Transfer-Encoding") or "").lower() == "chunked":
            writer.write(_encode("HTTP/1.1 411 Length Required", [("Content-Length", "0")]))
            return False
        length = int(head.get("Content-Length") or 0)
        if (head.get("Expect") or "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        fault = self._plan.draw(STORAGE_FAULTS)
        if fault is Fault.SLOW:
            await asyncio.sleep(self._plan.slow_delay())
        elif fault in (Fault.UNAVAILABLE, Fault.RATE_LIMITED):
            await _copy_exact(reader, None, length)
            status, reason = (503, "Slow Down") if fault is Fault.UNAVAILABLE else (429, "Too Many")
            writer.write(_s3_error(status, reason))
            await writer.drain()
            log.info("injected %s on storage %s", fault.value, method)
            return True
        resetting = fault is Fault.RESET
        if resetting and length:
            await _copy_exact(reader, None, int(length * self._plan.fraction()))
            log.info("injected reset in the middle of a storage request body")
            writer.transport.abort()
            return False
        return await self._forward(head, method, length, reader, writer, reset_answer=resetting)

    async def _forward(
        self,
        head: _Head,
        method: str,
        length: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        reset_answer: bool,
    ) -> bool:
        up_reader, up_writer = await asyncio.open_connection(
            self._host, self._port, limit=_MAX_HEAD
        )
        try:
            headers = [("Host", self._upstream_netloc), ("Connection", "close")]
            headers += head.without("Host", "Connection", "Expect", "Keep-Alive")
            up_writer.write(_encode(head.start_line, headers))
            await _copy_exact(reader, up_writer, length)
            answer = await _read_head(up_reader)
            if answer is None:
                raise ConnectionError("S3 closed the connection without an answer")
            status = int(answer.start_line.split(" ", 2)[1])
            answer_length = answer.get("Content-Length")
            chunked = (answer.get("Transfer-Encoding") or "").lower() == "chunked"
            has_body = method != "HEAD" and status not in _NO_BODY_STATUSES and status >= 200
            until_close = has_body and answer_length is None and not chunked
            relayed = answer.without("Connection", "Keep-Alive")
            if until_close:
                relayed.append(("Connection", "close"))
            writer.write(_encode(answer.start_line, relayed))
            if not has_body:
                await writer.drain()
                return True
            if reset_answer and answer_length is not None and int(answer_length) > 1:
                cut = int(int(answer_length) * self._plan.fraction())
                await _copy_exact(up_reader, writer, cut)
                log.info("injected reset in the middle of a storage answer body")
                writer.transport.abort()
                return False
            if chunked:
                await _copy_chunked(up_reader, writer)
            elif answer_length is not None:
                await _copy_exact(up_reader, writer, int(answer_length))
            else:
                while piece := await up_reader.read(_PIECE):
                    writer.write(piece)
                    await writer.drain()
                return False
            return True
        finally:
            up_writer.close()
