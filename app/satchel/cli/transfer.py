"""`satchel upload`, `satchel get` and `satchel link`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from satchel.cli.context import (
    add_account_option,
    choose_account,
    open_workspace,
    run_with_provider,
)
from satchel.cli.format import ProgressBar, human_duration, human_size
from satchel.cli.queue_support import drive_queue
from satchel.domain.errors import AlreadyThere, Rejected, UsageError
from satchel.domain.file_names import safe_file_name, terminal_text
from satchel.domain.model import Attachment
from satchel.providers.base import Provider
from satchel.transfers import DEFAULT_CONCURRENCY
from satchel.transfers.expand import expand_folders, listed


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    upload = commands.add_parser(
        "upload",
        help="attach files to a card",
        description="Prints 'ATTACHMENT_ID<TAB>NAME' for each file that landed. A folder "
        "stands for every file below it.",
    )
    upload.add_argument("card", metavar="CARD", help="the card's id")
    upload.add_argument("files", metavar="FILE", nargs="+", type=Path, help="a file or a folder")
    upload.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"files sent at the same time (default {DEFAULT_CONCURRENCY})",
    )
    add_account_option(upload)
    upload.set_defaults(handler=_upload)

    get = commands.add_parser("get", help="download an attachment")
    get.add_argument("attachment", metavar="ATTACHMENT", help="the attachment's id")
    get.add_argument(
        "-o", "--output", type=Path, help="file or folder to write (default: its name, here)"
    )
    add_account_option(get)
    get.set_defaults(handler=_get)

    link = commands.add_parser(
        "link",
        help="print a fresh link to an attachment and when it expires",
        description="Line 1: the link, which works without any credential until it expires. "
        "Line 2: 'expires <ISO time>'.",
    )
    link.add_argument("attachment", metavar="ATTACHMENT")
    add_account_option(link)
    link.set_defaults(handler=_link)


def _upload(args: argparse.Namespace) -> int:
    """Through the transfer queue and its journal, like the window: a kill or a crash
    leaves every file where `satchel queue resume` picks it up."""
    found = expand_folders(args.files)
    files, folders = found.files, found.folders
    if found.skipped:
        print(
            terminal_text(
                f"satchel: skipped {len(found.skipped)} link(s) that lead outside the folder: "
                f"{listed(found.skipped)}"
            ),
            file=sys.stderr,
        )
    if not files:
        shown = ", ".join(str(f) for f in folders)
        raise UsageError(f"There are no files in {shown}; nothing was uploaded.")
    workspace = open_workspace()
    name = choose_account(workspace, args)
    workspace.provider(name)  # a missing secret stops the command before the queue starts
    return drive_queue(
        lambda queue: queue.enqueue_uploads(name, args.card, files),
        concurrency=args.concurrency,
        workspace=workspace,
    )


def _destination(attachment: Attachment, output: Path | None) -> tuple[Path, bool]:
    """Where to save, and whether a file there may be replaced: only one `-o FILE` names."""
    if output is not None and not output.is_dir():
        return output, True
    folder = Path.cwd() if output is None else output
    target = folder / safe_file_name(attachment.local_name, fallback=attachment.id)
    if target.exists() or target.is_symlink():  # told early; the final move checks again
        raise AlreadyThere(f"{target} already exists; choose another name with -o FILE.")
    return target, False


def _get(args: argparse.Namespace) -> int:
    async def work(provider: Provider) -> Path:
        attachment = await provider.get_attachment(args.attachment)
        if attachment.is_link:
            raise Rejected(f"“{attachment.name}” is a link, not a file: {attachment.link_url}")
        dest, replace = _destination(attachment, args.output)
        bar = ProgressBar(terminal_text(attachment.name))
        try:
            return await provider.download(attachment, dest, progress=bar.update, replace=replace)
        finally:
            bar.finish()

    saved = run_with_provider(args, work)
    shown = terminal_text(str(saved))
    print(f"Saved {shown} ({human_size(saved.stat().st_size)}).", file=sys.stderr)
    return 0


def _link(args: argparse.Namespace) -> int:
    async def work(provider: Provider) -> tuple[str, datetime | str]:
        attachment = await provider.get_attachment(args.attachment)
        page = provider.shared_page(attachment)
        if page is not None:  # the service has no temporary link (Productive)
            return page, provider.kind.capitalize()
        link = await provider.resolve_download(attachment)
        return link.url, link.expires_at

    url, expires_at = run_with_provider(args, work)
    if isinstance(expires_at, str):
        print(url)
        print(f"opens the task in {expires_at} for people who have access to it")
        return 0
    left = human_duration((expires_at - datetime.now(UTC)).total_seconds())
    print(url)
    print(f"expires {expires_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} (in {left})")
    return 0
