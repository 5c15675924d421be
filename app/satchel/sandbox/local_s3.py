"""Which S3 the service uses: an external endpoint, or its own SeaweedFS child.

The child gets a static identity, made once per data dir and kept there (mode 0600), so
objects stored on one start can be read on the next.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from satchel.log import register_secret
from satchel.sandbox.private_files import read_json, write_private_json
from satchel.sandbox.s3 import S3Settings
from satchel.sandbox.seaweed import S3Identity, SeaweedProcess

log = logging.getLogger(__name__)

IDENTITY_FILE = "s3-identity.json"
SEAWEED_DIR = "seaweed"
DEFAULT_BUCKET = "satchel"


@dataclass(frozen=True, slots=True)
class ExternalS3:
    endpoint: str
    access_key: str
    secret_key: str


def load_or_create_identity(data_dir: Path) -> S3Identity:
    path = data_dir / IDENTITY_FILE
    if path.exists():
        saved = read_json(path)
        identity = S3Identity(saved["access_key"], saved["secret_key"])
    else:
        identity = S3Identity("satchel" + secrets.token_hex(8), secrets.token_urlsafe(30))
        write_private_json(
            path, {"access_key": identity.access_key, "secret_key": identity.secret_key}
        )
    register_secret(identity.secret_key)
    return identity


@contextlib.contextmanager
def running_s3(data_dir: Path, bucket: str, external: ExternalS3 | None) -> Iterator[S3Settings]:
    """S3 settings for the service; a SeaweedFS child unless `external` is given.

    The child is stopped when the block ends, however it ends.
    """
    if external is not None:
        register_secret(external.secret_key)
        log.info("Using the external S3 at %s, bucket %s", external.endpoint, bucket)
        yield S3Settings(external.endpoint, external.access_key, external.secret_key, bucket)
        return
    identity = load_or_create_identity(data_dir)
    seaweed = SeaweedProcess(data_dir / SEAWEED_DIR, identity)
    try:
        seaweed.start()
        assert seaweed.process is not None
        log.info("SeaweedFS runs as pid %d", seaweed.process.pid)
        keys = (identity.access_key, identity.secret_key)
        yield S3Settings(seaweed.endpoint, *keys, bucket, filer_url=seaweed.filer_url)
    finally:
        log.info("Stopping SeaweedFS")
        seaweed.stop()
