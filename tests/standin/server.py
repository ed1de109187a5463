"""A MongoDB wire-protocol stand-in for the real test tier.

``mockupdb`` reads and writes the wire protocol (one thread per connection), and every command runs,
one at a time under a single lock, on an in-memory ``mongomock.MongoClient``. Commands therefore are
atomic across all clients and processes, which is what the service's compare-and-set needs, and the
documents keep their BSON types because they are never converted to anything but BSON and Python.

Collection validators are stored and enforced by a small ``$jsonSchema`` checker (see
``schema_errors``); the ``jsonschema`` package does not know MongoDB's ``bsonType``.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import bson
import mongomock
from bson.int64 import Int64
from mockupdb import (
    OP_MSG_FLAGS,
    Command,
    MockupDB,
    OpMsg,
    Request,
    make_op_msg_reply,
    make_reply,
    mock_server_receive_request,
)
from mongomock.filtering import filter_applies as _filter_applies
from mongomock.helpers import patch_datetime_awareness_in_document
from pymongo.results import UpdateResult

logger = logging.getLogger(__name__)

Doc = dict[str, Any]

MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024
MAX_MESSAGE_SIZE = 48_000_000
MAX_WRITE_BATCH_SIZE = 100_000
MAX_WIRE_VERSION = 21  # MongoDB 7.0
DEFAULT_FIRST_BATCH = 101
# room for the reply's envelope around a batch, so a batch never makes a reply larger than 16 MB
BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024

CODE_NAMES = {
    1: "InternalError",
    2: "BadValue",
    9: "FailedToParse",
    26: "NamespaceNotFound",
    27: "IndexNotFound",
    43: "CursorNotFound",
    48: "NamespaceExists",
    59: "CommandNotFound",
    72: "InvalidOptions",
    73: "InvalidNamespace",
    85: "IndexOptionsConflict",
    115: "CommandNotSupported",
    121: "DocumentValidationFailure",
    238: "NotImplemented",
    11000: "DuplicateKey",
}

VALIDATION_OPTIONS = ("validator", "validationLevel", "validationAction")
# fields the driver adds to any command; they change nothing on a standalone in-memory server
DRIVER_FIELDS = frozenset({"lsid", "txnNumber", "writeConcern", "readConcern", "comment", "maxTimeMS"})


class CommandError(Exception):
    """A command failure that is answered as ``{ok: 0, code, codeName, errmsg}``."""

    def __init__(self, code: int, errmsg: str, err_info: Doc | None = None) -> None:
        super().__init__(errmsg)
        self.code = code
        self.errmsg = errmsg
        self.err_info = err_info

    def fields(self) -> Doc:
        """The error's fields, shared by command errors and write errors."""
        doc: Doc = {"code": self.code, "codeName": CODE_NAMES.get(self.code, "UnknownError"), "errmsg": self.errmsg}
        if self.err_info is not None:
            doc["errInfo"] = self.err_info
        return doc


def _as_command_error(exc: Exception) -> CommandError:
    if isinstance(exc, CommandError):
        return exc
    if isinstance(exc, mongomock.DuplicateKeyError):
        return CommandError(11000, f"E11000 duplicate key error: {exc}")
    if isinstance(exc, mongomock.OperationFailure):
        return CommandError(exc.code or 2, str(exc))
    if isinstance(exc, NotImplementedError):
        return CommandError(238, f"not supported by the stand-in: {exc}")
    if isinstance(exc, (ValueError, TypeError, KeyError)):
        return CommandError(2, f"{type(exc).__name__}: {exc}")
    logger.exception("stand-in command failed")
    return CommandError(1, f"{type(exc).__name__}: {exc}")


