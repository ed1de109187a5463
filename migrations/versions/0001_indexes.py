"""Indexes for every query the service runs per request or on a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrations.runner import Database, MigrationError

description = "indexes of documents (list, reconciler, hand-off, idempotency keys) and of GridFS"


@dataclass(frozen=True)
class IndexSpec:
    """One index, as data, so tests can check query shapes against it.

    :param collection: the collection it belongs to
    :param name: the explicit index name
    :param keys: ``(field, direction)`` pairs in index order
    :param purpose: the query it serves
    :param unique: whether the index enforces uniqueness
    :param partial: the ``partialFilterExpression``; a query uses the index only if its filter implies it
    """

    collection: str
    name: str
    keys: tuple[tuple[str, int], ...]
    purpose: str
    unique: bool = False
    partial: dict[str, Any] | None = None

    def options(self) -> dict[str, Any]:
        """The keyword options of ``create_index`` for this index."""
        options: dict[str, Any] = {"name": self.name}
        if self.unique:
            options["unique"] = True
        if self.partial is not None:
            options["partialFilterExpression"] = self.partial
        return options

    def describe(self) -> str:
        """One line naming the collection, the index and its keys."""
        keys = ", ".join(f"{k} {d}" for k, d in self.keys)
        extra = (" unique" if self.unique else "") + (f" partial {self.partial}" if self.partial else "")
        return f"{self.collection}.{self.name} ({keys}){extra}"


INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec(
        "documents",
        "child_owner_created",
        (("child_profile_id", 1), ("owner_id", 1), ("created_at", -1), ("_id", -1)),
        "list: child and owner equal, newest first, keyset pagination on (created_at, _id)",
    ),
    IndexSpec(
        "documents",
        "scan_status_requested",
        (("scan_status", 1), ("scan.requested_at", 1)),
        "reconciler: queued documents whose scan was requested before the grace period",
    ),
    IndexSpec(
        "documents",
        "scan_status_lease",
        (("scan_status", 1), ("scan.lease_until", 1)),
        "reconciler: processing documents whose lease expired",
        # Only documents being scanned have a lease, so the index stays as small as the work in flight.
        partial={"scan_status": "processing"},
    ),
    IndexSpec(
        "documents",
        "handoff_pending",
        (("handoff.status", 1), ("handoff.requested_at", 1)),
        "reconciler: confirmed documents whose hand-off to the deep pipeline is still pending",
        # Sent hand-offs leave the index, so it holds only what the reconciler may have to resend.
        partial={"handoff.status": "pending"},
    ),
    IndexSpec(
        "documents",
        "owner_rescan_key",
        (("owner_id", 1), ("scan.idempotency_key", 1)),
        "rescan: whether an Idempotency-Key was already used for another document",
        partial={"scan.idempotency_key": {"$exists": True}},
    ),
    IndexSpec(
        "documents",
        "owner_upload_key",
        (("owner_id", 1), ("upload_idempotency_key", 1)),
        "upload: one document per owner and Idempotency-Key, even for concurrent retries",
        unique=True,
        # Uploads without a key must not collide with each other on the missing value.
        partial={"upload_idempotency_key": {"$exists": True}},
    ),
    # The GridFS indexes under the names the drivers give them, so a bucket creating its own is a no-op.
    IndexSpec("fs.files", "filename_1_uploadDate_1", (("filename", 1), ("uploadDate", 1)), "GridFS file lookup"),
    IndexSpec("fs.chunks", "files_id_1_n_1", (("files_id", 1), ("n", 1)), "GridFS chunk order", unique=True),
)


def _matches(spec: IndexSpec, existing: dict[str, Any]) -> bool:
    keys = tuple((str(k), int(d)) for k, d in existing.get("key", ()))
    return (
        keys == spec.keys
        and bool(existing.get("unique", False)) == spec.unique
        and existing.get("partialFilterExpression") == spec.partial
    )


async def up(db: Database, *, dry_run: bool) -> list[str]:
    """Create the missing indexes; an index of the same name with another definition is an error.

    :param db: the database
    :param dry_run: only report what would be created
    """
    lines = []
    for spec in INDEXES:
        collection = db.get_collection(spec.collection)
        existing = (await collection.index_information()).get(spec.name)
        if existing is not None:
            if not _matches(spec, existing):
                # Keeping a different index would leave a query unserved; replacing one takes a new version.
                raise MigrationError(f"index {spec.collection}.{spec.name} exists with another definition: {existing}")
            lines.append(f"present {spec.describe()}")
            continue
        if dry_run:
            lines.append(f"would create {spec.describe()}")
            continue
        await collection.create_index(list(spec.keys), **spec.options())
        lines.append(f"created {spec.describe()}")
    return lines
