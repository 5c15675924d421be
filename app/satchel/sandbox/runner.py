"""`satchel sandbox`: start S3, the store and the demo data, serve, print one ready line.

stdout carries exactly one JSON line (the ready line, with the demo keys); everything else
is a log line on stderr, with secrets scrubbed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib.util
import json
import logging
import os
import signal
import socket
import sys
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Literal

import uvicorn

from satchel import child_process
from satchel.local_files import private_folder
from satchel.log import configure
from satchel.paths import sandbox_data_dir
from satchel.sandbox import demo, faults
from satchel.sandbox.app import (
    DEFAULT_MAX_UPLOAD_SIZE,
    DEFAULT_ORPHAN_GRACE_SECONDS,
    HostCheckMiddleware,
    SandboxSettings,
    create_app,
)
from satchel.sandbox.big_board import seed_big_board
from satchel.sandbox.fault_plan import parse_faults
from satchel.sandbox.local_s3 import DEFAULT_BUCKET, ExternalS3, running_s3
from satchel.sandbox.productive import demo as productive_demo
from satchel.sandbox.productive.api import ProductiveSettings
from satchel.sandbox.productive.files import FilesHost
from satchel.sandbox.productive.limits import ORGANIZATION_BUDGET, TOKEN_BUDGET, Budget
from satchel.sandbox.productive.store import ProductiveStore
from satchel.sandbox.s3 import S3Gateway, StorageUnavailable
from satchel.sandbox.seaweed import SeaweedError
from satchel.sandbox.storage_gate import StorageGate
from satchel.sandbox.store import Store
from satchel.sandbox.trello import demo as trello_demo
from satchel.sandbox.trello.auth import TokenRateLimiter, TrelloBudgets
from satchel.sandbox.trello.files import TrelloSettings
from satchel.stop_signals import stop_signals

log = logging.getLogger(__name__)

DB_FILE = "satchel.db"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0: a free one")
    parser.add_argument(
        "--data",
        type=Path,
        default=sandbox_data_dir(),
        help="where the store, the demo keys and the local S3 live (kept across runs)",
    )
    s3 = parser.add_argument_group(
        "external S3", "Use this S3-compatible store instead of starting SeaweedFS."
    )
    s3.add_argument("--s3-endpoint", help="e.g. https://s3.eu-west-1.amazonaws.com")
    s3.add_argument(
        "--s3-access-key", default=os.environ.get("SATCHEL_S3_ACCESS_KEY"),
        help="(or SATCHEL_S3_ACCESS_KEY)",
    )  # fmt: skip
    s3.add_argument(
        "--s3-secret-key", default=os.environ.get("SATCHEL_S3_SECRET_KEY"),
        help="(or SATCHEL_S3_SECRET_KEY, which keeps it out of the process list)",
    )  # fmt: skip
    s3.add_argument("--s3-bucket", default=DEFAULT_BUCKET, help="made if missing")
    parser.add_argument(
        "--orphan-grace",
        type=float,
        default=DEFAULT_ORPHAN_GRACE_SECONDS,
        metavar="SECONDS",
        help="delete attachments never linked to a card after this long",
    )
    parser.add_argument(
        "--max-upload-size",
        type=int,
        default=DEFAULT_MAX_UPLOAD_SIZE,
        metavar="BYTES",
        help="largest declared upload size accepted",
    )
    parser.add_argument(
        "--big-board",
        action="store_true",
        help="add to the first demo tenant, once, a board of 5,000 cards and 20,000 attachments",
    )
    productive = parser.add_argument_group("Productive dialect (/api/v2)")
    productive.add_argument(
        "--productive-policy-ttl", type=float, default=60.0, metavar="MINUTES",
        help="how long an upload policy lives (default 60)",
    )  # fmt: skip
    productive.add_argument(
        "--productive-limits", type=_budgets, metavar="N/S,N/S",
        default=(TOKEN_BUDGET, ORGANIZATION_BUDGET),
        help="requests per seconds, per token and per organization (default 100/10,4000/1800)",
    )  # fmt: skip
    trello = parser.add_argument_group("Trello dialect (/1)")
    trello.add_argument(
        "--trello-limits", type=_trello_budgets, metavar="N/S,N/S,N/S",
        default=TrelloBudgets(),
        help="requests per seconds: per token, per key and per token on /1/members/{id} "
        "(default 100/10,300/10,100/900)",
    )  # fmt: skip
    faults.add_arguments(parser)  # --faults, --faults-seed: create_app's outer_middleware


def _trello_budgets(text: str) -> TrelloBudgets:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give three budgets, e.g. 100/10,300/10,100/900"
        )
    try:
        token, key, members = (Budget.parse(part) for part in parts)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return TrelloBudgets(
        TokenRateLimiter(token.limit, token.window),
        TokenRateLimiter(key.limit, key.window),
        TokenRateLimiter(members.limit, members.window),
    )


def _budgets(text: str) -> tuple[Budget, Budget]:
    token, _, organization = text.partition(",")
    try:
        return Budget.parse(token), Budget.parse(organization or token)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _StopRequested(Exception):
    """A stop signal arrived (SIGINT, SIGTERM, SIGHUP; Windows: SIGBREAK): unwind, stopping
    the S3 child on the way out."""


def _on_stop_signal(signum: int, _frame: FrameType | None) -> None:
    # Raise only once: a second signal must not interrupt the clean-up of the first.
    for handled in stop_signals():
        signal.signal(handled, signal.SIG_IGN)
    log.info("Got %s: stopping", signal.Signals(signum).name)
    raise _StopRequested


def _external_s3(args: argparse.Namespace) -> ExternalS3 | None:
    if not args.s3_endpoint:
        return None
    if not (args.s3_access_key and args.s3_secret_key):
        raise ValueError("--s3-endpoint needs --s3-access-key and --s3-secret-key")
    return ExternalS3(args.s3_endpoint.rstrip("/"), args.s3_access_key, args.s3_secret_key)


def _extra_hosts(host: str) -> tuple[str, ...]:
    """The host names the service answers to besides loopback ones (see HostCheckMiddleware)."""
    if host in {"0.0.0.0", "::"}:  # noqa: S104 - comparing, not binding
        return ("*",)
    return (host.strip("[]").lower(),)


def _listen(host: str, port: int) -> socket.socket:
    """Bound and listening before the ready line, so its port is the real one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only
    # then; without it every keep-alive answer waits ~40 ms (Nagle against delayed ACKs).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 - a mapping
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _storage_ready(store: Store, gateway: S3Gateway) -> bool:
    """Make the bucket and the demo objects; False (and serve 503 for storage) if S3 is down."""
    try:
        gateway.ensure_bucket()
        demo.upload_pending(store, gateway)
        productive_demo.upload_pending(store, gateway)
    except StorageUnavailable as error:
        log.warning(
            "S3 at %s is unreachable (%s); storage requests get 503 until it answers",
            gateway.settings.endpoint,
            error,
        )
        return False
    return True


