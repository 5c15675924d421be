"""`satchel ls [PATH]`: boards, lists, cards and attachments."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime

from satchel.cli.context import add_account_option, run_with_provider
from satchel.cli.format import human_size
from satchel.domain.errors import NotFound
from satchel.domain.file_names import terminal_text
from satchel.domain.model import Attachment, Node
from satchel.providers.base import Provider


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ls = commands.add_parser(
        "ls",
        help="list boards, lists, cards or attachments",
        description="PATH is BOARD[/LIST[/CARD]]; each part is an id or a name. "
        "With no PATH, the account's boards are listed.",
    )
    ls.add_argument("path", nargs="?", default="")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    add_account_option(ls)
    ls.set_defaults(handler=_ls)


async def _walk(provider: Provider, path: str) -> list[Node]:
    parent: Node | None = None
    children = await provider.children(None)
    for part in [p for p in path.split("/") if p]:
        matches = [n for n in children if part in (n.id, n.name)]
        if not matches:
            where = parent.name if parent else "the account"
            raise NotFound(f"Nothing called {part!r} in {where}. 'satchel ls' shows what is there.")
        parent = matches[0]
        if isinstance(parent, Attachment):
            return [parent]
        children = await provider.children(parent)
    return children


def _jsonable(node: Node) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(node).items()}


def _ls(args: argparse.Namespace) -> int:
    nodes = run_with_provider(args, lambda provider: _walk(provider, args.path))
    for node in nodes:
        if args.json:
            print(json.dumps(_jsonable(node), ensure_ascii=False, default=str))
        elif isinstance(node, Attachment):
            size = "link" if node.is_link else human_size(node.size)
            fields = (node.id, size, node.content_type, node.name)
            print("\t".join(terminal_text(field) for field in fields))
        else:
            print("\t".join(terminal_text(field) for field in (node.id, node.kind, node.name)))
    return 0
