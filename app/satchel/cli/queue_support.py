"""What `satchel upload` and `satchel queue` share: the journal, providers by account name,
a progress line, and how a run of the queue is reported."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TextIO

from satchel import paths
from satchel.cli.context import open_workspace
from satchel.cli.format import human_duration, human_size
from satchel.domain.errors import Cancelled, SignInRequired, UsageError
from satchel.domain.file_names import terminal_lines, terminal_text
from satchel.providers.base import Provider
from satchel.stop_signals import run_until_stopped
from satchel.transfers import (
    FILE_NAME,
    Direction,
    Journal,
    State,
    TransferItem,
    TransferListener,
    TransferQueue,
)
from satchel.workspace import Workspace
from satchel.workspace.environment import (
    ENV_PREFIX,
    ENV_SECRET,
    ENV_URL,
    environment_account,
    environment_name,
)

#: What to put on the queue; returns the items to wait for.
Work = Callable[[TransferQueue], Awaitable[list[TransferItem]]]

#: Redraws of the progress line per second.
PROGRESS_INTERVAL = 0.2


def open_journal() -> Journal:
    return Journal(paths.data_dir() / FILE_NAME)


class QueueProviders:
    """Account name -> provider for the queue, through the workspace. A transfer queued
    from the environment goes on only with the same service in the environment."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        with contextlib.suppress(UsageError):  # half an environment account: its items say so
            from_environment = environment_account()
            if from_environment is not None:
                workspace.add_transient(*from_environment)

    def __call__(self, name: str) -> Provider:
        if name.startswith(ENV_PREFIX):
            url = name.removeprefix(ENV_PREFIX)
            name = environment_name(url)
            if name not in {a.name for a in self._workspace.accounts()}:
                raise SignInRequired(
                    f"This transfer was queued for {url} from the environment: set "
                    f"{ENV_URL}={url} and {ENV_SECRET} to go on with it."
                )
        return self._workspace.provider(name)


class LandedPrinter(TransferListener):
    """Prints "ATTACHMENT_ID<TAB>NAME" on stdout the moment each upload lands (downloads:
    "ATTACHMENT_ID<TAB>PATH")."""

    def __init__(self, stream: TextIO = sys.stdout) -> None:
        self._stream = stream
        self._printed: set[int] = set()

    def changed(self, row: int, item: TransferItem) -> None:
        if item.state is not State.DONE or item.id in self._printed:
            return
        self._printed.add(item.id)
        shown = item.name if item.direction is Direction.UPLOAD else str(item.local_path)
        self._stream.write(f"{item.attachment_id}\t{terminal_text(shown)}\n")
        self._stream.flush()


def _line(queue: TransferQueue) -> str:
    totals = queue.totals()
    finished = totals.done + totals.failed + totals.cancelled
    left = "" if totals.time_left is None else f", {human_duration(totals.time_left)} left"
    return (
        f"{finished}/{totals.items} files, {human_size(totals.done_bytes)} of "
        f"{human_size(totals.total_bytes)}, {human_size(totals.speed)}/s{left}"
    )


@contextlib.asynccontextmanager
async def progress_line(queue: TransferQueue, stream: TextIO = sys.stderr) -> AsyncIterator[None]:
    """One line on a terminal, redrawn on a timer (not per chunk); nothing on a pipe."""
    if not stream.isatty():
        yield
        return

    async def draw() -> None:
        while True:
            stream.write(f"\r{_line(queue)}   ")
            stream.flush()
            await asyncio.sleep(PROGRESS_INTERVAL)

    drawing = asyncio.ensure_future(draw())
    try:
        yield
    finally:
        drawing.cancel()
        stream.write(f"\r{_line(queue)}   \n")
        stream.flush()


def report(items: Sequence[TransferItem], stream: TextIO = sys.stderr) -> int:
    """Each failure on its own line, then the exit code (the first failure's, in order)."""
    code = 0
    failed = 0
    for item in items:
        if item.state is State.DONE:
            continue
        failed += 1
        if item.state is State.CANCELLED:
            reason, item_code = "cancelled", Cancelled.exit_code
        elif item.state is State.FAILED:
            reason, item_code = item.error or "failed", item.error_code or 1
        else:
            reason, item_code = f"not finished ({item.state.value})", 1
        stream.write(f"satchel: {terminal_text(str(item.local_path))}: {terminal_lines(reason)}\n")
        code = code or item_code
    if failed:
        verb = "uploaded" if all(i.direction is Direction.UPLOAD for i in items) else "done"
        stream.write(f"satchel: {failed} of {len(items)} files were not {verb}.\n")
    return code


def interrupted_hint(items: Sequence[TransferItem]) -> str:
    waiting = sum(not i.finished for i in items)
    return f"satchel: {waiting} files wait in the queue; 'satchel queue resume' goes on with them."


def drive_queue(work: Work, *, concurrency: int, workspace: Workspace | None = None) -> int:
    """Run `work` on a queue of this process, wait for its items, report them."""

    async def session() -> int:
        accounts = workspace or open_workspace()
        journal = open_journal()
        queue = TransferQueue(journal, QueueProviders(accounts), concurrency=concurrency)
        queue.add_listener(LandedPrinter())
        items: list[TransferItem] = []
        try:
            items = await work(queue)
            async with progress_line(queue):
                await queue.wait(items)
        except asyncio.CancelledError:
            print(interrupted_hint(items), file=sys.stderr)
            raise
        finally:
            await queue.aclose()
            await accounts.aclose()
            journal.close()
        return report(items)

    return run_until_stopped(session())
