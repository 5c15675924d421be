"""Exit codes a script relies on, each produced for real by the `satchel` command:
1 (a bug), 6 (refused as invalid), 8 (unreadable answer), 130 (Ctrl-C during an upload);
and `--concurrency N` measured as requests in flight at the service."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.support.answering_server import answering
from tests.support.counting_proxy import CountingProxy
from tests.support.sandbox import SandboxInfo
from tests.transfers.cli_runner import cli_env, listed, run_satchel, upload_under_way
from tests.transfers.conftest import ServiceView, write_files


def test_a_corrupt_journal_is_an_unexpected_failure_said_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "transfers.db").write_bytes(os.urandom(4096))  # a disk that went bad
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    env.update(SATCHEL_DATA_DIR=str(data), SATCHEL_CONFIG_DIR=str(tmp_path / "config"))
    result = run_satchel(env, "queue", "list")
    assert result.returncode == 1
    assert "unexpected failure" in result.stderr and "please report it" in result.stderr
    assert "Traceback" not in result.stderr, "one line, not a traceback"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "code", "said"),
    [
        (422, json.dumps({"type": "about:blank", "title": "Unprocessable", "status": 422,
                          "code": "validation_failed", "detail": "limit must be 1 to 500."}),
         "application/problem+json", 6, "refused the request as invalid"),
        (200, "<html><body>Sign in to the hotel Wi-Fi</body></html>", "text/html", 8,
         "cannot read"),
    ],
    ids=["6-refused", "8-unreadable"],
)  # fmt: skip
def test_a_service_refusing_or_answering_nonsense_gives_its_exit_code(
    tmp_path: Path, status: int, body: str, content_type: str, code: int, said: str
) -> None:
    with answering(status, body.encode(), content_type) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
        env.update(SATCHEL_URL=url, SATCHEL_SECRET="ixk_" + "1" * 40,
                   SATCHEL_DATA_DIR=str(tmp_path / "data"),
                   SATCHEL_CONFIG_DIR=str(tmp_path / "config"))  # fmt: skip
        result = run_satchel(env, "ls")
    assert result.returncode == code, result.stderr
    assert said in result.stderr


def test_ctrl_c_during_an_upload_exits_130_and_leaves_it_to_resume(
    sandbox: SandboxInfo, rw_key: str, view: ServiceView, tmp_path: Path
) -> None:
    card = view.new_card("ctrl-c")
    (big,) = write_files(tmp_path, 1, 300 * 1024 * 1024, prefix="interrupted")
    env = cli_env(sandbox, rw_key, tmp_path / "data")
    upload, entry = upload_under_way(env, card, big)
    try:
        upload.send_signal(signal.SIGINT)
        _out, err = upload.communicate(timeout=60)
    finally:
        upload.kill()
    assert upload.returncode == 130, err
    (after,) = listed(env)
    assert after["id"] == entry["id"] and after["state"] != "done"
    assert view.on_card(card) == [], "nothing was attached"


@pytest.mark.parametrize("concurrency", [1, 3])
def test_upload_concurrency_is_the_number_of_requests_in_flight_at_the_service(
    sandbox: SandboxInfo, rw_key: str, view: ServiceView, tmp_path: Path, concurrency: int
) -> None:
    card = view.new_card(f"concurrency {concurrency}")
    files = write_files(tmp_path, 6, 2048, prefix="c")
    with CountingProxy(sandbox.base_url, hold_seconds=0.3) as proxy:
        env = cli_env(sandbox, rw_key, tmp_path / "data")
        env["SATCHEL_URL"] = proxy.url
        result = run_satchel(
            env, "upload", card, *map(str, files), "--concurrency", str(concurrency)
        )
    assert result.returncode == 0, result.stderr
    landed = view.on_card(card)
    assert len(landed) == 6
    printed = dict(line.split("\t") for line in result.stdout.splitlines())
    assert printed == {row["id"]: row["name"] for row in landed}  # each file once, as it landed
    assert proxy.most_in_flight == concurrency, proxy.most_in_flight
    assert proxy.requests >= 6 * 3, "every file's steps went through the proxy"
