"""`satchel sandbox --faults ...`: faults on demand, on the API and on the path to storage.

An ASGI middleware outside the key check (create_app's `outer_middleware`) draws a
fault for each API request:

- 503 / 429: answered at once, the request never handled;
- slow: the answer waits a few seconds;
- reset: the connection drops half-way through the answer's body, half of the time
  after the request was handled (its effect stays: the client must not do it twice),
  half of the time before;
- expired-policy: step 1 hands out an upload form whose policy has already expired,
  while saying it is good for 15 minutes (as with a skewed clock): storage refuses it.

When any fault is on, upload forms and download links point at a FaultForwarder in
front of S3, so storage requests get 503/429/slow/reset too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from satchel.sandbox.fault_forwarder import FaultForwarder
from satchel.sandbox.fault_plan import API_FAULTS, Fault, FaultPlan, parse_faults
from satchel.sandbox.s3 import S3Gateway

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: Productive's dialect: its faults answer in JSON:API, with its 429 header.
PRODUCTIVE_PREFIX = "/api/v2"
_EXPIRED_TTL = timedelta(minutes=-5)


class InjectedReset(Exception):
    """Raised after part of an answer went out: the server then drops the connection."""


class _QuietResets(logging.Filter):
    """uvicorn logs every exception of the app with a traceback; ours are on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, InjectedReset)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--faults",
        default="",
        type=_checked,
        metavar="KIND=RATE,...",
        help="inject faults into that fraction of requests: 503, 429, reset, slow, "
        "expired-policy; and Trello's download route modes download-200 (the bytes, not a "
        "302) and head-405 (HEAD refused) (e.g. 503=0.05,reset=0.02,head-405=1)",
    )
    parser.add_argument(
        "--faults-seed", type=int, default=None, metavar="N", help="repeatable fault draws"
    )


def _checked(text: str) -> str:
    """Refuse a malformed list when the arguments are read, before anything starts."""
    try:
        parse_faults(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def middleware(args: argparse.Namespace, gateway: S3Gateway) -> Sequence[Middleware]:
    """What `runner.run` passes as create_app's outer_middleware (nothing without --faults)."""
    plan = parse_faults(args.faults or "", args.faults_seed)
    if not plan.active:
        return ()
    log.info("Injecting faults: %s (seed %s)", args.faults, args.faults_seed)
    logging.getLogger("uvicorn.error").addFilter(_QuietResets())
    return [Middleware(FaultMiddleware, plan=plan, gateway=gateway)]


class FaultMiddleware:
    def __init__(self, app: ASGIApp, plan: FaultPlan, gateway: S3Gateway) -> None:
        self.app = app
        self.plan = plan
        self.gateway = gateway
        self.forwarder = FaultForwarder(gateway.settings.endpoint, plan)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._lifespan_receive(receive), send)
            return
        path: str = scope.get("path", "")
        productive = path.startswith(PRODUCTIVE_PREFIX + "/")
        if scope["type"] != "http" or not (path.startswith(API_PREFIX + "/") or productive):
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        creates = method == "POST" and path in {
            API_PREFIX + "/attachments",
            PRODUCTIVE_PREFIX + "/attachments",
        }
        allowed = API_FAULTS | {Fault.EXPIRED_POLICY} if creates else API_FAULTS
        fault = self.plan.draw(allowed)
        if fault is not None:
            log.info("injected %s on %s %s", fault.value, method, path)
        if fault is Fault.UNAVAILABLE:
            await _problem(send, 503, "service_unavailable", {"Retry-After": "1"}, productive)
            return
        if fault is Fault.RATE_LIMITED:
            reset = {"X-RateLimit-Reset": "1"} if productive else {}
            await _problem(send, 429, "rate_limited", reset, productive)
            return
        if fault is Fault.SLOW:
            await asyncio.sleep(self.plan.slow_delay())
        if fault is Fault.RESET and self.plan.coin():
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise InjectedReset("before handling")
        await self._answer(scope, receive, send, fault)

    def _lifespan_receive(self, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.forwarder.start()
            elif message["type"] == "lifespan.shutdown":
                await self.forwarder.stop()
            return message

        return wrapped

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, fault: Fault | None
    ) -> None:
        """Run the app, then pass its answer on: rewritten for the forwarder, maybe cut."""
        start: Message | None = None
        body = bytearray()

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, keep)
        assert start is not None
        status: int = start["status"]
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        if status == 201 and scope["method"] == "POST":
            body = bytearray(self._rewrite_created(bytes(body), fault is Fault.EXPIRED_POLICY))
        elif status == 307:
            headers = [
                (k, self._via_forwarder(v) if k.lower() == b"location" else v) for k, v in headers
            ]
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if fault is Fault.RESET:
            cut = int(len(body) * self.plan.fraction())
            await send({"type": "http.response.body", "body": bytes(body[:cut]), "more_body": True})
            raise InjectedReset("after handling")
        await send({"type": "http.response.body", "body": bytes(body)})

    def _via_forwarder(self, url: bytes) -> bytes:
        endpoint = self.gateway.settings.endpoint.rstrip("/").encode()
        if self.forwarder.base_url and url.startswith(endpoint):
            return self.forwarder.base_url.encode() + url[len(endpoint) :]
        return url

    def _rewrite_created(self, body: bytes, expire: bool) -> bytes:
        answer: dict[str, Any] = json.loads(body)
        data = answer.get("data")
        if isinstance(data, dict):  # Productive: the policy is data.attributes.aws_policy
            if expire:
                attributes = data["attributes"]
                policy = attributes["aws_policy"]
                form = self.gateway.upload_form(
                    policy["key"], int(attributes["size"]), attributes["content_type"],
                    ttl=_EXPIRED_TTL,
                )  # fmt: skip
                attributes["aws_policy"] = {**policy, **form.fields}
            return json.dumps(answer).encode()
        upload = answer.get("upload")
        if not isinstance(upload, dict):
            return body
        if expire:
            fields = upload["fields"]
            form = self.gateway.upload_form(
                fields["key"], int(answer["size"]), answer["content_type"], ttl=_EXPIRED_TTL
            )
            upload["fields"] = form.fields  # upload_expires_at still says 15 minutes
        upload["url"] = self._via_forwarder(upload["url"].encode()).decode()
        return json.dumps(answer).encode()


async def _problem(
    send: Send, status: int, code: str, extra: dict[str, str], jsonapi: bool = False
) -> None:
    """An injected refusal, in the problem shape, or Productive's JSON:API errors."""
    if jsonapi:
        title = "Too many requests" if status == 429 else "Server Error"
        detail = "Rate limit reached. Try again later" if status == 429 else "Injected fault."
        said: dict[str, Any] = {"errors": [{"status": status, "title": title, "detail": detail}]}
        media_type = b"application/vnd.api+json"
    else:
        said = {
            "type": f"https://satchel.dev/problems/{code}", "title": code, "status": status,
            "detail": "Injected fault: try again later.", "code": code,
        }  # fmt: skip
        media_type = b"application/problem+json"
    body = json.dumps(said).encode()
    headers = [(b"content-type", media_type)]
    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
