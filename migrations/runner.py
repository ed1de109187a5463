"""Find the versioned migrations, record which ones ran, and run the pending ones under a lock.

Each module in ``migrations/versions`` named ``NNNN_name.py`` is one version. It defines
``description: str`` and ``async def up(db, *, dry_run: bool) -> list[str]``, which returns
human-readable lines about what it did (or would do). Applied versions are recorded in the
``migrations`` collection, one document per version, so running again is a no-op.

Only one runner may apply migrations at a time: it holds the ``migration_lock`` document, taken
with a compare-and-set and kept alive while a migration runs. The lock has an expiry, so a runner
that died does not block the next release for longer than the lock's time to live.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import inspect
import logging
import os
import pkgutil
import re
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ReturnDocument, WriteConcern
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

# Re-exported: applied version modules import it from here, and editing them would change their checksums.
from service.stamps import utcnow as utcnow

log = logging.getLogger(__name__)

#: the database the migrations take: either driver's (``MONGO_DRIVER``); the union makes mypy check every call on both
Database = AsyncIOMotorDatabase[dict[str, Any]] | AsyncDatabase[dict[str, Any]]
Collection = AsyncIOMotorCollection[dict[str, Any]] | AsyncCollection[dict[str, Any]]
#: a stored record of the runner: an applied version, or the lock
Record = dict[str, Any]
Clock = Callable[[], datetime]
T = TypeVar("T")

MIGRATIONS_COLLECTION = "migrations"
LOCK_COLLECTION = "migration_lock"
LOCK_ID = "lock"
VERSIONS_PACKAGE = "migrations.versions"

_MODULE_NAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)")
# The lock and the records decide what runs; they must survive a primary failover.
_MAJORITY = WriteConcern("majority")


class UpFunction(Protocol):
    """The ``up`` coroutine function of a version module."""

    def __call__(self, db: Database, *, dry_run: bool) -> Awaitable[list[str]]: ...


class MigrationError(Exception):
    """A migration could not be loaded, applied or recorded."""


class LockBusy(MigrationError):
    """Another runner holds the migration lock.

    :param owner: who holds it
    :param expires_at: when it expires unless its holder renews it
    """

    def __init__(self, owner: str | None, expires_at: datetime | None) -> None:
        self.owner = owner
        self.expires_at = expires_at
        until = expires_at.isoformat() if expires_at is not None else "unknown"
        super().__init__(f"another migration runner holds the lock (owner {owner}, expires at {until})")


class LockLost(MigrationError):
    """The lock expired and another runner took it while this one was still working."""


@dataclass(frozen=True)
class Migration:
    """One version module.

    :param version: the four digits that order the versions, also the ``_id`` of its record
    :param name: the rest of the module name
    :param description: what the migration is for
    :param up: the coroutine function that applies it
    :param checksum: SHA-256 of the module source, recorded to notice a module edited after it ran
    """

    version: str
    name: str
    description: str
    up: UpFunction
    checksum: str


@dataclass(frozen=True)
class VersionStatus:
    """Whether one version is applied.

    :param migration: the module, or ``None`` for a recorded version this code does not know (a newer release's)
    :param record: the stored record, or ``None`` while pending
    """

    version: str
    name: str
    migration: Migration | None
    record: Record | None

    @property
    def applied(self) -> bool:
        return self.record is not None

    @property
    def changed(self) -> bool:
        """Whether the module's source differs from the source that was applied."""
        if self.migration is None or self.record is None:
            return False
        return self.record.get("checksum") != self.migration.checksum


@dataclass(frozen=True)
class Outcome:
    """What one migration did, or would do in a dry run.

    :param lines: the lines its ``up`` returned
    :param duration_ms: wall time of ``up``
    """

    migration: Migration
    lines: list[str]
    duration_ms: int
    dry_run: bool


def default_owner() -> str:
    """An owner id for the lock that names this process and is unique across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def load_migrations(package: str = VERSIONS_PACKAGE) -> list[Migration]:
    """Import every version module of a package, ordered by version.

    :param package: dotted name of the package holding ``NNNN_name.py`` modules
    """
    pkg = importlib.import_module(package)
    found: dict[str, Migration] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        match = _MODULE_NAME.fullmatch(info.name)
        if match is None:
            # A misnamed file would otherwise be skipped without a word and never run.
            raise MigrationError(f"{package}.{info.name}: migration modules are named NNNN_name.py")
        module = importlib.import_module(f"{package}.{info.name}")
        up = getattr(module, "up", None)
        description = getattr(module, "description", None)
        if not inspect.iscoroutinefunction(up) or not isinstance(description, str):
            raise MigrationError(f"{module.__name__} must define description: str and async def up(db, *, dry_run)")
        version = match["version"]
        if version in found:
            raise MigrationError(f"version {version} is defined twice: {found[version].name} and {match['name']}")
        found[version] = Migration(
            version=version,
            name=match["name"],
            description=description,
            up=cast(UpFunction, up),
            checksum=hashlib.sha256(inspect.getsource(module).encode()).hexdigest(),
        )
    return [found[v] for v in sorted(found)]


class MigrationLock:
    """The single ``migration_lock`` document, taken and renewed by compare-and-set.

    :param db: the database
    :param owner: this runner's id
    :param ttl: seconds the lock lasts without renewal
    :param clock: the time source (tests move it forward to expire a lock)
    """

    def __init__(self, db: Database, owner: str, *, ttl: float = 60.0, clock: Clock = utcnow) -> None:
        self.owner = owner
        self.ttl = timedelta(seconds=ttl)
        self._clock = clock
        self._collection = db.get_collection(LOCK_COLLECTION, write_concern=_MAJORITY)

    async def acquire(self) -> bool:
        """Take the lock if it is free, expired or already ours; ``False`` when another runner holds it."""
        now = self._clock()
        try:
            await self._collection.find_one_and_update(
                {"_id": LOCK_ID, "$or": [{"expires_at": {"$lt": now}}, {"owner": self.owner}]},
                {
                    "$set": {"owner": self.owner, "expires_at": now + self.ttl, "renewed_at": now},
                    "$setOnInsert": {"acquired_at": now},
                },
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            # The filter missed because a live holder owns the document, so the upsert's insert collided.
            return False
        return True

    async def renew(self) -> None:
        """Push the expiry forward; raise :class:`LockLost` if the lock is no longer ours."""
        now = self._clock()
        result = await self._collection.update_one(
            {"_id": LOCK_ID, "owner": self.owner},
            {"$set": {"expires_at": now + self.ttl, "renewed_at": now}},
        )
        if result.matched_count != 1:
            raise LockLost(f"the migration lock of {self.owner} expired and was taken by another runner")

    async def release(self) -> None:
        """Delete the lock if it is still ours (an expired lock taken over by another runner stays theirs)."""
        await self._collection.delete_one({"_id": LOCK_ID, "owner": self.owner})

    async def holder(self) -> Record | None:
        """The lock document, or ``None`` when nobody holds it."""
        return await self._collection.find_one({"_id": LOCK_ID})


class MigrationRunner:
    """Applies the pending migrations in version order, at most one runner at a time.

    :param db: the database to migrate
    :param migrations: the versions (default: everything in ``migrations/versions``)
    :param owner: this runner's lock owner id (default: host, pid and a random suffix)
    :param lock_ttl: seconds the lock lasts without renewal
    :param renew_every: seconds between renewals while a migration runs (default: a third of ``lock_ttl``)
    :param poll_interval: seconds between attempts to take a busy lock when waiting for it
    :param clock: the time source for the lock and the records
    :param on_wait: called with the holder's lock document each time the lock is found busy while waiting
    """

    def __init__(
        self,
        db: Database,
        migrations: Sequence[Migration] | None = None,
        *,
        owner: str | None = None,
        lock_ttl: float = 60.0,
        renew_every: float | None = None,
        poll_interval: float = 1.0,
        clock: Clock = utcnow,
        on_wait: Callable[[Record | None], None] | None = None,
    ) -> None:
        self.db = db
        self.migrations = list(load_migrations() if migrations is None else migrations)
        self.lock = MigrationLock(db, owner or default_owner(), ttl=lock_ttl, clock=clock)
        self.renew_every = lock_ttl / 3 if renew_every is None else renew_every
        self.poll_interval = poll_interval
        self._clock = clock
        self._on_wait = on_wait
        self._records = db.get_collection(MIGRATIONS_COLLECTION, write_concern=_MAJORITY)

    async def status(self) -> list[VersionStatus]:
        """Every known or recorded version, in order, with its record if applied."""
        records = await self._applied()
        known = {m.version: m for m in self.migrations}
        rows = []
        for version in sorted(known.keys() | records.keys()):
            migration = known.get(version)
            record = records.get(version)
            name = migration.name if migration is not None else str((record or {}).get("name", "?"))
            rows.append(VersionStatus(version=version, name=name, migration=migration, record=record))
        return rows

    async def pending(self) -> list[Migration]:
        """The versions not recorded yet, in order."""
        applied = await self._applied()
        return [m for m in self.migrations if m.version not in applied]

    async def up(self, *, dry_run: bool = False, wait: float = 0.0) -> list[Outcome]:
        """Apply the pending migrations, or describe them without writing anything when ``dry_run``.

        :param dry_run: only describe; takes no lock and writes nothing
        :param wait: seconds to wait for a busy lock before giving up with :class:`LockBusy`
        """
        if dry_run:
            return [await self._run(m, dry_run=True) for m in await self.pending()]
        await self._acquire(wait)
        try:
            # Read the records only under the lock: a runner that waited must see what the holder applied.
            outcomes = []
            for migration in await self.pending():
                outcomes.append(await self._apply(migration))
            return outcomes
        finally:
            await self.lock.release()

    async def _acquire(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while not await self.lock.acquire():
            holder = await self.lock.holder()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = holder or {}
                raise LockBusy(holder.get("owner"), holder.get("expires_at"))
            if self._on_wait is not None:
                self._on_wait(holder)
            await asyncio.sleep(min(self.poll_interval, remaining))

    async def _apply(self, migration: Migration) -> Outcome:
        # Renewing first fences the start: a runner whose lock lapsed never begins another version.
        await self.lock.renew()
        outcome = await self._run(migration, dry_run=False)
        await self.lock.renew()
        record = {
            "_id": migration.version,
            "name": migration.name,
            "description": migration.description,
            "applied_at": self._clock(),
            "duration_ms": outcome.duration_ms,
            "checksum": migration.checksum,
            "applied_by": self.lock.owner,
            "lines": outcome.lines,
        }
        try:
            await self._records.insert_one(record)
        except DuplicateKeyError:
            raise MigrationError(
                f"{migration.version} was recorded by another runner while this one held the lock"
            ) from None
        return outcome

    async def _run(self, migration: Migration, *, dry_run: bool) -> Outcome:
        log.info(
            "%s %s %s: %s",
            "describing" if dry_run else "applying",
            migration.version,
            migration.name,
            migration.description,
        )
        started = time.monotonic()
        coro = migration.up(self.db, dry_run=dry_run)
        if dry_run:
            lines = await coro
        else:
            lines = await self._keep_lock_while(coro)
        duration_ms = round((time.monotonic() - started) * 1000)
        for line in lines:
            log.info("%s: %s", migration.version, line)
        return Outcome(migration=migration, lines=list(lines), duration_ms=duration_ms, dry_run=dry_run)

    async def _keep_lock_while(self, work: Awaitable[T]) -> T:
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.renew_every)
                if done:
                    return task.result()
                await self.lock.renew()
        finally:
            # On LockLost, or when the runner itself is cancelled, the migration must not go on unguarded.
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _applied(self) -> dict[str, Record]:
        cursor = self._records.find({}).sort("_id", 1)
        return {str(doc["_id"]): doc async for doc in cursor}
