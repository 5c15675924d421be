"""Long lists: a first page of rows, the rest made a slice at a time behind "Show more".

Pages and slices are made tiny here (one row) so the demo board's short lists page.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTreeView

from satchel.domain.model import Card
from satchel.models import tree_rows
from satchel.models.board_tree import BoardTreeModel
from satchel.models.tree_filter import TreeFilterModel
from satchel.models.tree_nodes import LoadState, walk
from satchel.models.tree_roles import RowKind
from satchel.transfers.one_off import upload_file
from satchel.workspace import Workspace
from tests.models.conftest import DEMO, Faults, child, fetch, load_everything, next_emit
from tests.support.qt import wait_until

LISTS = ["Backlog", "In progress", "Done"]


class Slices:
    """Holds the making of rows past the first page, to look at the tree mid-slice."""

    held = False


@pytest.fixture(autouse=True)
def slices(monkeypatch: pytest.MonkeyPatch) -> Slices:
    monkeypatch.setattr(tree_rows, "PAGE_ROWS", 1)
    monkeypatch.setattr(tree_rows, "SLICE_ROWS", 1)
    monkeypatch.setattr(tree_rows, "SLICE_SECONDS", 0.0)  # one slice a turn of the loop
    gate = Slices()
    make_slice = tree_rows.TreeRowsModel._on_slice_timer_timeout

    def gated(model: tree_rows.TreeRowsModel) -> None:
        if not gate.held:
            make_slice(model)

    monkeypatch.setattr(tree_rows.TreeRowsModel, "_on_slice_timer_timeout", gated)
    return gate


def names(model: Any, parent: QModelIndex) -> list[str]:
    return [model.index(row, 0, parent).data() for row in range(model.rowCount(parent))]


def more_row(model: Any, parent: QModelIndex) -> QModelIndex:
    return model.index(model.rowCount(parent) - 1, 0, parent)


def unmade(model: BoardTreeModel, index: QModelIndex) -> int:
    node = model.tree.get(index.internalId())
    assert node is not None
    return len(node.unmade or ())


def filtered_view(model: BoardTreeModel, slices: Slices) -> tuple[TreeFilterModel, QTreeView]:
    """The filter and a view over the model, rows past a first page held back for now."""
    slices.held = True
    proxy = TreeFilterModel()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    view = QTreeView()
    view.setModel(proxy)
    return proxy, view


async def open_board(model: BoardTreeModel) -> QModelIndex:
    account = model.index(0, 0)
    await fetch(model, account)
    board = child(model, account, "Website Relaunch")
    await fetch(model, board)
    return board


@pytest.mark.asyncio
async def test_a_long_list_shows_a_page_and_its_other_rows_arrive_in_slices(
    model: BoardTreeModel, slices: Slices
) -> None:
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    slices.held = True
    board = await open_board(model)

    assert names(model, board) == ["Backlog", "Show more (2 not shown yet)"]
    assert unmade(model, board) == 2  # the answer is in hand; its rows are made later
    slices.held = False
    await wait_until(lambda: unmade(model, board) == 0, what="the other rows made")
    assert names(model, board) == ["Backlog", "Show more (2 not shown yet)"]
    inserted.clear()

    assert model.show_more(more_row(model, board))
    assert names(model, board) == ["Backlog", "In progress", "Show more (1 not shown yet)"]
    assert model.show_more(more_row(model, board))
    assert names(model, board) == LISTS  # all shown: no "Show more" any more
    assert inserted == [(1, 1), (2, 2)]  # views hear of rows only as they are shown
    assert not model.show_more(model.index(0, 0, board))  # a list row is no "Show more"


@pytest.mark.asyncio
async def test_expansion_selection_and_the_filter_hold_while_rows_arrive(
    model: BoardTreeModel, slices: Slices
) -> None:
    proxy, view = filtered_view(model, slices)
    board = proxy.mapFromSource(await open_board(model))
    view.expand(proxy.parent(board))
    view.expand(board)
    backlog = child(proxy, board, "Backlog")
    view.expand(backlog)
    view.selectionModel().setCurrentIndex(backlog, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    kept = QPersistentModelIndex(backlog)

    source_board = proxy.mapToSource(board)
    applied = asyncio.ensure_future(next_emit(proxy.filter_applied))
    await asyncio.sleep(0)
    proxy.set_filter_text("done")  # while "Done" is still to be made: no match yet
    await applied
    assert unmade(model, source_board) == 2
    slices.held = False
    await wait_until(lambda: unmade(model, source_board) == 0, what="rows made")
    await wait_until(lambda: not proxy.is_filtering(), what="the filter caught up")
    # The match, made since, is behind "Show more", which shows with its list.
    shown = proxy.mapFromSource(source_board)
    assert shown.isValid() and names(proxy, shown) == ["Show more (2 not shown yet)"]
    model.show_more(model.index(model.rowCount(source_board) - 1, 0, source_board))
    model.show_more(model.index(model.rowCount(source_board) - 1, 0, source_board))
    await wait_until(
        lambda: names(proxy, proxy.mapFromSource(source_board)) == ["Done"],
        what="the match shown",
    )

    proxy.set_filter_text("")
    proxy.apply_filter_now()
    await wait_until(lambda: not proxy.is_filtering(), what="the filter cleared")
    assert names(proxy, proxy.mapFromSource(source_board)) == LISTS
    # Backlog was filtered out on the way: its row is new, the list's own state stays.
    assert kept.isValid() or child(proxy, proxy.mapFromSource(source_board), "Backlog")


@pytest.mark.asyncio
async def test_a_refresh_or_a_removal_mid_slice_drops_what_was_still_to_be_made(
    model: BoardTreeModel, slices: Slices
) -> None:
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    slices.held = True
    board = await open_board(model)
    assert unmade(model, board) == 2
    refreshed = asyncio.ensure_future(next_emit(model.loaded, lambda index: index == board))
    await asyncio.sleep(0)
    model.refresh(board, deep=False)  # answered while the first answer's rows are made
    await refreshed
    slices.held = False
    await wait_until(lambda: unmade(model, board) == 0, what="rows made")
    node = model.tree.get(board.internalId())
    assert node is not None
    assert [c.name() for c in node.children] == LISTS  # each list once
    model.show_more(more_row(model, board))
    model.show_more(more_row(model, board))
    assert names(model, board) == LISTS

    slices.held = True
    model.show_more(more_row(model, model.index(0, 0)))
    brand = child(model, model.index(0, 0), "Brand Assets")
    await fetch(model, brand)
    assert unmade(model, brand) == 1
    slices.held = False
    model.remove_account(DEMO)  # its rows still to be made go with it
    await asyncio.sleep(0.05)
    assert model.rowCount(QModelIndex()) == 0 and not model._slice_timer.isActive()


@pytest.mark.asyncio
async def test_collapsing_mid_slice_and_opening_again_shows_consistent_rows(
    model: BoardTreeModel, slices: Slices
) -> None:
    proxy, view = filtered_view(model, slices)
    source_board = await open_board(model)
    board = proxy.mapFromSource(source_board)
    view.expand(proxy.parent(board))
    view.expand(board)
    view.collapse(board)
    slices.held = False
    await wait_until(lambda: unmade(model, source_board) == 0, what="rows made")
    view.expand(board)
    view.doItemsLayout()
    assert names(proxy, board) == ["Backlog", "Show more (2 not shown yet)"]


@pytest.mark.asyncio
async def test_load_all_walks_into_rows_made_after_their_list_arrived(
    model: BoardTreeModel,
) -> None:
    await load_everything(model)
    cards = [n for n in walk(model.tree.root) if n.kind is RowKind.CARD]
    assert {n.name() for n in cards} >= {"Homepage hero", "Navigation ideas", "Launch plan"}
    assert all(n.state is LoadState.LOADED for n in cards)
    assert all(isinstance(n.item, Card) for n in cards)
    assert all(n.unmade is None for n in walk(model.tree.root))


@pytest.mark.asyncio
async def test_sorting_a_paged_list_pages_the_new_order(model: BoardTreeModel) -> None:
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    board = await open_board(model)
    await wait_until(lambda: unmade(model, board) == 0, what="rows made")
    backlog = QPersistentModelIndex(model.index(0, 0, board))

    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert names(model, board) == ["In progress", "Show more (2 not shown yet)"]
    assert not backlog.isValid()  # sorted past the page: no row of a view's any more
    model.show_more(more_row(model, board))
    model.show_more(more_row(model, board))
    assert names(model, board) == ["In progress", "Done", "Backlog"]


@pytest.mark.asyncio
async def test_a_refresh_merges_rows_on_the_page_and_past_it(
    model: BoardTreeModel, workspace: Workspace, faults: Faults, tmp_path: Path
) -> None:
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    backlog = child(model, await open_board(model), "Backlog")
    await fetch(model, backlog)
    hero = child(model, backlog, "Homepage hero")
    await fetch(model, hero)
    await wait_until(lambda: unmade(model, hero) == 0, what="rows made")
    first = names(model, hero)[0]
    assert names(model, hero) == [first, "Show more (2 not shown yet)"]

    source = tmp_path / "Sitemap draft.txt"
    source.write_text("Home\nAbout\n", encoding="utf-8")
    workspace.provider(DEMO)
    provider = faults.providers[DEMO].inner  # the real one: the queue sends through it
    uploaded = await upload_file(provider, model.node_at(hero).id, source)  # type: ignore[union-attr]
    try:
        merged = asyncio.ensure_future(next_emit(model.loaded, lambda index: index == hero))
        model.refresh(hero, deep=False)
        await merged
        assert names(model, hero) == [first, "Show more (3 not shown yet)"]  # past the page
        while model.show_more(more_row(model, hero)):
            pass
        assert names(model, hero)[3:] == ["Sitemap draft.txt"]  # the service's order
    finally:
        await provider.delete(uploaded)
    merged = asyncio.ensure_future(next_emit(model.loaded, lambda index: index == hero))
    model.refresh(hero, deep=False)
    await merged
    assert names(model, hero)[0] == first and len(names(model, hero)) == 3  # all were shown
    assert "Sitemap draft.txt" not in names(model, hero)
