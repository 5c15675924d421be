"""Writing what other people sent without harming what is already on this computer:
no replacing, no following planted links, durable when done, marked as downloaded."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from satchel import local_files
from satchel.domain.errors import AlreadyThere, IntegrityError
from satchel.domain.model import ResolvedLink
from satchel.storage.client import open_storage_get
from satchel.storage.download import download_to_file
from satchel.storage.links import link_from_url
from satchel.storage.resumable_download import fetch_resumable
from satchel.transfers.naming import place_without_overwriting

pytestmark = pytest.mark.asyncio
#: A link made when it is asked for: one made at import died in a long run (default TTL).
URL = "https://files.test/report.pdf"


async def _resolve() -> ResolvedLink:
    return link_from_url(URL)


def _client(body: bytes, declared: int | None = None) -> httpx.AsyncClient:
    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    def storage(request: httpx.Request) -> httpx.Response:
        size = len(body) if declared is None else declared
        return httpx.Response(200, content=stream(), headers={"Content-Length": str(size)})

    return httpx.AsyncClient(transport=httpx.MockTransport(storage))


def _opener(client: httpx.AsyncClient) -> Callable[[dict[str, str]], Awaitable[httpx.Response]]:
    return lambda headers: open_storage_get(client, URL, headers)


async def _save_by_download(folder: Path) -> Path:
    """As "Save as…", the command line's `get` and the preview cache save a file."""
    async with _client(b"theirs") as client:
        return await download_to_file(client, _resolve, folder / "report.pdf")


async def _save_by_queue(folder: Path) -> Path:
    """As the transfer queue does: a partial file completed, then placed under its name."""
    partial = folder / ".report.pdf.satchel-1.part"
    async with _client(b"theirs") as client:
        await fetch_resumable(_opener(client), partial, expected_size=6)
    return place_without_overwriting(partial, folder / "report.pdf")


SAVERS: dict[str, Callable[[Path], Awaitable[Path]]] = {
    "download": _save_by_download,
    "queue": _save_by_queue,
}


async def test_without_replace_an_existing_file_stays(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"mine")
    async with _client(b"theirs") as client:
        with pytest.raises(AlreadyThere, match="already exists"):
            await download_to_file(client, _resolve, tmp_path / "report.pdf", replace=False)
    assert (tmp_path / "report.pdf").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


async def test_a_planted_link_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "report.pdf").symlink_to(victim)
    async with _client(b"theirs") as client:
        with pytest.raises(AlreadyThere):
            await download_to_file(
                client, _resolve, tmp_path / "saved" / "report.pdf", replace=False
            )
    assert victim.read_bytes() == b"precious"


async def test_a_partial_file_that_is_a_link_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious, and longer than the download")
    partial = tmp_path / ".report.pdf.satchel-1.part"
    partial.symlink_to(victim)
    async with _client(b"theirs") as client:
        await fetch_resumable(_opener(client), partial, expected_size=6)
    assert victim.read_bytes() == b"precious, and longer than the download"
    assert not partial.is_symlink() and partial.read_bytes() == b"theirs"


async def test_placing_does_not_follow_a_link_at_the_source(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    source = tmp_path / ".x.part"
    source.symlink_to(victim)
    placed = place_without_overwriting(source, tmp_path / "x.txt")
    assert placed.is_symlink()  # the link itself moved, not a second name of the victim
    assert victim.stat().st_nlink == 1


async def test_a_body_longer_than_declared_is_cut_off(tmp_path: Path) -> None:
    async with _client(b"x" * 50_000, declared=5_000) as client:
        with pytest.raises(IntegrityError, match="more than"):
            await download_to_file(client, _resolve, tmp_path / "a.bin")
    assert list(tmp_path.iterdir()) == []
    partial = tmp_path / "b.part"
    async with _client(b"x" * 50_000, declared=5_000) as client:
        with pytest.raises(IntegrityError, match="more than"):
            await fetch_resumable(_opener(client), partial, expected_size=5_000)
    assert not partial.exists() or partial.stat().st_size <= 5_000


@pytest.mark.parametrize("saver", SAVERS)
async def test_a_finished_file_is_synced_with_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saver: str
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if Path(f"/proc/self/fd/{fd}").is_dir() else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    await SAVERS[saver](tmp_path)
    assert synced == ["file", "folder"]


@pytest.mark.parametrize("saver", SAVERS)
async def test_saved_files_are_marked_as_downloaded_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saver: str
) -> None:
    monkeypatch.setattr(local_files, "PLATFORM", "win32")
    await SAVERS[saver](tmp_path)
    # On Linux the alternate data stream is an ordinary file beside it: its text is checked.
    stream = tmp_path / "report.pdf:Zone.Identifier"
    assert stream.read_bytes() == b"[ZoneTransfer]\r\nZoneId=3\r\n"


@pytest.mark.parametrize("saver", SAVERS)
async def test_saved_files_are_marked_as_downloaded_on_macos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saver: str
) -> None:
    marked: list[tuple[str, str, bytes]] = []
    monkeypatch.setattr(local_files, "PLATFORM", "darwin")
    monkeypatch.setattr(local_files, "set_attribute", lambda *args: marked.append(args))
    await SAVERS[saver](tmp_path)
    [(path, name, value)] = marked
    assert (path, name) == (str(tmp_path / "report.pdf"), "com.apple.quarantine")
    flags, _time, agent, _id = value.decode().split(";")
    assert (flags, agent) == ("0081", "Satchel")


async def test_private_folders_are_for_this_user_only(tmp_path: Path) -> None:
    folder = local_files.private_folder(tmp_path / "a" / "cache")
    assert folder == tmp_path / "a" / "cache"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700
