"""Demo tenants, keys, boards and attachments, made once, on the first start of a data dir.

Keys are stored hashed, yet every start prints them in the ready line: their plaintext is
kept in `<data>/demo-credentials.json` (mode 0600), the sandbox's admin handout.
Records and objects are made in two steps so the service can start while S3 is down:
the records (with their sizes) at once, the objects whenever S3 first answers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from satchel.log import register_secret
from satchel.sandbox.demo_files import DEMO_FILES
from satchel.sandbox.private_files import read_json, write_private_json
from satchel.sandbox.s3 import S3Gateway
from satchel.sandbox.store import Store

log = logging.getLogger(__name__)

HANDOUT_FILE = "demo-credentials.json"
_SEEDED = "demo_seeded"
_PENDING_UPLOADS = "demo_pending_uploads"
#: A card attachment that is a link, not a file.
LINK_CONTENT_TYPE = "text/uri-list"


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class CardSpec:
    name: str
    #: Keys of DEMO_FILES, or Links.
    attachments: tuple[str | Link, ...] = ()


# tenant -> board -> list -> cards
DemoLayout = dict[str, dict[str, dict[str, list[CardSpec]]]]

DEMO_LAYOUT: DemoLayout = {
    "Acme Studio": {
        "Website Relaunch": {
            "Backlog": [
                CardSpec(
                    "Homepage hero",
                    ("hero", "mood", Link("Style guide", "https://example.com/style-guide")),
                ),
                CardSpec("Navigation ideas"),
            ],
            "In progress": [
                CardSpec("Launch plan", ("launch-plan", "copy", "budget")),
                CardSpec("Café landing page (DE)", ("overview",)),
            ],
            "Done": [CardSpec("Pick a domain"), CardSpec("Site settings", ("site-config",))],
        },
        "Brand Assets": {
            "Logos": [CardSpec("Logo pack", ("logo-pack", "readme"))],
            "Photography": [CardSpec("Shot list")],
        },
    },
    "Globex Labs": {
        "Research": {
            "Experiments": [
                CardSpec("Run 42", ("capture", "experiment", "lab-notes", "measurements")),
                CardSpec("Run 43 (planned)"),
            ],
            "Reports": [
                CardSpec(
                    "Q3 report",
                    ("report", "chart", Link("Dataset", "https://example.com/datasets/q3")),
                )
            ],
        },
        "Operations": {"To do": [CardSpec("Order a second sensor")], "Done": []},
    },
}


def seed_if_new(store: Store, data_dir: Path) -> None:
    """Make the demo records and the handout, unless this data dir has them already."""
    if store.meta(_SEEDED) is not None:
        return
    handout: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    # One transaction: a start that dies half-way leaves nothing, and the next one seeds anew.
    with store.transaction():
        for tenant_name, boards in DEMO_LAYOUT.items():
            tenant = store.create_tenant(tenant_name)
            handout.append(
                {
                    "name": tenant.name,
                    "read_write_key": store.create_key(tenant.id, "read_write"),
                    "read_only_key": store.create_key(tenant.id, "read"),
                }
            )
            for board_name, lists in boards.items():
                board = store.create_board(tenant.id, board_name)
                for list_name, cards in lists.items():
                    board_list = store.create_list(tenant.id, board.id, list_name)
                    for card_spec in cards:
                        card = store.create_card(tenant.id, board_list.id, card_spec.name)
                        for item in card_spec.attachments:
                            pending += _attach(store, tenant.id, card.id, item)
        store.set_meta(_PENDING_UPLOADS, json.dumps(pending))
        store.set_meta(_SEEDED, "1")
        # Written before the commit: committed keys are never without their handout.
        write_private_json(data_dir / HANDOUT_FILE, {"tenants": handout})
    log.info("Made the demo data: %d tenants, %d files", len(handout), len(pending))


def _attach(store: Store, tenant_id: str, card_id: str, item: str | Link) -> list[dict[str, str]]:
    """Make one demo attachment record; returns the object it still needs, if any."""
    if isinstance(item, Link):
        store.create_attachment(
            tenant_id, item.name, LINK_CONTENT_TYPE, None,
            kind="link", url=item.url, state="stored", card_id=card_id,
        )  # fmt: skip
        return []
    demo_file = DEMO_FILES[item]
    size = len(demo_file.make())
    record = store.create_attachment(
        tenant_id, demo_file.name, demo_file.content_type, size, state="stored", card_id=card_id
    )
    assert record.object_key is not None
    return [{"key": record.object_key, "file": item}]


def upload_pending(store: Store, gateway: S3Gateway, meta_key: str = _PENDING_UPLOADS) -> None:
    """Put the demo objects not uploaded yet (blocking; raises StorageUnavailable).

    `meta_key` names the store's list of pending objects: each dialect's demo keeps its own.
    """
    raw = store.meta(meta_key)
    if not raw:
        return
    items: list[dict[str, str]] = json.loads(raw)
    for item in items:
        demo_file = DEMO_FILES[item["file"]]
        gateway.put_object(item["key"], demo_file.make(), demo_file.content_type)
    store.set_meta(meta_key, None)
    log.info("Uploaded %d demo files", len(items))


def read_handout(data_dir: Path) -> list[dict[str, Any]]:
    """The demo tenants and their keys, for the ready line. The keys are kept out of logs."""
    try:
        tenants: list[dict[str, Any]] = read_json(data_dir / HANDOUT_FILE)["tenants"]
    except FileNotFoundError:
        log.warning("%s is gone: the demo keys cannot be shown", data_dir / HANDOUT_FILE)
        return []
    for tenant in tenants:
        register_secret(tenant["read_write_key"])
        register_secret(tenant["read_only_key"])
    return tenants
