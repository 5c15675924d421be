"""Starting, stopping and restarting the service; its SeaweedFS child; an external S3."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

from satchel.sandbox.private_files import read_json
from tests.sandbox.bearer_helpers import (
    all_attachments,
    api_client,
    assert_problem,
    download_location,
    first_card_id,
    link,
    upload,
)
from tests.support.sandbox import SandboxInfo, child_pids, start_sandbox, wait_gone
from tests.support.tcp_forwarder import TcpForwarder, free_port


def _weed_child(info: SandboxInfo) -> int:
    children = child_pids(info.process.pid)
    weeds = [pid for pid in children if b"weed" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(weeds) == 1, children
    return weeds[0]


def test_two_services_side_by_side_then_restart_keeps_data_and_keys(
    sandbox: SandboxInfo, rw_key: str, tmp_path: Path
) -> None:
    second = start_sandbox(tmp_path / "second")
    third: SandboxInfo | None = None
    try:
        # Side by side: own ports, own S3, own keys.
        assert second.base_url != sandbox.base_url
        assert second.s3_endpoint != sandbox.s3_endpoint
        second_key = second.tenants[0]["read_write_key"]
        assert second_key != rw_key
        with api_client(second, rw_key) as client:
            assert_problem(client.get("/me"), 401, "unauthorized")
        with api_client(second, second_key) as client:
            stored = upload(client, "survivor.txt", b"still here")
            assert link(client, first_card_id(client), stored["id"]).status_code == 200
        with api_client(sandbox, rw_key) as client:
            assert client.get("/me").status_code == 200

        # SIGTERM: the service stops, and so does its SeaweedFS.
        weed = _weed_child(second)
        assert second.stop() == 0
        assert wait_gone(weed, 10), "SeaweedFS outlived its service"
        assert "Stopped" in second.log_tail()

        # Same data dir again: same keys, same records, same objects.
        third = start_sandbox(tmp_path / "second")
        assert third.tenants == second.tenants
        assert third.data_dir == second.data_dir
        with api_client(third, second_key) as client:
            assert client.get(f"/attachments/{stored['id']}").json()["state"] == "stored"
            assert httpx.get(download_location(client, stored["id"])).content == b"still here"

        # Killed outright, the service still takes SeaweedFS with it (PDEATHSIG).
        weed = _weed_child(third)
        third.process.send_signal(signal.SIGKILL)
        third.process.wait(10)
        assert wait_gone(weed, 15), "SeaweedFS outlived a killed service"
    finally:
        second.stop()
        if third is not None:
            third.stop()


def test_unreachable_s3_answers_503_until_it_comes_up(sandbox: SandboxInfo, tmp_path: Path) -> None:
    """An external S3 that is down at start: the service starts anyway and recovers."""
    identity = read_json(sandbox.data_dir / "s3-identity.json")
    port = free_port()
    info = start_sandbox(
        tmp_path / "external",
        "--s3-endpoint", f"http://127.0.0.1:{port}",
        "--s3-access-key", identity["access_key"],
        "--s3-secret-key", identity["secret_key"],
        "--s3-bucket", "external-test",
    )  # fmt: skip
    forwarder: TcpForwarder | None = None
    try:
        assert info.s3_endpoint == f"http://127.0.0.1:{port}"
        assert child_pids(info.process.pid) == []  # no SeaweedFS of its own
        assert "unreachable" in info.log_tail()
        key = info.tenants[0]["read_write_key"]
        body = {"name": "a.txt", "content_type": "text/plain", "size": 3}
        with api_client(info, key) as client:
            assert client.get("/me").status_code == 200
            assert client.get("/boards").status_code == 200
            answer = client.post("/attachments", json=body)
            assert_problem(answer, 503, "storage_unavailable")
            assert answer.headers["retry-after"] == "5"
            png = next(a for a in all_attachments(client) if a["content_type"] == "image/png")
            download = f"/attachments/{png['id']}/download"
            assert_problem(client.get(download), 503, "storage_unavailable")
            assert_problem(client.delete(f"/attachments/{png['id']}"), 503, "storage_unavailable")
            assert client.get(f"/attachments/{png['id']}").status_code == 200

            # S3 comes up on that port: within a probe interval the service uses it.
            forwarder = TcpForwarder(port, int(sandbox.s3_endpoint.rsplit(":", 1)[1]))
            deadline = time.monotonic() + 15
            while (answer := client.post("/attachments", json=body)).status_code == 503:
                assert time.monotonic() < deadline, answer.text
                time.sleep(0.5)
            assert answer.status_code == 201
            assert answer.json()["upload"]["url"] == f"http://127.0.0.1:{port}/external-test"
            # The demo objects were uploaded on recovery.
            fetched = httpx.get(download_location(client, png["id"]))
            assert fetched.content.startswith(b"\x89PNG")
            assert len(fetched.content) == png["size"]
        assert info.stop() == 0
    finally:
        info.stop()
        if forwarder is not None:
            forwarder.close()
