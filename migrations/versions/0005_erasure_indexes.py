"""Indexes for deleting: the Idempotency-Keys of a document, and a child's content by its owner.

Deleting a document forgets the answers its keys stored (by ``document_id``), and erasing a child sweeps the
content of an owner's uploads that no document points at (by ``metadata.child_profile_id`` and
``metadata.owner_id`` of ``fs.files``). Without these indexes both scan a whole collection. The definitions
are written here, so this version never changes meaning.
"""

from __future__ import annotations

from typing import Any

from migrations.runner import Database, MigrationError

description = "indexes for deletion: idempotency_keys by document, fs.files by child and owner"

#: (collection, index name, keys)
INDEXES: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("idempotency_keys", "document", (("document_id", 1),)),
    ("fs.files", "metadata_child_owner", (("metadata.child_profile_id", 1), ("metadata.owner_id", 1))),
)


def _same(keys: tuple[tuple[str, int], ...], existing: dict[str, Any]) -> bool:
    return tuple((str(k), int(d)) for k, d in existing.get("key", ())) == keys


async def up(db: Database, *, dry_run: bool) -> list[str]:
    """Create the missing indexes; one of the same name with other keys is an error.

    :param db: the database
    :param dry_run: only report what would be created
    """
    lines = []
    for collection_name, name, keys in INDEXES:
        collection = db.get_collection(collection_name)
        described = f"{collection_name}.{name} ({', '.join(f'{k} {d}' for k, d in keys)})"
        existing = (await collection.index_information()).get(name)
        if existing is not None:
            if not _same(keys, existing):
                raise MigrationError(f"index {collection_name}.{name} exists with other keys: {existing}")
            lines.append(f"present {described}")
        elif dry_run:
            lines.append(f"would create {described}")
        else:
            await collection.create_index(list(keys), name=name)
            lines.append(f"created {described}")
    return lines
