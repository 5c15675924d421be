"""The loopback sign-in listener, sent generated requests over a real socket: each gets an
HTTP answer (or a clean close, for a body cut short), and nothing raises inside it."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from satchel.auth.loopback import LoopbackListener
from tests.properties.answers import bodies, header_values, json_values

PATH, STATE = "/satchel-callback", "the-state-of-this-sign-in"
ANSWER = re.compile(rb"HTTP/1\.1 (200|400|403|404|405|409|421)( [A-Za-z ]+)?\r\n")
READ_TIMEOUT_SECONDS = 10

answers = st.one_of(
    st.fixed_dictionaries(
        {"state": st.sampled_from([STATE, "", "other"]), "token": st.text(max_size=20)},
        optional={"error": st.text(max_size=10)},
    ).map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    bodies,
)


@st.composite
def requests(draw: Any) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return bytes(draw(st.binary(max_size=200)))
    method = draw(st.sampled_from(["GET", "POST", "PUT", "POST ", "", "G\x00T"]))
    path = draw(st.one_of(st.sampled_from([PATH, PATH + "?x=1", "/", "//"]), st.text(max_size=9)))
    body = draw(answers)
    length = draw(st.one_of(st.just(str(len(body))), header_values))
    origin = draw(st.sampled_from(["", "Origin: http://127.0.0.1:{port}\r\n", "Origin: x\r\n"]))
    extra = draw(st.lists(header_values, max_size=3))
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n{origin}"
    head += "".join(f"X-{i}: {value}\r\n" for i, value in enumerate(extra))
    return head.encode("latin-1", "replace") + b"\r\n" + body


async def _exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request.replace(b"{port}", str(port).encode()))
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        async with asyncio.timeout(READ_TIMEOUT_SECONDS):
            return await reader.read()
    except ConnectionError:
        return b""  # the listener closed first: a clean refusal
    finally:
        writer.close()


def test_any_request_to_the_callback_gets_an_answer_or_a_clean_close() -> None:
    loop = asyncio.new_event_loop()
    trouble: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: trouble.append(context))
    listener = LoopbackListener(PATH, STATE, 0)
    loop.run_until_complete(listener.__aenter__())
    try:

        @given(request=requests())
        def check(request: bytes) -> None:
            reply = loop.run_until_complete(_exchange(listener.port, request))
            assert reply == b"" or ANSWER.match(reply), reply[:200]
            unexpected = [c for c in trouble if "never retrieved" not in c.get("message", "")]
            assert not unexpected, unexpected

        check()
    finally:
        loop.run_until_complete(listener.aclose())
        loop.close()
