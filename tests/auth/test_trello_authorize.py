"""The Trello sign-in, end to end against the local service, with httpx playing the browser."""

from __future__ import annotations

import asyncio
import re
import socket
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from satchel.auth.trello_authorize import (
    CALLBACK_PATH,
    AuthorizationDenied,
    AuthorizationTimedOut,
    authorize,
    check_pasted_token,
    paste_url,
)
from satchel.domain.errors import UsageError
from satchel.providers.trello import TrelloProvider
from tests.support.sandbox import SandboxInfo
from tests.support.trello import deliver, demo_credentials, press

pytestmark = pytest.mark.asyncio

NEW_TOKEN = re.compile(r"ATTA[0-9a-f]{64}[0-9A-F]{8}")


class Browser:
    """Stands in for the system browser: remembers what Satchel asked it to open."""

    def __init__(self) -> None:
        self.opened: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def open(self, url: str) -> bool:
        self.opened.set_result(url)
        return True


def port_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


async def start(sandbox: SandboxInfo, **options: object) -> tuple[Browser, asyncio.Task[str]]:
    browser = Browser()
    flow = asyncio.create_task(
        authorize(
            demo_credentials(sandbox).key,
            open_browser=browser.open,
            api_url=sandbox.base_url,
            port=0,
            **options,  # type: ignore[arg-type]
        )
    )
    return browser, flow


async def test_allow_brings_a_token_that_works(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=20)
    url = await asyncio.wait_for(browser.opened, 5)
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/1/authorize"
    assert query["scope"] == ["read,write"] and query["expiration"] == ["30days"]
    assert query["callback_method"] == ["fragment"] and query["response_type"] == ["token"]
    return_url = urlsplit(query["return_url"][0])
    assert return_url.hostname == "127.0.0.1" and return_url.path == CALLBACK_PATH
    assert len(parse_qs(return_url.query)["state"][0]) >= 24

    async with httpx.AsyncClient() as client:
        allowed = await press(client, url, "Allow", sandbox)
        assert allowed.status_code == 302
        location = allowed.headers["location"]
        assert location.startswith(query["return_url"][0] + "#token=ATTA")
        delivered = await deliver(client, location)
    assert delivered.status_code == 200
    assert "signed in" in delivered.json()["message"]

    token = await asyncio.wait_for(flow, 5)
    assert NEW_TOKEN.fullmatch(token)
    assert port_closed(return_url.port or 0)
    key = demo_credentials(sandbox).key
    async with TrelloProvider(sandbox.base_url, key, token) as provider:
        me = await provider.whoami()
    assert me.scope == "read,write" and me.can_write
    assert me.expires_at is not None
    assert abs(me.expires_at - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)


