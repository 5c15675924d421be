"""`satchel queue list|resume|cancel ID|retry ID|clear`: the transfer journal from a terminal.

The same journal the window and `satchel upload` write: `resume` goes on with what a
crashed or killed Satchel left (never with what a running one still drives), `cancel`
asks a running Satchel to cancel, or cancels itself when none runs the item.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass

from satchel.cli.format import human_size
from satchel.cli.queue_support import Work, drive_queue, open_journal
from satchel.domain.errors import NotFound
from satchel.domain.file_names import terminal_text
from satchel.transfers import DEFAULT_CONCURRENCY, Journal, State, TransferItem, TransferQueue
from satchel.transfers.owners import FOLDER_NAME, owner_alive

#: How long `queue cancel` waits for a running Satchel to confirm the cancel.
CANCEL_WAIT_SECONDS = 30.0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    queue = commands.add_parser(
        "queue",
        help="show and drive the transfer queue",
        description="The transfers of every Satchel on this machine (window or command line).",
    )
    actions = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every transfer, with its state")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_list)
    resume = actions.add_parser(
        "resume", help="go on with transfers a stopped Satchel left (after a crash or a kill)"
    )
    resume.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N")
    resume.set_defaults(handler=_resume)
    cancel = actions.add_parser("cancel", help="cancel a transfer; nothing of it stays")
    cancel.add_argument("id", type=int, metavar="ID")
    cancel.set_defaults(handler=_cancel)
    retry = actions.add_parser("retry", help="send a failed or cancelled transfer again")
    retry.add_argument("id", type=int, metavar="ID")
    retry.set_defaults(handler=_retry)
    clear = actions.add_parser("clear", help="forget finished transfers (done, failed, cancelled)")
    clear.set_defaults(handler=_clear)


# --- list ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    item: TransferItem
    elsewhere: bool  # driven by another running Satchel


def _rows(journal: Journal) -> list[_Row]:
    folder = journal.path.parent / FOLDER_NAME
    alive: dict[str | None, bool] = {}
    rows = []
    for item in journal.items():
        if item.owner not in alive:
            alive[item.owner] = owner_alive(folder, item.owner)
        rows.append(_Row(item, not item.finished and alive[item.owner]))
    return rows


def _state(row: _Row) -> str:
    item = row.item
    if item.finished:
        return item.state.value
    if not row.elsewhere:
        return "waiting"  # nobody drives it: `satchel queue resume`
    return item.step.label if item.state is State.ACTIVE else "queued"


def _list(args: argparse.Namespace) -> int:
    journal = open_journal()
    try:
        rows = _rows(journal)
    finally:
        journal.close()
    for row in rows:
        item = row.item
        if args.json:
            print(json.dumps(_as_json(row), ensure_ascii=False))
            continue
        name = terminal_text(item.name)
        line = f"{item.id}\t{item.direction.value}\t{_state(row)}\t{human_size(item.size)}\t{name}"
        if item.error and item.state is State.FAILED:
            line += f"\t{terminal_text(item.error)}"
        print(line)
    return 0


def _as_json(row: _Row) -> dict[str, object]:
    item = row.item
    return {
        "id": item.id,
        "direction": item.direction.value,
        "state": item.state.value,
        "step": item.step.value,
        "status": _state(row),
        "running_elsewhere": row.elsewhere,
        "account": item.account,
        "card_id": item.card_id,
        "attachment_id": item.attachment_id,
        "name": item.name,
        "size": item.size,
        "local_path": str(item.local_path),
        "attempts": item.attempts,
        "error": item.error,
        "error_code": item.error_code,
        "error_kind": item.error_kind,
    }


# --- resume, retry, cancel -------------------------------------------------------------------


def _drive(args: argparse.Namespace, work: Work) -> int:
    return drive_queue(work, concurrency=getattr(args, "concurrency", DEFAULT_CONCURRENCY))


def _resume(args: argparse.Namespace) -> int:
    async def work(queue: TransferQueue) -> list[TransferItem]:
        taken = await queue.restore()
        await queue.resume_all()
        if not taken:
            print("Nothing to resume.", file=sys.stderr)
        return taken

    return _drive(args, work)


def _known(journal: Journal, item_id: int) -> TransferItem:
    item = journal.get(item_id)
    if item is None:
        raise NotFound(f"There is no transfer {item_id}; 'satchel queue list' shows them all.")
    return item


def _retry(args: argparse.Namespace) -> int:
    async def work(queue: TransferQueue) -> list[TransferItem]:
        await queue.restore(only={args.id})
        item = queue.item(args.id)
        if item is None:
            raise NotFound(f"Transfer {args.id} is driven by another running Satchel.")
        if item.state in (State.FAILED, State.CANCELLED):
            await queue.retry(item)
        return [item]

    journal = open_journal()
    try:
        _known(journal, args.id)
    finally:
        journal.close()
    return _drive(args, work)


def _cancel(args: argparse.Namespace) -> int:
    journal = open_journal()
    try:
        item = _known(journal, args.id)
        if item.finished:
            print(f"Transfer {item.id} has already ended ({item.state.value}).", file=sys.stderr)
            return 0
        if owner_alive(journal.path.parent / FOLDER_NAME, item.owner):
            return _ask_owner_to_cancel(journal, item.id)
    finally:
        journal.close()

    async def work(queue: TransferQueue) -> list[TransferItem]:
        await queue.restore(only={args.id})
        taken = queue.item(args.id)
        if taken is None:
            raise NotFound(f"Transfer {args.id} is driven by another running Satchel.")
        await queue.cancel(taken)
        return []

    _drive(args, work)
    print(f"Cancelled transfer {args.id}.", file=sys.stderr)
    return 0


def _ask_owner_to_cancel(journal: Journal, item_id: int) -> int:
    journal.request_cancel(item_id)
    deadline = time.monotonic() + CANCEL_WAIT_SECONDS
    while time.monotonic() < deadline:
        item = journal.get(item_id)
        if item is None or item.finished:
            print(f"Cancelled transfer {item_id}.", file=sys.stderr)
            return 0
        time.sleep(0.2)
    print(
        f"Asked the Satchel that runs transfer {item_id} to cancel it; it has not yet.",
        file=sys.stderr,
    )
    return 7


# --- clear ---------------------------------------------------------------------------------


def _clear(_args: argparse.Namespace) -> int:
    journal = open_journal()
    try:
        gone = [
            row.item for row in _rows(journal) if row.item.finished and not row.item.cleanup_due
        ]
        for item in gone:
            if item.partial_path is not None:
                item.partial_path.unlink(missing_ok=True)
        journal.delete(i.id for i in gone)
    finally:
        journal.close()
    print(f"Cleared {len(gone)} finished transfers.", file=sys.stderr)
    return 0
