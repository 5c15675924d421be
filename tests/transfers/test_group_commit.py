"""Group commits of the journal: saves made while one is written go together in the next,
each save returns only once its own change is on the disk, order holds across every
call, a cancelled caller's change is still written, and a full disk fails each one."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from satchel.domain.errors import DiskFull
from satchel.transfers import Journal, State, Step, TransferItem
from satchel.transfers.async_journal import AsyncJournal
from satchel.transfers.journal import Change
from satchel.transfers.new_items import upload_item

pytestmark = pytest.mark.asyncio


class HeldJournal(Journal):
    """A journal whose next group commit waits in the thread until `release()`."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.entered = threading.Event()
        self._go = threading.Event()
        self._go.set()

    def hold(self) -> None:
        self._go.clear()
        self.entered.clear()

    def release(self) -> None:
        self._go.set()

    def save_many(self, changes: Sequence[Change], *, durable: bool = False) -> None:
        self.entered.set()
        self._go.wait(10)
        super().save_many(changes, durable=durable)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[HeldJournal]:
    journal = HeldJournal(tmp_path / "transfers.db")
    yield journal
    journal.release()
    journal.close()


def _items(journal: Journal, folder: Path, count: int) -> list[TransferItem]:
    folder.mkdir(exist_ok=True)
    made = []
    for n in range(count):
        path = folder / f"file {n}.txt"
        path.write_text("x" * 10)
        item = upload_item(
            account="demo", card_id="c1", path=path, name=None, batch="b", owner="me",
            max_size=None,
        )  # fmt: skip
        made.append(item)
    journal.insert(made)
    return made


def _on_disk(path: Path) -> dict[int, tuple[str, str]]:
    """Each item's state and step as another process would read them now."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT id, state, step FROM items").fetchall()
    finally:
        db.close()
    return {row[0]: (row[1], row[2]) for row in rows}


async def _in_thread(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, 10)


async def test_saves_made_during_a_commit_go_together_in_the_next_one(
    held: HeldJournal, tmp_path: Path
) -> None:
    first, *others = _items(held, tmp_path / "files", 4)
    journal = AsyncJournal(held)
    held.hold()
    first.step = Step.SEND
    writing = asyncio.ensure_future(journal.save(first, ("step",)))
    await _in_thread(held.entered)
    waits = []
    for item in others:
        item.step = Step.SEND
        waits.append(asyncio.ensure_future(journal.save(item, ("step",))))
    await asyncio.sleep(0.05)
    assert not any(w.done() for w in (writing, *waits))  # nothing returns before its commit
    held.release()
    await asyncio.gather(writing, *waits)
    assert journal.batch_sizes == [1, 3]
    assert {step for _state, step in _on_disk(held.path).values()} == {"send"}
    assert [e.step for e in held.events(others[0].id)] == [Step.CREATE, Step.SEND]
    await journal.aclose()


async def test_a_change_is_written_as_it_was_when_saved(held: HeldJournal, tmp_path: Path) -> None:
    (item,) = _items(held, tmp_path / "files", 1)
    journal = AsyncJournal(held)
    held.hold()
    item.step = Step.SEND
    saving = asyncio.ensure_future(journal.save(item, ("step",)))
    await _in_thread(held.entered)
    item.step = Step.CONFIRM  # the item moves on before its SEND record is written
    held.release()
    await saving
    assert [e.step for e in held.events(item.id)] == [Step.CREATE, Step.SEND]
    await journal.aclose()


async def test_a_cancelled_save_is_still_written_in_its_place(
    held: HeldJournal, tmp_path: Path
) -> None:
    busy, cancelled, later = _items(held, tmp_path / "files", 3)
    journal = AsyncJournal(held)
    held.hold()
    busy.step = Step.SEND
    writing = asyncio.ensure_future(journal.save(busy, ("step",)))
    await _in_thread(held.entered)
    cancelled.step = Step.SEND
    gone = asyncio.ensure_future(journal.save(cancelled, ("step",)))
    later.step = Step.SEND
    same_batch = asyncio.ensure_future(journal.save(later, ("step",)))
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    cancelled.state = State.CANCELLED
    after = asyncio.ensure_future(journal.save(cancelled, ("state",), note="cancelled"))
    held.release()
    await asyncio.gather(writing, same_batch, after)  # the others' wait was not cancelled
    steps = [(e.state, e.step) for e in held.events(cancelled.id)]
    assert steps == [
        (State.QUEUED, Step.CREATE),
        (State.QUEUED, Step.SEND),  # written although its caller was cancelled...
        (State.CANCELLED, Step.SEND),  # ...and before what came after it
    ]
    await journal.aclose()


async def test_records_not_waited_for_go_with_the_next_commit(
    held: Journal, tmp_path: Path
) -> None:
    hint, other = _items(held, tmp_path / "files", 2)
    journal = AsyncJournal(held)
    hint.step = Step.CONFIRM
    await journal.save(hint, ("step",), wait=False)
    await asyncio.sleep(0.05)
    assert _on_disk(held.path)[hint.id] == ("queued", "create")  # not yet
    other.step = Step.SEND
    await journal.save(other, ("step",))
    assert journal.batch_sizes == [2]
    assert _on_disk(held.path)[hint.id] == ("queued", "confirm")
    hint.step = Step.LINK
    await journal.save(hint, ("step",), wait=False)
    await journal.aclose()  # closing writes what is left
    assert _on_disk(held.path)[hint.id] == ("queued", "link")


async def test_other_calls_come_after_the_saves_made_before_them(
    held: Journal, tmp_path: Path
) -> None:
    (item,) = _items(held, tmp_path / "files", 1)
    journal = AsyncJournal(held)
    item.step = Step.SEND
    await journal.save(item, ("step",), wait=False)
    assert [i.step for i in await journal.items()] == [Step.SEND]
    item.step = Step.CONFIRM
    await journal.save(item, ("step",), wait=False)
    await journal.delete([item.id])  # not overtaken by the save before it
    assert await journal.items() == []
    assert held.events(item.id) == []
    await journal.aclose()


async def test_a_full_disk_fails_every_save_of_the_batch(held: HeldJournal, tmp_path: Path) -> None:
    items = _items(held, tmp_path / "files", 3)
    pages = held._db.execute("PRAGMA page_count").fetchone()[0]
    held._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    journal = AsyncJournal(held)
    held.hold()
    first = asyncio.ensure_future(journal.save(items[0], ("step",), note="first"))
    await _in_thread(held.entered)
    big = "x" * 50_000  # more than the free room of the last page
    waits = [asyncio.ensure_future(journal.save(item, ("step",), note=big)) for item in items[1:]]
    held.release()
    await first
    for wait in waits:
        with pytest.raises(DiskFull, match="no room left on the disk"):
            await wait
    assert [e.note for e in held.events(items[1].id)] == ["queued"]  # rolled back together
    await journal.aclose()
