"""The gateway's public keys from its JWKS document: chosen by ``kid``, cached, refreshed at a bounded rate.

PyJWT's ``PyJWKClient`` fetches with ``urllib`` and would block the event loop; the set is fetched here with
aiohttp and each key is built with PyJWT's ``PyJWK``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Collection
from typing import Any

import aiohttp
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from .settings import without_credentials

logger = logging.getLogger(__name__)

#: a JWKS document is a few keys; anything larger is not one
MAX_JWKS_BYTES = 256 * 1024


class JwksUnavailable(Exception):
    """No key set could be fetched yet, so no token can be checked."""


class JwksKeys:
    """The signing keys published at a JWKS URL.

    :param url: where the JWKS document is
    :param algorithms: the algorithms accepted; keys for others are left out
    :param cache_seconds: how long a fetched set is used before it is fetched again
    :param refresh_seconds: the least time between two fetches (an unknown ``kid`` asks for one)
    :param timeout: seconds one fetch may take
    :param clock: monotonic seconds (tests move it forward)
    """

    def __init__(
        self,
        url: str,
        *,
        algorithms: Collection[str],
        cache_seconds: float = 300,
        refresh_seconds: float = 60,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.algorithms = frozenset(algorithms)
        self.cache_seconds = cache_seconds
        self.refresh_seconds = refresh_seconds
        self.timeout = timeout
        self.clock = clock
        self.fetches = 0
        self._keys: dict[str | None, PyJWK] = {}
        self._fetched: float | None = None
        self._attempted: float | None = None
        self._refreshing: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        """Open the HTTP session and try a first fetch (a failure is logged; requests try again later)."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        await self._refresh()

    async def close(self) -> None:
        if self._refreshing is not None:
            self._refreshing.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def key_for(self, kid: str | None) -> PyJWK | None:
        """The key a token names, or ``None`` if the set has no such key.

        :param kid: the token header's ``kid``; without one, the set's only key
        :raise JwksUnavailable: no key set has been fetched yet
        """
        key = self._lookup(kid)
        now = self.clock()
        stale = self._fetched is None or now - self._fetched >= self.cache_seconds
        if (key is None or stale) and self._may_fetch(now):
            await self._refresh()
            key = self._lookup(kid)
        if self._fetched is None:
            raise JwksUnavailable(f"no key set fetched from {without_credentials(self.url)} yet")
        return key

    def _lookup(self, kid: str | None) -> PyJWK | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _may_fetch(self, now: float) -> bool:
        # Tokens with made-up kids must not turn into a stream of fetches: one per refresh interval at most.
        if self._refreshing is not None and not self._refreshing.done():
            return True
        return self._attempted is None or now - self._attempted >= self.refresh_seconds

    async def _refresh(self) -> None:
        # Concurrent requests that need a fetch share one.
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._fetch())
        task = self._refreshing
        try:
            await asyncio.shield(task)
        finally:
            if task.done() and self._refreshing is task:
                self._refreshing = None

    async def _fetch(self) -> None:
        self._attempted = self.clock()
        self.fetches += 1
        where = without_credentials(self.url)
        if self._session is None:
            raise RuntimeError("JwksKeys.open() was not called")
        try:
            async with self._session.get(self.url, headers={"Accept": "application/json"}) as response:
                if response.status != 200:
                    logger.warning("JWKS fetch from %s answered %d; keeping the keys we have", where, response.status)
                    return
                raw = await response.content.read(MAX_JWKS_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("JWKS fetch from %s failed (%s); keeping the keys we have", where, type(exc).__name__)
            return
        keys = self._parse(raw, where)
        if keys is None:
            return
        added = sorted(str(kid) for kid in keys.keys() - self._keys.keys())
        removed = sorted(str(kid) for kid in self._keys.keys() - keys.keys())
        if added or removed:
            logger.info("JWKS from %s: %d keys (added %s, removed %s)", where, len(keys), added, removed)
        self._keys = keys
        self._fetched = self.clock()

    def _parse(self, raw: bytes, where: str) -> dict[str | None, PyJWK] | None:
        if len(raw) > MAX_JWKS_BYTES:
            logger.warning("JWKS from %s is larger than %d bytes; ignored", where, MAX_JWKS_BYTES)
            return None
        try:
            document = json.loads(raw)
        except ValueError:
            logger.warning("JWKS from %s is not JSON; ignored", where)
            return None
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            logger.warning("JWKS from %s has no 'keys' list; ignored", where)
            return None
        keys: dict[str | None, PyJWK] = {}
        for entry in entries:
            key = self._usable(entry)
            if key is not None:
                keys[key.key_id] = key
        if not keys:
            logger.warning(
                "JWKS from %s has no key we can use (algorithms %s); ignored", where, sorted(self.algorithms)
            )
            return None
        return keys

    def _usable(self, entry: Any) -> PyJWK | None:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or entry.get("kty") == "oct":
            # A shared secret has no place in a public document; encryption keys do not sign.
            return None
        try:
            key = PyJWK(entry)
        except (PyJWKError, ValueError, TypeError):
            return None
        return key if key.algorithm_name in self.algorithms else None
