"""`satchel account add productive` and a whole command-line session on it.

The token goes to the keyring only: after the session, no log line, no output, no file
under the config, data and cache dirs (settings, account list, journal, cached content)
holds it, nor a URL built with it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner
from tests.support.productive import ProductiveDemo


def _add(satchel: Runner, demo: ProductiveDemo, *extra: str, stdin: str = "") -> object:
    return satchel(
        "account", "add", "productive", "--organization", demo.organization_id,
        "--url", demo.base_url, "--storage-url", demo.storage_url, "--app-url", demo.base_url,
        *extra, stdin=stdin,
    )  # fmt: skip


def test_adding_says_where_the_token_is_and_refuses_bad_input(
    satchel: Runner, productive_org: ProductiveDemo
) -> None:
    demo = productive_org
    helped = satchel("account", "add", "productive", "--help")
    assert "Settings → API integrations" in helped.out
    wrong = satchel("account", "add", "productive", "--organization", "acme", stdin=demo.token)
    assert wrong.code == 2 and "number" in wrong.err
    empty = _add(satchel, demo, stdin="\n")
    assert empty.code == 2 and "Settings → API integrations" in empty.err  # type: ignore[attr-defined]
    refused = _add(satchel, demo, stdin="00000000-0000-0000-0000-000000000000\n")
    assert refused.code == 3  # type: ignore[attr-defined]
    listed = satchel("account", "list")
    assert "productive" not in listed.out  # nothing kept from a refused token


def test_a_whole_session_never_leaves_the_token_anywhere(
    satchel: Runner, productive_org: ProductiveDemo, tmp_path: Path
) -> None:
    demo = productive_org  # this module's own organization: what it uploads stays there
    said: list[str] = []

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
        result = satchel("-vv", *args, stdin=stdin, env=env)
        said.extend([result.out, result.err])
        assert result.code == 0, result.err
        return result.out

    added = _add(satchel, demo, "--name", "work", stdin=demo.token + "\n")
    said.extend([added.out, added.err])  # type: ignore[attr-defined]
    assert added.code == 0, added.err  # type: ignore[attr-defined]
    assert "Productive Demo Agency" in added.out  # type: ignore[attr-defined]
    listed = run("account", "list")
    assert f"organization {demo.organization_id}" in listed and "signed in" in listed

    boards = run("ls")
    assert "Spring Campaign › Design" in boards and "Old website" not in boards
    card_path = "Spring Campaign › Design/Review/Launch plan #3"
    attachments = [json.loads(x) for x in run("ls", card_path, "--json").splitlines()]
    assert {a["name"] for a in attachments} == {"Launch plan.pdf", "Übersicht – Café.txt"}
    cards = [
        json.loads(x)
        for x in run("ls", "Spring Campaign › Launch/Checklist", "--json").splitlines()
    ]
    card_id = cards[0]["id"]

    source = tmp_path / "Résumé – 2026.txt"
    source.write_text("uploaded by the command line\n", encoding="utf-8")
    uploaded = run("upload", card_id, str(source))
    attachment_id, name = uploaded.strip().split("\t")
    assert name == source.name
    assert "done" in run("queue", "list")

    saved = tmp_path / "saved"
    saved.mkdir()
    run("get", attachment_id, "-o", str(saved))
    assert (saved / source.name).read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    link = run("link", f"{card_id}/{attachment_id}").splitlines()
    assert link[0] == f"{demo.base_url}/{demo.organization_id}/tasks/{card_id}"
    assert "Productive" in link[1] and "access" in link[1]

    leaks = [text for text in said if demo.token in text]
    assert leaks == []
    for folder in ("config", "data", "cache"):
        for path in (tmp_path / folder).rglob("*"):
            if path.is_file():
                assert demo.token.encode() not in path.read_bytes(), path
                assert demo.token not in path.name
    keyring = (tmp_path / "keyring.json").read_text()
    assert demo.token in keyring  # where it belongs, and only there


def test_scripts_name_a_productive_account_in_the_environment(
    satchel: Runner, productive_org: ProductiveDemo, tmp_path: Path
) -> None:
    demo = productive_org
    env = {
        "SATCHEL_KIND": "productive",
        "SATCHEL_URL": demo.base_url,
        "SATCHEL_SECRET": demo.token,
        "SATCHEL_ORGANIZATION_ID": demo.organization_id,
        "SATCHEL_STORAGE_URL": demo.storage_url,
    }
    listed = satchel("ls", "Spring Campaign › Launch/Checklist", "--json", env=env)
    assert listed.code == 0, listed.err
    task = json.loads(listed.out.splitlines()[0])["id"]
    source = tmp_path / "from a script.txt"
    source.write_text("scripted")
    sent = satchel("upload", task, str(source), env=env)
    assert sent.code == 0, sent.err
    assert sent.out.strip().endswith("\tfrom a script.txt")
    missing = satchel("ls", env={**env, "SATCHEL_ORGANIZATION_ID": ""})
    assert missing.code == 2 and "organization" in missing.err
