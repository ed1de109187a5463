"""Rescan and confirm, decided once: coalesced per process, keyed requests answered once per key.

Each request is one compare-and-set on its document (``repository``), with the filter and the update
from ``state``. Requests for the same (document, owner, child) that arrive while one of them is being
decided share that decision (``coalesce``): the follower's answer is derived from the state the leader's
decision observed or produced, with the same pure explanations a refused request uses. Keyed requests
claim their Idempotency-Key before they act and store their answer after (``idempotency``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from arq.connections import ArqRedis
from bson import ObjectId
from pymongo.errors import PyMongoError

from . import idempotency, state
from .coalesce import Flight, SingleFlight
from .idempotency import Action, KeyRecord, RecordId, Reply, Verdict
from .metrics import Metrics
from .problems import (
    AlreadyConfirmed,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    NotFound,
    NotReady,
    NotRescannable,
    PreconditionFailed,
    Problem,
    ScanInFlight,
    ServiceUnavailable,
)
from .queue import HAND_OFF, Enqueued, enqueue, enqueue_scan, hand_off_job_id
from .repository import DocumentRepository, IdempotencyKeys, KeyClaim, OutcomeUnknown
from .settings import Settings
from .stamps import new_token, utcnow
from .state import ConfirmRefusal, Document, RescanRefusal
from .views import document_view

logger = logging.getLogger(__name__)

#: swaps one request tries when the state keeps changing between its swap and its explaining read
MAX_SWAPS = 3


@dataclass(frozen=True)
class Target:
    """The document a request acts on, as its caller may see it."""

    document_id: ObjectId
    child_id: str
    owner_id: str


@dataclass(frozen=True)
class Key:
    """A request's Idempotency-Key and the fingerprint it binds the key to."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    """A success answer: the reply, and whether it replays an earlier request with the same key."""

    reply: Reply
    replayed: bool = False

    def again(self) -> Answer:
        return Answer(self.reply, replayed=True)


@dataclass(frozen=True)
class Outcome:
    """What a flight's leader decided, for itself and for the requests that followed it.

    :param snapshot: the document as the decision saw or made it (``None``: not there); set when ``shared``
    :param shared: followers may derive their own answer from ``snapshot``
    :param full: ``snapshot`` is the whole document, not only the fields an explanation needs
    :param key: the leader's key; ``key_bound`` when it is now bound to the leader's fingerprint
    """

    answer: Answer | None = None
    problem: Problem | None = None
    snapshot: Document | None = None
    shared: bool = False
    full: bool = False
    key: Key | None = None
    key_bound: bool = False

    def result(self) -> Answer:
        if self.problem is not None:
            raise self.problem
        assert self.answer is not None
        return self.answer


@dataclass
class _Hold:
    """A key this request claimed: it stores the answer or gives the key up.

    :param act_by: the request may act (swap, insert) only before this instant: after it, a retry may
        take the claim for an interrupted request's, so acting would do the work twice
    """

    record_id: RecordId
    token: str
    act_by: datetime

    def check(self) -> None:
        if utcnow() >= self.act_by:
            # Nothing was done; the key is given up, so a retry is decided anew.
            raise ServiceUnavailable(
                "The document store was too slow to answer this request in time; nothing was changed. Retry.",
                headers={"Retry-After": "5"},
            )


@dataclass
class _Counters:
    metrics: Metrics
    labels: dict[tuple[str, str], Any] = field(default_factory=dict)

    def inc(self, action: str, outcome: str) -> None:
        counter = self.labels.get((action, outcome))
        if counter is None:
            family = {"rescan": self.metrics.rescans, "confirm": self.metrics.confirms}.get(
                action, self.metrics.uploads
            )
            counter = self.labels[(action, outcome)] = family.labels(outcome)
        counter.inc()


LocationOf = Callable[[ObjectId], str]


@dataclass(frozen=True)
class Upload:
    """An uploaded file, checked and named."""

    filename: str
    content_type: str
    content: bytes = field(repr=False)


