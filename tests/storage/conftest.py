"""One real SeaweedFS for the storage tests: it enforces policies, sizes, expiry (moto does not)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from satchel.sandbox.s3 import S3Gateway, S3Settings, UploadForm
from satchel.sandbox.seaweed import S3Identity, SeaweedProcess
from satchel.storage.client import make_storage_client


@dataclass
class LocalS3:
    gateway: S3Gateway

    @property
    def endpoint(self) -> str:
        return self.gateway.settings.endpoint

    def new_key(self, name: str = "file.bin") -> str:
        return f"tests/{uuid.uuid4()}/{name}"

    def form(
        self,
        key: str,
        size: int,
        content_type: str = "application/octet-stream",
        ttl: timedelta = timedelta(minutes=15),
    ) -> UploadForm:
        return self.gateway.upload_form(key, size, content_type, ttl=ttl)

    def link(self, key: str, ttl: timedelta = timedelta(minutes=15)) -> str:
        return self.gateway.download_link(
            key, key.rsplit("/", 1)[-1], "application/octet-stream", ttl
        )

    def size_of(self, key: str) -> int | None:
        return self.gateway.object_size(key)


@pytest.fixture(scope="session")
def local_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalS3]:
    identity = S3Identity(access_key="AK" + secrets.token_hex(8), secret_key=secrets.token_hex(20))
    process = SeaweedProcess(tmp_path_factory.mktemp("seaweed"), identity)
    process.start()
    try:
        gateway = S3Gateway(
            S3Settings(process.endpoint, identity.access_key, identity.secret_key, "satchel-tests")
        )
        gateway.ensure_bucket()
        yield LocalS3(gateway)
    finally:
        process.stop()


@pytest_asyncio.fixture
async def storage_client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_storage_client() as client:
        yield client


def write_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def open_descriptors_to(path: Path) -> list[str]:
    """The descriptors this process still holds on `path` (Linux)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if Path(fd.readlink()) == path:
                found.append(fd.name)
        except OSError:
            continue
    return found
