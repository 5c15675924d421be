"""One transfer as the queue and its views see it: what, where, how far, and how it ended."""

from __future__ import annotations

import stat
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from satchel.transfers.progress import RollingRate


class Direction(StrEnum):
    UPLOAD = "upload"
    DOWNLOAD = "download"


class State(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in _FINISHED


_FINISHED = frozenset({State.DONE, State.FAILED, State.CANCELLED})


class Step(StrEnum):
    """Where an item is. Uploads: create → send → confirm → link; downloads: fetch.

    DISCARD means: the attachment step 1 created must be deleted on the service before
    anything else happens (after a failure, a cancel, or an expired upload permission).
    """

    CREATE = "create"
    SEND = "send"
    CONFIRM = "confirm"
    LINK = "link"
    FETCH = "fetch"
    DISCARD = "discard"
    DONE = "done"

    @property
    def label(self) -> str:
        """The step in words for a status column."""
        return _LABELS[self]


_LABELS = {
    Step.CREATE: "preparing",
    Step.SEND: "uploading",
    Step.CONFIRM: "confirming",
    Step.LINK: "attaching",
    Step.FETCH: "downloading",
    Step.DISCARD: "cleaning up",
    Step.DONE: "done",
}


#: What `TransferItem.clear_error` changes, for the journal.
ERROR_FIELDS = ("error", "error_code", "error_kind")
#: What `TransferItem.mark_done` changes, for the journal.
DONE_FIELDS = ("state", "step", *ERROR_FIELDS)


@dataclass(eq=False)
class TransferItem:
    """Owned and changed by the queue only; views read it.

    For an upload, `attachment_id` is the attachment step 1 created (None before, and
    again once it was discarded); for a download it is the attachment being saved.
    `local_path` is the file sent, or where the download is saved.
    """

    id: int
    direction: Direction
    account: str
    batch: str
    card_id: str | None
    attachment_id: str | None
    local_path: Path
    name: str
    content_type: str | None
    size: int | None
    mtime_ns: int | None
    state: State
    step: Step
    attempts: int = 0
    error: str | None = None
    error_code: int | None = None
    error_kind: str | None = None
    location: str | None = None
    etag: str | None = None
    partial_path: Path | None = None
    owner: str | None = None
    #: True when a download found its file already complete and did nothing.
    skipped: bool = False
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    # --- live progress, never journalled --------------------------------------------------
    done_bytes: int = 0
    rate: RollingRate = field(default_factory=RollingRate, repr=False)

    @property
    def finished(self) -> bool:
        return self.state.finished

    def clear_error(self) -> None:
        """Forget the last failure (the ERROR_FIELDS)."""
        self.error = self.error_kind = None
        self.error_code = None

    def mark_done(self) -> None:
        """The transfer is done, its last failure forgotten (the DONE_FIELDS)."""
        self.state, self.step = State.DONE, Step.DONE
        self.clear_error()

    @property
    def cleanup_due(self) -> bool:
        """An upload that ended (failed, cancelled) whose attachment is still on the service."""
        return (
            self.direction is Direction.UPLOAD
            and self.step is Step.DISCARD
            and self.attachment_id is not None
        )

    @property
    def total_bytes(self) -> int:
        return self.size or 0

    def speed(self, now: float | None = None) -> float:
        """Bytes per second, averaged over the last few seconds; 0 when not moving."""
        if self.state is not State.ACTIVE:
            return 0.0
        return self.rate.rate(now)

    def time_left(self, now: float | None = None) -> float | None:
        """Seconds until done at the current speed; None when unknown (not moving)."""
        if self.finished:
            return 0.0
        speed = self.speed(now)
        if speed <= 0:
            return None
        return max(0, self.total_bytes - self.done_bytes) / speed

    @property
    def fraction(self) -> float:
        if self.state is State.DONE:
            return 1.0
        total = self.total_bytes
        return min(1.0, self.done_bytes / total) if total else 0.0

    @property
    def status_text(self) -> str:
        """One line for a person: the step while active, else the outcome."""
        if self.state is State.ACTIVE:
            return self.step.label
        if self.state is State.DONE:
            return "already there" if self.skipped else "done"
        if self.state is State.FAILED:
            return f"failed: {self.error}" if self.error else "failed"
        return self.state.value


@dataclass(frozen=True, slots=True)
class SavedCopy:
    """A file a finished download saved: where, its size, its modification time then (in
    ns) and the storage's ETag of what was fetched. A file found there later with another
    size or time is someone else's, whatever its name."""

    path: Path
    size: int | None
    mtime_ns: int | None
    etag: str | None

    def still_there(self, size: int | None) -> bool:
        """Whether the file is still the one saved, of the attachment's `size`."""
        try:
            facts = self.path.lstat()
        except OSError:
            return False
        return (
            stat.S_ISREG(facts.st_mode)
            and size is not None
            and facts.st_size == size == self.size
            and self.mtime_ns is not None
            and facts.st_mtime_ns == self.mtime_ns
        )
