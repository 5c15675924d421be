"""What the account and board rows say about a Trello sign-in running out and a big board
loading in pages."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from satchel.auth.accounts import AccountStore
from satchel.domain.model import EXPIRES_OPTION, Account, Board, Node
from satchel.models.board_tree import BoardTreeModel
from satchel.models.task_runner import TaskRunner
from satchel.models.tree_roles import Column, account_suffix, count_text
from satchel.workspace import Workspace
from tests.models.conftest import DEMO, MemorySecrets, fetch, next_emit

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)


def expiring(name: str, left: timedelta | None) -> Account:
    options = {} if left is None else {EXPIRES_OPTION: (NOW + left).isoformat()}
    return Account(name, "trello", "https://api.trello.com", {"key": "k", **options})


def test_the_account_row_warns_within_a_day_of_expiry() -> None:
    def suffix(left: timedelta | None, signed_out: bool = False) -> str:
        return account_suffix(expiring("T", left), signed_out=signed_out, now=NOW)

    assert suffix(None) == ""
    assert suffix(timedelta(days=3)) == ""
    assert suffix(timedelta(hours=5)) == " — sign-in expires in 5 h 00 min"
    assert suffix(timedelta(minutes=-1)) == " — sign in again"
    assert suffix(timedelta(days=3), signed_out=True) == " — sign in again"


def test_count_texts() -> None:
    assert count_text(1000, 5000) == "1,000 of about 5,000 cards"
    assert count_text(1000, None) == "1,000 cards so far"
    assert count_text(5000, 5000) == "5,000 cards so far"


@pytest.mark.asyncio
async def test_an_expired_account_asks_to_sign_in_before_any_request(
    tmp_path: Any, runner: TaskRunner
) -> None:
    asked: list[str] = []

    def connect(account: Account, secret: str) -> Any:
        asked.append(account.name)
        raise AssertionError("no provider should be needed")

    space = Workspace(AccountStore(tmp_path), MemorySecrets(), connector=connect)
    now = datetime.now(UTC)
    for name, left in (("Soon", timedelta(hours=3)), ("Gone", timedelta(minutes=-5))):
        account = Account(name, "trello", "https://api.trello.com", {"key": "k"})
        expires = (now + left).isoformat()
        space.add_transient(
            Account(account.name, account.kind, account.url, {"key": "k", EXPIRES_OPTION: expires}),
            "ATTA-token",
        )
    model = BoardTreeModel(space, runner)
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows[0].startswith("Soon — sign-in expires in 2 h") or rows[0].startswith(
        "Soon — sign-in expires in 3 h"
    )
    assert rows[1] == "Gone — sign in again"
    assert space.needs_sign_in("Gone") and not space.needs_sign_in("Soon")
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "The sign-in works until" in tip
    assert asked == []


@pytest.mark.asyncio
async def test_a_board_row_shows_how_far_its_cards_got(
    model: BoardTreeModel, workspace: Workspace
) -> None:
    provider = workspace.provider(DEMO)
    plain_children = provider.children
    gate = asyncio.Event()

    async def children(parent: Node | None, **options: Any) -> list[Node]:
        progress = options.get("progress")
        if isinstance(parent, Board) and progress is not None:
            progress(1000, 5000)
            await gate.wait()
        return await plain_children(parent)

    provider.children = children  # type: ignore[method-assign]
    account = model.index(0, 0)
    await fetch(model, account)
    board = model.index(0, 0, account)
    size = board.siblingAtColumn(Column.SIZE)
    shown = asyncio.ensure_future(
        next_emit(model.dataChanged, lambda first, *_: first.internalId() == board.internalId())
    )
    await asyncio.sleep(0)
    loaded = asyncio.ensure_future(next_emit(model.loaded, lambda i: i == board))
    model.fetchMore(board)
    await shown
    assert size.data() == "1,000 of about 5,000 cards"
    gate.set()
    await loaded
    assert size.data() in ("", None)
    assert model.rowCount(board) > 0 and isinstance(model.index(0, 0, board), QModelIndex)
