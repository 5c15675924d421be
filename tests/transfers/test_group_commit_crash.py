"""A kill -9 between two group commits of the journal loses nothing and repeats nothing:
after it, `restore` finishes every file, each lands on the card once, and no attachment
that was linked before the kill is deleted and made again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, TransferQueue
from tests.support.sandbox import SandboxInfo
from tests.transfers.conftest import FAST_RETRY, ServiceView, write_files

CHILD = Path(__file__).with_name("batch_crash_child.py")
FILES = 8


@pytest.mark.asyncio
@pytest.mark.parametrize("die_after", [1, 4, 9])
async def test_a_kill_9_between_group_commits_loses_nothing_and_repeats_nothing(
    die_after: int, sandbox: SandboxInfo, view: ServiceView, rw_key: str, tmp_path: Path
) -> None:
    card = view.new_card("group commits")
    files = write_files(tmp_path / "files", FILES, 40_000, prefix=f"batch{die_after}")
    journal_path = tmp_path / "data" / "transfers.db"
    env = {**os.environ, "SATCHEL_SECRET": rw_key}
    command = [sys.executable, str(CHILD), sandbox.base_url, card, str(journal_path)]
    child = subprocess.run(
        [*command, str(die_after), *map(str, files)], env=env, timeout=120, check=False
    )
    assert child.returncode == -signal.SIGKILL
    linked_before = {row["id"] for row in view.on_card(card)}
    assert len(linked_before) < FILES  # it died half-way

    journal = Journal(journal_path)
    try:
        async with BearerProvider(sandbox.base_url, rw_key) as provider:
            queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
            try:
                await queue.restore()
                await queue.wait()
            finally:
                await queue.aclose()
        items = journal.items()
    finally:
        journal.close()

    assert [(i.name, i.state) for i in items] == [(p.name, State.DONE) for p in files]
    landed = view.on_card(card)
    assert Counter(row["name"] for row in landed) == Counter(p.name for p in files)
    assert linked_before <= {row["id"] for row in landed}
