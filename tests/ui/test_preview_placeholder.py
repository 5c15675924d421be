"""While an image with Trello previews loads, the pane shows the service's larger preview."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import ThumbnailCache
from satchel.providers.base import Provider
from satchel.storage.content_cache import ContentCache
from satchel.ui.attachment_commands import AttachmentCommands
from satchel.ui.preview import PreviewPage, PreviewPane
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.trello import hero_image, trello_workspace

TRELLO = "Trello"


class GatedCache(ContentCache):
    """The content cache, holding the full file back until the test opens the gate."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.gate = asyncio.Event()

    async def fetch(self, provider: Provider, *args: object, **kwargs: object) -> Path:
        await self.gate.wait()
        return await super().fetch(provider, *args, **kwargs)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def trello(tmp_path: Path, sandbox: SandboxInfo) -> AsyncIterator[Workspace]:
    space = await trello_workspace(sandbox, tmp_path / "config", TRELLO)
    yield space
    await space.aclose()


@pytest.mark.asyncio
async def test_the_larger_preview_stands_in_until_the_file_is_here(
    trello: Workspace, pane: PreviewPane, tmp_path: Path
) -> None:
    image = await hero_image(trello)
    runner, content = TaskRunner(), GatedCache(tmp_path / "content")
    service = ContentService(trello, content, tmp_path / "thumbnails")
    thumbnails = ThumbnailCache(service)
    actions = AttachmentCommands(service, runner, pane, thumbnails=thumbnails)
    placeholder = pane.loading_view.placeholder
    try:
        actions.preview(TRELLO, image)
        assert pane.page is PreviewPage.LOADING and not placeholder.isVisibleTo(pane)
        await wait_until(lambda: placeholder.isVisibleTo(pane), 10, "the placeholder")
        shown = placeholder.pixmap()
        assert max(shown.width(), shown.height()) > 150  # the larger of the two previews

        content.gate.set()
        await wait_until(lambda: pane.page is PreviewPage.IMAGE, 10, "the full image")
        pane.show_loading(image)  # a new fetch starts without the old placeholder
        assert not placeholder.isVisibleTo(pane)
    finally:
        runner.cancel_all()
        thumbnails.cancel_all()