class DocumentActions:
    """Upload, rescan and confirm-scan for the web process.

    :param repo: the documents
    :param keys: the Idempotency-Key records
    :param arq_pool: the queue the jobs go to
    """

    def __init__(
        self,
        settings: Settings,
        repo: DocumentRepository,
        keys: IdempotencyKeys,
        arq_pool: ArqRedis,
        metrics: Metrics,
    ) -> None:
        self._settings = settings
        self._repo = repo
        self._keys = keys
        self._arq = arq_pool
        self._metrics = metrics
        self._count = _Counters(metrics)
        self._flights: SingleFlight[tuple[Any, ...], Outcome] = SingleFlight()
        metrics.coalesced_waiting.set_function(lambda: self._flights.waiting)
        self._coalesced = {action: metrics.coalesced.labels(str(action)) for action in Action}
        self._ttl = timedelta(seconds=settings.idempotency_ttl_seconds)
        self._stale = timedelta(seconds=settings.idempotency_pending_seconds)
        self._retry_after = {"Retry-After": str(settings.retry_after_seconds)}

    # -- upload --

    async def upload(
        self, child_id: str, owner_id: str, file: Upload, key: Key | None, location_of: LocationOf
    ) -> Answer:
        """Store an uploaded file as a new document, queued for its first scan.

        :param file: the file, already checked (size, type) and named
        """
        if key is None:
            return (await self._decide_upload(None, child_id, owner_id, file, None, location_of)).result()
        # Concurrent retries of one upload in this process wait for the first instead of being told 409.
        target = Target(ObjectId(), child_id, owner_id)
        return await self._shared_decision(
            ("upload", owner_id, key.key),
            lambda flight: self._decide_upload(flight, child_id, owner_id, file, key, location_of),
            lambda outcome: self._follow(outcome, target, key, Action.UPLOAD, lambda doc: None),
        )

    async def _shared_decision(
        self,
        flight_key: tuple[Any, ...],
        decide: Callable[[Flight[Any, Outcome] | None], Awaitable[Outcome]],
        follow: Callable[[Outcome], Awaitable[Answer | None]],
    ) -> Answer:
        """Lead a decision or follow the one in flight, and answer from it.

        :param decide: the decision, given its flight (``None``: decided alone)
        :param follow: a follower's answer from the leader's outcome; ``None`` when it must decide on its own
        """
        for _ in range(MAX_SWAPS):
            outcome, led = await self._flights.run(flight_key, decide)
            if led:
                return outcome.result()
            answer = await follow(outcome)
            if answer is not None:
                return answer
        # Each flight it followed left it to decide alone (the state kept changing): decide without coalescing.
        return (await decide(None)).result()

    async def _decide_upload(
        self,
        flight: Flight[Any, Outcome] | None,
        child_id: str,
        owner_id: str,
        file: Upload,
        key: Key | None,
        location_of: LocationOf,
    ) -> Outcome:
        target = Target(ObjectId(), child_id, owner_id)
        token = new_token()
        hold: _Hold | None = None
        if key is not None:
            claimed = await self._claim(key, Action.UPLOAD, target, token, flight, location_of)
            if isinstance(claimed, Outcome):
                return claimed
            hold = claimed
        try:
            if hold is not None:
                hold.check()
            doc = await self._repo.create_document(
                target.document_id,
                child_id,
                owner_id,
                filename=file.filename,
                content_type=file.content_type,
                content=file.content,
                token=token,
            )
        except OutcomeUnknown:
            # The document may exist: keep the key pending; a retry finds out from the document.
            raise ServiceUnavailable(
                "The document store did not answer; the upload may or may not have been stored. Retry with the "
                "same Idempotency-Key.",
                headers=self._retry_after,
            ) from None
        except asyncio.CancelledError:
            raise  # stopped midway, the document may exist: the key stays pending, and its document tells
        except BaseException:
            await self._release(hold)
            raise
        answer = Answer(_reply(201, doc, location_of))
        await self._send_and_store(self._scan_job(target.document_id, token), hold, answer.reply)
        self._count.inc(Action.UPLOAD, "created")
        logger.info("uploaded document %s (%s, %d bytes)", target.document_id, file.content_type, len(file.content))
        return Outcome(answer=answer, key=key, key_bound=key is not None)

    # -- rescan --

    async def rescan(self, target: Target, key: Key | None, location_of: LocationOf) -> Answer:
        """Ask for a new quick scan of a document.

        :param location_of: the scan resource's URL of a document, built only for an answer that names it
        """

        def explain(doc: Document | None) -> Problem | None:
            refusal = state.explain_rescan(doc)
            return None if refusal is RescanRefusal.NONE else self._rescan_refusal(refusal, doc)

        return await self._shared_decision(
            ("rescan", target.document_id, target.owner_id, target.child_id),
            lambda flight: self._decide_rescan(flight, target, key, location_of),
            lambda outcome: self._follow(outcome, target, key, Action.RESCAN, explain),
        )

    async def _decide_rescan(
        self, flight: Flight[Any, Outcome] | None, target: Target, key: Key | None, location_of: LocationOf
    ) -> Outcome:
        token = new_token()
        hold: _Hold | None = None
        if key is not None:
            claimed = await self._claim(key, Action.RESCAN, target, token, flight, location_of)
            if isinstance(claimed, Outcome):
                return claimed
            hold = claimed
        accepted: Document | None = None
        swapping = False
        try:
            for _ in range(MAX_SWAPS):
                if hold is not None:
                    hold.check()
                swapping = True
                accepted = await self._repo.try_rescan(
                    target.document_id,
                    target.child_id,
                    target.owner_id,
                    token=token,
                    idempotency_key=key.key if key else None,
                )
                swapping = False
                _close(flight)
                if accepted is not None:
                    break
                # Refused. This read only explains why; it decides nothing, so it needs only a few fields.
                current = await self._repo.explain(target.document_id, target.child_id, target.owner_id)
                refusal = state.explain_rescan(current)
                if refusal is not RescanRefusal.NONE:
                    self._count.inc("rescan", "conflict" if current is not None else "not_found")
                    await self._release(hold)
                    return Outcome(
                        problem=self._rescan_refusal(refusal, current),
                        snapshot=current,
                        shared=True,
                        key=key,
                    )
                # A scan finished between the swap and the read: the document is rescannable after all.
        except OutcomeUnknown:
            # The swap may have happened: keep the key pending; a retry finds out from the document's tokens.
            raise ServiceUnavailable(
                "The document store did not answer; the rescan may or may not have been accepted. Retry with "
                "the same Idempotency-Key, or poll the scan.",
                headers=self._retry_after,
            ) from None
        except asyncio.CancelledError:
            # Stopped while its swap was out, the request may have been accepted: then too the key stays pending.
            if not swapping:
                await self._release(hold)
            raise
        except BaseException:
            await self._release(hold)
            raise
        if accepted is None:
            await self._release(hold)
            raise ServiceUnavailable("The document kept changing; try again.", headers=self._retry_after)
        # Accepted: whatever happens from here on, the key is not given up (a retry would start a second scan).
        return await self._accepted_rescan(accepted, target, token, key, hold, location_of)

    async def _accepted_rescan(
        self, doc: Document, target: Target, token: str, key: Key | None, hold: _Hold | None, location_of: LocationOf
    ) -> Outcome:
        answer = Answer(_reply(202, doc, location_of))
        await self._send_and_store(self._scan_job(target.document_id, token), hold, answer.reply)
        self._count.inc("rescan", "accepted")
        logger.info("rescan of %s accepted", target.document_id, extra={"document_id": str(target.document_id)})
        return Outcome(answer=answer, snapshot=doc, shared=True, full=True, key=key, key_bound=key is not None)

    def _rescan_refusal(self, refusal: RescanRefusal, doc: Document | None) -> Problem:
        if refusal is RescanRefusal.NOT_FOUND or doc is None:
            return NotFound("No such child profile or document.")
        if refusal is RescanRefusal.IN_FLIGHT:
            return self._conflict(
                doc, ScanInFlight, f"A scan of this document is already {doc.get('scan_status')}; poll the scan."
            )
        if refusal is RescanRefusal.CONFIRMED:
            return self._conflict(doc, NotRescannable, "This document is confirmed and cannot be rescanned.")
        return self._conflict(
            doc, NotRescannable, f"This document is at stage {doc.get('pipeline_stage')} and cannot be rescanned."
        )

    # -- confirm --

    async def confirm(
        self, target: Target, topic: str, language: str, token: str | None, key: Key | None, location_of: LocationOf
    ) -> Answer:
        """Confirm the current suggestion with the parent's topic and language.

        :param token: the scan token ``If-Match`` names, ``None`` for any
        """
        return await self._shared_decision(
            ("confirm", target.document_id, target.owner_id, target.child_id),
            lambda flight: self._decide_confirm(flight, target, topic, language, token, key, location_of),
            lambda outcome: self._follow_confirm(outcome, target, topic, language, token, key, location_of),
        )

    async def _decide_confirm(
        self,
        flight: Flight[Any, Outcome] | None,
        target: Target,
        topic: str,
        language: str,
        token: str | None,
        key: Key | None,
        location_of: LocationOf,
    ) -> Outcome:
        hold: _Hold | None = None
        if key is not None:
            # a token of its own, though a confirm writes none: it fences storing the answer and giving the key up
            claimed = await self._claim(key, Action.CONFIRM, target, new_token(), flight, location_of)
            if isinstance(claimed, Outcome):
                return claimed
            hold = claimed
        try:
            for _ in range(MAX_SWAPS):
                if hold is not None:
                    hold.check()
                doc = await self._repo.try_confirm(
                    target.document_id, target.child_id, target.owner_id, topic=topic, language=language, token=token
                )
                _close(flight)
                if doc is not None:
                    answer = Answer(_reply(202, doc, location_of))
                    job = enqueue(
                        self._arq,
                        HAND_OFF,
                        str(target.document_id),
                        job_id=hand_off_job_id(target.document_id),
                        queue_name=self._settings.queue_name,
                        metrics=self._metrics,
                    )
                    await self._send_and_store(job, hold, answer.reply)
                    self._count.inc("confirm", "confirmed")
                    logger.info("document %s confirmed", target.document_id)
                    return Outcome(answer=answer, snapshot=doc, shared=True, full=True, key=key, key_bound=bool(key))
                current = await self._repo.explain(target.document_id, target.child_id, target.owner_id)
                refusal = state.explain_confirm(current, topic, language, token)
                if refusal is ConfirmRefusal.SAME:
                    # The same confirmation again: it answers 200 with the document, so read all of it.
                    whole = await self._repo.get(target.document_id, target.child_id, target.owner_id)
                    if whole is None or state.explain_confirm(whole, topic, language, token) is not refusal:
                        continue
                    answer = Answer(_reply(200, whole, location_of))
                    await self._complete(hold, answer.reply)
                    self._count.inc("confirm", "replayed")
                    return Outcome(answer=answer, snapshot=whole, shared=True, full=True, key=key, key_bound=bool(key))
                if refusal is not ConfirmRefusal.NONE:
                    self._count.inc("confirm", "conflict")
                    await self._release(hold)
                    return Outcome(
                        problem=self._confirm_refusal(refusal, current), snapshot=current, shared=True, key=key
                    )
        except BaseException:
            await self._release(hold)
            raise
        await self._release(hold)
        raise ServiceUnavailable("The document kept changing; try again.", headers=self._retry_after)

    async def _follow_confirm(
        self,
        outcome: Outcome,
        target: Target,
        topic: str,
        language: str,
        token: str | None,
        key: Key | None,
        location_of: LocationOf,
    ) -> Answer | None:
        def explain(doc: Document | None) -> Answer | Problem | None:
            refusal = state.explain_confirm(doc, topic, language, token)
            # A success keeps the key it came with (bound to this request): a keyed one claims it on its own.
            if refusal is ConfirmRefusal.NONE or (refusal is ConfirmRefusal.SAME and (not outcome.full or key)):
                return None
            if refusal is ConfirmRefusal.SAME:
                assert doc is not None
                return Answer(_reply(200, doc, location_of))
            return self._confirm_refusal(refusal, doc)

        return await self._follow(outcome, target, key, Action.CONFIRM, explain)

    def _confirm_refusal(self, refusal: ConfirmRefusal, doc: Document | None) -> Problem:
        if refusal is ConfirmRefusal.NOT_FOUND or doc is None:
            return NotFound("No such child profile or document.")
        if refusal is ConfirmRefusal.OTHER:
            return self._conflict(
                doc, AlreadyConfirmed, "This document was already confirmed with a different topic or language."
            )
        if refusal is ConfirmRefusal.STALE:
            return PreconditionFailed(
                "A newer scan replaced the suggestion you saw; fetch the scan again.",
                extensions={"scan_status": doc.get("scan_status")},
            )
        return self._conflict(
            doc, NotReady, f"There is no suggestion to confirm: the scan is {doc.get('scan_status')}."
        )

    # -- followers --

    async def _follow(
        self,
        outcome: Outcome,
        target: Target,
        key: Key | None,
        action: Action,
        explain: Callable[[Document | None], Answer | Problem | None],
    ) -> Answer | None:
        """A follower's answer from its leader's outcome; ``None`` when it must decide on its own.

        The follower's request overlapped the leader's decision, so it is ordered right after it: it meets
        the state the leader saw (a refusal) or made (an accepted request).
        """
        try:
            answer = await self._derive(outcome, target, key, action, explain)
        except Problem:
            self._coalesced[action].inc()
            raise
        if answer is not None:
            self._coalesced[action].inc()
        return answer

    async def _derive(
        self,
        outcome: Outcome,
        target: Target,
        key: Key | None,
        action: Action,
        explain: Callable[[Document | None], Answer | Problem | None],
    ) -> Answer | None:
        if key is not None:
            if outcome.key is not None and key.key == outcome.key.key:
                if key.fingerprint == outcome.key.fingerprint:
                    answer = outcome.result()
                    return answer.again() if outcome.key_bound else answer
                if outcome.key_bound:
                    raise _reused()
                return None
            # Another key: it may belong to an earlier request, which gets its own answer again.
            record = await self._keys.find(idempotency.record_id(target.owner_id, key.key))
            if record is not None and not idempotency.expired(record, utcnow()):
                verdict = idempotency.judge(
                    record, action, target.child_id, target.document_id, key.fingerprint, utcnow(), self._stale
                )
                if verdict is Verdict.REPLAY:
                    return Answer(idempotency.stored_reply(record), replayed=True)
                if verdict is Verdict.MISMATCH:
                    raise _reused()
                if verdict is Verdict.IN_USE:
                    raise self._in_use()
                return None
        if not outcome.shared:
            return None
        derived = explain(outcome.snapshot)
        if isinstance(derived, Problem):
            raise derived
        return derived

    # -- keys --

    async def _claim(
        self,
        key: Key,
        action: Action,
        target: Target,
        token: str,
        flight: Flight[Any, Outcome] | None,
        location_of: LocationOf,
    ) -> _Hold | Outcome:
        """Claim the key for this request, or the outcome a taken key gives."""
        record = self._record(key, action, target, token)
        # An upload creates its document, so its key is bound to the child and the content, not to an id.
        judged_target = None if action is Action.UPLOAD else target.document_id
        for _ in range(MAX_SWAPS):
            claim, existing = await self._keys.claim(record)
            if claim is KeyClaim.CLAIMED:
                return self._hold(record)
            assert existing is not None
            now = utcnow()
            if idempotency.expired(existing, now):
                if await self._keys.reclaim(record, existing):
                    return self._hold(record)
                continue
            verdict = idempotency.judge(
                existing, action, target.child_id, judged_target, key.fingerprint, now, self._stale
            )
            _close(flight)
            if verdict is Verdict.REPLAY:
                self._count.inc(action, "replayed")
                answer = Answer(idempotency.stored_reply(existing), replayed=True)
                return Outcome(answer=answer, key=key, key_bound=True)
            if verdict is Verdict.MISMATCH:
                self._count.inc(action, "key_reused")
                return Outcome(problem=_reused(), key=key)
            if verdict is Verdict.IN_USE:
                return Outcome(problem=self._in_use(), key=key)
            if verdict is Verdict.GONE:
                gone = NotFound("The document this request made or acted on was deleted since; nothing was done.")
                return Outcome(problem=gone, key=key, key_bound=True)
            # REBUILD or INTERRUPTED: the document the earlier request acted on tells what it did.
            told = await self._from_document(existing, verdict, key, action, target, location_of)
            if told is not None:
                return told
            if await self._keys.reclaim(record, existing):
                return self._hold(record)
        return Outcome(problem=self._in_use(), key=key)

    async def _from_document(
        self, existing: KeyRecord, verdict: Verdict, key: Key, action: Action, target: Target, location_of: LocationOf
    ) -> Outcome | None:
        """The outcome of an earlier request with this key, told by its document; ``None``: it never acted."""
        doc = await self._repo.get(existing["document_id"], target.child_id, target.owner_id)
        if verdict is Verdict.REBUILD:
            if doc is None:
                return Outcome(problem=NotFound("No such child profile or document."), key=key)
            answer = Answer(_reply(_STATUS[action], doc, location_of), replayed=True)
            return Outcome(answer=answer, key=key, key_bound=True)
        if doc is None:
            return None
        try:
            happened = _happened(existing, action, doc)
        except ServiceUnavailable as unknown:
            # About this key only: followers without it decide on their own (the outcome is not shared).
            return Outcome(problem=unknown, key=key)
        if not happened:
            return None
        reply = _reply(_STATUS[action], doc, location_of)
        await self._keys.complete(existing["_id"], str(existing.get("token")), reply)
        return Outcome(answer=Answer(reply, replayed=True), key=key, key_bound=True)

    def _hold(self, record: KeyRecord) -> _Hold:
        # One store call's bound before the claim could be judged interrupted: the last instant to act.
        margin = timedelta(milliseconds=self._settings.mongo_timeout_ms)
        return _Hold(record["_id"], str(record["token"]), record["claimed_at"] + self._stale - margin)

    def _record(self, key: Key, action: Action, target: Target, token: str) -> KeyRecord:
        return idempotency.new_record(
            owner_id=target.owner_id,
            key=key.key,
            action=action,
            child_id=target.child_id,
            document_id=target.document_id,
            fp=key.fingerprint,
            token=token,
            now=utcnow(),
            ttl=self._ttl,
        )

    def _scan_job(self, document_id: ObjectId, token: str) -> Awaitable[Enqueued]:
        """The enqueue of the quick scan an accepted request (an upload, a rescan) asked for, under its token."""
        return enqueue_scan(self._arq, document_id, token, queue_name=self._settings.queue_name, metrics=self._metrics)

    async def _send_and_store(self, job: Awaitable[Enqueued], hold: _Hold | None, reply: Reply) -> None:
        """Enqueue the job and, for a keyed request, store its answer: independent, so one round trip of waiting
        for both."""
        if hold is None:
            await job
        else:
            await asyncio.gather(job, self._complete(hold, reply))

    async def _complete(self, hold: _Hold | None, reply: Reply) -> None:
        if hold is None:
            return
        try:
            await self._keys.complete(hold.record_id, hold.token, reply)
        except PyMongoError as exc:
            # The request happened; a retry finds the key pending, then resolves it from the document.
            logger.warning("could not store the answer of a keyed request: %s", exc)

    async def _release(self, hold: _Hold | None) -> None:
        if hold is None:
            return
        try:
            await self._keys.release(hold.record_id, hold.token)
        except PyMongoError as exc:
            logger.warning("could not release an Idempotency-Key; it frees itself when its claim goes stale: %s", exc)

    def _in_use(self) -> Problem:
        return IdempotencyKeyInUse(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            extensions={"retry_after": self._settings.retry_after_seconds},
            headers=self._retry_after,
        )

    def _conflict(self, doc: Document, problem: type[Problem], detail: str) -> Problem:
        extensions: dict[str, Any] = {
            "scan_status": doc.get("scan_status"),
            "pipeline_stage": doc.get("pipeline_stage"),
            "validation_status": doc.get("validation_status") or "pending",
        }
        headers: dict[str, str] = {}
        if state.scan_in_flight(doc):
            extensions["retry_after"] = self._settings.retry_after_seconds
            headers = self._retry_after
        return problem(detail, extensions=extensions, headers=headers)


