"""Fixtures every test package may use: one local service for the whole session, and a
tenant of its own for each test module (tests pass in any order: pytest-randomly)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.support.productive import ProductiveDemo, new_organization
from tests.support.sandbox import SandboxInfo, start_sandbox
from tests.support.tenants import ACME, GLOBEX, ModuleTenant, seed_tenant

#: An attachment must be linked within this many seconds of step 1, or the sweep removes
#: it. Longer than the slowest upload of a loaded machine (a 300 MiB file took over 10 s),
#: so that the sweep never races a transfer; the sweep's own test has a short one.
SESSION_ORPHAN_GRACE_SECONDS = 120
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
        # Trello's per-token budget as it is; the key's and the members route's, which
        # the whole session's tokens share, wider (their own tests start their own service).
        "--trello-limits",
        "100/10,3000/10,10000/900",
    )
    yield info
    info.stop()


@pytest.fixture(scope="module")
def tenant(sandbox: SandboxInfo) -> ModuleTenant:
    """A copy of the first demo tenant that only this test module uses and changes."""
    return seed_tenant(sandbox, ACME)


@pytest.fixture(scope="module")
def other_tenant(sandbox: SandboxInfo) -> ModuleTenant:
    """A copy of the second demo tenant, for this test module only."""
    return seed_tenant(sandbox, GLOBEX)


@pytest.fixture(scope="module")
def trello_tenant(sandbox: SandboxInfo) -> ModuleTenant:
    """A copy of the Trello demo member's tenant (archived items, workspaces) for this
    module only: `fresh_token(sandbox, tenant_id=trello_tenant.id)` signs in to it."""
    return seed_tenant(sandbox, ACME, trello=True)


@pytest.fixture(scope="module")
def productive_org(sandbox: SandboxInfo) -> ProductiveDemo:
    """A Productive organization of the demo's shape that only this test module uses."""
    return new_organization(sandbox)


@pytest.fixture(scope="module")
def rw_key(tenant: ModuleTenant) -> str:
    """The module's tenant's read/write key."""
    return tenant.read_write_key


@pytest.fixture(scope="module")
def ro_key(tenant: ModuleTenant) -> str:
    """The module's tenant's read-only key."""
    return tenant.read_only_key


@pytest.fixture(scope="module")
def other_rw_key(other_tenant: ModuleTenant) -> str:
    """The read/write key of the module's copy of the second demo tenant."""
    return other_tenant.read_write_key


# PySide6 6.11 on Python 3.11 can crash (SIGSEGV) while the interpreter tears down the Qt
# objects that tests leave to the end: seen after every test had passed and the summary
# was printed. By the last unconfigure hook the results are final, so leave with pytest's
# own exit status and skip that teardown.
_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get("SATCHEL_TESTS_NORMAL_EXIT"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)
