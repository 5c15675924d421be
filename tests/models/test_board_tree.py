"""BoardTreeModel against the local service: lazy loading, load states, failures, 401."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from satchel.auth.accounts import AccountStore
from satchel.domain.errors import NetworkError
from satchel.domain.model import Account, Attachment, Board, Card
from satchel.models import board_tree
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.tree_filter import TreeFilterModel
from satchel.models.tree_nodes import LoadState
from satchel.models.tree_roles import Column, ItemRole, RowKind
from satchel.sandbox.store import Store
from satchel.workspace import Workspace
from tests.models.conftest import (
    DEMO,
    Faults,
    MemorySecrets,
    child,
    fetch,
    load_everything,
    names,
    next_emit,
)
from tests.support.qt import wait_until
from tests.support.sandbox import SandboxInfo
from tests.support.tcp_forwarder import TcpForwarder, free_port
from tests.support.tenants import ModuleTenant

DISPLAY = Qt.ItemDataRole.DisplayRole


def _icon_of(model: BoardTreeModel, index: QModelIndex) -> int:
    icon = model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    return icon.cacheKey()


@pytest.mark.asyncio
async def test_the_fully_loaded_tree_and_its_filter_pass_the_model_tester(
    model: BoardTreeModel, qtmodeltester: object
) -> None:
    await load_everything(model)
    account = model.index(0, 0)
    board = child(model, account, "Website Relaunch")
    card = child(model, child(model, board, "Backlog"), "Homepage hero")
    assert {"Homepage hero.png", "Mood board.jpg", "Style guide"} <= set(names(model, card))

    qtmodeltester.check(model)  # type: ignore[attr-defined]
    proxy = TreeFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)  # type: ignore[attr-defined]
    applied = asyncio.ensure_future(next_emit(proxy.filter_applied))
    proxy.set_filter_text("hero")
    proxy.apply_filter_now()
    await applied


@pytest.mark.asyncio
async def test_nothing_is_fetched_until_a_view_asks(
    model: BoardTreeModel, runner: TaskRunner, faults: Faults
) -> None:
    account = model.index(0, 0)
    assert names(model, QModelIndex()) == [DEMO]
    assert model.hasChildren(account) and model.rowCount(account) == 0
    assert model.canFetchMore(account)
    assert model.data(account, ItemRole.LOAD_STATE) == LoadState.NOT_LOADED
    await asyncio.sleep(0.05)
    assert runner.running == 0
    assert all(provider.calls == 0 for provider in faults.providers.values())

    await fetch(model, account)
    assert names(model, account) == ["Website Relaunch", "Brand Assets"]
    board = model.index(0, 0, account)
    assert model.hasChildren(board) and model.rowCount(board) == 0  # one level at a time
    assert faults.providers[DEMO].calls == 1
    assert not model.canFetchMore(account)


@pytest.mark.asyncio
async def test_a_loading_row_shows_while_the_children_are_on_their_way(
    model: BoardTreeModel, faults: Faults
) -> None:
    account = model.index(0, 0)
    await fetch(model, account)
    board = model.index(0, 0, account)
    faults.providers[DEMO].gate = gate = asyncio.Event()

    loaded = asyncio.ensure_future(next_emit(model.loaded))
    model.fetchMore(board)
    await wait_until(lambda: model.rowCount(board) == 1, what="the loading row")
    loading = model.index(0, 0, board)
    assert loading.data(DISPLAY) == "Loading…"
    assert model.data(loading, ItemRole.KIND) == RowKind.LOADING
    assert model.data(board, ItemRole.LOAD_STATE) == LoadState.LOADING
    assert model.flags(loading) & Qt.ItemFlag.ItemNeverHasChildren
    kept = QPersistentModelIndex(loading)

    gate.set()
    await loaded
    assert names(model, board) == ["Backlog", "In progress", "Done"]
    assert model.data(board, ItemRole.LOAD_STATE) == LoadState.LOADED
    assert kept.isValid() and kept.row() == 0  # the loading row became the first list


@pytest.mark.asyncio
async def test_rows_show_columns_roles_and_icons(model: BoardTreeModel) -> None:
    await load_everything(model)
    account = model.index(0, 0)
    board = child(model, account, "Website Relaunch")
    card = child(model, child(model, board, "In progress"), "Launch plan")
    pdf = child(model, card, "Launch plan.pdf")
    row = [pdf.siblingAtColumn(c).data(DISPLAY) for c in Column]
    assert row[Column.TYPE] == "application/pdf"
    assert row[Column.SIZE].endswith(("KB", "bytes")) and row[Column.MODIFIED][:2] == "20"
    assert isinstance(model.data(pdf, ItemRole.NODE), Attachment)
    assert isinstance(model.node_at(card), Card) and isinstance(model.node_at(board), Board)
    assert model.account_of(pdf) == DEMO
    assert model.data(pdf.siblingAtColumn(Column.SIZE), ItemRole.SORT_KEY) > 0
    assert model.flags(pdf) & Qt.ItemFlag.ItemNeverHasChildren
    assert not model.flags(card) & Qt.ItemFlag.ItemNeverHasChildren
    assert board.siblingAtColumn(Column.TYPE).data(DISPLAY) == "Board"
    assert card.siblingAtColumn(Column.TYPE).data(DISPLAY) == "Card"
    assert "Launch plan.pdf" in model.data(pdf, Qt.ItemDataRole.ToolTipRole)
    assert _icon_of(model, pdf) == board_tree._icon("pdf").cacheKey()
    assert _icon_of(model, card) == board_tree._icon("card").cacheKey()
    link = child(
        model, child(model, child(model, board, "Backlog"), "Homepage hero"), "Style guide"
    )
    assert _icon_of(model, link) == board_tree._icon("link").cacheKey()
    assert model.index_for(DEMO, model.node_at(pdf).id) == pdf  # type: ignore[union-attr]
    assert model.index_for(DEMO) == account
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"


@pytest.mark.asyncio
async def test_sorting_by_size_then_back_to_the_service_order(model: BoardTreeModel) -> None:
    await load_everything(model)
    board = child(model, model.index(0, 0), "Website Relaunch")
    card = child(model, child(model, board, "In progress"), "Launch plan")
    service_order = names(model, card)
    kept = QPersistentModelIndex(child(model, card, "Budget.csv"))

    model.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [
        model.data(model.index(r, Column.SIZE, card), ItemRole.SORT_KEY)
        for r in range(model.rowCount(card))
    ]
    assert sizes == sorted(sizes, reverse=True)
    assert kept.isValid() and kept.data(DISPLAY) == "Budget.csv"
    model.sort(-1)
    assert names(model, card) == service_order


@pytest.mark.asyncio
async def test_an_unreachable_service_shows_a_failure_row_and_retry_works_once_it_answers(
    model: BoardTreeModel,
    accounts: AccountStore,
    secrets: MemorySecrets,
    sandbox: SandboxInfo,
    rw_key: str,
) -> None:
    port = free_port()
    account = Account("Later", "bearer", f"http://127.0.0.1:{port}")
    accounts.add(account)  # saved on a day the service answered
    secrets.set(account.name, rw_key)
    model.add_account("Later")
    later = model.index_for("Later")

    failed = asyncio.ensure_future(next_emit(model.fetch_failed))
    model.fetchMore(later)
    _parent, error = await failed
    assert isinstance(error, NetworkError)
    assert model.rowCount(later) == 1
    failure = model.index(0, 0, later)
    assert model.is_failure_row(failure)
    assert failure.data(DISPLAY) == error.message
    assert "Press Enter or double-click to retry" in model.data(
        failure, Qt.ItemDataRole.ToolTipRole
    )
    assert model.data(failure, ItemRole.ERROR_MESSAGE) == error.message
    assert model.data(later, ItemRole.LOAD_STATE) == LoadState.FAILED
    assert _icon_of(model, failure) == board_tree._icon("warning").cacheKey()
    assert not model.canFetchMore(later)

    sandbox_port = int(sandbox.base_url.rsplit(":", 1)[1])
    forwarder = TcpForwarder(port, sandbox_port)
    try:
        loaded = asyncio.ensure_future(next_emit(model.loaded))
        model.retry(failure)
        await loaded
        assert names(model, later) == ["Website Relaunch", "Brand Assets"]
    finally:
        forwarder.close()


@pytest.mark.asyncio
async def test_a_failed_fetch_is_retried_on_request(model: BoardTreeModel, faults: Faults) -> None:
    account = model.index(0, 0)
    await fetch(model, account)
    board = model.index(0, 0, account)
    faults.providers[DEMO].failures.append(NetworkError("The service dropped the line."))
    failed = asyncio.ensure_future(next_emit(model.fetch_failed))
    model.fetchMore(board)
    await failed
    assert names(model, board) == ["The service dropped the line."]

    loaded = asyncio.ensure_future(next_emit(model.loaded))
    model.retry(board)  # the failed node itself, or its failure row
    assert model.index(0, 0, board).data(DISPLAY) == "Loading…"
    await loaded
    assert names(model, board) == ["Backlog", "In progress", "Done"]


@pytest.mark.asyncio
async def test_a_revoked_key_asks_to_sign_in_again_and_keeps_the_rows(
    runner: TaskRunner, workspace: Workspace, sandbox: SandboxInfo, tenant: ModuleTenant
) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        key = store.create_key(tenant.id, "read_write")
    doomed = Account("Doomed", "bearer", sandbox.base_url)
    await workspace.sign_in(doomed, key, remember=False)
    model = BoardTreeModel(workspace, runner)
    account = model.index_for("Doomed")
    await fetch(model, account)
    board = child(model, account, "Website Relaunch")
    await fetch(model, board)
    backlog = QPersistentModelIndex(child(model, board, "Backlog"))
    signed_out_icon = board_tree._icon("warning").cacheKey()
    assert _icon_of(model, account) != signed_out_icon

    with Store(sandbox.data_dir / "satchel.db") as store:
        store.revoke_key(key)
    asked = asyncio.ensure_future(next_emit(model.sign_in_required))
    model.fetchMore(QModelIndex(backlog))
    assert await asked == ("Doomed",)
    assert account.data(DISPLAY) == "Doomed — sign in again"
    assert _icon_of(model, account) == signed_out_icon
    assert workspace.needs_sign_in("Doomed")
    assert names(model, board) == ["Backlog", "In progress", "Done"]  # what was loaded stays
    assert model.is_failure_row(model.index(0, 0, QModelIndex(backlog)))

    with Store(sandbox.data_dir / "satchel.db") as store:
        fresh = store.create_key(tenant.id, "read_write")
    await workspace.sign_in(doomed, fresh, remember=False)
    reloaded = asyncio.ensure_future(
        next_emit(model.loaded, lambda parent: parent.internalId() == backlog.internalId())
    )
    model.account_signed_in("Doomed")
    assert account.data(DISPLAY) == "Doomed"
    await reloaded
    assert backlog.isValid()
    assert names(model, QModelIndex(backlog)) == ["Homepage hero", "Navigation ideas"]


@pytest.mark.asyncio
async def test_accounts_come_and_go(
    model: BoardTreeModel, workspace: Workspace, sandbox: SandboxInfo, other_rw_key: str
) -> None:
    await workspace.sign_in(
        Account("Globex", "bearer", sandbox.base_url), other_rw_key, remember=False
    )
    model.add_account("Globex")
    assert names(model, QModelIndex()) == [DEMO, "Globex"]
    await fetch(model, model.index_for("Globex"))
    assert names(model, model.index_for("Globex")) == ["Research", "Operations"]
    model.remove_account(DEMO)
    assert names(model, QModelIndex()) == ["Globex"]
    model.reload_accounts()
    assert names(model, QModelIndex()) == [DEMO, "Globex"]


@pytest.mark.asyncio
async def test_background_loading_shows_a_loading_row_only_where_a_view_looks(
    model: BoardTreeModel, faults: Faults
) -> None:
    account = model.index(0, 0)
    await fetch(model, account)  # makes the provider, so a gate can be put in its way
    board, brand = model.index(0, 0, account), model.index(1, 0, account)
    faults.providers[DEMO].gate = gate = asyncio.Event()
    progress: list[tuple[int, int]] = []
    model.crawl_progress.connect(lambda done, total: progress.append((done, total)))

    model.load_all(board)
    model.load_all(brand)
    await wait_until(
        lambda: model.data(board, ItemRole.LOAD_STATE) == LoadState.LOADING, what="loading"
    )
    assert model.rowCount(board) == 0 and model.rowCount(brand) == 0  # nobody looks
    assert model.canFetchMore(brand)  # a view expanding it gets a loading row
    model.fetchMore(brand)
    await wait_until(lambda: names(model, brand) == ["Loading…"], what="the loading row")

    finished = asyncio.ensure_future(
        next_emit(model.crawl_progress, lambda done, total: done == total)
    )
    gate.set()
    _done, total = await finished
    assert total >= 2 + 5 + 6  # two boards, their lists, their cards
    assert names(model, brand) == ["Logos", "Photography"]
    assert all(d <= t for d, t in progress)
    logo_pack = child(model, child(model, brand, "Logos"), "Logo pack")
    assert names(model, logo_pack) == ["Logo pack.zip", "README.txt"]
