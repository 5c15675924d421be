"""The owner lock across real processes, through its portable interface only.

What the queue relies on: a running queue's lock is seen as alive from any other
process; a queue killed outright is seen as gone (its file notwithstanding); and of two
processes that go for one lock, exactly one gets it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from satchel.transfers.owners import OwnerLock, owner_alive, try_lock, unlock

HOLD_AN_OWNER_LOCK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from satchel.transfers.owners import OwnerLock
    lock = OwnerLock(Path(sys.argv[1]))
    print(lock.owner, flush=True)
    sys.stdin.readline()  # hold it until told
    lock.close() if sys.argv[2] == "close" else None
    """
)

GO_FOR_ONE_LOCK = textwrap.dedent(
    """
    import os, sys
    from satchel.transfers.owners import try_lock
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    sys.stdin.readline()  # both start together
    print("won" if try_lock(fd) else "lost", flush=True)
    sys.stdin.readline()  # hold what it got until both have answered
    """
)


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.close()
    assert process.wait(timeout=30) == 0


def test_another_process_s_queue_is_alive_until_it_is_killed(tmp_path: Path) -> None:
    child = _start(HOLD_AN_OWNER_LOCK, str(tmp_path), "keep")
    try:
        assert child.stdout is not None
        owner = child.stdout.readline().strip()
        assert owner_alive(tmp_path, owner)
        assert owner_alive(tmp_path, owner)  # looking does not take it away
        fd = os.open(tmp_path / f"{owner}.lock", os.O_RDWR)
        try:
            assert not try_lock(fd)
        finally:
            os.close(fd)
    finally:
        child.kill()  # no clean-up: its lock file stays behind
        child.wait(timeout=30)
    assert (tmp_path / f"{owner}.lock").exists()
    assert not owner_alive(tmp_path, owner)
    assert not (tmp_path / f"{owner}.lock").exists()  # the stale file is tidied away


def test_a_queue_that_ends_cleanly_leaves_nothing(tmp_path: Path) -> None:
    child = _start(HOLD_AN_OWNER_LOCK, str(tmp_path), "close")
    assert child.stdout is not None
    owner = child.stdout.readline().strip()
    assert owner_alive(tmp_path, owner)
    _finish(child)
    assert not owner_alive(tmp_path, owner)
    assert list(tmp_path.iterdir()) == []


def test_of_two_processes_exactly_one_gets_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "one.lock"
    rivals = [_start(GO_FOR_ONE_LOCK, str(path)) for _ in range(2)]
    for rival in rivals:
        assert rival.stdin is not None
        rival.stdin.write("\n")
        rival.stdin.flush()
    answers = []
    for rival in rivals:
        assert rival.stdout is not None
        answers.append(rival.stdout.readline().strip())
    assert sorted(answers) == ["lost", "won"]
    for rival in rivals:
        _finish(rival)


def test_a_lock_in_this_process_excludes_another_descriptor(tmp_path: Path) -> None:
    """A queue sees its own lock as alive: a second descriptor of the file cannot take it."""
    lock = OwnerLock(tmp_path)
    fd = os.open(lock.folder / f"{lock.owner}.lock", os.O_RDWR)
    try:
        assert not try_lock(fd)
        lock.close()
        assert try_lock(fd)
        unlock(fd)
    finally:
        os.close(fd)
