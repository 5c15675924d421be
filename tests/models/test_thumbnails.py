"""Thumbnails in the tree from Trello's previews[], against the real local service."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon

from satchel.auth.accounts import AccountStore
from satchel.auth.secrets import SessionSecretStore
from satchel.domain.model import Account, Attachment, Preview
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.thumbnails import ThumbnailCache
from satchel.sandbox.store import Store
from satchel.sandbox.trello.store import TrelloStore
from satchel.storage.content_cache import ContentCache
from satchel.workspace import Workspace
from satchel.workspace.content import ContentService
from tests.models.conftest import child, fetch, next_emit
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.trello import fresh_token, hero_image, trello_workspace

TRELLO = "Trello"


def _content(workspace: Workspace, tmp_path: Path) -> ContentService:
    return ContentService(workspace, ContentCache(tmp_path / "content"), tmp_path / "thumbnails")


_DECORATION = Qt.ItemDataRole.DecorationRole


@pytest_asyncio.fixture
async def trello(tmp_path: Path, sandbox: SandboxInfo) -> AsyncIterator[Workspace]:
    space = await trello_workspace(sandbox, tmp_path / "config", TRELLO)
    yield space
    await space.aclose()


async def _expand_to(model: BoardTreeModel, *path: str) -> QModelIndex:
    index = model.index(0, 0)
    for name in path:
        await fetch(model, index)
        index = child(model, index, name)
    return index


def _icon(index: QModelIndex) -> QIcon:
    icon = index.data(_DECORATION)
    assert isinstance(icon, QIcon) and not icon.isNull()
    return icon


@pytest.mark.asyncio
async def test_an_image_row_shows_its_preview_once_fetched(
    trello: Workspace, tmp_path: Path
) -> None:
    runner = TaskRunner()
    cache = ThumbnailCache(_content(trello, tmp_path))
    model = BoardTreeModel(trello, runner, thumbnails=cache)
    try:
        image = await _expand_to(
            model, "Website Relaunch", "Backlog", "Homepage hero", "Homepage hero.png"
        )
        attachment = model.node_at(image)
        assert isinstance(attachment, Attachment) and attachment.previews
        ready = asyncio.ensure_future(
            next_emit(cache.thumbnail_ready, lambda _a, found: found == attachment.id)
        )
        changed = asyncio.ensure_future(
            next_emit(model.dataChanged, lambda first, *_: first.internalId() == image.internalId())
        )
        await asyncio.sleep(0)
        type_icon = _icon(image)  # asks for the thumbnail; the type icon until it is here
        assert await asyncio.wait_for(ready, 10) == (TRELLO, attachment.id)
        await asyncio.wait_for(changed, 10)

        thumbnail = _icon(image)
        assert thumbnail.cacheKey() != type_icon.cacheKey()
        size = thumbnail.availableSizes()[0]
        assert 32 <= max(size.width(), size.height()) <= 64
        assert len(list((tmp_path / "thumbnails").iterdir())) == 1
        assert _icon(image).cacheKey() == thumbnail.cacheKey() and cache.fetching == 0
    finally:
        runner.cancel_all()
        cache.cancel_all()


@pytest.mark.asyncio
async def test_a_broken_preview_is_asked_for_once(trello: Workspace, tmp_path: Path) -> None:
    image = await hero_image(trello)
    url = image.previews[0].url.replace(image.previews[0].id, "no-such-preview")
    gone = Preview("no-such-preview", url, 64, 64)
    broken = dataclasses.replace(image, previews=(gone,))
    cache = ThumbnailCache(_content(trello, tmp_path))

    assert cache.icon(TRELLO, broken) is None
    assert cache.fetching == 1
    await wait_until(lambda: cache.fetching == 0, 10, "the failed fetch")
    assert cache.icon(TRELLO, broken) is None
    assert cache.fetching == 0  # remembered: not asked for again
    assert not list((tmp_path / "thumbnails").glob("*"))


@pytest.mark.asyncio
async def test_bearer_attachments_never_fetch_a_thumbnail(
    workspace: Workspace, runner: TaskRunner, tmp_path: Path
) -> None:
    cache = ThumbnailCache(_content(workspace, tmp_path))
    model = BoardTreeModel(workspace, runner, thumbnails=cache)
    plain = BoardTreeModel(workspace, runner)
    path = ("Website Relaunch", "Backlog", "Homepage hero", "Homepage hero.png")
    image, same = await _expand_to(model, *path), await _expand_to(plain, *path)
    attachment = model.node_at(image)
    assert isinstance(attachment, Attachment) and not attachment.previews

    assert _icon(image).cacheKey() == _icon(same).cacheKey()
    await asyncio.sleep(0.05)
    assert cache.fetching == 0
    assert not (tmp_path / "thumbnails").exists()


@pytest.mark.asyncio
async def test_a_preview_refused_for_an_expired_sign_in_is_fetched_after_signing_in_again(
    tmp_path: Path, sandbox: SandboxInfo
) -> None:
    old = fresh_token(sandbox)
    space = Workspace(AccountStore(tmp_path / "config"), SessionSecretStore())
    account = Account(TRELLO, "trello", sandbox.base_url, {"key": old.key})
    await space.sign_in(account, old.token, remember=False)
    try:
        image = await hero_image(space)
        with Store(sandbox.data_dir / "satchel.db") as store:
            TrelloStore(store).set_token_expiry(old.token, datetime.now(UTC) - timedelta(hours=1))
        cache = ThumbnailCache(_content(space, tmp_path))

        assert cache.icon(TRELLO, image) is None
        await wait_until(lambda: cache.fetching == 0, 10, "the refused fetch")
        assert cache.icon(TRELLO, image) is None and cache.fetching == 0  # not asked again yet
        assert not (tmp_path / "thumbnails").exists() or not any(
            (tmp_path / "thumbnails").iterdir()
        )

        ready = asyncio.ensure_future(next_emit(cache.thumbnail_ready))
        await asyncio.sleep(0)
        await space.sign_in(space.account(TRELLO), fresh_token(sandbox).token, remember=False)
        assert await asyncio.wait_for(ready, 10) == (TRELLO, image.id)
        assert _icon_or_none(cache, image) is not None
    finally:
        await space.aclose()


def _icon_or_none(cache: ThumbnailCache, attachment: Attachment) -> QIcon | None:
    icon = cache.icon(TRELLO, attachment)
    return icon if icon is not None and not icon.isNull() else None
