"""The only code that talks to MongoDB: documents, their file content, and the token-fenced compare-and-sets."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument, WriteConcern
from pymongo.errors import AutoReconnect, DuplicateKeyError, PyMongoError

from . import state
from .idempotency import KeyRecord, KeyState, RecordId, Reply, done_update, erased_update
from .stamps import new_token, utcnow
from .state import Document, Filter, ScanFailure, ScanOutcome, ScanStatus, Update

logger = logging.getLogger(__name__)

DOCUMENTS = "documents"
#: tombstones of deletions under way: what a crash midway leaves for the reconciler to finish
DELETIONS = "deletions"
IDEMPOTENCY_KEYS = "idempotency_keys"
CHUNK_SIZE = 255 * 1024
#: chunks fetched per round trip while streaming a download, about 1 MiB
STREAM_BATCH = 4


class OutcomeUnknown(Exception):
    """A compare-and-set may or may not have happened, and reading it back failed too."""


class FileMissing(Exception):
    """The stored content of a document is gone or incomplete."""


class FileEntry(TypedDict):
    """The ``fs.files`` entry of stored content (the GridFS layout)."""

    _id: ObjectId
    length: int
    chunkSize: int
    uploadDate: datetime
    filename: str
    metadata: dict[str, Any]


class DeletionTarget(TypedDict):
    """What deleting a document removes: the document and its content. Stored as the deletion's tombstone in
    ``deletions`` (then with ``requested_at``)."""

    _id: ObjectId
    child_profile_id: str
    owner_id: str
    file_id: NotRequired[ObjectId | None]
    requested_at: NotRequired[datetime]


@dataclass(frozen=True)
class Page:
    """One page of a list, newest first, with the key of its last item."""

    items: list[Document]
    last_key: tuple[datetime, ObjectId] | None


class DocumentRepository:
    """Documents and their content in one MongoDB database.

    :param db: a Motor (or PyMongo async, or mongomock-motor) database
    :param history_limit: stage events kept per document
    """

    def __init__(self, db: Any, history_limit: int = 20) -> None:
        self._db = db
        # majority: an acknowledged swap survives a primary failover, so no second scan can win it again
        self._docs = db.get_collection(DOCUMENTS, write_concern=WriteConcern("majority"))
        self._files = db.get_collection("fs.files", write_concern=WriteConcern("majority"))
        self._chunks = db.get_collection("fs.chunks", write_concern=WriteConcern("majority"))
        self._deletions = db.get_collection(DELETIONS, write_concern=WriteConcern("majority"))
        self._keys = db.get_collection(IDEMPOTENCY_KEYS, write_concern=WriteConcern("majority"))
        self._history_limit = history_limit

    async def ping(self) -> None:
        await self._db.command("ping")

    # -- content, stored in the GridFS layout (fs.files / fs.chunks) --

    async def store_file(self, content: bytes, filename: str, content_type: str, metadata: dict[str, Any]) -> ObjectId:
        """Store file content in GridFS layout; chunks first, so a files entry is never incomplete.

        :param metadata: stored with the file (owner, child)
        """
        file_id = ObjectId()
        chunks = [
            {"_id": ObjectId(), "files_id": file_id, "n": n, "data": content[offset : offset + CHUNK_SIZE]}
            for n, offset in enumerate(range(0, max(len(content), 1), CHUNK_SIZE))
        ]
        if content:
            await self._chunks.insert_many(chunks, ordered=True)
        await self._files.insert_one(
            {
                "_id": file_id,
                "length": len(content),
                "chunkSize": CHUNK_SIZE,
                "uploadDate": utcnow(),
                "filename": filename,
                "metadata": {"contentType": content_type, **metadata},
            }
        )
        return file_id

    async def read_file(self, file_id: Any) -> bytes:
        entry = await self._files.find_one({"_id": file_id})
        if entry is None:
            raise FileMissing(f"file {file_id} is not stored")
        parts: list[bytes] = []
        expected = 0
        async for chunk in self._chunks.find({"files_id": file_id}).sort("n", ASCENDING):
            if chunk["n"] != expected:
                raise FileMissing(f"file {file_id} misses chunk {expected}")
            parts.append(bytes(chunk["data"]))
            expected += 1
        content = b"".join(parts)
        if len(content) != entry["length"]:
            raise FileMissing(f"file {file_id} has {len(content)} of {entry['length']} bytes")
        return content

    async def delete_file(self, file_id: Any) -> None:
        await self._files.delete_one({"_id": file_id})
        await self._chunks.delete_many({"files_id": file_id})

    async def file_entry(self, file_id: Any) -> FileEntry | None:
        """The ``fs.files`` entry of stored content (its ``length`` and ``chunkSize``), or ``None``."""
        result: FileEntry | None = await self._files.find_one({"_id": file_id})
        return result

    async def stream_chunks(self, file_id: Any, first: int, last: int) -> AsyncGenerator[bytes, None]:
        """The chunks ``first`` to ``last`` of stored content, in order, a few per round trip.

        :raises FileMissing: when a chunk is not there (the content was deleted meanwhile)
        """
        cursor = (
            self._chunks.find({"files_id": file_id, "n": {"$gte": first, "$lte": last}})
            .sort("n", ASCENDING)
            .batch_size(STREAM_BATCH)
        )
        expected = first
        try:
            async for chunk in cursor:
                if chunk["n"] != expected:
                    raise FileMissing(f"file {file_id} misses chunk {expected}")
                yield bytes(chunk["data"])
                expected += 1
        finally:
            # A download the client gave up on must not leave a cursor open on the server.
            closed = cursor.close()
            if inspect.isawaitable(closed):
                await closed
        if expected != last + 1:
            raise FileMissing(f"file {file_id} misses chunk {expected}")

    async def orphaned_content(
        self, child_id: str, owner_id: str, stored_before: datetime, after: Any, limit: int
    ) -> tuple[list[Any], Any]:
        """Content uploaded for this child by this owner before ``stored_before`` that no document points at, a
        page at a time in ``_id`` order.

        :param stored_before: an upload inserts its document within a bound after storing its content; content
            older than that bound with no document is left over from an upload that failed
        :param after: the ``_id`` the previous page ended with, or ``None`` for the first page
        :return: the orphans of this page, and the ``_id`` to pass as ``after`` for the next (``None``: no more)
        """
        query: dict[str, Any] = {
            "metadata.child_profile_id": child_id,
            "metadata.owner_id": owner_id,
            "uploadDate": {"$lt": stored_before},
        }
        if after is not None:
            query["_id"] = {"$gt": after}
        cursor = self._files.find(query, projection={"_id": 1}).sort("_id", ASCENDING).limit(limit)
        ids = [entry["_id"] for entry in await cursor.to_list(length=limit)]
        if not ids:
            return [], None
        pointed = self._docs.find({"file_id": {"$in": ids}}, projection={"file_id": 1})
        referenced = {doc["file_id"] for doc in await pointed.to_list(length=len(ids))}
        return [file_id for file_id in ids if file_id not in referenced], ids[-1]

    # -- deletion: a tombstone first, so that a crash midway leaves a note of what is left to remove --

    async def deletion_target(self, document_id: Any, child_id: str, owner_id: str) -> DeletionTarget | None:
        """What deleting a caller's document removes: the document's id and file, from the document or from the
        tombstone of a deletion that did not finish; ``None`` when there is neither."""
        owned = {"_id": document_id, "child_profile_id": child_id, "owner_id": owner_id}
        projection = {"_id": 1, "file_id": 1, "child_profile_id": 1, "owner_id": 1}
        found: DeletionTarget | None = await self._docs.find_one(owned, projection=projection)
        if found is None:
            found = await self._deletions.find_one(owned, projection=projection)
        return found

    async def documents_of(
        self, child_id: str, owner_id: str, created_until: datetime, limit: int
    ) -> list[DeletionTarget]:
        """Some documents of this child and owner created until a moment, as deletion targets.

        :param created_until: later uploads are not returned (legacy documents without ``created_at`` are)
        """
        projection = {"_id": 1, "file_id": 1, "child_profile_id": 1, "owner_id": 1}
        query = {
            "child_profile_id": child_id,
            "owner_id": owner_id,
            "$or": [{"created_at": {"$lte": created_until}}, {"created_at": None}],
        }
        cursor = self._docs.find(query, projection=projection)
        items: list[DeletionTarget] = await cursor.limit(limit).to_list(length=limit)
        return items

    async def begin_deletion(self, target: DeletionTarget) -> None:
        """Write the tombstone of a deletion before anything is removed; writing it twice changes nothing.

        :param target: from ``deletion_target``
        """
        tombstone = {
            "file_id": target.get("file_id"),
            "child_profile_id": target["child_profile_id"],
            "owner_id": target["owner_id"],
            "requested_at": utcnow(),
        }
        await self._deletions.update_one({"_id": target["_id"]}, {"$setOnInsert": tombstone}, upsert=True)

    async def delete_document(self, document_id: Any, child_id: str, owner_id: str) -> bool:
        """Remove the document itself; every compare-and-set on it matches nothing from then on."""
        result = await self._docs.delete_one({"_id": document_id, "child_profile_id": child_id, "owner_id": owner_id})
        return bool(result.deleted_count)

    async def forget_answers(self, document_id: Any) -> None:
        """Remove the answers Idempotency-Keys stored about a deleted document (its name, its suggestion)."""
        await self._keys.update_many({"document_id": document_id}, erased_update(utcnow()))

    async def end_deletion(self, document_id: Any) -> None:
        await self._deletions.delete_one({"_id": document_id})

    async def unfinished_deletions(self, older_than: datetime, limit: int) -> list[DeletionTarget]:
        """Tombstones older than a grace period: deletions that a crash or an unreachable Redis left behind."""
        cursor = self._deletions.find({"requested_at": {"$lt": older_than}}).sort("requested_at", ASCENDING)
        items: list[DeletionTarget] = await cursor.limit(limit).to_list(length=limit)
        return items

    # -- documents --

    async def insert_document(self, doc: Document) -> Document:
        """Insert a new document.

        :param doc: built by ``state.new_document``
        """
        await self._docs.insert_one(doc)
        return doc

    async def create_document(
        self,
        document_id: ObjectId,
        child_id: str,
        owner_id: str,
        *,
        filename: str,
        content_type: str,
        content: bytes,
        token: str,
    ) -> Document:
        """Store an upload's content, then its document, queued for its first scan under ``token``.

        If the insert's outcome is lost (a network error, a timeout), the document is read back: there, it is
        the answer; not there, the insert did not happen. If the insert fails, the content goes too.
        Raises ``OutcomeUnknown`` when the read-back fails as well (the content stays: the document may need it).
        """
        file_id = await self.store_file(
            content,
            filename,
            content_type,
            {"child_profile_id": child_id, "owner_id": owner_id, "document_id": document_id},
        )
        doc = state.new_document(
            document_id=document_id,
            child_id=child_id,
            owner_id=owner_id,
            filename=filename,
            content_type=content_type,
            size=len(content),
            file_id=file_id,
            token=token,
            now=utcnow(),
        )
        try:
            return await self.insert_document(doc)
        except PyMongoError as exc:
            if isinstance(exc, AutoReconnect) or exc.timeout:
                # The insert may have happened; the id is this upload's own, so the document tells.
                logger.warning("insert of %s had an ambiguous outcome; reading it back: %s", document_id, exc)
                try:
                    stored = await self.get_by_id(document_id)
                except PyMongoError as again:
                    raise OutcomeUnknown(f"upload of {document_id}: {again}") from exc
                if stored is not None:
                    return stored
            await asyncio.shield(self._discard_unused_file(document_id, file_id))
            raise
        except BaseException:
            await asyncio.shield(self._discard_unused_file(document_id, file_id))
            raise

    async def _discard_unused_file(self, document_id: ObjectId, file_id: ObjectId) -> None:
        try:
            if await self.get_by_id(document_id) is None:
                await self.delete_file(file_id)
        except PyMongoError as exc:
            logger.warning("kept the content %s of an upload whose insert failed: %s", file_id, exc)

    async def get(self, document_id: Any, child_id: str, owner_id: str) -> Document | None:
        result: Document | None = await self._docs.find_one(
            {"_id": document_id, "child_profile_id": child_id, "owner_id": owner_id}
        )
        return result

    async def explain(self, document_id: Any, child_id: str, owner_id: str) -> Document | None:
        """The few fields that say why a compare-and-set was refused (``state.EXPLAIN_PROJECTION``)."""
        result: Document | None = await self._docs.find_one(
            {"_id": document_id, "child_profile_id": child_id, "owner_id": owner_id},
            projection=state.EXPLAIN_PROJECTION,
        )
        return result

    async def get_by_id(self, document_id: Any) -> Document | None:
        result: Document | None = await self._docs.find_one({"_id": document_id})
        return result

    async def list_page(
        self, child_id: str, owner_id: str, limit: int, after: tuple[datetime, ObjectId] | None
    ) -> Page:
        """One page of a child's documents, newest first (keyset pagination on ``created_at``, ``_id``).

        :param after: the key of the last item of the previous page
        """
        flt: Filter = {"child_profile_id": child_id, "owner_id": owner_id}
        if after is not None:
            created_at, last_id = after
            flt["$or"] = [
                {"created_at": {"$lt": created_at}},
                {"created_at": created_at, "_id": {"$lt": last_id}},
            ]
        cursor = self._docs.find(flt).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(limit + 1)
        items: list[Document] = await cursor.to_list(length=limit + 1)
        if len(items) <= limit:
            return Page(items, None)
        items = items[:limit]
        return Page(items, (items[-1]["created_at"], items[-1]["_id"]))

    # -- the compare-and-sets --

    async def _swap(self, flt: Filter, update: Update) -> Document | None:
        result: Document | None = await self._docs.find_one_and_update(
            flt, update, return_document=ReturnDocument.AFTER
        )
        return result

    async def try_rescan(
        self,
        document_id: Any,
        child_id: str,
        owner_id: str,
        *,
        token: str,
        idempotency_key: str | None,
    ) -> Document | None:
        """The one round trip that decides a rescan: the swapped document, or ``None`` if it was refused.

        :param token: the new scan token; it fences every write of the scan this request starts
        """
        flt = state.rescan_filter(document_id, child_id, owner_id)
        update = state.rescan_update(
            token=token,
            now=utcnow(),
            requested_by=owner_id,
            idempotency_key=idempotency_key,
            history_limit=self._history_limit,
        )
        try:
            return await self._swap(flt, update)
        except PyMongoError as exc:
            if not isinstance(exc, AutoReconnect) and not exc.timeout:
                raise
            # The driver already retried once; the swap may or may not have happened. The token says which.
            logger.warning("rescan swap of %s had an ambiguous outcome; reading it back: %s", document_id, exc)
            try:
                doc = await self.get(document_id, child_id, owner_id)
            except PyMongoError as again:
                raise OutcomeUnknown(f"rescan of {document_id}: {again}") from exc
            if doc is not None and doc.get("scan", {}).get("token") == token:
                return doc
            raise  # it did not happen: the store's failure is the answer, not a refusal

    async def try_confirm(
        self,
        document_id: Any,
        child_id: str,
        owner_id: str,
        *,
        topic: str,
        language: str,
        token: str | None,
    ) -> Document | None:
        flt = state.confirm_filter(document_id, child_id, owner_id, token)
        update = state.confirm_update(topic=topic, language=language, now=utcnow(), history_limit=self._history_limit)
        return await self._swap(flt, update)

    async def claim_scan(self, document_id: Any, token: str, lease: timedelta) -> Document | None:
        """``queued -> processing`` for this token; ``None`` means a duplicate or stale job."""
        now = utcnow()
        return await self._swap(
            state.job_filter(document_id, token, ScanStatus.QUEUED),
            state.claim_update(now=now, lease_until=now + lease, history_limit=self._history_limit),
        )

    async def finish_scan(self, document_id: Any, token: str, suggestion: ScanOutcome) -> Document | None:
        """``processing -> ready`` for this token; ``None`` means a newer request won and the result is dropped."""
        return await self._swap(
            state.job_filter(document_id, token, ScanStatus.PROCESSING),
            state.finish_update(suggestion=suggestion, now=utcnow(), history_limit=self._history_limit),
        )

    async def fail_scan(
        self, document_id: Any, token: str, error: ScanFailure, from_status: ScanStatus = ScanStatus.PROCESSING
    ) -> Document | None:
        return await self._swap(
            state.job_filter(document_id, token, from_status),
            state.fail_update(error=error, now=utcnow(), history_limit=self._history_limit),
        )

    async def release_scan(self, document_id: Any, token: str, *, rotate: bool = False) -> Document | None:
        """``processing -> queued`` for this token (a transient error, or an expired lease).

        :param rotate: give the request a new token (the document's ``scan.token`` then), so the job that lost
            its lease can never write again
        """
        update = state.requeue_update(
            now=utcnow(), history_limit=self._history_limit, token=new_token() if rotate else None
        )
        return await self._swap(state.job_filter(document_id, token, ScanStatus.PROCESSING), update)

    async def rotate_queued_token(self, document_id: Any, token: str) -> Document | None:
        """Give a queued request a new token (the document's ``scan.token`` then), retiring the job enqueued for
        the old one."""
        return await self._swap(
            state.job_filter(document_id, token, ScanStatus.QUEUED),
            state.rotate_token_update(token=new_token(), now=utcnow()),
        )

    async def mark_handoff_sent(self, document_id: Any) -> bool:
        result = await self._docs.update_one(
            {"_id": document_id, "handoff.status": state.HandoffStatus.PENDING.value},
            state.handoff_sent_update(now=utcnow()),
        )
        return bool(result.modified_count)

    # -- the reconciler's queries --

    async def stranded_queued(self, older_than: datetime, limit: int) -> list[Document]:
        return await self._scan_batch(state.stranded_queued_filter(older_than), "scan.requested_at", limit)

    async def expired_leases(self, now: datetime, limit: int) -> list[Document]:
        return await self._scan_batch(state.expired_lease_filter(now), "scan.lease_until", limit)

    async def pending_handoffs(self, older_than: datetime, limit: int) -> list[Document]:
        return await self._scan_batch(state.pending_handoff_filter(older_than), "handoff.requested_at", limit)

    async def _scan_batch(self, flt: Filter, order_by: str, limit: int) -> list[Document]:
        projection = {"_id": 1, "scan": 1, "scan_status": 1, "handoff": 1}
        cursor = self._docs.find(flt, projection=projection).sort(order_by, ASCENDING).limit(limit)
        items: list[Document] = await cursor.to_list(length=limit)
        return items


class KeyClaim(StrEnum):
    CLAIMED = "claimed"  #: this request holds the key now
    TAKEN = "taken"  #: another request holds it; see the record


class IdempotencyKeys:
    """The Idempotency-Key records of every user, in their own collection with a TTL index on ``expires_at``.

    :param db: a Motor (or PyMongo async, or mongomock-motor) database
    """

    def __init__(self, db: Any) -> None:
        # majority: a claimed key survives a failover, so no second request can claim it again
        self._keys = db.get_collection(IDEMPOTENCY_KEYS, write_concern=WriteConcern("majority"))

    async def claim(self, record: KeyRecord) -> tuple[KeyClaim, KeyRecord | None]:
        """Claim a key for a first request, in one round trip; a taken key comes back with its record.

        :param record: built by ``idempotency.new_record``
        """
        for _ in range(3):
            try:
                existing: KeyRecord | None = await self._keys.find_one_and_update(
                    {"_id": record["_id"]},
                    {"$setOnInsert": {k: v for k, v in record.items() if k != "_id"}},
                    upsert=True,
                    return_document=ReturnDocument.BEFORE,
                )
            except DuplicateKeyError:
                # Two first requests upserted at once and the server did not retry the loser: the winner's
                # record, unless the winner gave it up meanwhile, and then this request claims it again.
                existing = await self._keys.find_one({"_id": record["_id"]})
                if existing is None:
                    continue
            if existing is None:
                return KeyClaim.CLAIMED, None
            return KeyClaim.TAKEN, existing
        raise DuplicateKeyError(f"the Idempotency-Key record {record['_id']} kept changing under its claim")

    async def reclaim(self, record: KeyRecord, previous: KeyRecord) -> bool:
        """Take over a key whose record expired or whose request stopped before answering.

        :param previous: the record as read; the swap happens only if it is still that one
        """
        flt = {"_id": record["_id"], "state": previous.get("state"), "claimed_at": previous.get("claimed_at")}
        result = await self._keys.replace_one(flt, {k: v for k, v in record.items() if k != "_id"})
        return bool(result.modified_count)

    async def complete(self, record_id: RecordId, token: str, reply: Reply) -> None:
        """Store the answer of the request that holds the key."""
        await self._keys.update_one(
            {"_id": record_id, "state": KeyState.PENDING.value, "token": token}, done_update(reply, utcnow())
        )

    async def release(self, record_id: RecordId, token: str) -> None:
        """Give the key up: its request was refused or failed before acting, so a retry may act."""
        await self._keys.delete_one({"_id": record_id, "state": KeyState.PENDING.value, "token": token})

    async def find(self, record_id: RecordId) -> KeyRecord | None:
        result: KeyRecord | None = await self._keys.find_one({"_id": record_id})
        return result
