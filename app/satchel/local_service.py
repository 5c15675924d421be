"""Start `satchel sandbox` as a child process and read its ready line.

The demo mode and the tests use this; the app never imports the sandbox package
itself, it only runs it. On Linux the child gets SIGTERM when this process dies,
even by SIGKILL, so no service outlives its app.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class LocalServiceError(RuntimeError):
    pass


@dataclass
class LocalService:
    process: subprocess.Popen[bytes]
    ready: dict[str, Any]
    log_path: Path
    data_dir: Path
    tenants: list[dict[str, str]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return str(self.ready["base_url"])

    @property
    def s3_endpoint(self) -> str:
        return str(self.ready["s3_endpoint"])

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode


def _die_with_parent() -> None:
    import ctypes

    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_local_service(
    data_dir: Path, extra_args: list[str] | None = None, timeout: float = 120.0
) -> LocalService:
    """Run the service on free loopback ports with its data in `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "service.log"
    command = [sys.executable, "-m", "satchel", "sandbox", "--port", "0", "--data", str(data_dir)]
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [*command, *(extra_args or [])],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or process.poll() is not None or not selector.select(timeout=left):
            process.kill()
            process.wait()
            tail = log_path.read_text(errors="replace")[-2000:]
            raise LocalServiceError(f"The local service did not start. Its log ends:\n{tail}")
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            continue
        line += chunk
    selector.close()
    try:
        ready = json.loads(line.decode())
    except ValueError as error:
        with contextlib.suppress(Exception):
            process.kill()
        raise LocalServiceError("The local service printed a ready line that is not JSON.") from error
    return LocalService(
        process=process,
        ready=ready,
        log_path=log_path,
        data_dir=data_dir,
        tenants=list(ready.get("tenants", [])),
    )
