"""The service parses HTTP with httptools, and refuses malformed requests as it did with h11:
uvicorn's plain 400, then the connection closes."""

from __future__ import annotations

import importlib.util
import socket
from urllib.parse import urlsplit

import pytest

from tests.support.sandbox import SandboxInfo

INVALID = b"Invalid HTTP request received."


def _exchange(sandbox: SandboxInfo, request: bytes) -> bytes:
    """The whole answer, read until the service closes the connection."""
    parts = urlsplit(sandbox.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.skipif(
    importlib.util.find_spec("httptools") is None,
    reason="httptools (pyproject's sandbox extra) is not installed: pip install -e '.[test,dev]'",
)
def test_the_service_parses_http_with_httptools(sandbox: SandboxInfo) -> None:
    assert "Parsing HTTP with httptools" in sandbox.log_path.read_text()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /api/v1/me HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/v1/me HTTP/1.1\r\n\r\n",  # no Host
        b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: 1\r\n\r\n",
        b"POST /api/v1/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n",
    ],
    ids=["garbage", "request-line", "no-host", "two-hosts", "header-name", "content-length"],
)
def test_a_malformed_request_gets_a_plain_400_and_the_connection_closes(
    sandbox: SandboxInfo, request_bytes: bytes
) -> None:
    # Keep-alive is asked for: the service must close anyway (the read ends).
    head, _, body = _exchange(sandbox, request_bytes).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"connection: close" in head.lower()
    assert body == INVALID


def test_http_1_0_without_host_is_still_misdirected(sandbox: SandboxInfo) -> None:
    """HTTP/1.0 has no Host rule: the host check answers it, as before."""
    answer = _exchange(sandbox, b"GET /api/v1/me HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 421 ")
