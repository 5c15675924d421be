"""SATCHEL_SECRET goes only to the service SATCHEL_URL names: never to another account's."""

from __future__ import annotations

import pytest

from satchel.domain.errors import UsageError
from satchel.workspace.environment import environment_account, secret_for

SERVICE = "https://satchel.example.com"


@pytest.mark.parametrize(
    ("environ", "url", "given"),
    [
        ({"SATCHEL_URL": SERVICE, "SATCHEL_SECRET": "k"}, SERVICE, "k"),
        ({"SATCHEL_URL": SERVICE + "/", "SATCHEL_SECRET": "k"}, SERVICE, "k"),
        ({"SATCHEL_URL": SERVICE, "SATCHEL_SECRET": "k"}, "https://other.example.com", None),
        ({"SATCHEL_URL": SERVICE, "SATCHEL_SECRET": "k"}, SERVICE + ".evil.example", None),
        ({"SATCHEL_SECRET": "k"}, SERVICE, None),  # alone: it names no service
        ({"SATCHEL_URL": SERVICE, "SATCHEL_SECRET": "  "}, SERVICE, None),
    ],
    ids=["same", "trailing-slash", "other-service", "longer-host", "no-url", "blank"],
)
def test_the_secret_goes_only_to_the_service_named_with_it(
    environ: dict[str, str], url: str, given: str | None
) -> None:
    assert secret_for(url, environ) == given


def test_a_secret_without_its_service_is_refused_not_used() -> None:
    with pytest.raises(UsageError, match="SATCHEL_SECRET is set but SATCHEL_URL is not"):
        environment_account({"SATCHEL_SECRET": "k"})
    found = environment_account({"SATCHEL_URL": SERVICE, "SATCHEL_SECRET": "k"})
    assert found is not None
    account, secret = found
    assert account.url == SERVICE and secret == "k"
