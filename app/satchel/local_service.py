"""Start `satchel sandbox` as a child process and read its ready line.

The demo mode and the tests use this; the app never imports the sandbox package
itself, it only runs it. The child ends when this process dies, however it dies
(`satchel.child_process`: PDEATHSIG on Linux, a kill-on-close job on Windows), so no
service outlives its app.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from satchel import child_process
from satchel.local_files import private_folder

READY_TIMEOUT_SECONDS = 120.0
LOG_NAME = "service.log"


NO_DEMO_MESSAGE = (
    "This Satchel has no local demo service (bundles leave it out: it brings its own "
    "storage server). To try the demo, install Satchel with it and run it from there:\n"
    "  python3 -m pip install 'satchel[sandbox]' && satchel --demo"
)


class LocalServiceError(RuntimeError):
    pass


def no_demo_reason() -> str | None:
    """Why `satchel sandbox` cannot run the demo beside this app, or None when it can: a
    bundle (frozen) cannot start its own interpreter with `-m`, a plain install may lack
    the sandbox extra, and SeaweedFS has no build for some machines (macOS on Intel)."""
    if getattr(sys, "frozen", False):
        return NO_DEMO_MESSAGE
    try:
        if not all(
            importlib.util.find_spec(name) is not None
            for name in ("satchel.sandbox", "starlette", "uvicorn")
        ):
            return NO_DEMO_MESSAGE
    except (ImportError, ValueError):
        return NO_DEMO_MESSAGE
    from satchel.sandbox.weed_binary import missing_weed_reason, weed_path

    if weed_path() is None:
        return missing_weed_reason(sys.platform, platform.machine())
    return None


@dataclass
class LocalService:
    base_url: str
    s3_endpoint: str
    tenants: list[dict[str, Any]]
    data_dir: Path
    process: subprocess.Popen[bytes]
    #: Where the service's stderr (its log) goes.
    log_path: Path
    #: The whole ready line, with what later dialects add to it.
    ready: dict[str, Any]

    @property
    def api(self) -> str:
        return self.base_url + "/api/v1"

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)

    def stop(self, timeout: float = 30.0) -> int:
        """Ask it to stop (SIGTERM; Windows: Ctrl-Break), wait; force it if it hangs.
        Returns the exit code."""
        child_process.stop(self.process, grace=timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first stdout line, or b"" if the process ends or the time runs out first.

    Read in a thread (Windows cannot `select` on a pipe), from the descriptor itself, so
    nothing after the line waits unseen in a buffer.
    """
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer = bytearray()

    def read_to_newline() -> None:
        while b"\n" not in buffer:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            buffer.extend(chunk)

    reader = threading.Thread(target=read_to_newline, daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive() or b"\n" not in buffer:
        return b""
    return bytes(buffer).split(b"\n", 1)[0].rstrip(b"\r")


def service_command(data_dir: Path, *extra_args: str) -> list[str]:
    return [
        sys.executable, "-m", "satchel", "sandbox",
        "--port", "0", "--data", str(data_dir), *extra_args,
    ]  # fmt: skip


def start_local_service(
    data_dir: Path, *extra_args: str, timeout: float = READY_TIMEOUT_SECONDS
) -> LocalService:
    """Run the service on a free loopback port with its data in `data_dir`."""
    private_folder(data_dir)  # keys, tokens and files of the demo: this user's only
    log_path = data_dir / LOG_NAME
    with log_path.open("ab") as stderr:
        process = subprocess.Popen(
            service_command(data_dir, *extra_args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,  # a file, not a pipe: it can never fill up and block the service
            **child_process.popen_options(),
        )
    child_process.adopt(process)
    line = _read_line(process, timeout)
    try:
        ready = json.loads(line)
    except ValueError:
        child_process.force_stop(process)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
        raise LocalServiceError(
            f"The local service did not start within {timeout:.0f} s "
            f"(exit code {process.returncode}). Its log ends with:\n{_tail(log_path, 40)}"
        ) from None
    return LocalService(
        base_url=ready["base_url"],
        s3_endpoint=ready["s3_endpoint"],
        tenants=ready["tenants"],
        data_dir=Path(ready.get("data_dir", data_dir)),
        process=process,
        log_path=log_path,
        ready=ready,
    )
