"""Refresh merges what the service says now into the tree, keeping expansion and selection."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTreeView

from satchel.domain.errors import NotFound
from satchel.models.board_tree import BoardTreeModel
from satchel.models.tree_filter import TreeFilterModel
from satchel.transfers.one_off import upload_file
from satchel.workspace import Workspace
from tests.models.conftest import DEMO, Faults, child, load_everything, names, next_emit


def _finished(model: BoardTreeModel) -> asyncio.Future[tuple[int, int]]:
    return asyncio.ensure_future(next_emit(model.crawl_progress, lambda done, total: done == total))


@pytest.mark.asyncio
async def test_refresh_picks_up_new_and_removed_attachments_and_keeps_the_view_state(
    model: BoardTreeModel, workspace: Workspace, faults: Faults, tmp_path: Path
) -> None:
    await load_everything(model)
    proxy = TreeFilterModel()
    proxy.setSourceModel(model)
    view = QTreeView()
    view.setModel(proxy)
    account = proxy.mapFromSource(model.index(0, 0))
    board = child(proxy, account, "Website Relaunch")
    backlog = child(proxy, board, "Backlog")
    card = child(proxy, backlog, "Navigation ideas")
    for index in (account, board, backlog, card):
        view.expand(index)
    hero = child(proxy, backlog, "Homepage hero")
    view.expand(hero)
    picked = child(proxy, hero, "Mood board.jpg")
    view.selectionModel().setCurrentIndex(picked, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    kept_card = QPersistentModelIndex(card)
    kept_pick = QPersistentModelIndex(picked)
    before = names(proxy, hero)

    source = tmp_path / "Sitemap draft.txt"
    source.write_text("Home\nAbout\nContact\n", encoding="utf-8")
    workspace.provider(DEMO)
    provider = faults.providers[DEMO].inner  # the real one: the queue sends through it
    card_id = model.node_at(proxy.mapToSource(card)).id  # type: ignore[union-attr]
    uploaded = await upload_file(provider, card_id, source)
    try:
        merged = asyncio.ensure_future(next_emit(model.loaded))
        model.refresh(proxy.mapToSource(card), deep=False)
        await merged
        assert names(proxy, QModelIndex(kept_card)) == ["Sitemap draft.txt"]
        await provider.delete(uploaded)

        finished = _finished(model)
        model.refresh(None)  # F5 with nothing selected: every loaded account, all the way down
        await finished
        assert names(proxy, QModelIndex(kept_card)) == []
    finally:
        with contextlib.suppress(NotFound):  # gone already, unless the test failed half-way
            await provider.delete(uploaded)
    assert kept_card.isValid() and kept_pick.isValid()
    for index in (account, board, backlog, hero):
        assert view.isExpanded(proxy.index(index.row(), 0, index.parent()))
    assert view.isExpanded(QModelIndex(kept_card))
    assert view.currentIndex() == QModelIndex(kept_pick)
    assert view.selectionModel().isSelected(QModelIndex(kept_pick))
    assert names(proxy, hero) == before


@pytest.mark.asyncio
async def test_refresh_of_a_failed_row_retries_it_and_a_loading_one_waits(
    model: BoardTreeModel,
) -> None:
    account = model.index(0, 0)
    model.refresh(account)  # not loaded yet: nothing to refresh
    await asyncio.sleep(0.05)
    assert model.rowCount(account) == 0 and model.canFetchMore(account)
    await load_everything(model)
    count = len(model.tree)
    finished = _finished(model)
    model.refresh(None)
    await finished
    assert len(model.tree) == count
