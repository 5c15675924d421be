"""One error family. Every message says what happened and what a person can do.

`exit_code` is what the command line returns for the error; scripts rely on it
(see the README's table).
"""

from __future__ import annotations


class SatchelError(Exception):
    """Base of every failure Satchel expects. `str(error)` is the message for a person."""

    exit_code = 1
    #: True when trying the same thing again later may well work.
    retryable = False

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The service's own words, kept for the log; never shown as the headline.
        self.detail = detail


class UsageError(SatchelError):
    exit_code = 2


class SignInRequired(SatchelError):
    """401: the secret is missing, wrong, expired or revoked."""

    exit_code = 3


class PermissionDenied(SatchelError):
    """403: signed in, but not allowed to do this."""

    exit_code = 4


class NotFound(SatchelError):
    exit_code = 5


class Rejected(SatchelError):
    """The service understood the request and refused it (422, 409, other 4xx)."""

    exit_code = 6


class ServiceUnavailable(SatchelError):
    """503 / 5xx / 429: the service is busy or down; try again later."""

    exit_code = 7
    retryable = True

    def __init__(
        self, message: str, *, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after


class RateLimited(ServiceUnavailable):
    pass


class NetworkError(SatchelError):
    """The service could not be reached, or the connection dropped."""

    exit_code = 7
    retryable = True


class MalformedResponse(SatchelError):
    """The service answered something Satchel cannot read."""

    exit_code = 8


class StorageError(SatchelError):
    """The storage host refused an upload or a download."""

    exit_code = 9


class PolicyExpired(StorageError):
    """The upload permission ran out before the file was sent; ask for a new one."""

    retryable = True


class TooLarge(StorageError):
    pass


class StorageDenied(StorageError):
    pass


class LinkExpired(StorageError):
    """A presigned link died; resolve a new one."""

    retryable = True


class IntegrityError(StorageError):
    """What arrived is not what was sent (size or checksum differ)."""

    retryable = True


class LocalFileError(SatchelError):
    """A file on this machine cannot be read or written."""

    exit_code = 10


class AlreadyThere(UsageError):
    """A download would replace a file that is there, and nobody asked for that."""


class FileChanged(LocalFileError):
    pass


class DiskFull(LocalFileError):
    pass


class NoKeyring(SatchelError):
    """No OS keyring backend exists here, so no secret can be kept."""

    exit_code = 11


class Cancelled(SatchelError):
    exit_code = 130
