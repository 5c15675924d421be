"""Bodies read straight from the connection: every byte once and in order, breaks and
stalls reported as httpx would, anything but a plain Content-Length body through httpx.

A real HTTP server on 127.0.0.1 (asyncio streams, written out by hand so the tests
choose how the head and the body arrive) and the real storage client.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from satchel.domain.errors import NetworkError
from satchel.domain.model import ResolvedLink
from satchel.storage import body_stream
from satchel.storage.body_stream import body_pieces
from satchel.storage.client import make_storage_client
from satchel.storage.download import download_to_file
from satchel.storage.resumable_download import fetch_resumable

BODY = os.urandom(3 * 1024 * 1024 + 12345)
Answer = Callable[[asyncio.StreamWriter], Awaitable[None]]


def _head(length: int | None, extra: str = "") -> bytes:
    sized = f"Content-Length: {length}\r\n" if length is not None else ""
    return f"HTTP/1.1 200 OK\r\n{sized}{extra}\r\n".encode()


@asynccontextmanager
async def _server(answer: Answer) -> AsyncIterator[tuple[str, list[int]]]:
    """Serves `answer` to every request; yields its URL and a count of connections."""
    connections: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                await answer(writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/file", connections
    finally:
        server.close()


async def _whole(writer: asyncio.StreamWriter) -> None:
    # The head and the start of the body in one write: h11 holds both after the head.
    writer.write(_head(len(BODY)) + BODY[:1000])
    await writer.drain()
    for start in range(1000, len(BODY), 300_000):
        writer.write(BODY[start : start + 300_000])
        await writer.drain()


@pytest.fixture
def direct_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the reads made straight from the connection."""
    sizes: list[int] = []
    real = body_stream._read

    async def counted(*args: object) -> bytes:
        piece = await real(*args)  # type: ignore[arg-type]
        sizes.append(len(piece))
        return piece

    monkeypatch.setattr(body_stream, "_read", counted)
    return sizes


async def _collect(client: httpx.AsyncClient, url: str) -> bytes:
    async with client.stream("GET", url) as response:
        return b"".join([piece async for piece in body_pieces(response)])


@pytest.mark.asyncio
async def test_the_body_arrives_whole_read_from_the_connection(direct_reads: list[int]) -> None:
    async with _server(_whole) as (url, connections):
        client = make_storage_client()
        try:
            assert await _collect(client, url) == BODY
            assert direct_reads and sum(direct_reads) < len(BODY)  # h11 gave the first piece
            # The connection was not pooled half-read: the next request works, on a new one.
            assert await _collect(client, url) == BODY
            assert len(connections) == 2
        finally:
            await client.aclose()


@pytest.mark.asyncio
async def test_bytes_past_the_length_are_not_part_of_the_body(direct_reads: list[int]) -> None:
    async def longer(writer: asyncio.StreamWriter) -> None:
        await _whole(writer)
        writer.write(b"junk after the body")
        await writer.drain()

    async with _server(longer) as (url, _connections):
        client = make_storage_client()
        try:
            assert await _collect(client, url) == BODY
            assert direct_reads
        finally:
            await client.aclose()


@pytest.mark.asyncio
async def test_a_chunked_body_goes_through_httpx(direct_reads: list[int]) -> None:
    async def chunked(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(None, "Transfer-Encoding: chunked\r\n"))
        for start in range(0, len(BODY), 500_000):
            piece = BODY[start : start + 500_000]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async with _server(chunked) as (url, _connections):
        client = make_storage_client()
        try:
            assert await _collect(client, url) == BODY
            assert direct_reads == []
        finally:
            await client.aclose()


@pytest.mark.asyncio
async def test_a_body_cut_short_is_a_protocol_error() -> None:
    async def cut(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(len(BODY)) + BODY[: len(BODY) // 2])
        await writer.drain()
        writer.close()

    async with _server(cut) as (url, _connections):
        client = make_storage_client()
        try:
            with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
                await _collect(client, url)
        finally:
            await client.aclose()


@pytest.mark.asyncio
async def test_a_stalled_body_times_out_as_a_read() -> None:
    async def stalled(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(len(BODY)) + BODY[:1000])
        await writer.drain()
        await asyncio.sleep(5)

    async with _server(stalled) as (url, _connections):
        client = make_storage_client()
        client.timeout = httpx.Timeout(5.0, read=0.3)
        try:
            with pytest.raises(httpx.ReadTimeout):
                await _collect(client, url)
        finally:
            await client.aclose()


def _link(url: str) -> Callable[[], Awaitable[ResolvedLink]]:
    async def resolve() -> ResolvedLink:
        return ResolvedLink(url, datetime.now(UTC) + timedelta(minutes=5))

    return resolve


@pytest.mark.asyncio
async def test_a_download_saves_it_whole(tmp_path: Path, direct_reads: list[int]) -> None:
    async with _server(_whole) as (url, _connections):
        client = make_storage_client()
        try:
            dest = await download_to_file(client, _link(url), tmp_path / "f.bin")
        finally:
            await client.aclose()
    assert dest.read_bytes() == BODY
    assert direct_reads
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


@pytest.mark.asyncio
async def test_a_break_keeps_what_arrived_for_the_resume(tmp_path: Path) -> None:
    half = len(BODY) // 2

    async def cut(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(len(BODY)) + BODY[:half])
        await writer.drain()
        writer.close()

    partial = tmp_path / "f.part"
    async with _server(cut) as (url, _connections):
        client = make_storage_client()

        async def open_file(headers: dict[str, str]) -> httpx.Response:
            request = client.build_request("GET", url, headers=headers)
            return await client.send(request, stream=True)

        try:
            with pytest.raises(NetworkError):
                await fetch_resumable(open_file, partial, expected_size=len(BODY))
        finally:
            await client.aclose()
    assert partial.read_bytes() == BODY[:half]


@pytest.mark.asyncio
async def test_a_cancelled_download_leaves_nothing(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def slow(writer: asyncio.StreamWriter) -> None:
        writer.write(_head(len(BODY)) + BODY[:1000])
        await writer.drain()
        writer.write(BODY[1000:400_000])
        await writer.drain()
        started.set()
        await asyncio.sleep(5)

    async with _server(slow) as (url, _connections):
        client = make_storage_client()
        try:
            task = asyncio.create_task(download_to_file(client, _link(url), tmp_path / "f.bin"))
            await started.wait()
            await asyncio.sleep(0.2)  # the download is reading the stalled connection
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            await client.aclose()
    assert list(tmp_path.iterdir()) == []
