"""Service addresses take keys and tokens: https, or plain http on this computer only."""

from __future__ import annotations

import pytest

from satchel.domain.addresses import check_service_address, service_address_problem
from satchel.domain.errors import UsageError


@pytest.mark.parametrize(
    "url",
    [
        "https://api.trello.com",
        "https://satchel.example.com/",
        "http://127.0.0.1:8000",
        "http://127.5.6.7/",
        "http://[::1]:8000",
        "http://localhost:8000",
        "http://sandbox.localhost",
    ],
)
def test_https_and_this_computer_may_take_a_secret(url: str) -> None:
    assert service_address_problem(url) is None
    assert check_service_address(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://files.example.com", "plain http"),
        ("http://10.0.0.5:8080", "plain http"),
        ("http://127.0.0.1.evil.example", "plain http"),
        ("http://localhost.evil.example", "plain http"),
        ("HTTP://example.com", "plain http"),
        ("ftp://example.com", "not a web address"),
        ("file:///etc/passwd", "not a web address"),
        ("https://", "not a web address"),
        ("example.com", "not a web address"),
        ("http://[::1", "not a web address"),
    ],
)
def test_anything_else_is_refused_saying_why(url: str, said: str) -> None:
    problem = service_address_problem(url)
    assert problem is not None and said in problem
    with pytest.raises(UsageError, match=said):
        check_service_address(url)
