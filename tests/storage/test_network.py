"""httpcore on plain asyncio: every failure ends as the exception httpx raised over
httpcore's own (AnyIO) backend, TLS works directly and through a proxy's CONNECT, a
cancelled read leaves the connection and the loop as they were, and a keep-alive
connection its peer closed is not used again.

Real servers on 127.0.0.1 (asyncio, written out by hand so each test chooses how the
peer misbehaves), a certificate made for the test, and both backends side by side.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

import httpcore
import httpx
import pytest
import respx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from satchel.storage.client import make_storage_client
from satchel.storage.network import AsyncioBackend, AsyncioStream, use_asyncio_streams
from tests.support.qt import _qasync_loop
from tests.support.tcp_forwarder import free_port

Peer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
BACKENDS = ["asyncio", "anyio"]


@asynccontextmanager
async def _serving(peer: Peer, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """`peer` talks to every connection; yields the port."""

    talking: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        talking.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await peer(reader, writer)
        # Cancelled too: asyncio's stream server logs a handler that ends cancelled.
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in talking:
            task.cancel()
        await asyncio.gather(*talking)


def _client(backend: str, **options: object) -> httpx.AsyncClient:
    client = httpx.AsyncClient(**options)  # type: ignore[arg-type]
    return use_asyncio_streams(client) if backend == "asyncio" else client


async def _answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while await reader.readuntil(b"\r\n\r\n"):
        writer.write(OK)


# --- failures, as over AnyIO ------------------------------------------------------------


async def _stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(30)


async def _cut_mid_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b")
    await writer.drain()


async def _reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome")
    await writer.drain()
    await asyncio.sleep(0.05)
    # Linger 0: close sends RST instead of FIN.
    writer.get_extra_info("socket").setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
    )
    writer.transport.abort()


async def _read_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.transport.pause_reading()
    await asyncio.sleep(30)


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("peer", "error", "size"),
    [
        (_stall, httpx.ReadTimeout, 10),
        (_cut_mid_body, httpx.RemoteProtocolError, 10),
        (_reset, httpx.ReadError, 10),
        # More than the kernel buffers on loopback.
        (_read_nothing, httpx.WriteTimeout, 48 * 1024 * 1024),
    ],
)
async def test_a_failing_peer_raises_what_anyio_raised(
    backend: str, peer: Peer, error: type[Exception], size: int
) -> None:
    timeout = httpx.Timeout(5.0, read=0.3, write=0.3)
    async with _serving(peer) as port, _client(backend, timeout=timeout) as client:
        with pytest.raises(error):
            await client.post(f"http://127.0.0.1:{port}/", content=b"x" * size)


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_port_nobody_listens_on_is_a_connect_error(backend: str) -> None:
    async with _client(backend) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{free_port()}/")


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_peer_that_never_accepts_is_a_connect_timeout(backend: str) -> None:
    # A full accept queue: the kernel drops further SYNs and connect() waits.
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener, ExitStack() as fillers:
        for _ in range(4):
            filler = fillers.enter_context(socket.socket())
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
        await asyncio.sleep(0.1)
        port = listener.getsockname()[1]
        async with _client(backend, timeout=httpx.Timeout(5.0, connect=0.3)) as client:
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(f"http://127.0.0.1:{port}/")


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


async def _plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(1)
    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("peer", "error"), [(_silent, httpx.ConnectTimeout), (_plain_http, httpx.ConnectError)]
)
async def test_a_tls_handshake_that_fails_raises_what_anyio_raised(
    backend: str, peer: Peer, error: type[Exception]
) -> None:
    timeout = httpx.Timeout(5.0, connect=0.3)
    async with _serving(peer) as port, _client(backend, timeout=timeout) as client:
        with pytest.raises(error):
            await client.get(f"https://127.0.0.1:{port}/")


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_keep_alive_connection_the_peer_closed_is_not_used_again(backend: str) -> None:
    connections: list[int] = []

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)  # keep-alive by HTTP/1.1's default, then closed anyway
        await writer.drain()

    async with _serving(answer_once) as port, _client(backend) as client:
        for _ in range(3):
            assert (await client.get(f"http://127.0.0.1:{port}/")).text == "ok"
            await asyncio.sleep(0.1)
    assert len(connections) == 3


# --- the stream itself ------------------------------------------------------------------


@pytest.mark.asyncio
async def test_is_readable_once_the_peer_closed_an_idle_connection() -> None:
    closing = asyncio.Event()

    async def close_when_told(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        await closing.wait()

    async with _serving(close_when_told) as port:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", timeout=5)
        assert (await stream.read(1024, timeout=5)).endswith(b"ok")
        await asyncio.sleep(0.05)
        assert stream.get_extra_info("is_readable") is False
        assert stream.get_extra_info("server_addr") == ("127.0.0.1", port)
        assert stream.get_extra_info("client_addr")[0] == "127.0.0.1"
        assert stream.get_extra_info("socket").fileno() >= 0
        closing.set()
        await asyncio.sleep(0.1)
        assert stream.get_extra_info("is_readable") is True
        assert await stream.read(1024, timeout=5) == b""
        await stream.aclose()
        with pytest.raises(httpcore.ReadError):
            await stream.read(1024)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more")


@pytest.mark.asyncio
async def test_a_cancelled_read_leaves_the_connection_and_the_loop_as_they_were() -> None:
    go_on = asyncio.Event()

    async def answer_when_told(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await go_on.wait()
        writer.write(b"late")
        await asyncio.sleep(1)

    loop = asyncio.get_running_loop()
    async with _serving(answer_when_told) as port:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await asyncio.sleep(0.05)
        tasks_before = asyncio.all_tasks()  # this one and the server's
        reading = asyncio.create_task(stream.read(1024, timeout=0.2))
        await asyncio.sleep(0.05)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        assert asyncio.all_tasks() == tasks_before
        assert not [timer for timer in loop._scheduled if not timer.cancelled()]  # type: ignore[attr-defined]
        await asyncio.sleep(0.3)  # past the cancelled read's timeout: nothing fires
        go_on.set()
        assert await stream.read(1024, timeout=5) == b"late"
        await stream.aclose()


@pytest.mark.asyncio
async def test_a_storage_client_reads_on_asyncio_and_respx_still_stands_in() -> None:
    async with _serving(_answer_each) as port, make_storage_client() as client:
        response = await client.get(f"http://127.0.0.1:{port}/")
        assert isinstance(response.extensions["network_stream"], AsyncioStream)
    with respx.mock:
        respx.get("https://storage.example/file").respond(200, content=b"mocked")
        async with make_storage_client() as client:
            assert (await client.get("https://storage.example/file")).content == b"mocked"


# --- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1: (cert, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "cert.pem", folder / "key.pem"


def _tls_pair(certificate: tuple[Path, Path]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(the server's context, a client's that trusts it)."""
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(*certificate)
    return server, ssl.create_default_context(cafile=str(certificate[0]))


