"""`satchel account add trello` and `remove`: the token reaches the keyring only, and is revoked."""

from __future__ import annotations

import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.cli.conftest import Runner
from tests.support.sandbox import SandboxInfo
from tests.support.trello import allow_origin, demo_credentials, fresh_token

REPO = Path(__file__).resolve().parents[2]

# Plays the system browser: opens the authorize page, presses Allow, lands on the
# loopback page and hands the fragment back, as the page's script would.
BROWSER = """#!{python}
import sys
from urllib.parse import parse_qs, urljoin, urlsplit

sys.path.insert(0, {repo!r})
import httpx
from tests.support.trello import _FormReader

with httpx.Client(timeout=30) as browser:
    page = browser.get(sys.argv[1])
    form = _FormReader()
    form.feed(page.text)
    name, value = form.buttons["Allow"]
    answer = browser.post(urljoin(str(page.url), form.action), data={{**form.fields, name: value}})
    location = urlsplit(answer.headers["location"])
    browser.get(answer.headers["location"])
    origin = f"{{location.scheme}}://{{location.netloc}}"
    said = {{
        "token": parse_qs(location.fragment)["token"][0],
        "error": "",
        "state": parse_qs(location.query)["state"][0],
    }}
    browser.post(origin + location.path, json=said, headers={{"Origin": origin}})
"""


def make_browser(tmp_path: Path) -> str:
    script = tmp_path / "fake-browser"
    script.write_text(BROWSER.format(python=sys.executable, repo=str(REPO)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_card(satchel: Runner, account: str) -> str:
    """The id of the first card the account sees (by `satchel ls`, as a script finds it)."""
    path: list[str] = []
    for _level in range(3):
        listed = satchel("ls", "/".join(path), "--json", "--account", account)
        assert listed.code == 0, listed.err
        node = json.loads(listed.out.splitlines()[0])
        path.append(node["id"])
    return str(node["id"])


def test_browser_sign_in_keeps_the_token_in_the_keyring_only(
    satchel: Runner, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    key = demo_credentials(sandbox).key
    port = free_port()
    allow_origin(sandbox, f"http://127.0.0.1:{port}")  # as the key's owner adds it on Trello
    added = satchel(
        "account", "add", "trello", "--key", key, "--url", sandbox.base_url,
        "--name", "board", "--port", str(port), "--timeout", "60",
        env={"BROWSER": make_browser(tmp_path), "DISPLAY": ""},
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "Signed in to Trello as" in added.out and "read,write" in added.out
    assert "/1/authorize?" in added.err  # the address was shown, should no browser open

    keyring = json.loads((tmp_path / "keyring.json").read_text())
    token = keyring["satchel/board"]
    assert token.startswith("ATTA") and len(token) == 76
    accounts = (tmp_path / "config" / "accounts.json").read_text()
    assert token not in accounts
    options = json.loads(accounts)["accounts"][0]["options"]
    assert options["key"] == key and options["upload_limit"] == "250000000"  # the default
    expires = datetime.fromisoformat(options["expires"])  # the 30 days asked for, kept
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert token not in added.out + added.err

    listed = satchel("ls", "--account", "board")
    assert listed.code == 0, listed.err
    assert "Website Relaunch" in listed.out


def test_paste_then_remove_revokes_the_token(
    satchel: Runner, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    credentials = fresh_token(sandbox)
    added = satchel(
        "account", "add", "trello", "--key", credentials.key, "--url", sandbox.base_url,
        "--name", "pasted", "--paste", stdin=f"  {credentials.token}\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "/1/authorize?" in added.err and "return_url" not in added.err
    assert json.loads((tmp_path / "keyring.json").read_text()) == {
        "satchel/pasted": credentials.token
    }
    me = sandbox.base_url + "/1/members/me"
    assert httpx.get(me, headers=credentials.header).status_code == 200

    removed = satchel("account", "remove", "pasted")
    assert removed.code == 0, removed.err
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}
    refused = httpx.get(me, headers=credentials.header)
    assert (refused.status_code, refused.text) == (401, "invalid token")


def test_a_wrong_token_is_refused_and_nothing_is_stored(
    satchel: Runner, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    key = demo_credentials(sandbox).key
    wrong = "ATTA" + "0" * 72
    added = satchel(
        "account", "add", "trello", "--key", key, "--url", sandbox.base_url, "--paste",
        stdin=wrong,
    )  # fmt: skip
    assert added.code == 3
    assert "Trello" in added.err and wrong not in added.err + added.out
    assert not (tmp_path / "keyring.json").exists()
    assert not (tmp_path / "config" / "accounts.json").exists()


def test_the_key_is_required_and_the_token_is_never_an_argument(satchel: Runner) -> None:
    assert satchel("account", "add", "trello", "--paste").code == 2
    helped = satchel("account", "add", "trello", "--help")
    assert "--key" in helped.out and "--token" not in helped.out
    assert "allowed origins" in " ".join(helped.out.split())


def test_the_upload_limit_is_an_account_setting(
    satchel: Runner, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    credentials = fresh_token(sandbox)
    added = satchel(
        "account", "add", "trello", "--key", credentials.key, "--url", sandbox.base_url,
        "--name", "free", "--paste", "--upload-limit", "free", stdin=credentials.token,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "files up to 10 MB" in added.out
    accounts = json.loads((tmp_path / "config" / "accounts.json").read_text())
    assert accounts["accounts"][0]["options"]["upload_limit"] == "10000000"

    big = tmp_path / "big.bin"
    with big.open("wb") as file:
        file.truncate(10_000_001)
    refused = satchel("upload", "--account", "free", first_card(satchel, "free"), str(big))
    assert refused.code == 9, refused.err
    assert "“big.bin” is larger than this account's upload limit of 10 MB" in refused.err

    wrong = satchel(
        "account", "add", "trello", "--key", credentials.key, "--url", sandbox.base_url,
        "--paste", "--upload-limit", "lots", stdin=credentials.token,
    )  # fmt: skip
    assert wrong.code == 2 and "'lots' is not a size" in wrong.err
