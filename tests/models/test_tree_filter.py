"""The filter: matches at any depth with the path to them; loading and failure rows stay."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QTreeView

from satchel.domain.errors import ServiceUnavailable
from satchel.models.board_tree import BoardTreeModel
from satchel.models.tree_filter import TreeFilterModel
from satchel.models.tree_roles import ItemRole, RowKind
from tests.models.conftest import DEMO, Faults, child, fetch, load_everything, next_emit
from tests.support.qt import wait_until

Tree = dict[str, Any]


def shown(model: Any, parent: QModelIndex | None = None) -> Tree:
    """The rows a model shows, as {name: {child name: ...}}."""
    parent = parent or QModelIndex()
    return {
        model.index(row, 0, parent).data(): shown(model, model.index(row, 0, parent))
        for row in range(model.rowCount(parent))
    }


def expected(model: BoardTreeModel, text: str, parent: QModelIndex | None = None) -> Tree:
    """Worked out the slow way: a row shows when it or a row below it contains the text."""
    parent = parent or QModelIndex()
    rows: Tree = {}
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        below = expected(model, text, index)
        status = model.data(index, ItemRole.KIND) in (RowKind.LOADING, RowKind.FAILURE)
        if status or below or text.casefold() in index.data().casefold():
            rows[index.data()] = below
    return rows


async def apply(proxy: TreeFilterModel, text: str) -> None:
    applied = asyncio.ensure_future(next_emit(proxy.filter_applied))
    await asyncio.sleep(0)
    proxy.set_filter_text(text)
    await applied  # debounced, then applied a slice at a time


@pytest.fixture
def proxy(model: BoardTreeModel) -> TreeFilterModel:
    filtered = TreeFilterModel()
    filtered.setSourceModel(model)
    return filtered


@pytest.mark.asyncio
async def test_matches_at_any_depth_show_the_path_to_them(
    model: BoardTreeModel, proxy: TreeFilterModel
) -> None:
    await load_everything(model)
    view = QTreeView()
    view.setModel(proxy)
    view.expandAll()  # the proxy holds every row, as with a window showing them all

    await apply(proxy, "BUDGET")
    assert shown(proxy) == {
        DEMO: {"Website Relaunch": {"In progress": {"Launch plan": {"Budget.csv": {}}}}}
    }
    for text in ("plan", "e", "zzz-no-such-row", "hero", ""):
        await apply(proxy, text)
        assert shown(proxy) == expected(model, text), text
    assert shown(proxy) == shown(model)


@pytest.mark.asyncio
async def test_rows_loaded_while_filtering_join_in(
    model: BoardTreeModel, proxy: TreeFilterModel
) -> None:
    await apply(proxy, "readme")
    assert shown(proxy) == {}  # the account matches nothing yet: nothing is loaded
    await load_everything(model)
    wanted = {DEMO: {"Brand Assets": {"Logos": {"Logo pack": {"README.txt": {}}}}}}
    # The path to new matches is told a slice at a time: wait until all of it is there.
    await wait_until(lambda: shown(proxy) == wanted, what="the path to the new match")


@pytest.mark.asyncio
async def test_loading_and_failure_rows_show_while_their_parent_does(
    model: BoardTreeModel, proxy: TreeFilterModel, faults: Faults
) -> None:
    account = model.index(0, 0)
    await fetch(model, account)
    board = child(model, account, "Website Relaunch")
    await apply(proxy, "relaunch")
    proxy_board = proxy.mapFromSource(board)
    assert proxy_board.isValid()

    provider = faults.providers[DEMO]
    provider.gate = gate = asyncio.Event()
    model.fetchMore(board)
    await wait_until(lambda: proxy.rowCount(proxy_board) == 1, what="the loading row")
    assert proxy.index(0, 0, proxy_board).data() == "Loading…"

    provider.failures.append(ServiceUnavailable("The service is busy. Try again in a minute."))
    gate.set()
    brand = child(model, account, "Brand Assets")
    failed = asyncio.ensure_future(next_emit(model.fetch_failed))
    model.fetchMore(brand)
    await failed
    await apply(proxy, "brand")
    proxy_brand = proxy.mapFromSource(brand)
    assert [proxy.index(0, 0, proxy_brand).data()] == [
        "The service is busy. Try again in a minute."
    ]
    assert not proxy.mapFromSource(board).isValid()


@pytest.mark.asyncio
async def test_sorting_the_proxy_sorts_the_tree(
    model: BoardTreeModel, proxy: TreeFilterModel
) -> None:
    await load_everything(model)
    await apply(proxy, "o")
    proxy.sort(0)
    account = proxy.index(0, 0)  # a plain index dies with a layout change: ask again
    assert [proxy.index(r, 0, account).data() for r in range(proxy.rowCount(account))] == [
        "Brand Assets",
        "Website Relaunch",
    ]
    assert shown(proxy) == expected(model, "o")


@pytest.mark.asyncio
async def test_the_rows_to_expand_lead_to_every_match(
    model: BoardTreeModel, proxy: TreeFilterModel
) -> None:
    await load_everything(model)
    await apply(proxy, "csv")
    view = QTreeView()
    view.setModel(proxy)
    paths = proxy.paths_to_matches()
    for index in paths:
        view.expand(index)
    assert [index.data() for index in paths] == [
        DEMO,
        "Website Relaunch",
        "In progress",
        "Launch plan",
    ]
    assert proxy.paths_to_matches(limit=2) == paths[:2]
    await apply(proxy, "")
    assert proxy.paths_to_matches() == []