def filter_applies(query: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    """Whether a document matches a query, by mongomock's matcher."""
    return bool(_filter_applies(query, doc))  # type: ignore[no-untyped-call]


# -- $jsonSchema --


def _is_int32(value: Any) -> bool:
    return (type(value) is int) and -(2**31) <= value < 2**31


def _is_long(value: Any) -> bool:
    return isinstance(value, Int64) or (type(value) is int and not _is_int32(value))


BSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "double": lambda v: isinstance(v, float),
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, Mapping),
    "array": lambda v: isinstance(v, list),
    "binData": lambda v: isinstance(v, (bytes, bson.Binary)),
    "objectId": lambda v: isinstance(v, bson.ObjectId),
    "bool": lambda v: isinstance(v, bool),
    "date": lambda v: isinstance(v, datetime.datetime),
    "null": lambda v: v is None,
    "regex": lambda v: isinstance(v, (bson.Regex, re.Pattern)),
    "int": _is_int32,
    "long": _is_long,
    "decimal": lambda v: isinstance(v, bson.Decimal128),
    "timestamp": lambda v: isinstance(v, bson.Timestamp),
    "number": lambda v: isinstance(v, (int, float, bson.Decimal128)) and not isinstance(v, bool),
}
JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": BSON_TYPES["object"],
    "array": BSON_TYPES["array"],
    "number": BSON_TYPES["number"],
    "boolean": BSON_TYPES["bool"],
    "string": BSON_TYPES["string"],
    "null": BSON_TYPES["null"],
}


def _type_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    errors = []
    for keyword, table in (("bsonType", BSON_TYPES), ("type", JSON_TYPES)):
        if keyword in schema:
            wanted = schema[keyword]
            names = [wanted] if isinstance(wanted, str) else list(wanted)
            if not any(table[name](value) for name in names):
                errors.append(f"{path or '$'}: {keyword} {names} does not match {type(value).__name__}")
    return errors


def _number_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    if not BSON_TYPES["number"](value) or isinstance(value, bson.Decimal128):
        return []
    errors = []
    if "minimum" in schema:
        low = schema["minimum"]
        if value < low or (schema.get("exclusiveMinimum") and value == low):
            errors.append(f"{path}: {value} is below the minimum {low}")
    if "maximum" in schema:
        high = schema["maximum"]
        if value > high or (schema.get("exclusiveMaximum") and value == high):
            errors.append(f"{path}: {value} is above the maximum {high}")
    return errors


