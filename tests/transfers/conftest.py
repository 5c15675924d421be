"""The transfer queue against the real local service, and a look at the service's store.

Facts about the service are read from its SQLite store and its S3 directly, never
through the API: with faults on, the API would lie now and then, by design.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import pytest_asyncio
from botocore.config import Config

from satchel.providers.bearer import BearerProvider
from satchel.sandbox.store import Store
from satchel.sandbox.trello.ids import TrelloIds
from satchel.transfers import Journal, RetryPolicy, TransferQueue
from tests.conftest import SESSION_PRODUCTIVE_LIMITS
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.support.tenants import ModuleTenant

#: Quick retries: tests should not sit in backoff.
FAST_RETRY = RetryPolicy(max_attempts=10, base_delay=0.05, max_delay=1.0)
FAULTS = "503=0.03,429=0.02,reset=0.02,slow=0.01,expired-policy=0.02"  # 10% in all
FAULT_GRACE_SECONDS = 5


@dataclass
class ServiceView:
    """What the service really holds, read from its store and its S3."""

    service: SandboxInfo
    #: The tenant whose cards `new_card` makes; the service's first tenant when None.
    tenant_id: str | None = None

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        db = sqlite3.connect(self.service.data_dir / "satchel.db", timeout=10)
        db.row_factory = sqlite3.Row
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def on_card(self, card_id: str) -> list[sqlite3.Row]:
        return self._rows("SELECT * FROM attachments WHERE card_id = ? ORDER BY seq", (card_id,))

    def unlinked(self) -> list[sqlite3.Row]:
        return self._rows("SELECT * FROM attachments WHERE card_id IS NULL", ())

    def attachment(self, attachment_id: str) -> sqlite3.Row | None:
        rows = self._rows("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
        return rows[0] if rows else None

    def new_card(self, name: str = "transfers") -> str:
        """A fresh card in the tenant's first list: its attachments are ours."""
        with Store(self.service.data_dir / "satchel.db") as store:
            tenant_id = self.tenant_id or store.tenants()[0].id
            board = store.boards(tenant_id).items[0]
            first_list = store.lists(tenant_id, board.id).items[0]
            return store.create_card(tenant_id, first_list.id, f"{name} {uuid.uuid4()}").id

    def trello_id(self, store_id: str) -> str:
        """The ObjectId the Trello dialect shows for a store record."""
        with Store(self.service.data_dir / "satchel.db") as store:
            ids = TrelloIds(store)
            rows = self._rows("SELECT created_at FROM cards WHERE id = ?", (store_id,))
            return ids.out(store_id, str(rows[0]["created_at"]))

    def s3(self) -> Any:
        identity = json.loads((self.service.data_dir / "s3-identity.json").read_text())
        return boto3.client(
            "s3",
            endpoint_url=self.service.s3_endpoint,
            aws_access_key_id=identity["access_key"],
            aws_secret_access_key=identity["secret_key"],
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def object_bytes(self, key: str, client: Any = None) -> bytes:
        client = client or self.s3()
        body: bytes = client.get_object(Bucket="satchel", Key=key)["Body"].read()
        return body

    def delete_object(self, key: str) -> None:
        self.s3().delete_object(Bucket="satchel", Key=key)


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


@pytest.fixture(scope="module")
def view(sandbox: SandboxInfo, tenant: ModuleTenant) -> ServiceView:
    """The session's service, making cards in this module's own tenant."""
    return ServiceView(sandbox, tenant.id)


@pytest.fixture(scope="session")
def fault_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """A service of its own with 10% faults on the API and on the path to storage."""
    info = start_sandbox(
        tmp_path_factory.mktemp("faulty"),
        "--faults", FAULTS, "--faults-seed", "4", "--orphan-grace", str(FAULT_GRACE_SECONDS),
        "--productive-limits", SESSION_PRODUCTIVE_LIMITS,
    )  # fmt: skip
    yield info
    info.stop()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "data" / "transfers.db")
    yield opened
    opened.close()


@pytest_asyncio.fixture
async def provider(sandbox: SandboxInfo, rw_key: str) -> AsyncIterator[BearerProvider]:
    async with BearerProvider(sandbox.base_url, rw_key) as connected:
        yield connected


@pytest_asyncio.fixture
async def queue(journal: Journal, provider: BearerProvider) -> AsyncIterator[TransferQueue]:
    made = TransferQueue(journal, lambda _account: provider, retry=FAST_RETRY)
    yield made
    await made.aclose()


def write_files(folder: Path, count: int, size: int, prefix: str = "file") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"{prefix} {number:04d}.bin"
        path.write_bytes(hashlib.sha256(f"{prefix}{number}".encode()).digest() * (size // 32 + 1))
        with path.open("r+b") as file:
            file.truncate(size)
        paths.append(path)
    return paths
