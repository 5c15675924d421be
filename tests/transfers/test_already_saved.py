""" "Already saved" means the same content, not just the same name and size."""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from satchel.domain.model import Attachment, Card
from satchel.providers.base import Provider
from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, TransferItem, TransferQueue
from tests.transfers.conftest import FAST_RETRY, ServiceView

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


async def _download_all(queue: TransferQueue, card: Card, target: Path) -> list[TransferItem]:
    items = await queue.enqueue_download_all("demo", card, target)
    await queue.wait(items)
    return items


async def _saved_once(
    queue: TransferQueue, view: ServiceView, tmp_path: Path, name: str, data: bytes
) -> tuple[Card, Path, list[TransferItem]]:
    """A card with one file, downloaded once into tmp_path/"saved"."""
    card = await _card_with(queue, view, tmp_path / "src", name, data)
    target = tmp_path / "saved"
    return card, target, await _download_all(queue, card, target)


async def test_a_stranger_file_of_the_same_name_and_size_is_not_taken_as_saved(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "report.txt", b"theirs")
    target = tmp_path / "saved"
    target.mkdir()
    (target / "report.txt").write_bytes(b"mine!!")  # same size, other content

    items = await _download_all(queue, card, target)
    assert [i.skipped for i in items] == [False]
    assert (target / "report.txt").read_bytes() == b"mine!!"
    assert (target / "report (2).txt").read_bytes() == b"theirs"


async def test_a_saved_copy_replaced_by_other_content_is_fetched_again(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card, target, _first = await _saved_once(queue, view, tmp_path, "notes.txt", b"version 1")
    assert (target / "notes.txt").read_bytes() == b"version 1"

    again = await _download_all(queue, card, target)
    assert all(i.skipped for i in again)  # the same content: nothing to do

    time.sleep(0.01)
    (target / "notes.txt").write_bytes(b"VERSION 2")  # same size, someone else's edit
    os.utime(target / "notes.txt")
    third = await _download_all(queue, card, target)
    assert [i.skipped for i in third] == [False]
    assert (target / "notes.txt").read_bytes() == b"VERSION 2"
    assert (target / "notes (2).txt").read_bytes() == b"version 1"


@pytest.mark.parametrize(
    ("theirs", "twin"),
    [
        ("Photo.JPG", "photo.jpg"),
        (unicodedata.normalize("NFC", "Café.txt"), unicodedata.normalize("NFD", "café.txt")),
    ],
    ids=["case", "unicode-normalisation"],
)
async def test_a_twin_name_is_the_same_name(
    queue: TransferQueue, view: ServiceView, tmp_path: Path, theirs: str, twin: str
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", theirs, b"their bytes")
    target = tmp_path / "saved"
    target.mkdir()
    (target / twin).write_bytes(b"other one")
    await _download_all(queue, card, target)
    stem, dot, extension = theirs.rpartition(".")
    assert sorted(p.name for p in target.iterdir()) == sorted([f"{stem} (2){dot}{extension}", twin])
    assert (target / twin).read_bytes() == b"other one"


async def test_a_changed_object_behind_the_same_attachment_is_fetched_again(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    # The saved file is untouched; what the storage holds for the attachment is not
    # (another service under the same account name, a re-uploaded object): same size,
    # another ETag. Size and modification time alone would call it saved.
    card, target, first = await _saved_once(queue, view, tmp_path, "plan.txt", b"plan A")
    assert first[0].etag  # the identity of what was saved, journalled with it
    (row,) = view.on_card(card.id)
    view.s3().put_object(Bucket="satchel", Key=row["object_key"], Body=b"plan B")

    again = await _download_all(queue, card, target)
    assert [i.skipped for i in again] == [False]
    assert (target / "plan.txt").read_bytes() == b"plan A"
    assert (target / "plan (2).txt").read_bytes() == b"plan B"
    assert not [p for p in target.iterdir() if p.name.endswith(".part")]


class _Storage:
    """A provider whose storage answers are kept (to see what was read of them), and whose
    storage sends no ETag when `etags` is False (the identity is unknown)."""

    def __init__(self, provider: BearerProvider, *, etags: bool) -> None:
        self._provider = provider
        self._etags = etags
        self.answers: list[httpx.Response] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)

    async def open_file(self, attachment: Attachment, headers: dict[str, str]) -> httpx.Response:
        response = await self._provider.open_file(attachment, headers)
        if not self._etags:
            del response.headers["ETag"]
        self.answers.append(response)
        return response


async def test_the_same_etag_ends_the_download_before_its_body(
    queue: TransferQueue,
    journal: Journal,
    provider: BearerProvider,
    view: ServiceView,
    tmp_path: Path,
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "movie.bin", os.urandom(300_000))
    target = tmp_path / "saved"
    storage = _Storage(provider, etags=True)
    watched = TransferQueue(journal, lambda _a: cast(Provider, storage), retry=FAST_RETRY)
    try:
        await _download_all(watched, card, target)
        again = await _download_all(watched, card, target)
    finally:
        await watched.aclose()
    assert [i.skipped for i in again] == [True]
    assert [r.is_stream_consumed for r in storage.answers] == [True, False]
    assert [p.name for p in target.iterdir()] == ["movie.bin"]


@pytest.mark.parametrize("changed", [False, True], ids=["same-bytes", "other-bytes"])
async def test_without_an_etag_the_bytes_decide(
    queue: TransferQueue,
    journal: Journal,
    provider: BearerProvider,
    view: ServiceView,
    tmp_path: Path,
    changed: bool,
) -> None:
    card = await _card_with(queue, view, tmp_path / "src", "data.csv", b"a,b\n1,2\n")
    target = tmp_path / "saved"
    storage = _Storage(provider, etags=False)
    blind = TransferQueue(journal, lambda _a: cast(Provider, storage), retry=FAST_RETRY)
    try:
        first = await _download_all(blind, card, target)
        assert first[0].state is State.DONE and first[0].etag is None
        if changed:
            (row,) = view.on_card(card.id)
            view.s3().put_object(Bucket="satchel", Key=row["object_key"], Body=b"a,b\n3,4\n")
        again = await _download_all(blind, card, target)
    finally:
        await blind.aclose()
    assert [i.state for i in again] == [State.DONE]
    assert [i.skipped for i in again] == [not changed]
    names = sorted(p.name for p in target.iterdir())
    assert names == (["data (2).csv", "data.csv"] if changed else ["data.csv"])
    assert (target / "data.csv").read_bytes() == b"a,b\n1,2\n"
