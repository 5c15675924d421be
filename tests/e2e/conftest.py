from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from satchel.domain.model import Card
from satchel.providers.bearer import BearerProvider
from tests.support.sandbox import SandboxInfo


@pytest_asyncio.fixture
async def provider(sandbox: SandboxInfo, rw_key: str) -> AsyncIterator[BearerProvider]:
    async with BearerProvider(sandbox.base_url, rw_key) as connected:
        await connected.whoami()
        yield connected


@pytest_asyncio.fixture
async def card(provider: BearerProvider) -> Card:
    """The first card of the demo data."""
    (board, *_) = await provider.list_boards()
    (board_list, *_) = await provider.list_lists(board.id)
    (first, *_) = await provider.list_cards(board_list.id)
    return first


def count_objects(sandbox: SandboxInfo, attachment_ids: list[str], key: str) -> int:
    """How many of these attachments the service still has (a plain request, no Satchel)."""
    headers = {"Authorization": f"Bearer {key}"}
    return sum(
        httpx.get(f"{sandbox.api}/attachments/{i}", headers=headers).status_code == 200
        for i in attachment_ids
    )
