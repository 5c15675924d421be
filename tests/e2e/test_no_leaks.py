"""Proof that the service's key never reaches the storage host, and never a log.

A second service stores its objects in a SeaweedFS behind a recording proxy, so
every byte sent to storage — by Satchel's client and by the service — is seen.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from satchel import log
from satchel.providers.bearer import BearerProvider
from satchel.sandbox.seaweed import S3Identity, SeaweedProcess
from satchel.transfers.one_off import upload_file
from tests.e2e.recording_proxy import RecordingProxy
from tests.support.sandbox import SandboxInfo, start_sandbox


@pytest.fixture(scope="module")
def proxied(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SandboxInfo, RecordingProxy]]:
    root = tmp_path_factory.mktemp("proxied")
    identity = S3Identity("proxied" + secrets.token_hex(4), secrets.token_hex(20))
    with SeaweedProcess(root / "weed", identity) as weed, RecordingProxy(weed.s3_port) as proxy:
        service = start_sandbox(
            root / "service",
            "--s3-endpoint", f"http://127.0.0.1:{proxy.port}",
            "--s3-access-key", identity.access_key,
            "--s3-secret-key", identity.secret_key,
            "--s3-bucket", "proxied",
        )  # fmt: skip
        try:
            yield service, proxy
        finally:
            service.stop()


@pytest.mark.asyncio
async def test_storage_never_sees_the_key_and_logs_never_hold_it(
    proxied: tuple[SandboxInfo, RecordingProxy],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    service, proxy = proxied
    key = service.tenants[0]["read_write_key"]
    log.configure(logging.DEBUG)  # the most a user can ask for with -vv
    try:
        source = tmp_path / "secret plans.txt"
        source.write_bytes(b"nothing to see" * 1000)
        async with BearerProvider(service.base_url, key) as provider:
            (board, *_) = await provider.list_boards()
            (board_list, *_) = await provider.list_lists(board.id)
            (card, *_) = await provider.list_cards(board_list.id)
            attachment = await upload_file(provider, card.id, source)
            copy = await provider.download(attachment, tmp_path / "copy.txt")
            link = await provider.resolve_download(attachment)
            await provider.delete(attachment)
    finally:
        log.configure(logging.WARNING)

    assert copy.read_bytes() == source.read_bytes()
    assert link.url.startswith(f"http://127.0.0.1:{proxy.port}/")
    sent = bytes(proxy.sent)
    assert source.read_bytes() in sent, "the upload went through the proxy"
    assert b"Bearer" not in sent
    for tenant in service.tenants:
        for credential in (tenant["read_write_key"], tenant["read_only_key"]):
            assert credential.encode() not in sent
            assert credential not in service.log_path.read_text(errors="replace")

    printed = capfd.readouterr()
    assert "DEBUG satchel.providers.http: GET /api/v1/boards -> 200" in printed.err  # -vv was on
    assert key not in printed.out + printed.err
    assert not re.search(r"X-Amz-Signature=(?!\*\*\*)", printed.err)  # only ever scrubbed
