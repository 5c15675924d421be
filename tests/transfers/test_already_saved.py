""" "Already saved" means the same content, not just the same name and size."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from satchel.domain.model import Card
from satchel.transfers import State, TransferQueue
from tests.transfers.conftest import ServiceView

pytestmark = pytest.mark.asyncio


async def _card_with(
    queue: TransferQueue, view: ServiceView, folder: Path, name: str, data: bytes
) -> Card:
    card_id = view.new_card("already saved")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_bytes(data)
    items = await queue.enqueue_uploads("demo", card_id, [source])
    await queue.wait(items)
    assert items[0].state is State.DONE
    return Card(id=card_id, name="c", list_id="l")


async def test_a_stranger_file_of_the_same_name_and_size_is_not_taken_as_saved(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "report.txt", b"theirs")
    target = tmp_path / "saved"
    target.mkdir()
    (target / "report.txt").write_bytes(b"mine!!")  # same size, other content

    items = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(items)
    assert [i.skipped for i in items] == [False]
    assert (target / "report.txt").read_bytes() == b"mine!!"
    assert (target / "report (2).txt").read_bytes() == b"theirs"


async def test_a_saved_copy_replaced_by_other_content_is_fetched_again(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "notes.txt", b"version 1")
    target = tmp_path / "saved"
    first = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(first)
    assert (target / "notes.txt").read_bytes() == b"version 1"

    again = await queue.enqueue_download_all("demo", card, target)
    assert all(i.skipped for i in again)  # the same content: nothing to do

    time.sleep(0.01)
    (target / "notes.txt").write_bytes(b"VERSION 2")  # same size, someone else's edit
    os.utime(target / "notes.txt")
    third = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(third)
    assert [i.skipped for i in third] == [False]
    assert (target / "notes.txt").read_bytes() == b"VERSION 2"
    assert (target / "notes (2).txt").read_bytes() == b"version 1"


async def test_a_case_twin_is_the_same_name(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "Photo.JPG", b"jpeg bytes")
    target = tmp_path / "saved"
    target.mkdir()
    (target / "photo.jpg").write_bytes(b"other one")
    items = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(items)
    assert sorted(p.name for p in target.iterdir()) == ["Photo (2).JPG", "photo.jpg"]
