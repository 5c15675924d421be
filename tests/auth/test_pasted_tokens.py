"""What a user pastes as a Trello token."""

from __future__ import annotations

import pytest

from satchel.auth.trello_authorize import read_pasted_token
from satchel.domain.errors import UsageError


def test_pasted_text_is_read_leniently_but_never_trusted() -> None:
    token = "ATTA" + "a" * 64 + "B" * 8
    assert read_pasted_token(f"\t{token} \n") == token
    assert read_pasted_token(f"http://127.0.0.1:8787/cb#token={token}") == token
    legacy = "0123456789abcdef" * 4
    assert read_pasted_token(legacy) == legacy
    for bad in ("", "   ", 'abc" , oauth_token="x', "two words"):
        with pytest.raises(UsageError):
            read_pasted_token(bad)
