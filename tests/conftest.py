"""Fixtures every test package may use: one local service for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sandbox import SandboxInfo, start_sandbox

#: Short, so the orphan sweep can be seen within a test. An attachment must be linked
#: within this many seconds of step 1, or the sweep removes it.
SESSION_ORPHAN_GRACE_SECONDS = 10
SESSION_PRODUCTIVE_LIMITS = "100000/10,1000000/1800"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    """`satchel sandbox` with real SeaweedFS and the demo data, shared by all tests."""
    info = start_sandbox(
        tmp_path_factory.mktemp("sandbox"),
        "--orphan-grace",
        str(SESSION_ORPHAN_GRACE_SECONDS),
        # Every test shares the demo's Productive token: its real budget (100 requests per
        # 10 s) would make them wait on each other. The 429 itself is tested on its own.
        "--productive-limits",
        SESSION_PRODUCTIVE_LIMITS,
    )
    yield info
    info.stop()


@pytest.fixture(scope="session")
def rw_key(sandbox: SandboxInfo) -> str:
    """The first demo tenant's read/write key."""
    key: str = sandbox.tenants[0]["read_write_key"]
    return key


@pytest.fixture(scope="session")
def ro_key(sandbox: SandboxInfo) -> str:
    """The first demo tenant's read-only key."""
    key: str = sandbox.tenants[0]["read_only_key"]
    return key


@pytest.fixture(scope="session")
def other_rw_key(sandbox: SandboxInfo) -> str:
    """The second demo tenant's read/write key."""
    key: str = sandbox.tenants[1]["read_write_key"]
    return key
