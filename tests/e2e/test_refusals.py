"""What the service and the storage host refuse reaches the user as a clear error."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from satchel.domain.errors import (
    NotFound,
    PermissionDenied,
    SignInRequired,
    StorageDenied,
    TooLarge,
)
from satchel.domain.model import Card
from satchel.providers.bearer import BearerProvider
from satchel.sandbox.store import Store
from satchel.storage.client import make_storage_client
from satchel.storage.s3form import upload_form
from satchel.transfers.one_off import upload_file
from tests.support.sandbox import SandboxInfo
from tests.support.tenants import ModuleTenant


@pytest.mark.asyncio
async def test_a_read_only_key_cannot_upload_and_leaves_nothing(
    sandbox: SandboxInfo, ro_key: str, card: Card, provider: BearerProvider, tmp_path: Path
) -> None:
    before = {a.id for a in await provider.list_attachments(card.id)}
    source = tmp_path / "nope.txt"
    source.write_text("no")
    async with BearerProvider(sandbox.base_url, ro_key) as reader:
        with pytest.raises(PermissionDenied) as refused:
            await upload_file(reader, card.id, source)
    assert "read" in refused.value.message.lower()
    assert {a.id for a in await provider.list_attachments(card.id)} == before


@pytest.mark.asyncio
async def test_another_tenants_attachment_does_not_exist(
    sandbox: SandboxInfo, other_rw_key: str, card: Card, provider: BearerProvider
) -> None:
    mine = next(a for a in await provider.list_attachments(card.id) if not a.is_link)
    async with BearerProvider(sandbox.base_url, other_rw_key) as stranger:
        with pytest.raises(NotFound):
            await stranger.get_attachment(mine.id)
        with pytest.raises(NotFound):
            await stranger.resolve_download(mine)


@pytest.mark.asyncio
async def test_tampered_and_oversize_policies_are_refused_by_storage(
    provider: BearerProvider, tmp_path: Path
) -> None:
    source = tmp_path / "ten.txt"
    source.write_bytes(b"0123456789")

    pending = await provider.create_upload("ten.txt", 10, "text/plain")
    forged = dict(pending.fields, key=pending.key.replace("attachments", "elsewhere"))
    with pytest.raises(StorageDenied):
        await provider.send_upload(dataclasses.replace(pending, fields=forged), source)

    small = await provider.create_upload("ten.txt", 5, "text/plain")
    async with make_storage_client() as storage:
        with pytest.raises(TooLarge) as too_large:
            await upload_form(storage, small.url, small.fields, source)
    assert "bigger than the upload permission allows" in too_large.value.message
    for created in (pending, small):
        await provider.discard_upload(created.id)


@pytest.mark.asyncio
async def test_a_revoked_key_means_sign_in_again_and_no_file_is_written(
    sandbox: SandboxInfo, provider: BearerProvider, card: Card, tmp_path: Path, tenant: ModuleTenant
) -> None:
    attachment = next(a for a in await provider.list_attachments(card.id) if not a.is_link)
    with Store(sandbox.data_dir / "satchel.db") as store:
        key = store.create_key(tenant.id, "read_write")
    async with BearerProvider(sandbox.base_url, key) as doomed:
        await doomed.whoami()
        with Store(sandbox.data_dir / "satchel.db") as store:
            store.revoke_key(key)
        dest = tmp_path / "never.bin"
        with pytest.raises(SignInRequired) as refused:
            await doomed.download(attachment, dest)
        assert key not in str(refused.value)
        assert not dest.exists()
        assert list(tmp_path.iterdir()) == []