def http_parser() -> Literal["httptools", "h11"]:
    """httptools (C): h11 (pure Python) took a sixth of the service's CPU per request. h11
    stays the fallback where no httptools wheel installs: the service still serves, slower.
    (httptools lets a Host header missing or repeated through: HostCheckMiddleware refuses
    those as h11 did.)"""
    return "h11" if importlib.util.find_spec("httptools") is None else "httptools"


def _server(app: Any, lifespan: Literal["on", "off"], http: str) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_config=None,  # our root logger (stderr, secrets scrubbed) gets everything
        access_log=True,
        http=http,
        lifespan=lifespan,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


async def _serve(
    app: Any,
    sock: socket.socket,
    hosts: list[tuple[Any, socket.socket]],
    ready_line: dict[str, Any],
) -> None:
    """The service and its side hosts (Productive's files host, Trello's web host), each on
    its own origin, until the service stops."""
    http = http_parser()
    log.info("Parsing HTTP with %s", http)
    server = _server(app, "on", http)
    sides = [(_server(a, "off", http), s) for a, s in hosts]
    # uvicorn's signal handling: the one that captures signals must be the last to start.
    side_tasks = [asyncio.create_task(side.serve(sockets=[s])) for side, s in sides]
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not (server.started and all(side.started for side, _s in sides)):
        for task in (serving, *side_tasks):
            if task.done():
                await task
                raise RuntimeError("The server stopped before it started.")
        await asyncio.sleep(0.02)
    sys.stdout.write(json.dumps(ready_line) + "\n")
    sys.stdout.flush()
    log.info("Ready at %s", ready_line["base_url"])
    try:
        await serving
    finally:
        for side, _s in sides:
            side.should_exit = True
        for task in side_tasks:
            await task


