"""The Trello dialect's demo: an application key, a member for the first tenant, a token.

Made once per data dir (the store's demo data must exist first). The token's plaintext
is kept in `<data>/trello-credentials.json` (mode 0600) so every start can print it in
the ready line. A few demo items are archived, as in any real Trello account.
"""

from __future__ import annotations

import logging
from pathlib import Path

from satchel.log import register_secret
from satchel.sandbox.private_files import read_json, write_private_json
from satchel.sandbox.store import Store
from satchel.sandbox.trello.store import TrelloStore

log = logging.getLogger(__name__)

HANDOUT_FILE = "trello-credentials.json"
_SEEDED = "trello_demo_seeded"
DEMO_APP_NAME = "Satchel demo"
DEMO_USERNAME = "satcheldemo"
#: Archived in the Trello view only (the bearer dialect has no such notion).
ARCHIVED_LIST = "Photography"
ARCHIVED_CARD = "Navigation ideas"
_WORKSPACES_SEEDED = "trello_workspaces_seeded"
#: Satchel's default loopback port for the browser sign-in: the demo key allows it on
#: both loopback names (two different origins to Trello).
DEMO_ORIGINS = ("http://127.0.0.1:8787", "http://localhost:8787")
#: The demo member's workspaces: one board on a free plan (10 MB per file), the rest paid.
FREE_BOARD = "Brand Assets"
FREE_WORKSPACE, PAID_WORKSPACE = "Acme Freelancers (free)", "Acme Studio (paid)"


def _archive_demo_items(store: Store, trello: TrelloStore, tenant_id: str) -> None:
    for board in store.boards(tenant_id, limit=500).items:
        for board_list in store.lists(tenant_id, board.id, limit=500).items:
            if board_list.name == ARCHIVED_LIST:
                trello.close(board_list.id)
            for card in store.cards(tenant_id, board_list.id, limit=500).items:
                if card.name == ARCHIVED_CARD:
                    trello.close(card.id)


def seed_if_new(store: Store, data_dir: Path) -> None:
    if store.meta(_SEEDED) is not None:
        return
    tenants = store.tenants()
    if not tenants:
        return
    trello = TrelloStore(store)
    with store.transaction():
        key = trello.create_app(DEMO_APP_NAME)
        member = trello.create_member(tenants[0].id, DEMO_USERNAME, f"{tenants[0].name} (demo)")
        token = trello.create_token(
            key, member, app_name=DEMO_APP_NAME, scope="read,write", expiration="never"
        )
        _archive_demo_items(store, trello, tenants[0].id)
        store.set_meta(_SEEDED, "1")
        # Written before the commit: a committed token is never without its handout.
        write_private_json(data_dir / HANDOUT_FILE, {"key": key, "token": token})
    log.info("Made the Trello demo member for %s", tenants[0].name)


def seed_workspaces(store: Store, key: str) -> None:
    """Allowed origins of the demo key, and the plan of each demo board's workspace."""
    if store.meta(_WORKSPACES_SEEDED) is not None:
        return
    tenants = store.tenants()
    trello = TrelloStore(store)
    with store.transaction():
        for origin in DEMO_ORIGINS:
            trello.allow_origin(key, origin)
        for board in store.boards(tenants[0].id, limit=500).items:
            free = board.name == FREE_BOARD
            workspace = FREE_WORKSPACE if free else PAID_WORKSPACE
            trello.set_board_plan(board.id, workspace, "free" if free else "paid")
        store.set_meta(_WORKSPACES_SEEDED, "1")


def handout(store: Store, data_dir: Path) -> dict[str, str]:
    """`{"key", "token"}` of the demo member, for the ready line; made on first use."""
    seed_if_new(store, data_dir)
    try:
        saved = read_json(data_dir / HANDOUT_FILE)
    except FileNotFoundError:
        log.warning("%s is gone: the Trello demo token cannot be shown", data_dir / HANDOUT_FILE)
        return {}
    register_secret(saved["token"])
    seed_workspaces(store, str(saved["key"]))
    return {"key": str(saved["key"]), "token": str(saved["token"])}
