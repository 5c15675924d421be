"""Read–merge–write links to one task: gathered writes, and what was there kept."""

from __future__ import annotations

import asyncio

import pytest

from satchel.providers.jsonapi import Document, Resource, read_document, read_resource
from satchel.providers.productive_links import TaskLinker


def _attachment(number: str) -> Resource:
    return read_resource({"id": number, "type": "attachments", "attributes": {"name": number}})


class FakeTask:
    """A task's attachments as a service keeps them: replaced by each write."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = list(ids)
        self.writes: list[list[str]] = []

    async def read(self, _task: str) -> list[Resource]:
        await asyncio.sleep(0.01)
        return [_attachment(i) for i in self.ids]

    async def write(self, _task: str, ids: list[str]) -> Document:
        await asyncio.sleep(0.01)
        self.ids = list(dict.fromkeys(ids))
        self.writes.append(list(ids))
        data = [{"type": "attachments", "id": i} for i in self.ids]
        return read_document(
            {"data": {"id": "1", "type": "tasks", "relationships": {"attachments": {"data": data}}}}
        )

    async def fetch(self, attachment_id: str) -> Resource:
        return _attachment(attachment_id)


@pytest.mark.asyncio
async def test_links_to_one_task_go_together_and_keep_what_was_there() -> None:
    task = FakeTask(["theirs"])
    linker = TaskLinker(task.read, task.write, task.fetch)
    ids = [f"a{n}" for n in range(10)]
    linked = await asyncio.gather(*(linker.link("1", i) for i in ids))
    assert [r.id for r in linked] == ids
    assert sorted(task.ids) == sorted(["theirs", *ids])
    assert len(task.writes) < 10  # waiting links went along with a write under way
    again = await linker.link("1", "a3")  # already there: no write
    assert again.id == "a3" and len(task.writes) < 10
