"""Error answers as RFC 9457 problem documents, with the machine codes of the wire contract."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

PROBLEM_TYPE_BASE = "https://satchel.dev/problems/"
#: How long a client should wait before trying storage again.
STORAGE_RETRY_AFTER_SECONDS = 5

_TITLES = {
    "unauthorized": "Unauthorized",
    "insufficient_scope": "Insufficient scope",
    "forbidden": "Forbidden",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "validation_failed": "Validation failed",
    "storage_unavailable": "Storage unavailable",
    "internal_error": "Internal error",
}


class Problem(Exception):
    """Raise from a handler; the app turns it into an application/problem+json answer."""

    def __init__(
        self, status: int, code: str, detail: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        body = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": _TITLES.get(self.code, self.code),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        return JSONResponse(
            body, self.status, headers=self.headers, media_type="application/problem+json"
        )


def unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", detail, {"WWW-Authenticate": "Bearer"})


def insufficient_scope() -> Problem:
    return Problem(
        403, "insufficient_scope", "This API key is read-only; this request needs read_write."
    )


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


def not_found(detail: str = "The requested resource was not found.") -> Problem:
    return Problem(404, "not_found", detail)


def method_not_allowed(allow: str) -> Problem:
    headers = {"Allow": allow} if allow else {}
    return Problem(405, "method_not_allowed", "This method is not allowed here.", headers)


def validation_failed(detail: str) -> Problem:
    return Problem(422, "validation_failed", detail)


def storage_unavailable() -> Problem:
    return Problem(
        503,
        "storage_unavailable",
        "Object storage is unavailable. Please try again later.",
        {"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)},
    )


def internal_error() -> Problem:
    return Problem(500, "internal_error", "The service failed; see its log.")