def _close(flight: Flight[Any, Outcome] | None) -> None:
    if flight is not None:
        flight.close()


def _reused() -> Problem:
    return IdempotencyKeyReused("This Idempotency-Key was already used for another request.")


def _reply(status: int, doc: Document, location_of: LocationOf) -> Reply:
    location = location_of(doc["_id"])
    return Reply(status=status, body=json.dumps(document_view(doc, location)), location=location)


#: the status of an accepted request, which a replay answers again
_STATUS = {Action.UPLOAD: 201, Action.RESCAN: 202, Action.CONFIRM: 202}


def _happened(record: KeyRecord, action: Action, doc: Document) -> bool:
    """Whether the interrupted request that claimed this key acted on the document.

    Raises ``ServiceUnavailable`` when the document no longer remembers (too many requests since).
    """
    if action is Action.UPLOAD:
        return True  # the document it created exists
    if action is Action.CONFIRM:
        return False  # a confirmation is idempotent by its values: running it again cannot confirm twice
    scan = doc.get("scan") or {}
    recent = list(scan.get("recent_tokens") or [])
    if record.get("token") == scan.get("token") or record.get("token") in recent:
        return True
    requested_at, claimed_at = scan.get("requested_at"), record.get("claimed_at")
    if isinstance(requested_at, datetime) and isinstance(claimed_at, datetime) and requested_at < claimed_at:
        return False  # nothing was accepted since the claim, so neither was the claim's own request
    if len(recent) >= state.RECENT_TOKENS:
        raise ServiceUnavailable(
            "The earlier request with this Idempotency-Key was interrupted and its outcome can no longer be "
            "told; poll the scan, or rescan with a new key."
        )
    return False
