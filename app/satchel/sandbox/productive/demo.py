"""The Productive dialect's demo: one organization with projects, boards, tasks and files.

Made once per data dir. The tokens' plaintext is kept in
`<data>/productive-credentials.json` (mode 0600) so every start can print them in the
ready line. Some items are archived, closed or deleted, as in any real organization.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from satchel.log import register_secret
from satchel.sandbox import demo
from satchel.sandbox.demo_files import DEMO_FILES
from satchel.sandbox.private_files import read_json, write_private_json
from satchel.sandbox.productive.store import ProductiveStore
from satchel.sandbox.s3 import S3Gateway
from satchel.sandbox.store import Store

log = logging.getLogger(__name__)

HANDOUT_FILE = "productive-credentials.json"
ORGANIZATION_NAME = "Productive Demo Agency"
_SEEDED = "productive_demo_seeded"
_PENDING = "productive_demo_pending_uploads"


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    files: tuple[str, ...] = ()
    closed: bool = False
    deleted_files: tuple[str, ...] = ()


#: project -> board -> task list -> tasks; a leading "~" marks an archived item.
LAYOUT: dict[str, dict[str, dict[str, list[Task]]]] = {
    "Spring Campaign": {
        "Design": {
            "To do": [Task("Homepage hero", ("hero", "mood")), Task("Brand copy", ("copy",))],
            "Review": [
                Task("Launch plan", ("launch-plan", "overview")),
                Task("Old banner", ("readme",), closed=True),
            ],
        },
        "Launch": {
            "Checklist": [Task("Press kit", ("logo-pack",)), Task("Budget", ("budget",))],
            "~Ideas": [Task("Teaser video")],
        },
    },
    "Research Lab": {
        "Experiments": {
            "Running": [Task("Run 42", ("chart", "measurements", "experiment"))],
            "Reports": [Task("Q3 report", ("report",), deleted_files=("lab-notes",))],
        },
        "~Archive 2025": {"Old": [Task("Old measurements")]},
    },
    "~Old website": {"Pages": {"Done": [Task("About page", ("site-config",))]}},
}


def _name(text: str) -> tuple[str, bool]:
    return text.removeprefix("~"), text.startswith("~")


@dataclass(frozen=True, slots=True)
class Organization:
    """A new organization as Productive hands one out: its id, its first person's two
    tokens, and the demo files its records name (object key, demo file) still to put."""

    id: str
    token: str
    read_only_token: str
    pending: tuple[tuple[str, str], ...]


def create_organization(productive: ProductiveStore, name: str = ORGANIZATION_NAME) -> Organization:
    """An organization of its own with the demo's projects, tasks and files (records only:
    put `pending` in storage), and a person with a read/write and a read-only token."""
    store = productive.store
    pending: list[tuple[str, str]] = []
    with store.transaction():
        tenant = store.create_tenant(name)
        person = productive.add_person(tenant.id, "Alex", "Demo", "alex@example.com")
        productive.add_person(tenant.id, "Sam", "Other", "sam@example.com")
        for project_text, boards in LAYOUT.items():
            project_name, archived = _name(project_text)
            project = productive.add_project(tenant.id, project_name, archived=archived)
            for board_text, lists in boards.items():
                board_name, archived = _name(board_text)
                board = store.create_board(tenant.id, board_name)
                productive.place_board(board.id, project, archived=archived)
                for list_text, tasks in lists.items():
                    list_name, archived = _name(list_text)
                    board_list = store.create_list(tenant.id, board.id, list_name)
                    productive.set_list_archived(board_list.id, archived)
                    for task in tasks:
                        card = store.create_card(tenant.id, board_list.id, task.title)
                        productive.number_task(card.id, project, closed=task.closed)
                        for key in (*task.files, *task.deleted_files):
                            record = _attach(store, productive, tenant.id, card.id, key)
                            pending.append((record, key))
                            if key in task.deleted_files:
                                productive.soft_delete(_store_id(store, tenant.id, record))
        return Organization(
            str(productive.organization_id(tenant.id)),
            productive.create_token(person, "read_write"),
            productive.create_token(person, "read"),
            tuple(pending),
        )


def seed_if_new(store: Store, data_dir: Path) -> None:
    if store.meta(_SEEDED) is not None:
        return
    productive = ProductiveStore(store)  # its tables, before the transaction
    with store.transaction():
        made = create_organization(productive)
        handout = {
            "organization_id": made.id,
            "token": made.token,
            "read_only_token": made.read_only_token,
        }
        pending = [{"key": key, "file": file} for key, file in made.pending]
        store.set_meta(_PENDING, json.dumps(pending))
        store.set_meta(_SEEDED, "1")
        write_private_json(data_dir / HANDOUT_FILE, handout)
    log.info("Made the Productive demo organization (%d files)", len(pending))


def _attach(
    store: Store, productive: ProductiveStore, tenant_id: str, card_id: str, key: str
) -> str:
    """A stored demo attachment; returns its object key."""
    demo_file = DEMO_FILES[key]
    record = store.create_attachment(
        tenant_id, demo_file.name, demo_file.content_type, len(demo_file.make()),
        state="stored", card_id=card_id,
    )  # fmt: skip
    productive.mark_attachment(record.id, "task")
    assert record.object_key is not None
    return record.object_key


def _store_id(store: Store, tenant_id: str, object_key: str) -> str:
    with store.connection() as db:
        row = db.execute(
            "SELECT id FROM attachments WHERE object_key = ? AND tenant_id = ?",
            (object_key, tenant_id),
        ).fetchone()
    return str(row["id"])


def upload_pending(store: Store, gateway: S3Gateway) -> None:
    """Put this demo's objects not uploaded yet (blocking; raises StorageUnavailable)."""
    demo.upload_pending(store, gateway, _PENDING)


def handout(store: Store, data_dir: Path, extra: dict[str, str]) -> dict[str, Any]:
    """The ready line's `productive` member: organization, tokens, storage and files URLs."""
    seed_if_new(store, data_dir)
    try:
        saved: dict[str, str] = read_json(data_dir / HANDOUT_FILE)
    except FileNotFoundError:
        log.warning("%s is gone: the Productive demo tokens cannot be shown", HANDOUT_FILE)
        return {}
    register_secret(saved["token"])
    register_secret(saved["read_only_token"])
    return {**saved, **extra}
