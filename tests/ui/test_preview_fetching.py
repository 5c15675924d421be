"""Selecting an attachment fetches only what its preview needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from satchel.transfers.one_off import upload_file
from satchel.ui.preview.pane import PreviewPage
from tests.support.qt import wait_until
from tests.ui.window_fixtures import WindowRig

BOARD, LIST, CARD = "Website Relaunch", "Backlog", "Homepage hero"


@pytest.mark.asyncio
async def test_big_files_wait_for_preview_anyway(rig: WindowRig) -> None:
    actions = rig.window.attachments
    cache = actions._content.cache
    actions.preview_limit = 1000  # the demo image is bigger than this
    await rig.expand(BOARD, LIST, CARD)
    rig.select(rig.find(BOARD, LIST, CARD, "Homepage hero.png"))
    pane = rig.window.pane
    await wait_until(lambda: pane.page is PreviewPage.FACTS, what="the facts")
    assert "bigger than the 1.0 KB" in pane.facts_view.note.text()
    assert pane.facts_view.preview_button.isVisibleTo(pane)
    assert pane.facts_view.open_button.isVisibleTo(pane)
    assert cache.misses == 0 and cache.hits == 0  # nothing fetched

    pane.facts_view.preview_button.click()
    await wait_until(lambda: pane.page is PreviewPage.IMAGE, what="the image, once asked")
    # Past the limit, the bytes never go through the cache (its cap would not hold):
    # a temporary file of their own, deleted once the preview moves on.
    assert cache.misses == 0 and cache.hits == 0 and cache.size_on_disk() == 0
    assert not cache.root.exists() or not any(cache.root.iterdir())
    assert pane.attachment is not None
    uncached = list(actions._content.uncached.iterdir())
    assert len(uncached) == 1 and uncached[0].stat().st_size == pane.attachment.size

    actions.clear_preview()
    assert not any(actions._content.uncached.iterdir())


@pytest.mark.asyncio
async def test_kinds_without_a_preview_are_not_fetched(rig: WindowRig, tmp_path: Path) -> None:
    provider = rig.workspace.provider("Acme")
    boards = await provider.list_boards()
    lists = await provider.list_lists(boards[0].id)
    card_id = (await provider.list_cards(lists[0].id))[0].id
    source = tmp_path / "Sensor capture.bin"
    source.write_bytes(b"\x00" * 5000)
    attachment = await upload_file(provider, card_id, source)
    cache = rig.window.attachments._content.cache

    rig.window.attachments.preview("Acme", attachment)
    pane = rig.window.pane
    assert pane.page is PreviewPage.FACTS
    assert not pane.facts_view.preview_button.isVisibleTo(pane)
    assert cache.misses == 0
