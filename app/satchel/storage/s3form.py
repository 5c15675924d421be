"""S3 browser-form (POST policy) upload of one file from disk.

Streams in constant memory, reports progress, can be cancelled (cancel the task),
sends the file last, reads the XML answer, and turns S3 error codes into clear
errors (expired policy, too large, denied). A form upload cannot resume: a
failed one starts again from zero.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from satchel.domain.errors import IntegrityError
from satchel.domain.model import StoredObject
from satchel.domain.progress import ProgressCallback, no_progress
from satchel.storage.client import read_capped, strip_credentials
from satchel.storage.form_body import FormBody
from satchel.storage.s3_answers import (
    Operation,
    malformed_storage_answer,
    storage_error,
    storage_network_error,
    xml_fields,
)

log = logging.getLogger(__name__)

_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")


def _field(fields: Mapping[str, str], name: str) -> str | None:
    # Form field names are case-insensitive in S3 ("Content-Type" vs "content-type").
    for key, value in fields.items():
        if key.lower() == name.lower():
            return value
    return None


def object_url(form_url: str, key: str) -> str:
    """Where the object lives when the answer's <Location> is empty (SeaweedFS)."""
    return f"{form_url.rstrip('/')}/{quote(key, safe='/')}"


async def upload_form(
    client: httpx.AsyncClient,
    url: str,
    fields: Mapping[str, str],
    path: Path,
    *,
    file_name: str | None = None,
    expected_size: int | None = None,
    progress: ProgressCallback = no_progress,
) -> StoredObject:
    """POST `fields` then the file at `path` to `url`; returns what the storage host stored.

    `client` must be a clean storage client (no credentials). `expected_size` is the
    size the policy was made for: a file that differs fails before anything is sent.
    """
    content_type = _field(fields, "Content-Type") or "application/octet-stream"
    with FormBody(
        path,
        fields,
        file_name=file_name,
        content_type=content_type,
        expected_size=expected_size,
        progress=progress,
    ) as body:
        try:
            request = client.build_request("POST", url, content=body, headers=body.headers)
        except httpx.InvalidURL:
            raise malformed_storage_answer("a form address that is not a URL", b"") from None
        strip_credentials(request)
        log.debug("form upload of %d bytes to %s", body.size, urlsplit(url).netloc)
        try:
            response = await client.send(request, auth=None, follow_redirects=False, stream=True)
            try:
                answer = await read_capped(response)
            finally:
                await response.aclose()
        except httpx.TransportError as error:
            raise storage_network_error(error) from None
        sent_md5 = body.md5_hex
    if not response.is_success:
        raise storage_error(response.status_code, answer, response.headers, Operation.UPLOAD)
    return _stored_object(url, fields, response, answer, sent_md5)


def _stored_object(
    url: str, fields: Mapping[str, str], response: httpx.Response, answer: bytes, sent_md5: str
) -> StoredObject:
    said = xml_fields(answer, "PostResponse") if answer.strip() else None
    if said is None:
        if response.status_code == 201:
            raise malformed_storage_answer("no PostResponse", answer)
        said = {}  # 200/204: an empty body; headers may say more
    bucket = said.get("Bucket") or None
    key = said.get("Key") or _field(fields, "key")
    etag = (said.get("ETag") or response.headers.get("ETag") or "").strip().strip('"') or None
    location = said.get("Location") or response.headers.get("Location") or ""
    if not location:
        if key is None:
            raise malformed_storage_answer("no Location and no Key", answer)
        location = object_url(url, key)
    if etag is not None and _PLAIN_MD5.match(etag) and etag != sent_md5:
        raise IntegrityError(
            "The file storage holds something other than what was sent (checksums differ). "
            "Send the file again.",
            detail=f"ETag {etag}, sent MD5 {sent_md5}",
        )
    return StoredObject(location=location, bucket=bucket, key=key, etag=etag)
