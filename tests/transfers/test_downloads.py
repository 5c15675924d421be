"""Downloads through the queue: resumed with Range, complete files skipped, names never
overwritten, error answers never saved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from satchel.domain.model import BoardList, Card
from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, TransferQueue
from satchel.transfers.download_run import partial_path_for
from tests.transfers.conftest import FAST_RETRY, ServiceView

pytestmark = pytest.mark.asyncio


async def _card_with(
    queue: TransferQueue, view: ServiceView, folder: Path, files: dict[str, bytes]
) -> str:
    card = view.new_card("downloads")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    items = await queue.enqueue_uploads("demo", card, paths)
    await queue.wait(items)
    assert all(i.state is State.DONE for i in items)
    return card


async def test_download_all_of_a_card_and_skip_what_is_complete(
    queue: TransferQueue, provider: BearerProvider, view: ServiceView, tmp_path: Path
) -> None:
    files = {"a.txt": b"alpha" * 100, "Übersicht.pdf": os.urandom(70_000), "empty": b""}
    card_id = await _card_with(queue, view, tmp_path / "sources", files)
    card = Card(id=card_id, name="c", list_id="l")
    target = tmp_path / "saved"

    first = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(first)
    assert [i.state for i in first] == [State.DONE] * 3
    assert {p.name: p.read_bytes() for p in target.iterdir()} == files

    again = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(again)
    assert all(i.state is State.DONE and i.skipped for i in again)
    assert sorted(p.name for p in target.iterdir()) == sorted(files)


async def test_name_collisions_never_overwrite(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card_id = await _card_with(queue, view, tmp_path / "one", {"report.txt": b"first"})
    await _card_with(queue, view, tmp_path / "two", {"report.txt": b"second!"})
    attachments = view.on_card(card_id)
    target = tmp_path / "saved"
    target.mkdir()
    (target / "report.txt").write_bytes(b"mine, keep me")
    row = attachments[0]
    from satchel.domain.model import Attachment

    attachment = Attachment(
        id=row["id"], name=row["name"], card_id=card_id, content_type="text/plain", size=5
    )
    items = [await queue.enqueue_download("demo", attachment, target) for _ in range(2)]
    await queue.wait(items)
    assert (target / "report.txt").read_bytes() == b"mine, keep me"
    assert [i.local_path.name for i in items] == ["report (2).txt", "report (3).txt"]
    assert (target / "report (2).txt").read_bytes() == b"first"


async def test_range_resume_after_an_interrupted_download(
    journal: Journal, provider: BearerProvider, view: ServiceView, tmp_path: Path
) -> None:
    data = os.urandom(5 * 1024 * 1024 + 123)
    first = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
    card_id = await _card_with(first, view, tmp_path / "src", {"big.bin": data})
    (row,) = view.on_card(card_id)
    attachment = await provider.get_attachment(row["id"])
    target = tmp_path / "saved"
    await first.pause_all()
    item = await first.enqueue_download("demo", attachment, target)
    # What an interrupted run leaves: a partial file (and its journal entry), then a crash.
    half = len(data) // 2
    partial = partial_path_for(item.local_path, item.id)
    marker = b"M" * 1000  # not the real bytes: a resumed download never fetches them again
    partial.write_bytes(marker + data[len(marker) : half])
    item.partial_path = partial
    journal.save(item, ("partial_path",))
    await first.aclose()

    second = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
    try:
        await second.resume_all()
        (resumed,) = await second.restore()
        await second.wait([resumed])
    finally:
        await second.aclose()
    assert resumed.state is State.DONE, resumed.error
    saved = resumed.local_path.read_bytes()
    assert saved[: len(marker)] == marker  # the first half came from the partial file
    assert saved[len(marker) :] == data[len(marker) :]
    assert not partial.exists()


async def test_an_error_answer_is_never_saved(
    queue: TransferQueue, provider: BearerProvider, view: ServiceView, tmp_path: Path
) -> None:
    card_id = await _card_with(queue, view, tmp_path / "src", {"gone.txt": b"soon gone"})
    (row,) = view.on_card(card_id)
    attachment = await provider.get_attachment(row["id"])
    view.delete_object(row["object_key"])  # storage now answers 404 with an XML body
    target = tmp_path / "saved"

    item = await queue.enqueue_download("demo", attachment, target)
    await queue.wait([item])
    assert item.state is State.FAILED and item.error_kind == "NotFound", item.error
    assert list(target.iterdir()) == []


async def test_download_all_of_a_list_makes_a_folder_per_card(
    queue: TransferQueue, provider: BearerProvider, view: ServiceView, tmp_path: Path
) -> None:
    card_id = await _card_with(queue, view, tmp_path / "src", {"x.txt": b"x"})
    card = next(c for c in await _cards_of_first_list(provider) if c.id == card_id)
    board_list = BoardList(id=card.list_id, name="list", board_id=card.board_id or "")
    items = await queue.enqueue_download_all("demo", board_list, tmp_path / "all")
    await queue.wait(items)
    # Other tests leave cards in that list too (one with a file deleted from storage).
    (ours,) = [i for i in items if i.card_id == card_id]
    assert ours.state is State.DONE, ours.error
    assert (tmp_path / "all" / card.name / "x.txt").read_bytes() == b"x"


async def _cards_of_first_list(provider: BearerProvider) -> list[Card]:
    (board, *_) = await provider.list_boards()
    (first, *_) = await provider.list_lists(board.id)
    return await provider.list_cards(first.id)
