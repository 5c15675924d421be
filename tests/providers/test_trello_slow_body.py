"""A big page still arriving is not cut off by a fixed deadline: the read timeout counts
from one piece of the body to the next (a real socket on loopback, no mocks)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from satchel.domain.errors import NetworkError
from satchel.providers import trello_pages
from satchel.providers.pacing import Pacer
from satchel.providers.trello import TrelloProvider
from tests.providers import trello_payloads as p

pytestmark = pytest.mark.asyncio


class DribblingServer:
    """Answers each request with one card, its body sent in pieces `gap` seconds apart."""

    def __init__(self, pieces: int, gap: float) -> None:
        self.pieces, self.gap = pieces, gap
        self.server: asyncio.Server | None = None

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = json.dumps([p.card(name="slow " + "x" * 4000)]).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        step = len(body) // self.pieces + 1
        for start in range(0, len(body), step):
            writer.write(body[start : start + step])
            await writer.drain()
            await asyncio.sleep(self.gap)
        writer.close()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._answer, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


@pytest_asyncio.fixture
async def short_read_timeout(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    # Half a second between pieces at most, so the test stays short.
    monkeypatch.setattr(trello_pages, "PAGE_TIMEOUT", httpx.Timeout(5.0, read=0.5))
    yield


async def cards_from(server: DribblingServer) -> list[str]:
    url = await server.start()
    try:
        async with TrelloProvider(url, p.KEY, p.NEW_TOKEN, pacers=(Pacer(100, 1.0),)) as trello:
            return [card.name for card in await trello.list_cards(p.LIST_ID)]
    finally:
        await server.stop()


async def test_a_body_arriving_for_longer_than_the_read_timeout_is_read(
    short_read_timeout: None,
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    names = await cards_from(DribblingServer(pieces=8, gap=0.25))  # 2 s in all
    assert names == ["slow " + "x" * 4000]
    assert loop.time() - started >= 1.5


async def test_a_body_that_stalls_longer_than_the_read_timeout_fails(
    short_read_timeout: None,
) -> None:
    with pytest.raises(NetworkError, match="did not answer in time"):
        await cards_from(DribblingServer(pieces=2, gap=1.0))
