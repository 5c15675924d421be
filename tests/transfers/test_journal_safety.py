"""The journal on a full disk, and the account list on a power cut: nothing queued is lost,
not even what is being added as the disk fills."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from satchel.auth.accounts import AccountStore
from satchel.domain.errors import DiskFull, SignInRequired
from satchel.domain.model import Account
from satchel.providers.base import Provider
from satchel.transfers import Journal, State, TransferQueue
from satchel.transfers.new_items import upload_item


def _items(folder: Path, count: int, start: int = 0) -> list:
    folder.mkdir(exist_ok=True)
    made = []
    for n in range(start, start + count):
        path = folder / f"file {n}.txt"
        path.write_text("x" * 10)
        made.append(
            upload_item(
                account="demo", card_id="c1", path=path, name=None,
                batch="b", owner="me", max_size=None,
            )
        )  # fmt: skip
    return made


def test_a_full_disk_is_reported_and_keeps_what_was_queued(tmp_path: Path) -> None:
    path = tmp_path / "data" / "transfers.db"
    journal = Journal(path)
    journal.insert(_items(tmp_path / "files", 3))
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    with pytest.raises(DiskFull, match="no room left on the disk"):
        journal.insert(_items(tmp_path / "files", 500, start=3))
    journal.close()

    again = Journal(path)
    try:
        assert [i.name for i in again.items()] == ["file 0.txt", "file 1.txt", "file 2.txt"]
        again.insert(_items(tmp_path / "files", 1, start=9))  # room again: it goes on
        assert len(again.items()) == 4
    finally:
        again.close()


def test_the_account_list_is_on_the_disk_before_it_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if Path(f"/proc/self/fd/{fd}").is_dir() else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store = AccountStore(tmp_path / "config")
    store.add(Account(name="work", kind="bearer", url="https://files.example", options={}))
    assert synced == ["file", "folder"]
    assert (tmp_path / "config").stat().st_mode & 0o777 == 0o700


def _no_provider(_account: str) -> Provider:
    raise SignInRequired("nothing runs in this test: the queue is paused")


@pytest.mark.asyncio
async def test_files_added_as_the_disk_fills_are_kept_and_journalled_at_retry(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "data" / "transfers.db")
    queue = TransferQueue(journal, _no_provider)
    try:
        await queue.pause_all()  # this is about the list: nothing runs
        files = [item.local_path for item in _items(tmp_path / "files", 300)]
        before = await queue.enqueue_uploads("demo", "c1", files[:2])
        pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
        journal._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
        added = await queue.enqueue_uploads("demo", "c1", files[2:])

        assert len(queue) == 300  # none lost...
        assert {(i.state, i.error_kind) for i in added} == {(State.FAILED, "DiskFull")}
        assert added[0].error is not None and "no room left on the disk" in added[0].error
        assert len({i.id for i in queue}) == 300 and all(i.id < 0 for i in added)
        assert [i.id for i in journal.items()] == [i.id for i in before]  # ...none journalled

        journal._db.execute("PRAGMA max_page_count = 1073741823")  # room again
        for item in added:
            await queue.retry(item)
        assert {(i.state, i.id > 0) for i in queue} == {(State.QUEUED, True)}
        assert {i.id for i in journal.items()} == {i.id for i in queue}
        assert all(queue.item(i.id) is i for i in queue)
    finally:
        await queue.aclose()
        journal.close()
