"""Logging set-up with a filter that keeps secrets out of every log line."""

from __future__ import annotations

import logging
import re

# Things that look like credentials, wherever they appear in a message.
_SECRET_PATTERNS = [
    re.compile(r"(?i)(authorization:\s*)(bearer|oauth)\s+[^\s,]+"),
    re.compile(r"ixk_[A-Za-z0-9_\-]{8,}"),
    re.compile(r"ATTA[0-9A-Fa-f]{64,}"),
    re.compile(
        r"(?i)(oauth_token|oauth_consumer_key|token|key|X-Amz-Signature|X-Amz-Credential|"
        r"x-amz-security-token|signature)=(\"?)[^&\s\"]+"
    ),
]
_known_secrets: set[str] = set()
#: Longest first: a secret that contains another (or overlaps it) goes whole.
_secrets_longest_first: tuple[str, ...] = ()


def register_secret(secret: str) -> None:
    """Scrub this exact value from every later log line, whatever its shape."""
    global _secrets_longest_first
    if len(secret) >= 6:
        _known_secrets.add(secret)
        _secrets_longest_first = tuple(sorted(_known_secrets, key=len, reverse=True))


def redact(text: str) -> str:
    for secret in _secrets_longest_first:
        text = text.replace(secret, "***")
    text = _SECRET_PATTERNS[0].sub(r"\1\2 ***", text)
    text = _SECRET_PATTERNS[1].sub("ixk_***", text)
    text = _SECRET_PATTERNS[2].sub("ATTA***", text)
    # Its case-blind alternation costs more than the rest together (15 us on an access-log
    # line, twice per record): run it only where its "=" is.
    if "=" not in text:
        return text
    return _SECRET_PATTERNS[3].sub(r"\1=\2***", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingFormatter(logging.Formatter):
    """Scrubs the whole formatted record: a traceback (or an exception's text in it) carries
    the secrets the message filter never sees."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: int = logging.WARNING) -> None:
    """Log to stderr with secrets scrubbed. httpx logs full URLs at INFO: keep it at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
