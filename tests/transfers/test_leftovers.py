"""Pasted images and drag-out copies go once nothing needs them, and only then."""

from __future__ import annotations

import os
import time
from pathlib import Path

from satchel.transfers.items import Direction, State, Step, TransferItem
from satchel.transfers.leftovers import PastedFileCleaner, sweep_drag_out, sweep_pasted


def _pasted(root: Path, name: str = "Pasted image 2026-12-02 14.05.09.png") -> Path:
    folder = root / os.urandom(8).hex()
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(b"\x89PNG")
    return path


def _upload(path: Path, state: State = State.QUEUED, item_id: int = 1) -> TransferItem:
    return TransferItem(
        id=item_id,
        direction=Direction.UPLOAD,
        account="Acme",
        batch="b",
        card_id="c",
        attachment_id=None,
        local_path=path,
        name=path.name,
        content_type="image/png",
        size=4,
        mtime_ns=None,
        state=state,
        step=Step.CREATE,
    )


def test_a_pasted_image_goes_when_its_upload_is_done_not_before(tmp_path: Path) -> None:
    root = tmp_path / "pasted"
    path = _pasted(root)
    item = _upload(path)
    cleaner = PastedFileCleaner(root, lambda: [item])
    for state in (State.QUEUED, State.ACTIVE, State.FAILED, State.CANCELLED):
        item.state = state
        cleaner.changed(0, item)
        assert path.exists(), state  # a failed or cancelled upload may be retried
    item.state = State.DONE
    cleaner.changed(0, item)
    assert not path.parent.exists()
    assert root.exists()


def test_a_pasted_image_goes_when_its_upload_leaves_the_queue(tmp_path: Path) -> None:
    root = tmp_path / "pasted"
    path = _pasted(root)
    item = _upload(path, State.CANCELLED)
    PastedFileCleaner(root, lambda: []).removed(0, item)
    assert not path.parent.exists()


def test_a_pasted_image_another_unfinished_upload_sends_stays(tmp_path: Path) -> None:
    root = tmp_path / "pasted"
    path = _pasted(root)
    done, waiting = _upload(path, State.DONE, 1), _upload(path, State.QUEUED, 2)
    PastedFileCleaner(root, lambda: [done, waiting]).changed(0, done)
    assert path.exists()


def test_files_that_are_not_pasted_images_are_never_touched(tmp_path: Path) -> None:
    root = tmp_path / "pasted"
    root.mkdir()
    own = tmp_path / "holiday" / "photo.png"
    own.parent.mkdir()
    own.write_bytes(b"mine")
    deeper = root / "a" / "b" / "x.png"  # not <pasted>/<id>/<file>
    deeper.parent.mkdir(parents=True)
    deeper.write_bytes(b"x")
    cleaner = PastedFileCleaner(root, lambda: [])
    for path in (own, deeper):
        cleaner.removed(0, _upload(path, State.DONE))
    download = _upload(_pasted(root), State.DONE)
    download.direction = Direction.DOWNLOAD
    cleaner.removed(0, download)
    assert own.exists() and deeper.exists() and download.local_path.exists()


def test_start_up_sweep_keeps_queued_pastes_and_this_sessions(tmp_path: Path) -> None:
    root = tmp_path / "pasted"
    queued, forgotten, fresh = _pasted(root), _pasted(root), _pasted(root)
    started = time.time()
    past = started - 3600
    for path in (queued, forgotten):
        os.utime(path.parent, (past, past))
    os.utime(fresh.parent, (started + 1, started + 1))  # pasted after the start
    assert sweep_pasted(root, [queued], started) == 1
    assert queued.exists() and fresh.exists()
    assert not forgotten.parent.exists()
    assert sweep_pasted(tmp_path / "none", [], started) == 0


def test_start_up_sweep_removes_drag_out_copies_a_day_old(tmp_path: Path) -> None:
    root = tmp_path / "drag-out"
    old, recent = root / "old" / "Card name", root / "recent"
    old.mkdir(parents=True)
    (old / "report.pdf").write_bytes(b"%PDF")
    recent.mkdir()
    (recent / "photo.jpg").write_bytes(b"jpg")
    now = time.time()
    os.utime(root / "old", (now - 25 * 3600, now - 25 * 3600))
    os.utime(recent, (now - 23 * 3600, now - 23 * 3600))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    os.utime(root / "link", (now - 48 * 3600,) * 2, follow_symlinks=False)
    assert sweep_drag_out(root, now) == 1
    assert not (root / "old").exists()
    assert (recent / "photo.jpg").exists() and outside.exists()
    assert sweep_drag_out(tmp_path / "none", now) == 0
