"""The journal on a full disk, and the account list on a power cut: nothing queued is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from satchel.auth.accounts import AccountStore
from satchel.domain.errors import DiskFull
from satchel.domain.model import Account
from satchel.transfers import Journal
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
