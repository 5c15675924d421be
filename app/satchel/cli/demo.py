"""`satchel --demo`: a tour of Satchel on the local demo service, from the terminal.

It starts the service (data under the user data dir, reused across runs), shows the
demo tenant's tree, uploads a file, downloads it back, prints a fresh link, and
removes what it uploaded.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
from pathlib import Path

from satchel import log, paths
from satchel.cli.context import open_workspace
from satchel.cli.format import human_size
from satchel.domain.model import Account, Attachment, Board, BoardList, Card, Node
from satchel.local_service import start_local_service
from satchel.providers.base import Provider
from satchel.transfers.one_off import upload_file


async def _print_tree(provider: Provider, parent: Node | None, depth: int) -> Card | None:
    first_card: Card | None = None
    for node in await provider.children(parent):
        if isinstance(node, Attachment):
            size = "link" if node.is_link else human_size(node.size)
            print(f"{'  ' * depth}- {node.name}  ({size}, {node.content_type})")
            continue
        print(f"{'  ' * depth}{node.name}")
        if isinstance(node, Board | BoardList | Card):
            found = await _print_tree(provider, node, depth + 1)
            if isinstance(node, Card):
                found = found or node
            first_card = first_card or found
    return first_card


async def _tour(provider: Provider, workdir: Path) -> None:
    me = await provider.whoami()
    print(f"Signed in as {me.name} ({me.scope}).\n")
    card = await _print_tree(provider, None, 0)
    if card is None:
        return
    source = workdir / "hello from Satchel.txt"
    source.write_text("Dropped on a card by satchel --demo.\n", encoding="utf-8")
    print(f"\nUploading {source.name!r} to card {card.name!r}…")
    attachment = await upload_file(provider, card.id, source, journal_dir=workdir)
    print(
        f"  landed as attachment {attachment.id} through the transfer queue "
        "(the four-step S3 form protocol)."
    )
    copy = await provider.download(attachment, workdir / "copy.txt")
    same = (
        hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    )
    print(
        f"  downloaded back through a fresh presigned link: {'identical' if same else 'DIFFERENT'}."
    )
    link = await provider.resolve_download(attachment)
    print(f"  a link anyone can use until {link.expires_at:%H:%M:%S} UTC:\n  {link.url}")
    await provider.delete(attachment)
    print("  removed again, so the demo data stays as it was.")


def run(_args: argparse.Namespace) -> int:
    print("Starting the local demo service (first start makes demo data: a few seconds)…")
    service = start_local_service(paths.sandbox_data_dir())
    try:
        tenant = service.tenants[0]
        log.register_secret(tenant["read_write_key"])
        print(f"Demo service at {service.base_url}, storage at {service.s3_endpoint}.")

        async def session() -> None:
            # The demo tenant: a transient account of a workspace of its own (nothing saved).
            workspace = open_workspace()
            account = Account("Demo", "bearer", service.base_url)
            workspace.add_transient(account, tenant["read_write_key"])
            try:
                with tempfile.TemporaryDirectory() as workdir:
                    await _tour(workspace.provider(account.name), Path(workdir))
            finally:
                await workspace.aclose()

        asyncio.run(session())
    finally:
        service.stop()
    print("\nTry it yourself: 'satchel sandbox' runs the service; see the README.")
    return 0
