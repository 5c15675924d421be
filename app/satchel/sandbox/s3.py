"""The sandbox's one door to S3: presigned forms and links, object checks, deletes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from satchel.sandbox.s3_head import ObjectHead
from satchel.sandbox.s3_post_form import PostFormSigner

T = TypeVar("T")

#: Keys the filer names exactly as S3 does: plain segments, none empty, "." or "..".
_KEY_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9_~.-]+"
_FILER_SAFE_KEY = re.compile(rf"{_KEY_SEGMENT}(?:/{_KEY_SEGMENT})*")

#: How long an upload policy and a download link live, as the bearer seed says.
DEFAULT_TTL = timedelta(minutes=15)


class StorageUnavailable(RuntimeError):
    """S3 could not be reached."""


@dataclass(frozen=True, slots=True)
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"
    #: The SeaweedFS filer under `endpoint`, when the service runs its own: the confirm's
    #: HEAD asks it (s3_head.ObjectHead.of_filer).
    filer_url: str | None = None


@dataclass(frozen=True, slots=True)
class UploadForm:
    url: str
    fields: dict[str, str]
    #: When the policy dies (taken just before signing, so never later than the real one).
    expires_at: datetime


def ascii_file_name(file_name: str) -> str:
    """An ASCII stand-in for old clients: "Übersicht – Café.txt" -> "Ubersicht _ Cafe.txt"."""
    decomposed = unicodedata.normalize("NFKD", file_name)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    printable = [c if " " <= c <= "~" and c not in '"\\' else "_" for c in without_marks]
    return "".join(printable)


def content_disposition(file_name: str) -> str:
    """An attachment disposition that keeps non-ASCII names (RFC 6266 / 5987)."""
    return (
        f'attachment; filename="{ascii_file_name(file_name)}"; '
        f"filename*=UTF-8''{quote(file_name, safe='')}"
    )


class S3Gateway:
    """Synchronous (boto3); call from a worker thread inside the server."""

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=settings.endpoint,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            region_name=settings.region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 2, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )
        self._head: ObjectHead | None = None
        self._filer_head: ObjectHead | None = None
        self._post: PostFormSigner | None = None
        if settings.endpoint.startswith("http://"):  # every upload asks: the cheap ways
            credentials = (settings.access_key, settings.secret_key, settings.bucket)
            self._head = ObjectHead.of_s3(settings.endpoint, *credentials, settings.region)
            self._post = PostFormSigner(settings.endpoint, *credentials, settings.region)
        if settings.filer_url is not None:
            self._filer_head = ObjectHead.of_filer(settings.filer_url, settings.bucket)

    def head_for(self, key: str) -> ObjectHead | None:
        """Who answers the confirm's HEAD of `key` from the event loop (StorageGate.
        object_size); None: boto3, in a thread. The filer only for keys it names as S3
        does: it would read "a/" as "a" and "a//b" as "a/b"."""
        if self._filer_head is not None and _FILER_SAFE_KEY.fullmatch(key):
            return self._filer_head
        return self._head

    async def aclose(self) -> None:
        """Close the connections kept for the HEADs."""
        for head in (self._head, self._filer_head):
            if head is not None:
                await head.aclose()

    def ensure_bucket(self) -> None:
        """Make the bucket unless it exists; StorageUnavailable when S3 cannot be used."""
        try:
            try:
                self._client.head_bucket(Bucket=self.settings.bucket)
            except ClientError:
                self._client.create_bucket(Bucket=self.settings.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(str(error)) from error

    def object_url(self, key: str) -> str:
        """Path-style URL of an object (SeaweedFS leaves <Location> empty)."""
        return f"{self.settings.endpoint.rstrip('/')}/{self.settings.bucket}/{quote(key)}"

    def upload_form(
        self, key: str, size: int, content_type: str, ttl: timedelta = DEFAULT_TTL
    ) -> UploadForm:
        """A SigV4 POST policy for exactly this key, size and content type. No request: a
        handler may call it on the event loop."""
        expires_at = datetime.now(UTC) + ttl
        fields = {"success_action_status": "201", "Content-Type": content_type}
        conditions: list[object] = [
            {"success_action_status": "201"},
            ["content-length-range", size, size],
            {"Content-Type": content_type},
        ]
        expires_in = int(ttl.total_seconds())
        if self._post is not None and not key.endswith("${filename}"):
            signed = self._post.sign(key, fields, conditions, expires_in)
            return UploadForm(url=self._post.url, fields=signed, expires_at=expires_at)
        post = self._client.generate_presigned_post(
            self.settings.bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
        return UploadForm(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)

    def download_link(
        self, key: str, file_name: str, content_type: str, ttl: timedelta = DEFAULT_TTL
    ) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.settings.bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition(file_name),
                "ResponseContentType": content_type,
            },
            ExpiresIn=int(ttl.total_seconds()),
        )
        return url

    def object_size(self, key: str) -> int | None:
        """The stored object's size, or None when there is no such object. (The service's
        confirms ask StorageGate.object_size, which asks the cheap way, head_for.)"""
        bucket = self.settings.bucket
        head = _unless_missing(lambda: self._client.head_object(Bucket=bucket, Key=key))
        return None if head is None else int(head["ContentLength"])

    def put_object(self, key: str, body: bytes | BinaryIO, content_type: str) -> None:
        """Store bytes, or a (spooled) file without reading it all into memory."""
        try:
            self._client.put_object(
                Bucket=self.settings.bucket, Key=key, Body=body, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(str(error)) from error

    def get_object_bytes(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""

        def read() -> bytes:
            answer = self._client.get_object(Bucket=self.settings.bucket, Key=key)
            return bytes(answer["Body"].read())

        return _unless_missing(read)

    def delete_object(self, key: str) -> None:
        try:
            self._client.delete_object(Bucket=self.settings.bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(str(error)) from error


def _unless_missing(call: Callable[[], T]) -> T | None:
    """What S3 answered, or None when there is no such object; any other failure is
    StorageUnavailable."""
    try:
        return call()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise StorageUnavailable(str(error)) from error
    except BotoCoreError as error:
        raise StorageUnavailable(str(error)) from error
