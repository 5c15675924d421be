from __future__ import annotations

import io
import logging

import pytest

from satchel import log


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (
            "GET /api/v1/me Authorization: Bearer ixk_"
            + "abcdefghijklmnopqrstuvwxyz0123",  # a made-up key
            "ixk_abcdefghij",
        ),
        ("key ixk_SECRETSECRETSECRET1234 refused", "SECRETSECRET"),
        (
            'Authorization: OAuth oauth_consumer_key="k1234567", oauth_token="ATTA'
            + "a" * 64
            + 'B"',
            "aaaa",
        ),
        ("GET https://s3/x?X-Amz-Credential=AK/2026&X-Amz-Signature=deadbeefcafe", "deadbeefcafe"),
        (
            "https://api.trello.com/1/members/me?key=0123456789abcdef&token=feedfacefeedface",
            "feedface",
        ),
    ],
)
def test_redact_removes_credentials(line: str, secret: str) -> None:
    assert secret not in log.redact(line)


def test_registered_secrets_are_scrubbed_whatever_their_shape() -> None:
    log.register_secret("plain-words-secret")
    assert "plain-words-secret" not in log.redact("the key was plain-words-secret, sadly")


def test_the_filter_cleans_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("satchel.test")
    logger.addFilter(log.RedactingFilter())
    with caplog.at_level(logging.INFO, logger="satchel.test"):
        logger.info("sending %s", "Authorization: Bearer ixk_verysecretvalue12345")
    assert "verysecretvalue" not in caplog.text
    assert "Bearer ***" in caplog.text


def test_tracebacks_are_scrubbed_too() -> None:
    key = "ixk_" + "TRACEBACKSECRET" * 2  # a made-up key
    root = logging.getLogger()
    noisy = ("httpx", "httpcore", "botocore", "boto3", "urllib3")
    saved = root.handlers[:], root.level, [logging.getLogger(n).level for n in noisy]
    stream = io.StringIO()
    try:
        log.configure(logging.WARNING)
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        try:
            raise ValueError(f"refused Authorization: Bearer {key}")
        except ValueError:
            logging.getLogger("satchel.test").exception("the call failed")
    finally:
        root.handlers[:], level, levels = saved
        root.setLevel(level)
        for name, old in zip(noisy, levels, strict=True):
            logging.getLogger(name).setLevel(old)
    err = stream.getvalue()
    assert "the call failed" in err and "Traceback" in err
    assert "TRACEBACKSECRET" not in err


def test_the_crash_dialog_shows_no_secret() -> None:
    from satchel.ui.error_funnel import ErrorFunnel

    shown: list[tuple[str, str]] = []
    funnel = ErrorFunnel(lambda message, details: shown.append((message, details)), print)
    key = "ixk_" + "CRASHDIALOGSECRET" * 2
    try:
        raise RuntimeError(f"GET https://host/x?token={key}")
    except RuntimeError as error:
        funnel.report(error)
    [(message, details)] = shown
    assert "RuntimeError" in message and "Traceback" in details
    assert "CRASHDIALOGSECRET" not in message + details
