"""Bad files among good ones: each gets its own clear error, and the rest of the queue goes on."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from satchel.providers.bearer import BearerProvider
from satchel.transfers import Journal, State, Step, TransferQueue
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.transfers.cli_runner import cli_env, run_satchel
from tests.transfers.conftest import FAST_RETRY, ServiceView, write_files

LIMIT = 4096


@pytest.fixture(scope="module")
def limited() -> Iterator[SandboxInfo]:
    """A service that takes files up to 4 KiB."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="satchel-limited-") as folder:
        info = start_sandbox(Path(folder), "--max-upload-size", str(LIMIT))
        yield info
        info.stop()


@pytest_asyncio.fixture
async def limited_queue(limited: SandboxInfo, journal: Journal) -> AsyncIterator[TransferQueue]:
    key = limited.tenants[0]["read_write_key"]
    async with BearerProvider(limited.base_url, key) as provider:
        queue = TransferQueue(journal, lambda _a: provider, retry=FAST_RETRY)
        yield queue
        await queue.aclose()


@pytest.mark.asyncio
async def test_each_bad_file_says_why_and_the_rest_land(
    limited_queue: TransferQueue, limited: SandboxInfo, tmp_path: Path
) -> None:
    view = ServiceView(limited)
    card = view.new_card()
    good = write_files(tmp_path / "good", 1000, 512)
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "loop-a").symlink_to(odd / "loop-b")
    (odd / "loop-b").symlink_to(odd / "loop-a")
    os.mkfifo(odd / "pipe")
    (odd / "folder").mkdir()
    (odd / "too big.bin").write_bytes(b"x" * (LIMIT + 1))
    (odd / "just fits.bin").write_bytes(b"x" * LIMIT)
    (odd / "empty").write_bytes(b"")
    bad = {
        odd / "loop-a": ("LocalFileError", "points back to itself"),
        odd / "pipe": ("LocalFileError", "is a pipe"),
        Path("/dev/null"): ("LocalFileError", "is a device"),
        odd / "folder": ("LocalFileError", "is a folder"),
        odd / "missing.txt": ("LocalFileError", "is not there"),
        odd / "too big.bin": ("TooLarge", "4.0 KiB"),
    }
    files = [*good[:500], *bad, odd / "just fits.bin", odd / "empty", *good[500:]]

    items = await limited_queue.enqueue_uploads("limited", card, files)
    await limited_queue.wait(items)

    by_path = {item.local_path: item for item in items}
    for path, (kind, words) in bad.items():
        item = by_path[path.absolute()]
        assert item.state is State.FAILED, path
        assert item.error_kind == kind and words in (item.error or ""), (path, item.error)
        assert item.attachment_id is None
    landed = [i for i in items if i.state is State.DONE]
    assert len(landed) == 1002
    names = [row["name"] for row in view.on_card(card)]
    assert len(names) == len(set(names)) == 1002
    assert {"just fits.bin", "empty"} <= set(names)


@pytest.mark.asyncio
async def test_a_file_that_vanishes_before_its_turn(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    first, second = write_files(tmp_path, 2, 1000)
    await queue.pause_all()
    items = await queue.enqueue_uploads("demo", card, [first, second])
    first.unlink()
    await queue.resume_all()
    await queue.wait(items)
    assert items[0].state is State.FAILED and "is not there" in (items[0].error or "")
    assert items[1].state is State.DONE
    assert [r["name"] for r in view.on_card(card)] == [second.name]


@pytest.mark.asyncio
async def test_a_file_changed_while_it_is_sent(
    queue: TransferQueue, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card()
    (path,) = write_files(tmp_path, 1, 96 * 1024 * 1024, prefix="growing")
    (item,) = await queue.enqueue_uploads("demo", card, [path])
    while not (item.step is Step.SEND and item.done_bytes > 0):
        await asyncio.sleep(0.005)
    created = item.attachment_id
    with path.open("ab") as file:
        file.write(b"more")
    await queue.wait([item])
    assert item.state is State.FAILED and item.error_kind == "FileChanged", item.error
    assert view.on_card(card) == []
    assert created is not None and view.attachment(created) is None  # cleaned up


def test_an_unreadable_file_from_the_command_line(
    sandbox: SandboxInfo, rw_key: str, view: ServiceView, tmp_path: Path
) -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux) to take root's read-anything right away")
    card = view.new_card()
    secret, fine = tmp_path / "secret.txt", tmp_path / "fine.txt"
    secret.write_text("no")
    secret.chmod(0)
    fine.write_text("yes")
    env = cli_env(sandbox, rw_key, tmp_path / "data")
    # As root, drop the capabilities that read any file, so mode 000 means "unreadable".
    no_override = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
    result = run_satchel(env, "upload", card, str(secret), str(fine), prefix=no_override)
    assert result.returncode == 10, result.stderr
    assert "may not read “secret.txt”" in result.stderr
    assert result.stdout.count("\t") == 1 and result.stdout.rstrip().endswith("\tfine.txt")
    assert [r["name"] for r in view.on_card(card)] == ["fine.txt"]
