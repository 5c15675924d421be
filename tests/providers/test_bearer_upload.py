"""The four-step upload as the transfer queue runs it: its requests, and that nothing is
left behind when it fails."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import httpx
import pytest
import respx

from satchel.domain.errors import (
    PolicyExpired,
    Rejected,
    StorageDenied,
    TooLarge,
)
from satchel.domain.model import Attachment
from satchel.providers.bearer import BearerProvider
from satchel.providers.retries import RetryPolicy
from satchel.transfers.one_off import upload_file

from .conftest import (
    API,
    API_KEY,
    STORAGE,
    attachment_json,
    pending_json,
    post_response,
    problem,
)

DATA = b"abc"
#: Quick retries: these tests should not sit in backoff.
QUICK = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
POLICY_EXPIRED = (
    "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired"
    "</Message></Error>"
)


async def _upload(provider: BearerProvider, source: Path) -> Attachment:
    return await upload_file(provider, "c1", source, journal_dir=source.parent, retry=QUICK)


@pytest.fixture(autouse=True)
def _known_limit(provider: BearerProvider) -> None:
    provider.max_upload_size = 1000  # known, so the queue asks no `whoami` first


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(DATA)
    return path


def _storage_accepts(request: httpx.Request) -> httpx.Response:
    body = request.content.decode("utf-8", "replace")
    key = body.split('name="key"\r\n\r\n', 1)[1].split("\r\n", 1)[0]
    return httpx.Response(201, text=post_response(key, DATA))


def _happy_service(service: respx.MockRouter) -> dict[str, respx.Route]:
    return {
        "create": service.post(f"{API}/attachments").respond(201, json=pending_json()),
        "send": service.post(STORAGE).mock(side_effect=_storage_accepts),
        "confirm": service.patch(f"{API}/attachments/a1").respond(
            200, json=attachment_json(state="stored")
        ),
        "link": service.post(f"{API}/cards/c1/attachments").respond(
            200, json=attachment_json(state="stored", card_id="c1")
        ),
        "delete": service.delete(url__regex=rf"{API}/attachments/\w+$").respond(204),
        "listed": service.get(f"{API}/cards/c1/attachments").respond(
            200, json={"data": [attachment_json(state="stored", card_id="c1")], "next": None}
        ),
    }


def _fresh_ids(route: respx.Route) -> list[str]:
    """Step 1 answers a new attachment each time; returns the ids it handed out."""
    made: list[str] = []

    def create(_request: httpx.Request) -> httpx.Response:
        made.append(f"n{len(made)}")
        return httpx.Response(201, json=pending_json(made[-1]))

    route.mock(side_effect=create)
    return made


def _deleted(routes: dict[str, respx.Route]) -> list[str]:
    return [c.request.url.path.rsplit("/", 1)[1] for c in routes["delete"].calls]


@pytest.mark.asyncio
async def test_four_steps(
    service: respx.MockRouter,
    provider: BearerProvider,
    source: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    routes = _happy_service(service)
    attachment = await _upload(provider, source)
    assert attachment.card_id == "c1"
    assert attachment.state == "stored"
    assert json.loads(routes["create"].calls.last.request.content) == {
        "name": "report.pdf",
        "content_type": "application/pdf",
        "size": 3,
    }
    assert json.loads(routes["confirm"].calls.last.request.content) == {
        "location": f"{STORAGE}/tenants/t1/attachments/a1"
    }
    assert json.loads(routes["link"].calls.last.request.content) == {"attachment_id": "a1"}
    assert not routes["delete"].called
    # The key goes to the service and nowhere else, and never into a log line.
    for call in service.calls:
        to_service = call.request.url.host == "satchel.test"
        assert ("Authorization" in call.request.headers) == to_service
        assert to_service or API_KEY.encode() not in call.request.content
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


@pytest.mark.asyncio
async def test_cancel_during_send_deletes_the_created_attachment(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    routes = _happy_service(service)
    sending = asyncio.Event()

    async def hang(_request: httpx.Request) -> httpx.Response:
        sending.set()
        await asyncio.sleep(3600)
        raise AssertionError("not reached")

    routes["send"].mock(side_effect=hang)
    task = asyncio.create_task(_upload(provider, source))
    await asyncio.wait_for(sending.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert routes["delete"].call_count == 1
    assert routes["delete"].calls.last.request.url.path == "/api/v1/attachments/a1"
    assert not routes["confirm"].called


@pytest.mark.asyncio
async def test_a_refused_link_deletes_the_created_attachment(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    routes = _happy_service(service)
    refusal = problem(422, "validation_failed", "card archived")
    routes["link"].respond(422, json=refusal)
    with pytest.raises(Rejected):
        await _upload(provider, source)
    assert _deleted(routes) == ["a1"]


@pytest.mark.asyncio
async def test_clean_up_failing_does_not_hide_the_real_error(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    routes = _happy_service(service)
    routes["send"].respond(403, text="<Error><Code>SignatureDoesNotMatch</Code></Error>")
    routes["delete"].respond(503, json=problem(503, "storage_unavailable"))
    with pytest.raises(StorageDenied):
        await _upload(provider, source)
    assert routes["delete"].called


@pytest.mark.asyncio
async def test_expired_policy_is_renewed_once(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    # Expired once, then good: the local service's expired-policy fault is every form or a
    # random share of them. Expired twice is tested against it (tests/transfers/
    # test_fault_service.py).
    routes = _happy_service(service)
    routes["create"].side_effect = [
        httpx.Response(201, json=pending_json("a0")),
        httpx.Response(201, json=pending_json("a1")),
    ]
    sends = 0

    def expired_then_accepted(request: httpx.Request) -> httpx.Response:
        nonlocal sends
        sends += 1
        return httpx.Response(403, text=POLICY_EXPIRED) if sends == 1 else _storage_accepts(request)

    routes["send"].side_effect = expired_then_accepted
    attachment = await _upload(provider, source)
    assert attachment.id == "a1"
    assert routes["create"].call_count == 2
    assert [c.request.url.path for c in routes["delete"].calls] == ["/api/v1/attachments/a0"]


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", ["confirm refused", "policy expired"])
async def test_starting_over_until_the_queue_gives_up_leaves_nothing(
    service: respx.MockRouter, provider: BearerProvider, source: Path, fault: str
) -> None:
    routes = _happy_service(service)
    made = _fresh_ids(routes["create"])
    if fault == "confirm refused":  # the object missing or of the wrong size, each time
        refusal = problem(422, "validation_failed", "object missing or wrong size")
        service.patch(url__regex=rf"{API}/attachments/\w+$").respond(422, json=refusal)
    else:
        routes["send"].respond(403, text=POLICY_EXPIRED)
    with pytest.raises(Rejected if fault == "confirm refused" else PolicyExpired):
        await _upload(provider, source)
    assert len(made) > 2  # a fresh attachment each time, up to the queue's limit
    assert sorted(_deleted(routes)) == sorted(made)


@pytest.mark.asyncio
async def test_a_form_already_past_its_expiry_is_not_sent(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    routes = _happy_service(service)
    routes["create"].side_effect = [
        httpx.Response(201, json=pending_json("a0", expires_at="2001-01-01T00:00:00Z")),
        httpx.Response(201, json=pending_json("a1")),
    ]
    await _upload(provider, source)
    assert routes["send"].call_count == 1
    assert [c.request.url.path for c in routes["delete"].calls] == ["/api/v1/attachments/a0"]


@pytest.mark.asyncio
async def test_too_large_for_the_service_is_refused_before_anything_is_created(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    routes = _happy_service(service)
    provider.max_upload_size = 2
    with pytest.raises(TooLarge, match="up to 2 bytes"):
        await _upload(provider, source)
    assert not routes["create"].called


@pytest.mark.asyncio
async def test_steps_one_by_one(
    service: respx.MockRouter, provider: BearerProvider, source: Path
) -> None:
    _happy_service(service)
    pending = await provider.create_upload("report.pdf", 3, "application/pdf")
    assert (pending.id, pending.key, pending.url) == ("a1", "tenants/t1/attachments/a1", STORAGE)
    assert "f" * 64 not in repr(pending)  # the signed policy stays out of log lines
    stored = await provider.send_upload(pending, source)
    assert stored.location == f"{STORAGE}/tenants/t1/attachments/a1"
    confirmed = await provider.confirm_upload(pending, stored)
    linked = await provider.link_attachment("c1", confirmed.id)
    assert linked.card_id == "c1"
