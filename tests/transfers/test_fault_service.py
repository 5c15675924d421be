"""The local service's faults on demand, one kind at a time, so each effect is certain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from satchel.domain.errors import PolicyExpired
from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, TransferQueue
from satchel.transfers.one_off import upload_file
from satchel.transfers.upload_run import MAX_RESTARTS
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.transfers.cli_runner import cli_env, run_satchel
from tests.transfers.conftest import FAST_RETRY, ServiceView


@pytest.fixture(scope="module")
def always_expired(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    info = start_sandbox(tmp_path_factory.mktemp("expired"), "--faults", "expired-policy=1")
    yield info
    info.stop()


@pytest.mark.asyncio
async def test_an_expired_policy_is_refused_by_storage_and_asked_for_again(
    always_expired: SandboxInfo, journal: Journal, tmp_path: Path
) -> None:
    view = ServiceView(always_expired)
    card = view.new_card()
    source = tmp_path / "report.txt"
    source.write_text("hello")
    key = always_expired.tenants[0]["read_write_key"]
    async with BearerProvider(always_expired.base_url, key) as provider:
        pending = await provider.create_upload("probe.txt", 5, "text/plain")
        assert not pending.url.startswith(always_expired.s3_endpoint)  # via the forwarder
        assert pending.is_usable()  # it says 15 minutes...
        with pytest.raises(PolicyExpired):  # ...but storage finds the policy expired
            await provider.send_upload(pending, source)
        await provider.discard_upload(pending.id)

        queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
        try:
            (item,) = await queue.enqueue_uploads("expired", card, [source])
            await queue.wait([item])
        finally:
            await queue.aclose()
    assert item.state is State.FAILED and item.error_kind == "PolicyExpired"
    notes = [event.note or "" for event in journal.events(item.id)]
    assert sum("PolicyExpired" in note for note in notes) == MAX_RESTARTS  # a new one each time
    assert view.on_card(card) == [] and view.unlinked() == []  # every attempt cleaned up


@pytest.mark.asyncio
async def test_an_upload_whose_renewed_policy_expires_too_gives_up_and_leaves_nothing(
    always_expired: SandboxInfo, tmp_path: Path
) -> None:
    view = ServiceView(always_expired)
    card = view.new_card("expired twice")
    source = tmp_path / "twice.txt"
    source.write_text("hello")
    key = always_expired.tenants[0]["read_write_key"]
    async with BearerProvider(always_expired.base_url, key) as provider:
        with pytest.raises(PolicyExpired):  # each form, then the ones asked for again
            await upload_file(provider, card, source, retry=FAST_RETRY)
    assert view.on_card(card) == []
    assert [row["name"] for row in view.unlinked() if row["name"] == source.name] == []


def test_the_api_answers_faults_as_a_service_would(tmp_path: Path) -> None:
    info = start_sandbox(tmp_path / "busy", "--faults", "503=0.5,429=0.5", "--faults-seed", "1")
    try:
        headers = {"Authorization": f"Bearer {info.tenants[0]['read_write_key']}"}
        answers = [httpx.get(f"{info.api}/me", headers=headers) for _ in range(20)]
    finally:
        info.stop()
    statuses = {a.status_code for a in answers}
    assert statuses == {503, 429}
    unavailable = next(a for a in answers if a.status_code == 503)
    assert unavailable.headers["Retry-After"] == "1"
    assert unavailable.headers["Content-Type"] == "application/problem+json"


def test_satchel_upload_exits_9_when_storage_refuses_every_policy(
    always_expired: SandboxInfo, tmp_path: Path
) -> None:
    card = ServiceView(always_expired).new_card()
    source = tmp_path / "refused.txt"
    source.write_text("storage says no")
    env = cli_env(always_expired, always_expired.tenants[0]["read_write_key"], tmp_path / "d")
    result = run_satchel(env, "upload", card, str(source))
    assert result.returncode == 9, result.stderr
    assert "permission to upload ran out" in result.stderr
    assert ServiceView(always_expired).on_card(card) == []
