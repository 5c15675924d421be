"""Productive through the transfer queue: exactly once after a kill -9 during each step.

A child process drives one upload and kills itself (SIGKILL) right after the service
took a step's request, before its journal could say so; a fresh queue then resumes
from the journal. The file must end linked to its task exactly once, and an attachment
another client linked to the task meanwhile must still be there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from satchel.transfers import Journal, State, TransferQueue
from tests.support.productive import ProductiveDemo, demo_of
from tests.support.sandbox import SandboxInfo
from tests.transfers.conftest import FAST_RETRY

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import asyncio, json, os, signal, sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from satchel.transfers import Journal, TransferQueue
from tests.support.productive import ProductiveDemo

demo = ProductiveDemo(**json.loads(sys.argv[1]))
method, journal_path, task, file = sys.argv[2:6]

async def main():
    provider = demo.provider()
    owner = provider
    *path, name = method.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)

    async def dying(*args, **kwargs):
        result = await original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # the service acted; the journal never hears
        return result

    setattr(owner, name, dying)
    queue = TransferQueue(Journal(Path(journal_path)), lambda _account: provider)
    items = await queue.enqueue_uploads("productive", task, [Path(file)])
    await queue.wait(items)
    print("finished without dying", file=sys.stderr)

asyncio.run(main())
"""

STEPS = {
    "create": "create_upload",
    "send": "send_upload",
    "confirm": "confirm_upload",
    "link": "_linker._write",
}


@pytest.mark.parametrize("step", list(STEPS))
def test_killed_during_a_step_then_resumed_links_once_and_keeps_others(
    productive_org: ProductiveDemo, tmp_path: Path, step: str
) -> None:
    demo = productive_org  # this module's own organization: its uploads stay there
    with demo.client() as api:
        task = demo.task_id(api, "Budget")
    source = tmp_path / f"kill at {step} – ü.bin"
    source.write_bytes(step.encode() * 50_000)
    journal_path = tmp_path / "transfers.db"
    child = subprocess.run(
        [
            sys.executable, "-c", CHILD.format(repo=str(REPO)),
            json.dumps(dataclasses.asdict(demo)), STEPS[step], str(journal_path), task,
            str(source),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr

    with demo.client() as api:  # another client links its own file meanwhile
        other = demo.upload_by_hand(api, task, f"other client at {step}.txt", b"theirs")

    asyncio.run(_resume(demo, journal_path))

    with demo.client() as api:
        rows = api.get("/attachments", params={"filter[task_id]": task}).json()["data"]
    live = [r for r in rows if r["attributes"]["deleted_at"] is None]
    names = Counter(r["attributes"]["name"] for r in live)
    assert names[source.name] == 1
    assert other in {r["id"] for r in live}


async def _resume(demo: ProductiveDemo, journal_path: Path) -> None:
    journal = Journal(journal_path)
    async with demo.provider() as provider:
        queue = TransferQueue(journal, lambda _account: provider, retry=FAST_RETRY)
        try:
            taken = await queue.restore()
            assert len(taken) == 1
            await queue.wait(taken)
            assert [item.state for item in taken] == [State.DONE], [i.error for i in taken]
        finally:
            await queue.aclose()
            journal.close()


@pytest.mark.asyncio
async def test_uploads_through_faults_land_once_each(
    fault_service: SandboxInfo, tmp_path: Path
) -> None:
    """503s, 429s, dropped answers and expired policies on Productive's API: each file
    still lands once (an expired policy is made again)."""
    demo = demo_of(fault_service)
    files = []
    for number in range(40):
        path = tmp_path / f"faulty {number:02d}.txt"
        path.write_text(f"file {number}\n" * 100)
        files.append(path)
    with demo.client() as api:
        task = await asyncio.to_thread(_task_through_faults, demo, api, "Press kit")
    journal = Journal(tmp_path / "transfers.db")
    async with demo.provider() as provider:
        queue = TransferQueue(journal, lambda _account: provider, retry=FAST_RETRY)
        try:
            items = await queue.enqueue_uploads("productive", task, files)
            await queue.wait(items)
        finally:
            await queue.aclose()
            journal.close()
    assert [i.error for i in items if i.state is not State.DONE] == []
    assert sum(i.attempts for i in items) > 0  # the faults did happen
    async with demo.provider() as reader:
        for _ in range(20):
            try:
                landed = await reader.list_attachments(task)
                break
            except Exception:
                await asyncio.sleep(0.1)
    names = Counter(a.name for a in landed)
    assert all(names[p.name] == 1 for p in files), names


def _task_through_faults(demo: ProductiveDemo, api: httpx.Client, title: str) -> str:
    for _ in range(50):
        try:
            return demo.task_id(api, title)
        except (httpx.HTTPError, KeyError, ValueError):
            continue
    raise AssertionError("the fault service never answered")
