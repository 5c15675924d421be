"""Whether S3 can be used now, and the one way handlers call the (blocking) S3 gateway.

The service starts even when S3 is unreachable; requests that need storage then get 503
until a probe (ensure the bucket, then run the on-ready work) succeeds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from satchel.sandbox import problems
from satchel.sandbox.s3 import S3Gateway, StorageUnavailable
from satchel.sandbox.s3_head import HeadFailed

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: After a failed probe, answer 503 at once for this long instead of probing per request.
PROBE_INTERVAL_SECONDS = 2.0


class StorageGate:
    def __init__(
        self, gateway: S3Gateway, *, ready: bool, on_ready: Callable[[], None] | None = None
    ) -> None:
        self.gateway = gateway
        self._ready = ready
        self._on_ready = on_ready
        self._last_probe = float("-inf")
        self._probe_lock = asyncio.Lock()

    @property
    def ready(self) -> bool:
        return self._ready

    def _probe(self) -> None:
        """In a worker thread: make the bucket, then whatever waited for storage."""
        self.gateway.ensure_bucket()
        if self._on_ready is not None:
            self._on_ready()

    async def require(self) -> S3Gateway:
        """The gateway when S3 is usable; else a 503 Problem."""
        if self._ready:
            return self.gateway
        async with self._probe_lock:
            if self._ready:
                return self.gateway
            if time.monotonic() - self._last_probe < PROBE_INTERVAL_SECONDS:
                raise problems.storage_unavailable()
            self._last_probe = time.monotonic()
            try:
                await run_in_threadpool(self._probe)
            except StorageUnavailable as error:
                log.warning("S3 is still unreachable: %s", error)
                raise problems.storage_unavailable() from error
            log.info("S3 is reachable again")
            self._ready = True
            return self.gateway

    async def call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a gateway method in a worker thread; S3 failing there is a 503."""
        await self.require()
        try:
            return await run_in_threadpool(function, *args, **kwargs)
        except StorageUnavailable as error:
            raise self._failed(error) from error

    async def object_size(self, key: str) -> int | None:
        """The confirm's check: the object's size, None if there is none; S3 failing is a
        503. On the loop when the gateway can (s3_head), else boto3's in a worker thread."""
        head = self.gateway.head_for(key)
        if head is None:
            return await self.call(self.gateway.object_size, key)
        await self.require()
        try:
            return await head.size(key)
        except HeadFailed as error:
            raise self._failed(error) from error

    async def aclose(self) -> None:
        """Close the connections kept for the HEADs (at the service's shutdown)."""
        await self.gateway.aclose()

    def _failed(self, error: Exception) -> problems.Problem:
        log.warning("S3 call failed: %s", error)
        self._ready = False  # the next use probes first
        return problems.storage_unavailable()
