"""Where a Trello account's key and token are kept: never in a URL, a log or the settings file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from satchel import log
from satchel.auth.accounts import AccountStore
from satchel.domain.errors import UsageError
from satchel.domain.model import Account
from satchel.providers.trello import TrelloProvider
from satchel.providers.trello_http import trello_auth
from satchel.workspace.kinds import connect
from tests.providers import trello_payloads as p


def test_a_secret_inside_another_is_redacted_whole() -> None:
    log.register_secret(p.KEY)
    token_holding_the_key = "ab" + p.KEY + "cd" * 15
    log.register_secret(token_holding_the_key)
    assert log.redact(f"token {token_holding_the_key}") == "token ***"


def test_the_settings_file_holds_the_key_but_never_the_token(tmp_path: Path) -> None:
    store = AccountStore(tmp_path)
    account = Account("work", "trello", p.API, {"key": p.KEY})
    store.add(account)
    written = store.path.read_text()
    assert p.NEW_TOKEN not in written
    assert '"key": "' + p.KEY in written  # the application key is not a secret
    provider = connect(store.find("work"), p.NEW_TOKEN)
    assert isinstance(provider, TrelloProvider)
    assert provider.api_url == p.API
    assert p.NEW_TOKEN not in repr(provider) and p.KEY not in repr(provider)
    asyncio.run(provider.aclose())


def test_an_account_without_its_key_cannot_connect() -> None:
    with pytest.raises(UsageError, match="--key"):
        connect(Account("t", "trello", p.API), p.NEW_TOKEN)


def test_the_oauth_header_is_scrubbed_from_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    trello_auth(p.API, p.KEY, p.LEGACY_TOKEN)  # registers key and token as secrets
    line = f'Authorization: OAuth oauth_consumer_key="{p.KEY}", oauth_token="{p.LEGACY_TOKEN}"'
    handler = logging.StreamHandler()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, line, None, None)
    assert log.RedactingFilter().filter(record)
    shown = handler.format(record)
    assert p.KEY not in shown and p.LEGACY_TOKEN not in shown
