"""The local service for tests: started through the app's own launcher, plus /proc helpers."""

from __future__ import annotations

import time
from pathlib import Path

from satchel.local_service import LocalService, start_local_service

#: What tests call the running service.
SandboxInfo = LocalService
READY_TIMEOUT_SECONDS = 60.0


def start_sandbox(
    data_dir: Path, *extra_args: str, timeout: float = READY_TIMEOUT_SECONDS
) -> SandboxInfo:
    """Start the service on a free port with this data dir; return once it is ready."""
    return start_local_service(data_dir, *extra_args, timeout=timeout)


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc), e.g. the service's SeaweedFS."""
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) comes after the command name, which is in parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def process_gone(pid: int) -> bool:
    """True when the pid no longer runs (exited, or a zombie nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.1)
    return process_gone(pid)