def _upload_demo_files(store: Store, gateway: S3Gateway) -> None:
    demo.upload_pending(store, gateway)
    productive_demo.upload_pending(store, gateway)


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; 0 then, 1 when the service could not start."""
    configure(logging.INFO)
    try:
        external = _external_s3(args)
    except ValueError as error:
        log.error("%s", error)
        return 2
    data_dir: Path = args.data.expanduser().resolve()
    private_folder(data_dir)
    for handled in stop_signals():
        signal.signal(handled, _on_stop_signal)
    if sys.platform == "darwin":  # Linux and Windows end it with its parent by themselves
        child_process.exit_with_parent()
    try:
        with contextlib.ExitStack() as cleanup:
            sock = _listen(args.host, args.port)
            cleanup.callback(sock.close)
            files_sock = _listen(args.host, 0)
            cleanup.callback(files_sock.close)
            web_sock = _listen(args.host, 0)  # Trello's web host (attachment urls)
            cleanup.callback(web_sock.close)
            s3_settings = cleanup.enter_context(running_s3(data_dir, args.s3_bucket, external))
            gateway = S3Gateway(s3_settings)
            store = Store(data_dir / DB_FILE)
            cleanup.callback(store.close)
            demo.seed_if_new(store, data_dir)
            productive_demo.seed_if_new(store, data_dir)
            if args.big_board:
                seed_big_board(store)
            storage = StorageGate(
                gateway,
                ready=_storage_ready(store, gateway),
                on_ready=functools.partial(_upload_demo_files, store, gateway),
            )
            token_budget, organization_budget = args.productive_limits
            productive = ProductiveSettings(
                files_url=_base_url(files_sock),
                max_upload_size=args.max_upload_size,
                policy_ttl=timedelta(minutes=args.productive_policy_ttl),
                per_token=token_budget,
                per_organization=organization_budget,
            )
            trello = TrelloSettings(
                args.max_upload_size,
                web_url=_base_url(web_sock),
                budgets=args.trello_limits,
                faults=parse_faults(args.faults or "", args.faults_seed),
            )
            settings = SandboxSettings(
                args.max_upload_size,
                args.orphan_grace,
                productive,
                trello=trello,
                extra_hosts=_extra_hosts(args.host),
            )
            storage_url = f"{s3_settings.endpoint.rstrip('/')}/{s3_settings.bucket}"
            files_app = FilesHost(ProductiveStore(store), storage).app()
            ready_line = {
                "base_url": _base_url(sock),
                "s3_endpoint": s3_settings.endpoint,
                "data_dir": str(data_dir),
                "tenants": demo.read_handout(data_dir),
                "trello": {**trello_demo.handout(store, data_dir), "web_url": trello.web_url},
                "productive": productive_demo.handout(
                    store,
                    data_dir,
                    {"storage_url": storage_url, "files_url": productive.files_url},
                ),
            }
            # uvicorn traps SIGINT/SIGTERM while it serves, then re-raises them into our
            # handler after its shutdown: that unwinds here, through the clean-up above.
            outer = faults.middleware(args, gateway)
            app = create_app(store, storage, settings, outer_middleware=outer)
            extra = _extra_hosts(args.host)
            hosts = [
                (HostCheckMiddleware(files_app, extra), files_sock),
                (HostCheckMiddleware(app.state.trello_web, extra), web_sock),
            ]
            asyncio.run(_serve(app, sock, hosts, ready_line))
    except _StopRequested:
        pass
    except (SeaweedError, OSError) as error:
        log.error("The sandbox could not start: %s", error)
        return 1
    log.info("Stopped")
    return 0
