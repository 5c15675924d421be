"""The queue end to end against the local service: uploads, cancel, pause, retry, events."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from satchel.providers.bearer import BearerProvider
from satchel.transfers import (
    Journal,
    State,
    Step,
    TransferItem,
    TransferListener,
    TransferQueue,
)
from tests.transfers.conftest import FAST_RETRY, ServiceView, md5, write_files

pytestmark = pytest.mark.asyncio


class Recorder(TransferListener):
    def __init__(self, queue: TransferQueue) -> None:
        self.queue = queue
        self.events: list[tuple[str, int]] = []
        self.steps: dict[int, list[Step]] = {}
        self.rounds = 0

    def about_to_insert(self, row: int, count: int) -> None:
        assert len(self.queue) == row  # not yet there
        self.events.append(("about_to_insert", count))

    def inserted(self, row: int, count: int) -> None:
        assert len(self.queue) == row + count
        self.events.append(("inserted", count))

    def changed(self, row: int, item: TransferItem) -> None:
        assert self.queue[row] is item
        steps = self.steps.setdefault(item.id, [])
        if not steps or steps[-1] is not item.step:
            steps.append(item.step)

    def about_to_remove(self, row: int, item: TransferItem) -> None:
        assert self.queue[row] is item
        self.events.append(("about_to_remove", row))

    def removed(self, row: int, item: TransferItem) -> None:
        self.events.append(("removed", row))

    def round_finished(self, totals: object) -> None:
        self.rounds += 1


async def test_files_land_once_with_their_names_kept(
    queue: TransferQueue, view: ServiceView, tmp_path: Path, journal: Journal
) -> None:
    card = view.new_card()
    names = ["Grüße – Übersicht.txt", "with  two spaces.txt", "line\nbreak.txt", "empty.bin"]
    paths = []
    for index, name in enumerate(names):
        path = tmp_path / name
        path.write_bytes(b"" if name == "empty.bin" else f"content {index}".encode() * 500)
        paths.append(path)
    recorder = Recorder(queue)
    queue.add_listener(recorder)

    items = await queue.enqueue_uploads("demo", card, paths)
    await queue.wait(items)

    assert [i.state for i in items] == [State.DONE] * len(names), [i.error for i in items]
    landed = view.on_card(card)
    assert sorted(row["name"] for row in landed) == sorted(names)
    assert {row["id"] for row in landed} == {i.attachment_id for i in items}
    assert recorder.events[:2] == [("about_to_insert", 4), ("inserted", 4)]
    for item in items:
        assert recorder.steps[item.id][-4:] == [Step.SEND, Step.CONFIRM, Step.LINK, Step.DONE]
        assert [e.step for e in journal.events(item.id)][-1] is Step.DONE
    assert recorder.rounds == 1
    totals = queue.totals()
    assert (totals.done, totals.items, totals.unfinished) == (4, 4, 0)
    assert totals.done_bytes == totals.total_bytes == sum(p.stat().st_size for p in paths)


async def test_cancel_leaves_nothing_on_the_service(
    journal: Journal, view: ServiceView, tmp_path: Path, sandbox, rw_key: str
) -> None:
    card = view.new_card()
    (big,) = write_files(tmp_path, 1, 64 * 1024 * 1024, prefix="big")
    async with BearerProvider(sandbox.base_url, rw_key) as provider:
        queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
        try:
            (item,) = await queue.enqueue_uploads("demo", card, [big])
            while not (item.step is Step.SEND and item.done_bytes > 0):
                await asyncio.sleep(0.01)
            created = item.attachment_id
            assert created is not None and view.attachment(created) is not None
            await queue.cancel(item)
        finally:
            await queue.aclose()
    assert item.state is State.CANCELLED
    assert view.attachment(created) is None  # deleted at once, not left to the orphan sweep
    assert view.on_card(card) == []
    assert journal.get(item.id).attachment_id is None  # type: ignore[union-attr]


async def test_pause_and_resume_all(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    paths = write_files(tmp_path, 12, 128 * 1024)
    items = await queue.enqueue_uploads("demo", card, paths)
    await queue.pause_all()
    assert queue.paused
    moving = [i for i in items if i.state is State.ACTIVE]
    assert moving == []
    await asyncio.sleep(0.3)
    assert not all(i.finished for i in items)
    landed_while_paused = len(view.on_card(card))
    await asyncio.sleep(0.5)
    assert len(view.on_card(card)) == landed_while_paused  # nothing moves while paused

    await queue.resume_all()
    await queue.wait(items)
    assert all(i.state is State.DONE for i in items)
    assert sorted(r["name"] for r in view.on_card(card)) == sorted(p.name for p in paths)


async def test_retry_of_a_failed_item(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    missing = tmp_path / "later.txt"
    (item,) = await queue.enqueue_uploads("demo", card, [missing])
    assert item.state is State.FAILED
    assert item.error_kind == "LocalFileError" and "later.txt" in (item.error or "")

    missing.write_text("here now")
    await queue.retry(item)
    await queue.wait([item])
    assert item.state is State.DONE and item.error is None
    assert [r["name"] for r in view.on_card(card)] == ["later.txt"]


async def test_remove_and_clear_finished(
    queue: TransferQueue, view: ServiceView, tmp_path: Path, journal: Journal
) -> None:
    card = view.new_card()
    recorder = Recorder(queue)
    queue.add_listener(recorder)
    good, bad = tmp_path / "good.txt", tmp_path / "missing.txt"
    good.write_text("ok")
    items = await queue.enqueue_uploads("demo", card, [good, bad])
    await queue.wait(items)
    assert await queue.remove(items[1])
    assert ("about_to_remove", 1) in recorder.events and len(queue) == 1
    assert await queue.clear_finished() == 1
    assert len(queue) == 0 and journal.items() == []
    assert [r["name"] for r in view.on_card(card)] == ["good.txt"]  # removing only forgets


async def test_changed_file_fails_with_that_reason(
    journal: Journal, provider: BearerProvider, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    path = tmp_path / "draft.txt"
    path.write_text("version 1")
    queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
    try:
        await queue.pause_all()
        (item,) = await queue.enqueue_uploads("demo", card, [path])
        path.write_text("version 2, longer")
        await queue.resume_all()
        await queue.wait([item])
    finally:
        await queue.aclose()
    assert item.state is State.FAILED and item.error_kind == "FileChanged"
    assert "changed on disk" in (item.error or "")
    assert view.on_card(card) == []


async def test_uploaded_bytes_are_the_files(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    paths = [*write_files(tmp_path, 5, 300_000), tmp_path / "random.bin"]
    paths[-1].write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    items = await queue.enqueue_uploads("demo", card, paths)
    await queue.wait(items)
    s3 = view.s3()
    for item, path in zip(items, paths, strict=True):
        row = view.attachment(item.attachment_id or "")
        assert row is not None
        assert md5(view.object_bytes(row["object_key"], s3)) == md5(path.read_bytes())
        assert item.etag == md5(path.read_bytes())
