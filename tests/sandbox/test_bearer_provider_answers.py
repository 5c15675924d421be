"""The bearer provider against answers the local service really gives: refusals (403 for
a read-only key and for a tenant without API access, 422 for a size over the limit),
503 with Retry-After while its storage is down, and cursor paging past one page.
respx keeps only what the service cannot be made to say (see tests/providers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from satchel.domain.errors import PermissionDenied, Rejected, ServiceUnavailable
from satchel.providers.bearer import PAGE_SIZE, BearerProvider
from satchel.sandbox.store import Store
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.support.tcp_forwarder import free_port
from tests.support.tenants import ModuleTenant


@pytest.fixture(scope="module")
def storage_down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """A service whose S3 never answers (nothing listens on its port)."""
    info = start_sandbox(
        tmp_path_factory.mktemp("no-storage"),
        "--s3-endpoint", f"http://127.0.0.1:{free_port()}",
        "--s3-access-key", "nobody", "--s3-secret-key", "nothing",
    )  # fmt: skip
    yield info
    info.stop()


@pytest.mark.asyncio
async def test_a_read_only_key_writing_is_told_it_may_only_read(
    sandbox: SandboxInfo, ro_key: str
) -> None:
    async with BearerProvider(sandbox.base_url, ro_key) as provider:
        with pytest.raises(PermissionDenied) as refused:
            await provider.create_upload("note.txt", 4, "text/plain")
    assert "may only read" in refused.value.message


@pytest.mark.asyncio
async def test_a_tenant_without_api_access_is_told_to_ask_its_owner(sandbox: SandboxInfo) -> None:
    with Store(sandbox.data_dir / "satchel.db") as store:
        tenant = store.create_tenant("No API plan", api_access=False)
        key = store.create_key(tenant.id, "read_write")
    async with BearerProvider(sandbox.base_url, key) as provider:
        with pytest.raises(PermissionDenied) as refused:
            await provider.list_boards()
    assert "Ask the workspace's owner" in refused.value.message


@pytest.mark.asyncio
async def test_a_size_over_the_limit_is_refused_as_invalid(
    sandbox: SandboxInfo, rw_key: str
) -> None:
    async with BearerProvider(sandbox.base_url, rw_key) as provider:
        assert provider.max_upload_size is None  # not asked yet: the service decides
        with pytest.raises(Rejected) as refused:
            await provider.create_upload("huge.bin", 6 * 1024**4, "application/octet-stream")
    assert "refused the request" in refused.value.message
    assert "upload limit" in (refused.value.detail or "")


@pytest.mark.asyncio
async def test_storage_down_is_unavailable_with_the_services_retry_after(
    storage_down: SandboxInfo,
) -> None:
    key = storage_down.tenants[0]["read_write_key"]
    async with BearerProvider(storage_down.base_url, key) as provider:
        with pytest.raises(ServiceUnavailable) as busy:
            await provider.create_upload("later.txt", 5, "text/plain")
    assert busy.value.retryable and busy.value.retry_after is not None
    assert busy.value.retry_after > 0
    assert f"in {round(busy.value.retry_after)} second" in busy.value.message


@pytest.mark.asyncio
async def test_cards_past_one_page_come_through_the_cursors(
    sandbox: SandboxInfo, rw_key: str, tenant: ModuleTenant
) -> None:
    count = 2 * PAGE_SIZE + 7  # three pages
    with Store(sandbox.data_dir / "satchel.db") as store, store.transaction():
        board = store.create_board(tenant.id, "Paged")
        big_list = store.create_list(tenant.id, board.id, "Many cards")
        made = [store.create_card(tenant.id, big_list.id, f"card {n:04d}").id for n in range(count)]
    async with BearerProvider(sandbox.base_url, rw_key) as provider:
        cards = await provider.list_cards(big_list.id)
    assert [c.id for c in cards] == made, "every card once, in the service's order"
