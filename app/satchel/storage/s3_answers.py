"""What a storage host says back: S3 XML answers, and its errors as domain errors."""

from __future__ import annotations

import email.utils
import math
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from enum import Enum

import httpx

from satchel.domain.errors import (
    LinkExpired,
    MalformedResponse,
    NetworkError,
    NotFound,
    PolicyExpired,
    Rejected,
    SatchelError,
    ServiceUnavailable,
    StorageDenied,
    StorageError,
    TooLarge,
)
from satchel.log import redact

#: Error answers are small; never read more of one than this.
MAX_ERROR_BODY = 64 * 1024
_DETAIL_LIMIT = 500


class Operation(Enum):
    UPLOAD = "upload"
    DOWNLOAD = "download"


@dataclass(frozen=True, slots=True)
class S3Error:
    code: str | None
    message: str | None

    @property
    def detail(self) -> str | None:
        said = ": ".join(p for p in (self.code, self.message) if p)
        return redact(said)[:_DETAIL_LIMIT] if said else None


def _parse_xml(body: bytes) -> ET.Element | None:
    # The body comes from the storage host the service chose, is capped in size, and
    # expat (bundled with CPython >= 3.11) refuses entity-expansion attacks.
    try:
        return ET.fromstring(body)  # noqa: S314
    except ET.ParseError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # drop any xmlns: S3 may or may not send one


def xml_fields(body: bytes, root_tag: str) -> dict[str, str] | None:
    """The text of each child of `<root_tag>`, or None when the body is not that XML."""
    root = _parse_xml(body)
    if root is None or _local(root.tag) != root_tag:
        return None
    return {_local(child.tag): (child.text or "").strip() for child in root}


def parse_s3_error(body: bytes) -> S3Error:
    fields = xml_fields(body, "Error")
    if fields is None:
        text = body.decode("utf-8", "replace").strip()
        return S3Error(code=None, message=text[:_DETAIL_LIMIT] or None)
    return S3Error(code=fields.get("Code") or None, message=fields.get("Message") or None)


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Retry-After as seconds (a delay or an HTTP date); None when absent or unreadable."""
    value = (headers.get("Retry-After") or "").strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() too, which float() refuses
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None  # 400 digits make inf
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


_DENIED_CODES = {
    "AccessDenied",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "InvalidToken",
    "InvalidPolicyDocument",
    "AuthorizationQueryParametersError",
    "AllAccessDisabled",
}
_BUSY_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}


def _is_expiry(error: S3Error) -> bool:
    if error.code == "ExpiredToken":
        return True
    return error.code == "AccessDenied" and "expired" in (error.message or "").lower()


def storage_error(
    status: int, body: bytes, headers: httpx.Headers, operation: Operation
) -> SatchelError:
    """The domain error for a storage host's non-2xx answer."""
    error = parse_s3_error(body)
    detail = error.detail
    upload = operation is Operation.UPLOAD
    if _is_expiry(error):
        if upload:
            return PolicyExpired(
                "The permission to upload ran out before the file was sent. "
                "Send it again: Satchel asks the service for a new permission.",
                detail=detail,
            )
        return LinkExpired(
            "The download link expired before the file arrived. Try again for a fresh link.",
            detail=detail,
        )
    if error.code == "EntityTooLarge":
        return TooLarge(
            "The file is bigger than the upload permission allows: it may have grown since "
            "the upload was prepared. Send it again.",
            detail=detail,
        )
    if error.code == "EntityTooSmall":
        return Rejected(
            "The file is smaller than the upload permission expects: it may have shrunk "
            "since the upload was prepared. Send it again.",
            detail=detail,
        )
    if error.code in _BUSY_CODES or status == 429 or status >= 500:
        retry_after = retry_after_seconds(headers)
        return ServiceUnavailable(
            "The file storage is busy or unavailable. Try again in a little while.",
            detail=detail,
            retry_after=retry_after,
        )
    if error.code in _DENIED_CODES or status in {401, 403}:
        what = "upload permission" if upload else "download link"
        return StorageDenied(
            f"The file storage refused the {what}. Try again; if it keeps failing, the "
            "service's storage settings need fixing.",
            detail=detail,
        )
    if status in {404, 410} and not upload:
        return NotFound(
            "The file is no longer in storage. Refresh to see what the service holds now.",
            detail=detail,
        )
    return StorageError(
        f"The file storage refused the {operation.value} (status {status}). Try again; if it "
        "keeps failing, the service's storage settings need fixing.",
        detail=detail,
    )


def storage_network_error(error: httpx.TransportError) -> NetworkError:
    detail = redact(f"{type(error).__name__}: {error}")[:_DETAIL_LIMIT]
    if isinstance(error, httpx.TimeoutException):
        message = "The file storage did not answer in time. Check the connection and retry."
    elif isinstance(error, httpx.ConnectError):
        message = "Satchel could not reach the file storage. Check the network and retry."
    else:
        message = "The connection to the file storage failed. Check the network and retry."
    return NetworkError(message, detail=detail)


def malformed_storage_answer(what: str, body: bytes) -> MalformedResponse:
    text = body[:200].decode("utf-8", "replace")
    return MalformedResponse(
        f"The file storage sent an answer Satchel cannot read ({what}). Try again.",
        detail=redact(text) or None,
    )
