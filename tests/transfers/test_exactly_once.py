"""Nothing lost, nothing doubled: a soak under injected faults, and a kill -9 half-way.

Both run against a service of their own with 10% faults (API and storage) and a 5 s
orphan grace; the facts are read from its store and its S3, not through the API.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, TransferQueue
from tests.support.sandbox import SandboxInfo
from tests.transfers.cli_runner import cli_env, run_satchel, satchel_command
from tests.transfers.conftest import FAST_RETRY, FAULT_GRACE_SECONDS, ServiceView, md5, write_files

#: The sweep runs every grace/2 and removes what is older than grace.
AFTER_SWEEP_SECONDS = FAULT_GRACE_SECONDS * 1.5 + 1


def _leftovers(view: ServiceView, prefix: str) -> list[str]:
    return [row["name"] for row in view.unlinked() if row["name"].startswith(prefix)]


def _left_after_sweep(view: ServiceView, prefix: str) -> list[str]:
    """The unlinked attachments of ours once they are gone, or what is left when a sweep
    has had twice its time."""
    deadline = time.monotonic() + 2 * AFTER_SWEEP_SECONDS
    while (left := _leftovers(view, prefix)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


@pytest.mark.asyncio
async def test_soak_300_uploads_under_faults(
    fault_service: SandboxInfo, journal: Journal, tmp_path: Path
) -> None:
    view = ServiceView(fault_service)
    card = view.new_card("soak")
    files = write_files(tmp_path / "soak", 300, 20_000, prefix="soak")
    key = fault_service.tenants[0]["read_write_key"]
    async with BearerProvider(fault_service.base_url, key) as provider:
        queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
        try:
            items = await queue.enqueue_uploads("faulty", card, files)
            await queue.wait(items)
        finally:
            await queue.aclose()

    assert [i.error for i in items if i.state is not State.DONE] == []
    retried = sum(i.attempts for i in items)
    assert retried > 0  # the faults did happen
    landed = view.on_card(card)
    assert len(landed) == 300
    assert Counter(row["name"] for row in landed) == Counter(p.name for p in files)
    s3 = view.s3()
    by_name = {p.name: p for p in files}
    for row in landed:
        assert md5(view.object_bytes(row["object_key"], s3)) == md5(
            by_name[row["name"]].read_bytes()
        )
    assert _left_after_sweep(view, "soak") == []


def test_kill_9_half_way_then_resume(fault_service: SandboxInfo, tmp_path: Path) -> None:
    view = ServiceView(fault_service)
    card = view.new_card("crash")
    files = write_files(tmp_path / "crash", 100, 200_000, prefix="crash")
    env = cli_env(fault_service, fault_service.tenants[0]["read_write_key"], tmp_path / "data")
    upload = subprocess.Popen(
        satchel_command("upload", card, *map(str, files)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert upload.stdout is not None
    landed_before = 0
    deadline = time.monotonic() + 120
    while landed_before < 30 and time.monotonic() < deadline:
        if upload.stdout.readline():
            landed_before += 1
    upload.send_signal(signal.SIGKILL)
    upload.wait(10)
    assert landed_before == 30
    assert len(view.on_card(card)) < 100  # it really stopped half-way
    left = Journal(tmp_path / "data" / "transfers.db")
    try:
        assert sum(not item.finished for item in left.items()) >= 70 - 3
    finally:
        left.close()

    resumed = run_satchel(env, "queue", "resume")
    assert resumed.returncode == 0, resumed.stderr
    names = Counter(row["name"] for row in view.on_card(card))
    assert names == Counter(p.name for p in files)  # every file, exactly once
    listed = run_satchel(env, "queue", "list", "--json")
    states = Counter(json.loads(line)["state"] for line in listed.stdout.splitlines())
    assert states == Counter({"done": 100})
    assert _left_after_sweep(view, "crash") == []
