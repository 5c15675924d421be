"""A tenant of its own for each test module, on the one session-wide local service.

Modules that upload, delete or add cards would otherwise change what the next module
sees (a model test counting the cards of Backlog fails after a transfer test added one):
every module gets a fresh copy of a demo tenant's boards, lists, cards and files, so the
suite passes in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from satchel.sandbox.demo import DEMO_LAYOUT, LINK_CONTENT_TYPE, Link
from satchel.sandbox.demo_files import DEMO_FILES
from satchel.sandbox.local_s3 import DEFAULT_BUCKET, IDENTITY_FILE
from satchel.sandbox.records import Tenant
from satchel.sandbox.s3 import S3Gateway, S3Settings
from satchel.sandbox.store import Store
from satchel.sandbox.trello import demo as trello_demo
from satchel.sandbox.trello.store import TrelloStore
from tests.support.sandbox import SandboxInfo

ACME, GLOBEX = "Acme Studio", "Globex Labs"


@dataclass(frozen=True)
class ModuleTenant:
    id: str
    name: str
    read_write_key: str
    read_only_key: str


def storage_of(sandbox: SandboxInfo) -> S3Gateway:
    """The service's S3, as its admin reaches it (to put the objects of seeded records)."""
    identity = json.loads((sandbox.data_dir / IDENTITY_FILE).read_text())
    settings = S3Settings(
        sandbox.s3_endpoint, identity["access_key"], identity["secret_key"], DEFAULT_BUCKET
    )
    return S3Gateway(settings)


def seed_tenant(
    sandbox: SandboxInfo, template: str = ACME, *, trello: bool = False
) -> ModuleTenant:
    """A new tenant named as the demo tenant `template`, with a copy of its data and files.

    With `trello`, dressed as the Trello demo's: its archived list and card closed, its
    boards in the free and paid workspaces (a member of it: `fresh_token(tenant_id=...)`).
    """
    objects: list[tuple[str, str]] = []  # (object key, demo file)
    with Store(sandbox.data_dir / "satchel.db") as store:
        dress = TrelloStore(store) if trello else None  # its tables, before the transaction
        with store.transaction():
            read_write, read_only, tenant = _copy(store, template, dress, objects)
    put_demo_files(sandbox, objects)
    return ModuleTenant(tenant.id, tenant.name, read_write, read_only)


def _copy(
    store: Store, template: str, dress: TrelloStore | None, objects: list[tuple[str, str]]
) -> tuple[str, str, Tenant]:
    """The records of a copy of `template` (its objects' keys added to `objects`)."""
    tenant = store.create_tenant(template)
    for board_name, lists in DEMO_LAYOUT[template].items():
        board = store.create_board(tenant.id, board_name)
        if dress is not None:
            free = board_name == trello_demo.FREE_BOARD
            workspace = trello_demo.FREE_WORKSPACE if free else trello_demo.PAID_WORKSPACE
            dress.set_board_plan(board.id, workspace, "free" if free else "paid")
        for list_name, cards in lists.items():
            board_list = store.create_list(tenant.id, board.id, list_name)
            if dress is not None and list_name == trello_demo.ARCHIVED_LIST:
                dress.close(board_list.id)
            for spec in cards:
                card = store.create_card(tenant.id, board_list.id, spec.name)
                if dress is not None and spec.name == trello_demo.ARCHIVED_CARD:
                    dress.close(card.id)
                for item in spec.attachments:
                    if isinstance(item, Link):
                        store.create_attachment(
                            tenant.id, item.name, LINK_CONTENT_TYPE, None, kind="link",
                            url=item.url, state="stored", card_id=card.id,
                        )  # fmt: skip
                        continue
                    demo = DEMO_FILES[item]
                    record = store.create_attachment(
                        tenant.id, demo.name, demo.content_type, len(demo.make()),
                        state="stored", card_id=card.id,
                    )  # fmt: skip
                    assert record.object_key is not None
                    objects.append((record.object_key, item))
    read_write = store.create_key(tenant.id, "read_write")
    read_only = store.create_key(tenant.id, "read")
    return read_write, read_only, tenant


def put_demo_files(sandbox: SandboxInfo, objects: Iterable[tuple[str, str]]) -> None:
    """Put each (object key, demo file) in the service's storage."""
    gateway = storage_of(sandbox)
    for key, item in objects:
        demo = DEMO_FILES[item]
        gateway.put_object(key, demo.make(), demo.content_type)
