"""Which addresses Satchel may send a secret to, and which links it may hand to the desktop.

A service address carries API keys and tokens in every request: it must be https,
except on this computer (the local service), where nothing crosses a network.
A link from an attachment or a Markdown file is someone else's choice: only web pages
and mail open; `file:`, `smb:`, UNC paths (which send the Windows login hash),
`ms-msdt:` and custom schemes are shown, never opened.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from satchel.domain.errors import UsageError

#: The one list of link schemes a click may open (attachments and the Markdown preview).
OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def service_address_problem(url: str) -> str | None:
    """Why `url` may not be a service address (None when it may), in words for people."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return f"“{url}” is not a web address; give one like https://host/."
    if parts.scheme not in {"http", "https"} or not host:
        return f"“{url}” is not a web address; give one like https://host/."
    if parts.scheme == "http" and not is_loopback_host(host):
        return (
            f"“{url}” uses plain http, which would send your key unencrypted over the "
            "network. Use its https:// address (plain http is only for this computer)."
        )
    return None


def check_service_address(url: str) -> str:
    """`url` without a trailing slash, or UsageError saying why it cannot take a secret."""
    problem = service_address_problem(url)
    if problem is not None:
        raise UsageError(problem)
    return url.strip().rstrip("/")


def is_openable_link(url: str) -> bool:
    """Whether a click may hand `url` to the desktop (a browser or a mail program)."""
    text = url.strip()
    if text.startswith(("\\\\", "//")):  # UNC and scheme-relative: a file share
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        return False
    return scheme == "mailto" or bool(parts.hostname)
