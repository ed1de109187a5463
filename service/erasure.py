"""Deleting documents for good: one document, every document of a child, and deletions a crash left unfinished.

The order of a deletion, and why:

1. A tombstone in ``deletions`` names the document, its owner and its file content. It comes first, so a crash
   at any later step leaves a note of what is left to remove; the reconciler (or the next ``DELETE``) finishes it.
2. The document goes. From then on every compare-and-set of a scan, a confirm, a rescan or a hand-off matches
   nothing (they all filter on ``_id``), and nothing in the service inserts or upserts a document except an
   upload, which makes a new id. So no job can bring it back or write to it.
3. Its content goes: the ``fs.files`` entry, then the chunks. After step 2 no document points at this content,
   so no scan is ever started on missing content; a scan already reading it fails, and its failure is a
   compare-and-set that matches nothing.
   The answers Idempotency-Keys stored about it go too; each key stays bound to its request until it expires,
   so a retry is told the document is gone rather than uploading or scanning it again.
4. The deep pipeline is told (a ``document_deleted`` job on its queue), so it can drop what it derived.
5. The tombstone goes. If Redis cannot take the notice, the tombstone stays and the reconciler tries again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis

from .metrics import Metrics
from .queue import Enqueued, enqueue
from .repository import DeletionTarget, DocumentRepository
from .settings import Settings
from .stamps import utcnow

logger = logging.getLogger(__name__)

#: the job the deep pipeline receives on its queue when a document it may know is deleted
DOCUMENT_DELETED = "document_deleted"
#: documents deleted per round of an erasure
ERASE_BATCH = 100


def document_deleted_job_id(document_id: Any) -> str:
    return f"{DOCUMENT_DELETED}:{document_id}"


async def delete_document(
    repo: DocumentRepository, pool: ArqRedis, settings: Settings, target: DeletionTarget, metrics: Metrics | None = None
) -> bool:
    """Delete one document and its content, in the order the module describes.

    :param target: from ``DocumentRepository.deletion_target``
    :return: whether this call removed the document (``False``: a concurrent deletion did, or a crashed one had)
    """
    await repo.begin_deletion(target)
    removed = await repo.delete_document(target["_id"], target["child_profile_id"], target["owner_id"])
    await finish_deletion(repo, pool, settings, target, metrics)
    return removed


async def finish_deletion(
    repo: DocumentRepository,
    pool: ArqRedis,
    settings: Settings,
    tombstone: DeletionTarget,
    metrics: Metrics | None = None,
) -> bool:
    """Steps 2 to 5 for a tombstone; each is a no-op when already done.

    :param tombstone: a tombstone, or a deletion target whose tombstone is written
    :return: whether the tombstone is gone
    """
    await repo.delete_document(tombstone["_id"], tombstone["child_profile_id"], tombstone["owner_id"])
    if tombstone.get("file_id") is not None:
        await repo.delete_file(tombstone["file_id"])
    await repo.forget_answers(tombstone["_id"])
    told = await enqueue(
        pool,
        DOCUMENT_DELETED,
        str(tombstone["_id"]),
        job_id=document_deleted_job_id(tombstone["_id"]),
        queue_name=settings.deep_queue_name,
        metrics=metrics,
    )
    if told is Enqueued.UNAVAILABLE:
        logger.warning("document %s is deleted; the deep pipeline will be told later", tombstone["_id"])
        return False
    await repo.end_deletion(tombstone["_id"])
    logger.info("document %s deleted", tombstone["_id"], extra={"document_id": str(tombstone["_id"])})
    return True


async def erase_child(
    repo: DocumentRepository,
    pool: ArqRedis,
    settings: Settings,
    child_id: str,
    owner_id: str,
    metrics: Metrics | None = None,
) -> int:
    """Delete every document of a child uploaded by this owner until now, then any content of theirs left over
    from uploads that failed.

    Uploads that arrive while it runs are not erased: they come after the erasure, and an erasure that chased
    them would run as long as uploads keep coming. Their content is not touched either: an upload stores its
    content first and inserts its document within ``IDEMPOTENCY_PENDING_SECONDS``, so only content older than
    that, which no document points at, is a leftover.

    :return: how many documents this call deleted (a concurrent erasure deletes the others)
    """
    started = utcnow()
    deleted = 0
    while batch := await repo.documents_of(child_id, owner_id, started, ERASE_BATCH):
        for target in batch:
            deleted += await delete_document(repo, pool, settings, target, metrics)
    leftover_before = started - timedelta(seconds=settings.idempotency_pending_seconds)
    after: Any = None
    while True:
        orphans, after = await repo.orphaned_content(child_id, owner_id, leftover_before, after, ERASE_BATCH)
        for file_id in orphans:
            await repo.delete_file(file_id)
        if after is None:
            break
    logger.info("erased %d documents of a child", deleted)
    return deleted
