"""`satchel upload` stopped by the system (SIGTERM) or a closed terminal (SIGHUP) ends as
Ctrl-C does: exit 130, its queue let go, the journal consistent, and `queue resume`
finishes the file once.

SIGINT has its own test with the queue's; Windows' SIGBREAK (Ctrl-Break, a closed
console) takes the same path, which tests/unit/test_stop_signals.py checks in-process.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.support.sandbox import SandboxInfo
from tests.transfers.cli_runner import cli_env, listed, run_satchel, upload_under_way
from tests.transfers.conftest import ServiceView, write_files

SIZE = 300 * 1024 * 1024


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_ends_an_upload_cleanly(
    stop: signal.Signals,
    sandbox: SandboxInfo,
    rw_key: str,
    view: ServiceView,
    tmp_path: Path,
) -> None:
    card = view.new_card(f"stopped by {stop.name}")
    (big,) = write_files(tmp_path, 1, SIZE, prefix="big")
    env = cli_env(sandbox, rw_key, tmp_path / "data")
    upload, entry = upload_under_way(env, card, big)
    try:
        assert entry["running_elsewhere"] is True
        upload.send_signal(stop)
        _out, err = upload.communicate(timeout=60)
    finally:
        upload.kill()
    assert upload.returncode == 130, err
    assert "satchel: interrupted" in err
    assert "1 files wait in the queue; 'satchel queue resume' goes on with them." in err
    assert "Traceback" not in err

    (after,) = listed(env)
    assert after["state"] == "active" and after["status"] == "waiting"  # nobody drives it
    assert not (tmp_path / "data" / "transfers.owners").exists() or not list(
        (tmp_path / "data" / "transfers.owners").iterdir()
    )  # its owner lock let go

    resumed = run_satchel(env, "queue", "resume")
    assert resumed.returncode == 0, resumed.stderr
    (landed,) = view.on_card(card)
    assert landed["name"] == big.name and landed["size"] == SIZE
    assert resumed.stdout == f"{landed['id']}\t{big.name}\n"  # what a script reads
    (done,) = listed(env)
    assert done["state"] == "done"
