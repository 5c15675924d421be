"""`satchel account add|list|remove`: secrets go to the keyring and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner


def test_add_checks_the_key_and_keeps_it_only_in_the_keyring(
    satchel: Runner, sandbox, rw_key: str, tmp_path: Path
) -> None:
    added = satchel(
        "account", "add", "bearer", "--url", sandbox.base_url, "--name", "work", stdin=rw_key
    )
    assert added.code == 0, added.err
    assert "work" in added.out

    keyring_file = json.loads((tmp_path / "keyring.json").read_text())
    assert keyring_file == {"satchel/work": rw_key}
    accounts_file = (tmp_path / "config" / "accounts.json").read_text()
    assert rw_key not in accounts_file
    assert json.loads(accounts_file)["accounts"][0]["url"] == sandbox.base_url

    listed = satchel("account", "list")
    assert listed.code == 0
    assert listed.out.split("\t")[0] == "work"
    assert "signed in" in listed.out
    assert rw_key not in added.out + added.err + listed.out + listed.err

    boards = satchel("ls")
    assert boards.code == 0, boards.err
    names = [line.split("\t")[1:] for line in boards.out.splitlines()]
    assert names == [["board", "Website Relaunch"], ["board", "Brand Assets"]]  # the tenant's

    removed = satchel("account", "remove", "work")
    assert removed.code == 0
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}
    assert satchel("account", "list").out == ""


def test_a_wrong_key_is_refused_and_nothing_is_stored(
    satchel: Runner, sandbox, tmp_path: Path
) -> None:
    wrong = "ixk_" + "x" * 40
    added = satchel("account", "add", "bearer", "--url", sandbox.base_url, stdin=wrong)
    assert added.code == 3
    assert "Sign in again with a new key" in added.err  # what to do, not only that it failed
    assert wrong not in added.err + added.out
    assert not (tmp_path / "keyring.json").exists()
    assert not (tmp_path / "config" / "accounts.json").exists()


def test_without_a_keyring_it_says_so_and_stores_nothing(
    satchel: Runner, sandbox, rw_key: str, tmp_path: Path
) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    added = satchel(
        "account", "add", "bearer", "--url", sandbox.base_url, stdin=rw_key, env=no_keyring
    )
    assert added.code == 11
    assert "keyring" in added.err.lower()
    assert "SATCHEL_SECRET" in added.err
    assert not (tmp_path / "config" / "accounts.json").exists()

    # A script supplies the secret through the environment instead.
    listed = satchel(
        "ls",
        env={**no_keyring, "SATCHEL_URL": sandbox.base_url, "SATCHEL_SECRET": rw_key},
    )
    assert listed.code == 0, listed.err
    assert "\tboard\tWebsite Relaunch" in listed.out


def test_the_secret_is_never_an_argument(satchel: Runner) -> None:
    helped = satchel("account", "add", "--help")
    assert "--key" not in helped.out and "--secret" not in helped.out
    refused = satchel("account", "add", "bearer", "--url", "http://127.0.0.1:9", "--key", "x")
    assert refused.code == 2


def test_plain_http_to_another_machine_is_refused_before_anything_is_sent(
    satchel: Runner, tmp_path: Path
) -> None:
    added = satchel("account", "add", "bearer", "--url", "http://files.example", stdin="ixk_k\n")
    assert added.code == 2 and "plain http" in added.err, added.err
    assert not (tmp_path / "config" / "accounts.json").exists()
    scripted = satchel("ls", env={"SATCHEL_URL": "http://files.example", "SATCHEL_SECRET": "k"})
    assert scripted.code == 2 and "plain http" in scripted.err, scripted.err


def test_a_secret_in_the_environment_without_its_service_is_refused(satchel: Runner) -> None:
    listed = satchel("ls", env={"SATCHEL_SECRET": "ixk_from_the_environment"})
    assert listed.code == 2 and "SATCHEL_URL is not" in listed.err, listed.err
