"""The queue's parts on their own: journal, owners, checks, names, speed, backoff, fault plans."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import pytest

from satchel.domain.errors import LocalFileError, NetworkError, RateLimited, Rejected
from satchel.domain.model import Attachment
from satchel.providers.retries import RetryPolicy
from satchel.sandbox.fault_plan import Fault, parse_faults
from satchel.transfers import Direction, Journal, State, Step, TransferItem
from satchel.transfers.checks import check_source
from satchel.transfers.events import Totals
from satchel.transfers.naming import (
    numbered,
    place_without_overwriting,
    safe_local_name,
)
from satchel.transfers.new_items import download_items
from satchel.transfers.owners import OwnerLock, owner_alive
from satchel.transfers.progress import RollingRate


def _item(path: Path, **changes: object) -> TransferItem:
    item = TransferItem(
        id=0, direction=Direction.UPLOAD, account="a", batch="b", card_id="c",
        attachment_id=None, local_path=path, name=path.name, content_type="text/plain",
        size=3, mtime_ns=1, state=State.QUEUED, step=Step.CREATE,
    )  # fmt: skip
    for key, value in changes.items():
        setattr(item, key, value)
    return item


def test_journal_keeps_items_steps_and_odd_paths(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "transfers.db")
    odd = Path(os.fsdecode(b"/tmp/not-utf8-\xff\xfe.bin"))  # a name that is not UTF-8
    item = _item(odd, name="line\nbreak – ü.txt")
    journal.insert([item])
    item.attachment_id, item.step = "att-1", Step.SEND
    journal.save(item, ("attachment_id", "step"), durable=True)
    item.step = Step.CONFIRM
    journal.save(item, ("step",))
    journal.close()

    again = Journal(tmp_path / "transfers.db")
    (loaded,) = again.items()
    assert loaded.local_path == odd and loaded.name == "line\nbreak – ü.txt"
    assert (loaded.attachment_id, loaded.step) == ("att-1", Step.CONFIRM)
    assert [e.step for e in again.events(loaded.id)] == [Step.CREATE, Step.SEND, Step.CONFIRM]
    assert oct((tmp_path / "transfers.db").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ValueError, match="not journalled"):
        again.save(loaded, ("done_bytes",))
    again.close()


def test_owner_locks_tell_a_live_queue_from_a_dead_one(tmp_path: Path) -> None:
    lock = OwnerLock(tmp_path)
    assert owner_alive(tmp_path, lock.owner)
    assert not owner_alive(tmp_path, "0" * 32)
    assert not owner_alive(tmp_path, None)
    lock.close()
    assert not owner_alive(tmp_path, lock.owner)


def test_journal_claims_only_from_the_expected_owner(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "transfers.db")
    item = _item(tmp_path / "f", owner="dead")
    journal.insert([item])
    assert journal.claim(item.id, "me", "dead")
    assert not journal.claim(item.id, "other", "dead")  # too late: "me" has it
    journal.request_cancel(item.id)
    assert journal.cancel_requests("me") == [item.id]
    assert journal.cancel_requests("me") == []
    journal.close()


def test_checks_refuse_what_cannot_be_sent(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(LocalFileError, match="points back to itself"):
        check_source(tmp_path / "a")
    with pytest.raises(LocalFileError, match="is a folder"):
        check_source(tmp_path)
    (tmp_path / "target.txt").write_text("abc")
    (tmp_path / "link").symlink_to(tmp_path / "target.txt")
    assert check_source(tmp_path / "link").size == 3  # a link to a file is that file
    with pytest.raises(Exception, match=r"3 bytes; this service takes files up to 2 bytes"):
        check_source(tmp_path / "target.txt", max_size=2)


def test_local_names_and_numbering() -> None:
    assert safe_local_name("a/b\\c\nd.txt") == "a_b_c d.txt"
    assert safe_local_name("..") == "attachment"
    assert safe_local_name("Grüße, Café.pdf") == "Grüße, Café.pdf"
    assert len(safe_local_name("é" * 300 + ".pdf").encode()) <= 200
    assert safe_local_name("é" * 300 + ".pdf").endswith(".pdf")
    assert numbered("report.pdf", 2) == "report (2).pdf"
    assert numbered("backup.tar.gz", 3) == "backup (3).tar.gz"
    assert numbered(".bashrc", 2) == ".bashrc (2)"
    assert numbered("README", 2) == "README (2)"


def test_placing_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("theirs")
    (tmp_path / "x (2).txt").write_text("theirs too")
    partial = tmp_path / ".x.part"
    partial.write_text("ours")
    placed = place_without_overwriting(partial, tmp_path / "x.txt")
    assert placed.name == "x (3).txt" and placed.read_text() == "ours"
    assert (tmp_path / "x.txt").read_text() == "theirs" and not partial.exists()


def _windows_error(winerror: int) -> OSError:
    error = OSError(errno.EINVAL, "Incorrect function")
    error.winerror = winerror  # type: ignore[attr-defined]  # set by Windows' OSError
    return error


@pytest.mark.parametrize(
    "no_links",
    [
        OSError(errno.ENOTSUP, "macOS: exFAT, SMB"),
        OSError(errno.EXDEV, "another device"),
        _windows_error(1),  # ERROR_INVALID_FUNCTION: FAT, exFAT
        _windows_error(50),  # ERROR_NOT_SUPPORTED: some network shares
    ],
    ids=["ENOTSUP", "EXDEV", "win-1", "win-50"],
)
def test_placing_without_hard_links_renames_and_still_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_links: OSError
) -> None:
    def no_link(*_args: object, **_options: object) -> None:
        raise no_links

    monkeypatch.setattr(os, "link", no_link)
    (tmp_path / "x.txt").write_text("theirs")
    partial = tmp_path / ".x.part"
    partial.write_text("ours")
    placed = place_without_overwriting(partial, tmp_path / "x.txt")
    assert placed.name == "x (2).txt" and placed.read_text() == "ours"
    assert (tmp_path / "x.txt").read_text() == "theirs" and not partial.exists()


def test_other_link_errors_are_not_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*_args: object, **_options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_space)
    partial = tmp_path / ".x.part"
    partial.write_text("ours")
    with pytest.raises(OSError, match="No space"):
        place_without_overwriting(partial, tmp_path / "x.txt")


def test_speed_is_a_rolling_average() -> None:
    rate = RollingRate(window=5.0)
    for second in range(11):
        rate.add(second * 1000, now=float(second))
    assert rate.rate(now=10.0) == pytest.approx(1000, rel=0.05)
    assert rate.rate(now=20.0) == 0.0  # nothing arrived for a whole window
    rate.add(0, now=21.0)  # started over
    assert rate.rate(now=21.0) == 0.0


def test_backoff_grows_with_jitter_up_to_a_cap() -> None:
    policy = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=10.0)
    rng = random.Random(1)
    error = NetworkError("down")
    delays = [policy.delay(attempt, error, rng) for attempt in range(1, 8)]
    for attempt, wait in enumerate(delays, start=1):
        ceiling = min(10.0, 2.0 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert policy.delay(1, RateLimited("slow", retry_after=7), rng) >= 7
    assert not Rejected("no").retryable and RateLimited("x").retryable


def test_totals_of_a_round(tmp_path: Path) -> None:
    done = _item(tmp_path / "a", state=State.DONE, size=100)
    moving = _item(tmp_path / "b", state=State.ACTIVE, size=300, done_bytes=100)
    failed = _item(tmp_path / "c", state=State.FAILED, size=50)
    totals = Totals.of([done, moving, failed], speed=50.0)
    assert (totals.done, totals.active, totals.failed, totals.items) == (1, 1, 1, 3)
    assert (totals.done_bytes, totals.total_bytes) == (200, 450)
    assert totals.time_left == pytest.approx(250 / 50)


def test_fault_plans_parse_and_repeat_with_a_seed() -> None:
    plan = parse_faults("503=0.05,429=0.05,reset=0.02,slow=0.02,expired-policy=0.05", seed=3)
    assert plan.rates[Fault.EXPIRED_POLICY] == 0.05
    allowed = set(Fault)
    draws = [plan.draw(allowed) for _ in range(2000)]
    again = parse_faults("503=0.05,429=0.05,reset=0.02,slow=0.02,expired-policy=0.05", seed=3)
    assert draws == [again.draw(allowed) for _ in range(2000)]
    hit = sum(d is not None for d in draws) / len(draws)
    assert 0.14 < hit < 0.24
    for bad, words in [("503", "KIND=RATE"), ("boom=0.1", "unknown fault"),
                       ("503=2", "from 0 to 1"), ("503=0.6,429=0.6", "more than 1")]:  # fmt: skip
        with pytest.raises(ValueError, match=words):
            parse_faults(bad)


def test_names_that_differ_only_in_case_get_numbers(tmp_path: Path) -> None:
    """Windows and macOS see "Report.pdf" and "report.pdf" as one file: keep them apart."""
    wanted = [
        (Attachment(f"a{n}", name, "card", "application/pdf", 10), tmp_path)
        for n, name in enumerate(["Report.pdf", "report.pdf", "REPORT.pdf"])
    ]
    items = download_items(
        account="acct",
        wanted=wanted,
        saved={},
        reserved={tmp_path / "report.PDF"},  # an unfinished download from before
        batch="b",
        owner="o",
    )
    assert [i.local_path.name for i in items] == [
        "Report (2).pdf",
        "report (3).pdf",
        "REPORT (4).pdf",
    ]
