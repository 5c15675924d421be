"""`satchel queue list|cancel|retry|clear` against a running `satchel upload` and the service."""

from __future__ import annotations

from pathlib import Path

from tests.support.sandbox import SandboxInfo
from tests.transfers.cli_runner import cli_env, listed, run_satchel, upload_under_way
from tests.transfers.conftest import ServiceView, write_files


def test_cancel_a_transfer_another_satchel_runs(
    sandbox: SandboxInfo, rw_key: str, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card("cli cancel")
    (big,) = write_files(tmp_path, 1, 400 * 1024 * 1024, prefix="huge")
    env = cli_env(sandbox, rw_key, tmp_path / "data")
    upload, entry = upload_under_way(env, card, big)
    try:
        assert entry["running_elsewhere"] is True and entry["status"] in {"uploading", "preparing"}
        created = str(entry["attachment_id"])

        cancelled = run_satchel(env, "queue", "cancel", str(entry["id"]))
        assert cancelled.returncode == 0, cancelled.stderr
        assert f"Cancelled transfer {entry['id']}." in cancelled.stderr
        _out, err = upload.communicate(timeout=60)
    finally:
        upload.kill()
    assert upload.returncode == 130, err
    assert "cancelled" in err
    assert view.attachment(created) is None and view.on_card(card) == []
    (after,) = listed(env)
    assert after["state"] == "cancelled"


def test_retry_and_clear_from_the_command_line(
    sandbox: SandboxInfo, rw_key: str, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card("cli retry")
    env = cli_env(sandbox, rw_key, tmp_path / "data")
    later = tmp_path / "later.txt"
    first = run_satchel(env, "upload", card, str(later))
    assert first.returncode == 10 and "later.txt" in first.stderr
    (failed,) = listed(env)
    assert failed["state"] == "failed" and failed["error_code"] == 10

    later.write_text("now it exists")
    retried = run_satchel(env, "queue", "retry", str(failed["id"]))
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.rstrip().endswith("\tlater.txt")
    assert [r["name"] for r in view.on_card(card)] == ["later.txt"]

    nothing = run_satchel(env, "queue", "resume")
    assert nothing.returncode == 0 and "Nothing to resume" in nothing.stderr
    cleared = run_satchel(env, "queue", "clear")
    assert cleared.returncode == 0 and listed(env) == []
    assert run_satchel(env, "queue", "cancel", "999").returncode == 5


def test_sandbox_refuses_a_malformed_fault_list(tmp_path: Path) -> None:
    result = run_satchel({}, "sandbox", "--data", str(tmp_path), "--faults", "503=lots", timeout=60)
    assert result.returncode == 2
    assert "--faults" in result.stderr and "from 0 to 1" in result.stderr