async def test_the_chosen_expiration_reaches_the_token(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=20, expiration="1hour")
    url = await asyncio.wait_for(browser.opened, 5)
    async with httpx.AsyncClient() as client:
        await deliver(client, (await press(client, url, "Allow", sandbox)).headers["location"])
    token = await asyncio.wait_for(flow, 5)
    async with TrelloProvider(sandbox.base_url, demo_credentials(sandbox).key, token) as provider:
        info = await provider.token_info()
    assert info.expires_at is not None
    assert abs(info.expires_at - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(minutes=5)


async def test_deny_is_a_clear_refusal_and_the_listener_closes(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=20)
    url = await asyncio.wait_for(browser.opened, 5)
    port = urlsplit(parse_qs(urlsplit(url).query)["return_url"][0]).port or 0
    async with httpx.AsyncClient() as client:
        denied = await press(client, url, "Deny", sandbox)
        assert denied.status_code == 302
        assert "#token=&error=" in denied.headers["location"]
        said = await deliver(client, denied.headers["location"])
    assert said.status_code == 200 and "not given access" in said.json()["message"]
    with pytest.raises(AuthorizationDenied, match="Deny"):
        await asyncio.wait_for(flow, 5)
    assert port_closed(port)


async def test_no_answer_in_time_is_a_timeout(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=0.3)
    url = await asyncio.wait_for(browser.opened, 5)
    port = urlsplit(parse_qs(urlsplit(url).query)["return_url"][0]).port or 0
    with pytest.raises(AuthorizationTimedOut, match=r"within 0 seconds|paste"):
        await asyncio.wait_for(flow, 5)
    assert port_closed(port)


async def test_a_wrong_state_is_ignored_and_the_sign_in_goes_on(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=20)
    url = await asyncio.wait_for(browser.opened, 5)
    async with httpx.AsyncClient() as client:
        location = (await press(client, url, "Allow", sandbox)).headers["location"]
        refused = await deliver(client, location, state="not-the-state")
        assert refused.status_code == 400
        assert "does not belong to Satchel's current sign-in" in refused.json()["message"]
        await asyncio.sleep(0.1)
        assert not flow.done()  # a stray or hostile page cannot end someone's sign-in
        await deliver(client, location)
    assert NEW_TOKEN.fullmatch(await asyncio.wait_for(flow, 5))


async def test_a_request_for_another_host_is_refused(sandbox: SandboxInfo) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header says so."""
    browser, flow = await start(sandbox, timeout=20)
    url = await asyncio.wait_for(browser.opened, 5)
    async with httpx.AsyncClient() as client:
        location = (await press(client, url, "Allow", sandbox)).headers["location"]
        parts = urlsplit(location)
        state = parse_qs(parts.query)["state"][0]
        rebound = {"Host": f"rebind.attacker.example:{parts.port}"}
        page = await client.get(f"{parts.scheme}://{parts.netloc}{parts.path}", headers=rebound)
        assert page.status_code == 421
        forged = await client.post(
            f"{parts.scheme}://{parts.netloc}{parts.path}",
            json={"token": "ATTAforged", "error": "", "state": state},
            headers={**rebound, "Origin": f"http://rebind.attacker.example:{parts.port}"},
        )
        assert forged.status_code == 421
        assert not flow.done()
        await deliver(client, location)
    assert NEW_TOKEN.fullmatch(await asyncio.wait_for(flow, 5))


async def test_another_origin_may_not_answer(sandbox: SandboxInfo) -> None:
    browser, flow = await start(sandbox, timeout=20)
    url = await asyncio.wait_for(browser.opened, 5)
    async with httpx.AsyncClient() as client:
        location = (await press(client, url, "Allow", sandbox)).headers["location"]
        parts = urlsplit(location)
        state = parse_qs(parts.query)["state"][0]
        forged = await client.post(
            f"{parts.scheme}://{parts.netloc}{parts.path}",
            json={"token": "ATTAforged", "error": "", "state": state},
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403
        assert not flow.done()
        await deliver(client, location)  # the real page still gets through
    assert (await asyncio.wait_for(flow, 5)) != "ATTAforged"


async def test_a_busy_port_is_a_usage_error(sandbox: SandboxInfo) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"Port {port} on this computer is in use"):
            await authorize(
                "k" * 32, open_browser=lambda _url: True, api_url=sandbox.base_url, port=port
            )


async def test_the_paste_fallback_shows_a_token_that_checks_out(sandbox: SandboxInfo) -> None:
    credentials = demo_credentials(sandbox)
    url = paste_url(credentials.key, api_url=sandbox.base_url, expiration="1day")
    assert "return_url" not in url
    async with httpx.AsyncClient() as client:
        shown = await press(client, url, "Allow", sandbox)
    assert shown.status_code == 200
    token = re.search(r'<pre id="token">([^<]+)</pre>', shown.text)
    assert token is not None

    async def members_me(pasted: str) -> str:
        async with TrelloProvider(sandbox.base_url, credentials.key, pasted) as provider:
            return (await provider.whoami()).name

    pasted, name = await check_pasted_token(f"  {token[1]}\n", members_me)
    assert pasted == token[1]
    assert name