async def _connect_proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """An HTTP proxy that only tunnels (CONNECT), to 127.0.0.1 whatever the host."""
    head = await reader.readuntil(b"\r\n\r\n")
    method, target, _version = head.split(b"\r\n")[0].split(b" ")
    assert method == b"CONNECT"
    far_reader, far_writer = await asyncio.open_connection("127.0.0.1", int(target.split(b":")[1]))
    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while piece := await source.read(65536):
            sink.write(piece)
            await sink.drain()
        sink.close()

    try:
        await asyncio.gather(pipe(reader, far_writer), pipe(far_reader, writer))
    finally:
        far_writer.close()


async def _https_round_trips(certificate: tuple[Path, Path]) -> None:
    server_tls, client_tls = _tls_pair(certificate)
    async with _serving(_answer_each, tls=server_tls) as port:
        url = f"https://localhost:{port}/"
        async with _client("asyncio", verify=client_tls) as client:
            for _ in range(2):
                response = await client.get(url)
                assert response.text == "ok"
            stream = response.extensions["network_stream"]
            assert isinstance(stream, AsyncioStream)
            assert isinstance(stream.get_extra_info("ssl_object"), ssl.SSLObject)
            assert stream.get_extra_info("server_addr")[1] == port
        async with _serving(_connect_proxy) as proxy_port:
            proxy = f"http://127.0.0.1:{proxy_port}"
            async with _client("asyncio", verify=client_tls, proxy=proxy) as client:
                response = await client.get(url)
                assert response.text == "ok"
                assert isinstance(response.extensions["network_stream"], AsyncioStream)
        async with _client("asyncio") as client:  # the system's trust: not this certificate
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.get(url)


@pytest.mark.asyncio
async def test_https_directly_and_through_a_proxys_connect(
    certificate: tuple[Path, Path],
) -> None:
    await _https_round_trips(certificate)


def test_https_and_a_timeout_on_the_qt_loop(certificate: tuple[Path, Path]) -> None:
    async def scenario() -> None:
        await _https_round_trips(certificate)
        await test_a_failing_peer_raises_what_anyio_raised("asyncio", _stall, httpx.ReadTimeout, 10)

    with asyncio.Runner(loop_factory=_qasync_loop) as runner:
        runner.run(scenario())
