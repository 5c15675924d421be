"""Error answers and headers, generated: every one maps to a domain error with a message a
person can read, and every header gives a finite wait or none; never another exception."""

from __future__ import annotations

import math
from collections.abc import Callable

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satchel.domain.errors import SatchelError, ServiceUnavailable
from satchel.providers.http import error_for_response
from satchel.providers.productive_http import productive_error, reset_seconds
from satchel.providers.trello_http import trello_error
from satchel.storage.s3_answers import (
    Operation,
    parse_s3_error,
    retry_after_seconds,
    storage_error,
    xml_fields,
)
from tests.properties.answers import bodies, header_values, statuses

error_statuses = st.integers(min_value=400, max_value=599)
PROBLEM_TYPES = ["application/problem+json", "application/json", "text/plain", "text/html",
                 "application/vnd.api+json", "application/xml"]  # fmt: skip

MAPPERS: dict[str, Callable[[httpx.Response], SatchelError]] = {
    "bearer (problem+json)": error_for_response,
    "trello (plain text and JSON)": trello_error,
    "productive (JSON:API errors)": productive_error,
}


def _headers(name: str, value: str) -> httpx.Headers:
    """A header as it comes off the wire: latin-1 bytes, not text httpx would encode."""
    return httpx.Headers({name: value.encode("latin-1", "replace")})


def _response(status: int, body: bytes, content_type: str, retry: str) -> httpx.Response:
    said = retry.encode("latin-1", "replace")  # as it comes off the wire: bytes
    headers = {"Content-Type": content_type, "Retry-After": said, "X-RateLimit-Reset": said}
    return httpx.Response(status, content=body, headers=headers)


@pytest.mark.parametrize("mapper", MAPPERS)
@given(
    status=error_statuses,
    body=bodies,
    content_type=st.sampled_from(PROBLEM_TYPES),
    retry=header_values,
)
def test_any_error_answer_becomes_a_domain_error_a_person_can_read(
    mapper: str, status: int, body: bytes, content_type: str, retry: str
) -> None:
    error = MAPPERS[mapper](_response(status, body, content_type, retry))
    assert isinstance(error, SatchelError)
    assert error.message.strip()
    assert error.detail is None or len(error.detail) <= 500
    if isinstance(error, ServiceUnavailable) and error.retry_after is not None:
        assert math.isfinite(error.retry_after) and error.retry_after >= 0


@given(value=header_values)
def test_retry_after_is_a_finite_wait_or_none(value: str) -> None:
    seconds = retry_after_seconds(_headers("Retry-After", value))
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@given(value=header_values)
def test_a_rate_limit_reset_is_a_finite_wait_or_none(value: str) -> None:
    seconds = reset_seconds(_headers("X-RateLimit-Reset", value))
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


xml_like = st.one_of(
    bodies,
    st.builds(
        lambda root, code, message: (
            f"<?xml version='1.0'?><{root}><Code>{code}</Code><Message>{message}</Message>"
            f"<Location>{message}</Location><Key>{code}</Key></{root}>"
        ).encode(),
        st.sampled_from(["Error", "PostResponse", "Other"]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), max_size=20),
        st.text(max_size=30),
    ),
    st.just(b"<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>"
            b"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
            b"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><Error><Code>&c;</Code></Error>"),
)  # fmt: skip


@given(body=xml_like, root=st.sampled_from(["Error", "PostResponse"]))
def test_an_s3_xml_answer_gives_its_fields_or_none(body: bytes, root: str) -> None:
    fields = xml_fields(body, root)
    assert fields is None or all(isinstance(v, str) for v in fields.values())
    error = parse_s3_error(body)
    assert error.detail is None or len(error.detail) <= 500


@given(
    status=statuses,
    body=xml_like,
    retry=header_values,
    operation=st.sampled_from(Operation),
)
def test_any_storage_refusal_becomes_a_domain_error(
    status: int, body: bytes, retry: str, operation: Operation
) -> None:
    error = storage_error(status, body, _headers("Retry-After", retry), operation)
    assert isinstance(error, SatchelError) and error.message.strip()
