"""Uploads to a one-request service (the local Trello dialect) through the same queue."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from satchel.domain.model import FileToSend
from satchel.providers.trello import TrelloProvider
from satchel.transfers import Journal, State, Step, TransferQueue
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant
from tests.support.trello import fresh_token
from tests.transfers.conftest import FAST_RETRY, ServiceView

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def trello(sandbox: SandboxInfo, tenant: ModuleTenant) -> AsyncIterator[TrelloProvider]:
    credentials = fresh_token(sandbox, tenant_id=tenant.id)
    async with TrelloProvider(sandbox.base_url, credentials.key, credentials.token) as provider:
        yield provider


async def test_files_land_once_on_a_trello_card(
    trello: TrelloProvider, journal: Journal, view: ServiceView, tmp_path: Path
) -> None:
    stored_card = view.new_card("trello")
    card = view.trello_id(stored_card)  # the id Trello clients see
    files = []
    for name in ["a.txt", "Grüße.txt", "landed before the crash.txt", "sent after the crash.txt"]:
        path = tmp_path / name
        path.write_text(f"content of {name}")
        files.append(path)
    queue = TransferQueue(journal, lambda _a: trello, retry=FAST_RETRY)
    try:
        items = await queue.enqueue_uploads("trello", card, files[:2])
        await queue.wait(items)
        assert [i.state for i in items] == [State.DONE, State.DONE], [i.error for i in items]
        await queue.pause_all()
        crashed = await queue.enqueue_uploads("trello", card, files[2:])
    finally:
        await queue.aclose()
    # As if Satchel died during the request: one landed, one did not.
    await trello.upload(card, FileToSend.of(files[2]))
    for item in crashed:
        item.step = Step.SEND
        journal.save(item, ("step",))

    resumed = TransferQueue(journal, lambda _a: trello, retry=FAST_RETRY)
    try:
        await resumed.resume_all()
        taken = await resumed.restore()
        await resumed.wait(taken)
    finally:
        await resumed.aclose()
    assert [i.state for i in taken] == [State.DONE, State.DONE]
    assert Counter(row["name"] for row in view.on_card(stored_card)) == Counter(
        p.name for p in files
    )
