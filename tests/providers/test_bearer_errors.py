"""Every answer the service can give becomes one domain error a person can act on.

403, 422, 503 with Retry-After and paging are tested against the local service itself
(tests/sandbox/test_bearer_provider_answers.py); here only what it cannot be made to say."""

from __future__ import annotations

import httpx
import pytest
import respx

from satchel.domain.errors import (
    MalformedResponse,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    SatchelError,
    ServiceUnavailable,
    SignInRequired,
)
from satchel.providers.bearer import BearerProvider
from satchel.providers.retries import RetryPolicy

from .conftest import API, API_KEY, BASE, problem

PROBLEM = {"Content-Type": "application/problem+json"}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "code", "detail", "error_type", "headline"),
    [
        (401, "unauthorized", "API key revoked", SignInRequired, "Sign in again with a new key"),
        (404, "not_found", "no such board", NotFound, "Refresh"),
    ],
)
async def test_problem_codes(
    service: respx.MockRouter,
    provider: BearerProvider,
    status: int,
    code: str,
    detail: str,
    error_type: type[SatchelError],
    headline: str,
) -> None:
    headers = PROBLEM
    service.get(f"{API}/boards/b1/lists").respond(
        status, json=problem(status, code, detail), headers=headers
    )
    with pytest.raises(error_type) as caught:
        await provider.list_lists("b1")
    error = caught.value
    assert type(error) is error_type
    assert headline in error.message
    assert detail in (error.detail or "")  # the service's own words, kept for the log


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("response", "error_type"),
    [
        (httpx.Response(401, text="invalid token"), SignInRequired),
        (httpx.Response(429, headers={"Retry-After": "7"}), RateLimited),
        (httpx.Response(500, text="<html>oops</html>"), ServiceUnavailable),
        (httpx.Response(502), ServiceUnavailable),
        (httpx.Response(409, text="conflict"), Rejected),
        (httpx.Response(200, text="<html>not json</html>"), MalformedResponse),
        (httpx.Response(200, json=["not", "an", "object"]), MalformedResponse),
        (httpx.Response(200, json={"data": [{"id": "b1"}], "next": None}), MalformedResponse),
        (httpx.Response(200, json={"data": "nope", "next": None}), MalformedResponse),
        (httpx.Response(302, headers={"Location": "/login"}), MalformedResponse),
    ],
    ids=[
        "401 text",
        "429",
        "500 html",
        "502 empty",
        "409",
        "not JSON",
        "not an object",
        "board without name",
        "data not a list",
        "unexpected redirect",
    ],
)
async def test_other_answers(
    service: respx.MockRouter,
    provider: BearerProvider,
    response: httpx.Response,
    error_type: type[SatchelError],
) -> None:
    service.get(f"{API}/boards").mock(return_value=response)
    with pytest.raises(error_type):
        await provider.list_boards()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection"),
    ],
)
async def test_transport_failures(
    service: respx.MockRouter, provider: BearerProvider, failure: Exception
) -> None:
    service.get(f"{API}/me").mock(side_effect=failure)
    with pytest.raises(NetworkError) as caught:
        await provider.whoami()
    assert caught.value.retryable


@pytest.mark.asyncio
async def test_secret_echoed_by_the_service_is_scrubbed(
    service: respx.MockRouter, provider: BearerProvider
) -> None:
    echo = problem(401, "unauthorized", f"key {API_KEY} was revoked")
    service.get(f"{API}/me").respond(401, json=echo, headers=PROBLEM)
    with pytest.raises(SignInRequired) as caught:
        await provider.whoami()
    assert API_KEY not in str(caught.value)
    assert API_KEY not in (caught.value.detail or "")
    assert API_KEY not in repr(provider)


@pytest.mark.asyncio
async def test_a_429_is_tried_again_like_every_provider(service: respx.MockRouter) -> None:
    route = service.get(f"{API}/boards")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(200, json={"data": [], "next": None}),
    ]
    async with BearerProvider(BASE, API_KEY, backoff=RetryPolicy(base_delay=0.01)) as bearer:
        assert await bearer.list_boards() == []
    assert route.call_count == 2
