"""The Productive provider against answers the local service really gives: 403 for a read
by a token of another organization (that item only: the account stays) and for a
read-only token writing, 422 naming `temp_url` when nothing reached storage, a task
whose attachments take three pages, and a deleted attachment asked for by id. Its 429
is in test_rate_limit_answers; respx keeps what the local dialect cannot say
(tests/providers/test_productive_wire.py)."""

from __future__ import annotations

import dataclasses

import pytest

from satchel.domain.errors import NotFound, PermissionDenied, Rejected
from satchel.domain.model import StoredObject
from satchel.providers.productive import PAGE_SIZE
from satchel.sandbox.productive.store import ProductiveStore
from satchel.sandbox.store import Store
from tests.support.productive import ProductiveDemo, demo_of
from tests.support.sandbox import SandboxInfo

pytestmark = pytest.mark.asyncio


async def test_403_on_a_read_is_that_item_only_and_on_a_write_names_read_only(
    sandbox: SandboxInfo, productive_org: ProductiveDemo
) -> None:
    with productive_org.client() as api:
        board = api.get("/boards").json()["data"][0]["id"]
    # This organization's token asking in another organization's name: Access Denied.
    elsewhere = dataclasses.replace(
        productive_org, organization_id=demo_of(sandbox).organization_id
    )
    async with elsewhere.provider() as provider:
        with pytest.raises(PermissionDenied) as read:
            await provider.list_lists(board)
    assert "read-only" not in read.value.message
    async with productive_org.provider(productive_org.read_only_token) as provider:
        assert await provider.list_lists(board)  # reading is allowed
        with pytest.raises(PermissionDenied, match="this token is read-only"):
            await provider.create_upload("a.pdf", 3, "application/pdf")


async def test_422_names_the_refused_attribute(productive_org: ProductiveDemo) -> None:
    async with productive_org.provider() as provider:
        pending = await provider.create_upload("never sent.pdf", 3, "application/pdf")
        where = StoredObject(location=f"{productive_org.storage_url}/{pending.key}")
        with pytest.raises(Rejected, match="temp_url") as refused:
            await provider.confirm_upload(pending, where)  # the file never went to storage
    assert "Nothing was uploaded" in (refused.value.detail or "")


async def test_a_task_with_more_than_a_page_of_attachments_reads_to_the_end(
    sandbox: SandboxInfo, productive_org: ProductiveDemo
) -> None:
    with productive_org.client() as api:
        task = productive_org.task_id(api, "Teaser video")  # a task without files
    count = 2 * PAGE_SIZE + 50  # three pages of 200
    with Store(sandbox.data_dir / "satchel.db") as store:
        productive = ProductiveStore(store)
        with store.transaction():
            tenant = productive.one(
                "SELECT id FROM tenants WHERE seq = ?", (int(productive_org.organization_id),)
            )
            card = productive.one(
                "SELECT id FROM cards WHERE seq = ? AND tenant_id = ?", (int(task), tenant["id"])
            )
            made = []
            for number in range(count):
                record = store.create_attachment(
                    tenant["id"], f"page file {number:03d}.txt", "text/plain", 1,
                    state="stored", card_id=card["id"],
                )  # fmt: skip
                productive.mark_attachment(record.id, "task")
                made.append(str(record.seq))
    async with productive_org.provider() as provider:
        listed = await provider.list_attachments(task)
    assert sorted(a.id for a in listed) == sorted(made), "every attachment once"


async def test_a_deleted_attachment_asked_for_by_id_is_not_found(
    productive_org: ProductiveDemo,
) -> None:
    with productive_org.client() as api:
        task = productive_org.task_id(api, "Brand copy")
        (attachment_id,) = productive_org.attachment_ids(api, task)
        assert api.delete(f"/attachments/{attachment_id}").status_code == 204  # soft: kept
        assert api.get(f"/attachments/{attachment_id}").status_code == 200
    async with productive_org.provider() as provider:
        with pytest.raises(NotFound, match="deleted"):
            await provider.get_attachment(attachment_id)
        assert attachment_id not in {a.id for a in await provider.list_attachments(task)}