def _string_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return []
    errors = []
    if len(value) < schema.get("minLength", 0):
        errors.append(f"{path}: shorter than {schema['minLength']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(f"{path}: longer than {schema['maxLength']}")
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        errors.append(f"{path}: does not match {schema['pattern']!r}")
    return errors


def _object_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    errors = [
        f"{path}.{name}: required" if path else f"{name}: required"
        for name in schema.get("required", ())
        if name not in value
    ]
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name, sub in properties.items():
        if name in value:
            errors += schema_errors(sub, value[name], f"{path}.{name}" if path else name)
    extra = schema.get("additionalProperties", True)
    for name in value:
        if name in properties:
            continue
        if extra is False:
            errors.append(f"{path}.{name}: not allowed" if path else f"{name}: not allowed")
        elif isinstance(extra, Mapping):
            errors += schema_errors(extra, value[name], f"{path}.{name}" if path else name)
    return errors


def _array_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        return []
    errors = []
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            errors += schema_errors(items, item, f"{path}.{index}")
    elif isinstance(items, list):
        for index, (sub, item) in enumerate(zip(items, value, strict=False)):
            errors += schema_errors(sub, item, f"{path}.{index}")
    if len(value) < schema.get("minItems", 0):
        errors.append(f"{path}: fewer than {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        errors.append(f"{path}: more than {schema['maxItems']} items")
    return errors


def _combinator_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[str]:
    errors = []
    for sub in schema.get("allOf", ()):
        errors += schema_errors(sub, value, path)
    if "anyOf" in schema and all(schema_errors(sub, value, path) for sub in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    if "oneOf" in schema and sum(not schema_errors(sub, value, path) for sub in schema["oneOf"]) != 1:
        errors.append(f"{path}: does not match exactly one of oneOf")
    if "not" in schema and not schema_errors(schema["not"], value, path):
        errors.append(f"{path}: matches a 'not' schema")
    return errors


def schema_errors(schema: Mapping[str, Any], value: Any, path: str = "") -> list[str]:
    """Check a value against a MongoDB ``$jsonSchema`` and return what fails (an empty list when it passes).

    Supports bsonType, type, enum, required, properties, additionalProperties, minimum/maximum (with the
    draft-4 exclusive flags), minLength/maxLength/pattern, items/minItems/maxItems, allOf/anyOf/oneOf/not.
    As in JSON Schema, a keyword that does not apply to the value's type is ignored.

    :param schema: the ``$jsonSchema`` document or one of its subschemas
    :param value: the document or one of its values
    :param path: the dotted path of ``value``, for the messages
    """
    errors = _type_errors(schema, value, path)
    if errors:
        return errors
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    for check in (_number_errors, _string_errors, _object_errors, _array_errors, _combinator_errors):
        errors += check(schema, value, path)
    return errors


@dataclass
class Validation:
    """A collection's stored validator with its level and action."""

    validator: Mapping[str, Any]
    level: str = "strict"
    action: str = "error"

    def errors(self, doc: Mapping[str, Any]) -> list[str]:
        """What in ``doc`` fails the validator: ``$jsonSchema`` by ``schema_errors``, other keys as a query."""
        query = {key: value for key, value in self.validator.items() if key != "$jsonSchema"}
        errors = schema_errors(self.validator["$jsonSchema"], doc) if "$jsonSchema" in self.validator else []
        if query and not filter_applies(query, doc):
            errors.append("the document does not match the validator's query")
        return errors


# -- the command executor --


@dataclass
class _Cursor:
    namespace: str
    docs: Sequence[Mapping[str, Any]]
    position: int = 0


@dataclass
class Engine:
    """Executes MongoDB commands on one in-memory mongomock client, one command at a time."""

    client: mongomock.MongoClient[Doc] = field(default_factory=mongomock.MongoClient)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cursors: dict[int, _Cursor] = field(default_factory=dict)
    _cursor_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1_000_001))
    _connection_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    # (database, collection) -> options given to create/collMod, validator included
    _options: dict[tuple[str, str], Doc] = field(default_factory=dict)

    def execute(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        """Run one command and return its reply document, an error reply when it fails.

        :param db_name: the command's ``$db``
        :param command: the command document, document sequences already merged into it
        """
        name = next(iter(command), "")
        handler = COMMANDS.get(name)
        if handler is None:
            return {"ok": 0.0, **CommandError(59, f"no such command: '{name}'").fields()}
        with self._lock:
            try:
                reply = handler(self, db_name, command)
            except Exception as exc:  # every failure is answered, never raised into the connection thread
                return {"ok": 0.0, **_as_command_error(exc).fields()}
        reply.setdefault("ok", 1.0)
        return reply

    # -- helpers --

    def _collection(self, db_name: str, name: Any) -> mongomock.Collection[Doc]:
        if not isinstance(name, str) or not name:
            raise CommandError(73, f"Invalid collection name: {name!r}")
        return self.client[db_name][name]

    def _exists(self, db_name: str, name: str) -> bool:
        return name in self.client[db_name].list_collection_names()

    def _validation(self, db_name: str, name: str, bypass: bool) -> Validation | None:
        options = self._options.get((db_name, name), {})
        if bypass or not options.get("validator") or options.get("validationLevel") == "off":
            return None
        return Validation(
            options["validator"], options.get("validationLevel", "strict"), options.get("validationAction", "error")
        )

    def _check_new(self, rule: Validation | None, doc: Mapping[str, Any]) -> None:
        if rule is None:
            return
        errors = rule.errors(doc)
        if not errors:
            return
        if rule.action == "warn":
            logger.warning("document %r fails validation: %s", doc.get("_id"), errors)
            return
        raise CommandError(
            121, "Document failed validation", {"failingDocumentId": doc.get("_id"), "details": {"reasons": errors}}
        )

    def _apply_guarded(
        self,
        coll: mongomock.Collection[Doc],
        rule: Validation | None,
        pre: list[Doc],
        write: Callable[[], UpdateResult],
    ) -> UpdateResult:
        """Apply an update, then undo it and raise 121 when a written document fails the validator."""
        result = write()
        if rule is None:
            return result
        try:
            for old in pre:
                new = self._find_one(coll, {"_id": old["_id"]})
                if new is not None and not (rule.level == "moderate" and rule.errors(old)):
                    self._check_new(rule, new)
            if result.upserted_id is not None:
                self._check_new(rule, coll.find_one({"_id": result.upserted_id}) or {})
        except CommandError:
            for old in pre:
                coll.replace_one({"_id": old["_id"]}, old)
            if result.upserted_id is not None:
                coll.delete_one({"_id": result.upserted_id})
            raise
        return result

    def _find_one(
        self, coll: mongomock.Collection[Doc], query: Mapping[str, Any], sort: Any = None, fields: Any = None
    ) -> Doc | None:
        """``find_one``, straight to the document when the query names its ``_id``, as MongoDB's ``_id`` index
        does (mongomock matches every document of the collection against the query)."""
        key = query.get("_id")
        if sort or fields or not isinstance(key, (bson.ObjectId, str)):
            return coll.find_one(query, fields, sort=list(sort.items()) if sort else None)
        store: Any = coll._store  # mongomock keeps a collection's documents by _id
        doc = store[key] if key in store else None
        # as mongomock's cursor does: naive UTC datetimes to the millisecond, as MongoDB stores them
        query = patch_datetime_awareness_in_document(query)  # type: ignore[no-untyped-call]
        return copy.deepcopy(doc) if doc is not None and filter_applies(query, doc) else None

    def _take(self, cursor: _Cursor, limit: int | None) -> list[Mapping[str, Any]]:
        batch: list[Mapping[str, Any]] = []
        size = 0
        while cursor.position < len(cursor.docs) and (limit is None or len(batch) < limit):
            doc = cursor.docs[cursor.position]
            size += len(bson.encode(doc))
            if batch and size > BATCH_BYTES:
                break
            batch.append(doc)
            cursor.position += 1
        return batch

    def _open_cursor(
        self, namespace: str, docs: Sequence[Mapping[str, Any]], batch_size: int | None, single: bool
    ) -> Doc:
        cursor = _Cursor(namespace, docs)
        first = self._take(cursor, DEFAULT_FIRST_BATCH if batch_size is None else batch_size)
        cursor_id = 0
        if cursor.position < len(docs) and not single:
            cursor_id = next(self._cursor_ids)
            self._cursors[cursor_id] = cursor
        return {"cursor": {"firstBatch": first, "id": Int64(cursor_id), "ns": namespace}}

    # -- handshake and administration --

    def hello(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        # No setName/hosts: the driver sees a standalone server. No topologyVersion: it polls instead of
        # streaming heartbeats, which mockupdb cannot serve (they use moreToCome).
        return {
            "helloOk": True,
            "isWritablePrimary": True,
            "ismaster": True,
            "maxBsonObjectSize": MAX_BSON_OBJECT_SIZE,
            "maxMessageSizeBytes": MAX_MESSAGE_SIZE,
            "maxWriteBatchSize": MAX_WRITE_BATCH_SIZE,
            "localTime": datetime.datetime.now(datetime.UTC),
            "logicalSessionTimeoutMinutes": 30,
            "connectionId": next(self._connection_ids),
            "minWireVersion": 0,
            "maxWireVersion": MAX_WIRE_VERSION,
            "readOnly": False,
        }

    def ping(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        return {}

    def build_info(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        return {
            "version": "7.0.0",
            "versionArray": [7, 0, 0, 0],
            "bits": 64,
            "maxBsonObjectSize": MAX_BSON_OBJECT_SIZE,
            "storageEngines": ["standin"],
        }

    def list_databases(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        names = self.client.list_database_names()
        if command.get("nameOnly"):
            return {"databases": [{"name": name} for name in names]}
        return {"databases": [{"name": name, "sizeOnDisk": 0, "empty": False} for name in names], "totalSize": 0}

    def drop_database(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        self.client.drop_database(db_name)
        for key in [key for key in self._options if key[0] == db_name]:
            del self._options[key]
        return {"dropped": db_name}

    def create(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["create"]
        if self._exists(db_name, name):
            raise CommandError(48, f"Collection already exists. NS: {db_name}.{name}")
        self.client[db_name].create_collection(name)
        options = {key: command[key] for key in (*VALIDATION_OPTIONS, "capped", "size", "max") if key in command}
        self._options[(db_name, name)] = options
        return {}

    def coll_mod(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["collMod"]
        if not self._exists(db_name, name):
            raise CommandError(26, f"ns does not exist: {db_name}.{name}")
        unknown = {key for key in command if not key.startswith("$")} - {"collMod", *VALIDATION_OPTIONS, *DRIVER_FIELDS}
        if unknown:
            raise CommandError(238, f"collMod options not supported by the stand-in: {sorted(unknown)}")
        options = self._options.setdefault((db_name, name), {})
        options.update({key: command[key] for key in VALIDATION_OPTIONS if key in command})
        return {}

    def drop(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["drop"]
        coll = self._collection(db_name, name)
        indexes = len(list(coll.list_indexes()))
        self.client[db_name].drop_collection(name)
        self._options.pop((db_name, name), None)
        return {"ns": f"{db_name}.{name}", "nIndexesWas": indexes}

    def list_collections(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        docs = []
        for name in sorted(self.client[db_name].list_collection_names()):
            doc: Doc = {"name": name, "type": "collection"}
            if not command.get("nameOnly"):
                doc.update(
                    options=dict(self._options.get((db_name, name), {})),
                    info={"readOnly": False},
                    idIndex={"v": 2, "key": {"_id": 1}, "name": "_id_"},
                )
            docs.append(doc)
        flt = command.get("filter") or {}
        docs = [doc for doc in docs if filter_applies(flt, doc)]
        cursor_options = command.get("cursor") or {}
        return self._open_cursor(f"{db_name}.$cmd.listCollections", docs, cursor_options.get("batchSize"), False)

    # -- indexes --

    def create_indexes(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["createIndexes"]
        coll = self._collection(db_name, name)
        created = not self._exists(db_name, name)
        if created:
            self.client[db_name].create_collection(name)
        existing = coll.index_information()
        before = len(existing)
        for spec in command["indexes"]:
            self._create_index(coll, spec, existing)
        return {
            "createdCollectionAutomatically": created,
            "numIndexesBefore": before,
            "numIndexesAfter": len(coll.index_information()),
        }

    def _create_index(
        self, coll: mongomock.Collection[Doc], spec: Mapping[str, Any], existing: Mapping[str, Doc]
    ) -> None:
        keys = list(spec["key"].items())
        options = {
            key: spec[key]
            for key in ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression")
            if key in spec
        }
        index_name = spec.get("name") or "_".join(f"{key}_{direction}" for key, direction in keys)
        if index_name in existing:
            same = existing[index_name]["key"] == keys and all(
                existing[index_name].get(key) == value for key, value in options.items() if value
            )
            if not same:
                raise CommandError(85, f"Index with name: {index_name} already exists with different options")
            return
        partial = options.get("partialFilterExpression")
        if options.get("unique") and partial is not None:
            # mongomock checks existing documents without the partial filter; Mongo checks only those it covers
            self._check_unique(coll, keys, partial)
            options.pop("unique")
            coll.create_index(keys, name=index_name, **options)
            store: Any = coll._store  # mongomock has no public way to add a partial unique index
            store.indexes[index_name]["unique"] = True
            return
        coll.create_index(keys, name=index_name, **options)

    def _check_unique(self, coll: mongomock.Collection[Doc], keys: Sequence[tuple[str, Any]], partial: Doc) -> None:
        seen: list[list[Any]] = []
        for doc in coll.find(partial):
            value = [_dotted(doc, key) for key, _ in keys]
            if value in seen:
                raise CommandError(11000, f"E11000 duplicate key error collection: {coll.full_name} dup key: {value}")
            seen.append(value)

    def list_indexes(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["listIndexes"]
        if not self._exists(db_name, name):
            raise CommandError(26, f"ns does not exist: {db_name}.{name}")
        docs = list(self._collection(db_name, name).list_indexes())
        cursor_options = command.get("cursor") or {}
        return self._open_cursor(f"{db_name}.{name}", docs, cursor_options.get("batchSize"), False)

    def drop_indexes(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["dropIndexes"]
        if not self._exists(db_name, name):
            raise CommandError(26, f"ns does not exist: {db_name}.{name}")
        coll = self._collection(db_name, name)
        info = coll.index_information()
        index = command.get("index")
        if index == "*":
            coll.drop_indexes()
            return {"nIndexesWas": len(info)}
        if isinstance(index, Mapping):
            matches = [n for n, spec in info.items() if spec["key"] == list(index.items())]
            names = matches[:1] or ["<no index with that key>"]
        else:
            names = [index] if isinstance(index, str) else list(index or [])
        for index_name in names:
            if index_name not in info or index_name == "_id_":
                raise CommandError(27, f"index not found with name [{index_name}]")
        for index_name in names:
            coll.drop_index(index_name)
        return {"nIndexesWas": len(info)}

    # -- reads --

    def find(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["find"]
        coll = self._collection(db_name, name)
        limit = int(command.get("limit", 0))
        single = bool(command.get("singleBatch", False)) or limit < 0
        sort = command.get("sort")
        docs = list(
            coll.find(
                command.get("filter") or {},
                command.get("projection") or None,
                skip=int(command.get("skip", 0)),
                limit=abs(limit),
                sort=list(sort.items()) if sort else None,
            )
        )
        return self._open_cursor(f"{db_name}.{name}", docs, command.get("batchSize"), single)

    def get_more(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        cursor_id = int(command["getMore"])
        cursor = self._cursors.get(cursor_id)
        if cursor is None:
            raise CommandError(43, f"cursor id {cursor_id} not found")
        batch = self._take(cursor, command.get("batchSize") or None)
        if cursor.position >= len(cursor.docs):
            del self._cursors[cursor_id]
            cursor_id = 0
        return {"cursor": {"nextBatch": batch, "id": Int64(cursor_id), "ns": cursor.namespace}}

    def kill_cursors(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        killed: list[Any] = []
        not_found: list[Any] = []
        for cursor_id in command.get("cursors", []):
            (killed if self._cursors.pop(int(cursor_id), None) is not None else not_found).append(cursor_id)
        return {"cursorsKilled": killed, "cursorsNotFound": not_found, "cursorsAlive": [], "cursorsUnknown": []}

    def aggregate(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["aggregate"]
        if not isinstance(name, str):
            raise CommandError(238, "database-level aggregation is not supported by the stand-in")
        if command.get("explain"):
            raise CommandError(238, "explain is not supported by the stand-in")
        docs = list(self._collection(db_name, name).aggregate(list(command.get("pipeline", []))))
        cursor_options = command.get("cursor") or {}
        return self._open_cursor(f"{db_name}.{name}", docs, cursor_options.get("batchSize"), False)

    def count(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        coll = self._collection(db_name, command["count"])
        kwargs: Doc = {"skip": int(command.get("skip", 0))}
        if command.get("limit"):
            kwargs["limit"] = abs(int(command["limit"]))
        return {"n": coll.count_documents(command.get("query") or {}, **kwargs)}

    def distinct(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        coll = self._collection(db_name, command["distinct"])
        return {"values": coll.distinct(command["key"], command.get("query") or None)}

    # -- writes --

    def insert(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["insert"]
        coll = self._collection(db_name, name)
        rule = self._validation(db_name, name, bool(command.get("bypassDocumentValidation")))
        n, errors = 0, []
        for index, doc in enumerate(command.get("documents", [])):
            try:
                self._check_new(rule, doc)
                coll.insert_one(doc)
                n += 1
            except Exception as exc:
                errors.append({"index": index, **_as_command_error(exc).fields()})
                if command.get("ordered", True):
                    break
        return _write_reply({"n": n}, errors)

    def update(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = command["update"]
        coll = self._collection(db_name, name)
        rule = self._validation(db_name, name, bool(command.get("bypassDocumentValidation")))
        n = modified = 0
        upserted, errors = [], []
        for index, statement in enumerate(command.get("updates", [])):
            try:
                result = self._update_statement(coll, rule, statement)
            except Exception as exc:
                errors.append({"index": index, **_as_command_error(exc).fields()})
                if command.get("ordered", True):
                    break
                continue
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
                n += 1
            else:
                n += result.matched_count
                modified += result.modified_count
        reply: Doc = {"n": n, "nModified": modified}
        if upserted:
            reply["upserted"] = upserted
        return _write_reply(reply, errors)

    def _update_statement(
        self, coll: mongomock.Collection[Doc], rule: Validation | None, statement: Mapping[str, Any]
    ) -> UpdateResult:
        query, update = statement.get("q") or {}, statement["u"]
        multi, upsert = bool(statement.get("multi")), bool(statement.get("upsert"))
        array_filters = statement.get("arrayFilters")
        pre = (list(coll.find(query)) if multi else [d for d in [self._find_one(coll, query)] if d]) if rule else []

        def write() -> UpdateResult:
            if isinstance(update, Mapping) and not any(key.startswith("$") for key in update):
                if multi:
                    raise CommandError(9, "multi update is not supported for replacement-style update")
                return coll.replace_one(query, update, upsert=upsert)
            if multi:
                return coll.update_many(query, update, upsert=upsert, array_filters=array_filters)
            return coll.update_one(query, update, upsert=upsert, array_filters=array_filters)

        return self._apply_guarded(coll, rule, pre, write)

    def delete(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        coll = self._collection(db_name, command["delete"])
        n, errors = 0, []
        for index, statement in enumerate(command.get("deletes", [])):
            try:
                query = statement.get("q") or {}
                result = coll.delete_one(query) if statement.get("limit") else coll.delete_many(query)
                n += result.deleted_count
            except Exception as exc:
                errors.append({"index": index, **_as_command_error(exc).fields()})
                if command.get("ordered", True):
                    break
        return _write_reply({"n": n}, errors)

    def find_and_modify(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        name = next(iter(command.values()))
        coll = self._collection(db_name, name)
        query = command.get("query") or {}
        sort = command.get("sort")
        fields = command.get("fields") or None
        pre = self._find_one(coll, query, sort)
        if command.get("remove"):
            if command.get("update") is not None or command.get("new"):
                raise CommandError(9, "remove cannot be combined with update or new")
            if pre is None:
                return {"lastErrorObject": {"n": 0}, "value": None}
            value = coll.find_one({"_id": pre["_id"]}, fields)
            coll.delete_one({"_id": pre["_id"]})
            return {"lastErrorObject": {"n": 1}, "value": value}
        update = command.get("update")
        if update is None:
            raise CommandError(9, "Either an update or remove=true must be specified")
        upsert = bool(command.get("upsert"))
        if pre is None and not upsert:
            return {"lastErrorObject": {"n": 0, "updatedExisting": False}, "value": None}
        new = bool(command.get("new"))
        old_value = self._find_one(coll, {"_id": pre["_id"]}, fields=fields) if pre is not None and not new else None
        statement = {
            "q": {"_id": pre["_id"]} if pre is not None else query,
            "u": update,
            "upsert": upsert,
            "arrayFilters": command.get("arrayFilters"),
        }
        rule = self._validation(db_name, name, bool(command.get("bypassDocumentValidation")))
        result = self._update_statement(coll, rule, statement)
        last_error: Doc = {"n": 1, "updatedExisting": pre is not None}
        doc_id = pre["_id"] if pre is not None else result.upserted_id
        if pre is None:
            last_error["upserted"] = doc_id
        value = self._find_one(coll, {"_id": doc_id}, fields=fields) if new else old_value
        return {"lastErrorObject": last_error, "value": value}

    def end_sessions(self, db_name: str, command: Mapping[str, Any]) -> Doc:
        return {}


def _dotted(doc: Mapping[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _write_reply(reply: Doc, errors: list[Doc]) -> Doc:
    if errors:
        reply["writeErrors"] = errors
    return reply


COMMANDS: dict[str, Callable[[Engine, str, Mapping[str, Any]], Doc]] = {
    "hello": Engine.hello,
    "isMaster": Engine.hello,
    "ismaster": Engine.hello,
    "ping": Engine.ping,
    "buildInfo": Engine.build_info,
    "buildinfo": Engine.build_info,
    "endSessions": Engine.end_sessions,
    "listDatabases": Engine.list_databases,
    "dropDatabase": Engine.drop_database,
    "create": Engine.create,
    "collMod": Engine.coll_mod,
    "drop": Engine.drop,
    "listCollections": Engine.list_collections,
    "createIndexes": Engine.create_indexes,
    "listIndexes": Engine.list_indexes,
    "dropIndexes": Engine.drop_indexes,
    "deleteIndexes": Engine.drop_indexes,
    "find": Engine.find,
    "getMore": Engine.get_more,
    "killCursors": Engine.kill_cursors,
    "aggregate": Engine.aggregate,
    "count": Engine.count,
    "distinct": Engine.distinct,
    "insert": Engine.insert,
    "update": Engine.update,
    "delete": Engine.delete,
    "findAndModify": Engine.find_and_modify,
    "findandmodify": Engine.find_and_modify,
}


# -- the wire-protocol server --


class _Wire(MockupDB):  # type: ignore[misc]
    """mockupdb's server with a leaner loop per connection: each request goes straight to the engine.

    mockupdb's own loop formats every request and reply for its log (their documents as JSON) and matches each
    request against its responders, even when nothing is logged; that cost a third of a command's time.
    """

    def __init__(self, port: int | None, respond: Callable[[Request], None]) -> None:
        super().__init__(port=port)
        self._respond = respond

    def _server_loop(self, client: socket.socket, client_addr: Any) -> None:
        # mockupdb runs this in one thread per connection; the engine serializes the commands.
        while not self._stopped:
            try:
                request = mock_server_receive_request(client, self)
            except OSError:
                break  # the client hung up, or the server closed the socket
            except AssertionError:
                logger.warning("stand-in hangs up on a message it cannot read", exc_info=True)
                break
            try:
                self._respond(request)
            except Exception:
                # a reply that cannot be sent (not BSON, say): hang up rather than leave the client waiting
                logger.exception("stand-in hangs up after a failed reply")
                break
        client.close()


class StandInServer:
    """A MongoDB stand-in on ``host:port``: mockupdb serves the protocol, an `Engine` runs the commands.

    :param host: the address to listen on
    :param port: the port, ``0`` for any free one
    :param engine: the executor, a new empty one by default
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, engine: Engine | None = None) -> None:
        self.engine = engine or Engine()
        self._mockup = _Wire(port or None, self._respond)
        # mockupdb always binds "localhost"; bind the host we were asked for instead
        self._mockup._address = (host, port or None)

    @property
    def host(self) -> str:
        """The listening host."""
        return str(self._mockup.host)

    @property
    def port(self) -> int:
        """The listening port."""
        return int(self._mockup.port)

    @property
    def url(self) -> str:
        """A connection string for the driver."""
        return f"mongodb://{self.host}:{self.port}/"

    def start(self) -> StandInServer:
        """Start listening and serving in background threads."""
        self._mockup.run()
        return self

    def stop(self) -> None:
        """Close every connection and stop serving."""
        self._mockup.stop()

    def __enter__(self) -> StandInServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _respond(self, request: Request) -> None:
        if isinstance(request, OpMsg):
            command, db_name = dict(request.doc), str(request.namespace)
            no_reply = bool(request.flags & OP_MSG_FLAGS["moreToCome"])
        elif isinstance(request, Command):
            # the legacy OP_QUERY handshake (isMaster), perhaps wrapped with a read preference
            command = dict(request.doc.get("$query", request.doc))
            db_name, no_reply = str(request.namespace), False
        else:
            logger.warning("stand-in hangs up on a legacy %s", type(request).__name__)
            request.hangup()
            return
        reply = self.engine.execute(db_name, command)
        if no_reply:
            return
        message = make_op_msg_reply(reply) if isinstance(request, OpMsg) else make_reply(reply)
        try:
            request._client.sendall(message.reply_bytes(request))
        except OSError:
            # the client went away; its connection thread ends on the next read
            logger.debug("stand-in could not reply to %s", next(iter(command), "?"))


def start_standin(host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start a stand-in in this process and return its connection string and the function that stops it.

    :param host: the address to listen on
    :param port: the port, ``0`` for any free one
    """
    server = StandInServer(host, port).start()
    return server.url, server.stop


@contextmanager
def running_standin(host: str = "127.0.0.1", port: int = 0) -> Iterator[StandInServer]:
    """Run a stand-in for the duration of a ``with`` block.

    :param host: the address to listen on
    :param port: the port, ``0`` for any free one
    """
    with StandInServer(host, port) as server:
        yield server
