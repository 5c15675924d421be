"""Linking attachments to a Productive task: read–merge–write of its `attachments`.

JSON:API replaces a to-many relationship with the list sent, so a link reads the
task's attachments now (never from a journal), adds its own, and writes the list back:
another client's attachment linked meanwhile stays, and one already there is not
linked twice. In this process, links to one task are gathered while a write is under
way and go together in the next one (one read and one write for many files). The
answer to a write must list ours, else the round is done again. Productive offers no
precondition on a write, so two processes writing the same task in the same instant
can still race; the read right before each write keeps that window short.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from satchel.domain.errors import Rejected
from satchel.providers.jsonapi import Document, Resource

ReadAttachments = Callable[[str], Awaitable[list[Resource]]]
WriteAttachments = Callable[[str, list[str]], Awaitable[Document]]
FetchAttachment = Callable[[str], Awaitable[Resource]]

#: Read–merge–write rounds before giving up on a task that others keep rewriting.
LINK_TRIES = 4


class TaskLinker:
    def __init__(
        self, read: ReadAttachments, write: WriteAttachments, fetch: FetchAttachment
    ) -> None:
        self._read = read
        self._write = write
        self._fetch = fetch
        self._locks: dict[str, asyncio.Lock] = {}
        #: Per task: attachments waiting to be linked, and who waits for each.
        self._waiting: dict[str, dict[str, asyncio.Future[Resource]]] = {}

    async def link(self, task_id: str, attachment_id: str) -> Resource:
        """The attachment, once it is in the task's list (linked now or before)."""
        waiting = self._waiting.setdefault(task_id, {})
        mine = waiting.get(attachment_id)
        if mine is None:
            mine = waiting[attachment_id] = asyncio.get_running_loop().create_future()
        async with self._locks.setdefault(task_id, asyncio.Lock()):
            if mine.done():  # went with someone else's write
                return mine.result()
            batch = dict(waiting)
            waiting.clear()
            try:
                linked = await self._link_all(task_id, list(batch))
            except BaseException:
                for other, future in batch.items():  # the next writer takes them along
                    if other != attachment_id and not future.done():
                        waiting.setdefault(other, future)
                raise
            for other, future in batch.items():
                if not future.done():
                    future.set_result(linked[other])
            return linked[attachment_id]

    async def _link_all(self, task_id: str, wanted: list[str]) -> dict[str, Resource]:
        for _ in range(LINK_TRIES):
            current = await self._read(task_id)
            present = {resource.id: resource for resource in current}
            missing = [i for i in wanted if i not in present]
            if not missing:
                return {i: present[i] for i in wanted}
            written = await self._write(task_id, [r.id for r in current] + missing)
            listed = written.one().related_ids("attachments")
            if listed is not None and all(i in listed for i in wanted):
                # The answer shows the list as written: no second read of the whole list.
                found = {i: present.get(i) or written.find("attachments", i) for i in wanted}
                return {i: r if r is not None else await self._fetch(i) for i, r in found.items()}
        raise Rejected(
            "Another program keeps changing this task's attachments at the same moment; "
            "Satchel could not add the file. Retry in a moment."
        )
