"""Configuration, read once from the environment into a frozen object."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from arq.connections import RedisSettings
from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri, split_hosts, split_options

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
#: PyJWT warns below this many bytes for HS256 (RFC 7518 section 3.2: a key as long as the hash output)
MIN_HS256_SECRET_BYTES = 32

#: the MongoDB client libraries ``MONGO_DRIVER`` may name: Motor, or PyMongo's native ``AsyncMongoClient``
MONGO_DRIVERS = ("motor", "pymongo")
#: the client used when ``MONGO_DRIVER`` is not set: PyMongo's, Motor's successor, no slower in the rescan benchmark
#: and cheaper in CPU (see the README)
DEFAULT_MONGO_DRIVER = "pymongo"
#: the event loops ``EVENT_LOOP`` may name for ``python -m service``: uvloop's (on libuv), or asyncio's own
EVENT_LOOPS = ("uvloop", "asyncio")
#: the loop used when ``EVENT_LOOP`` is not set: uvloop's spent 0.87x-0.96x of asyncio's CPU per storm request
DEFAULT_EVENT_LOOP = "uvloop"


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name} must be <= {maximum}, got {value}")
    return value


def _float(environ: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number, got {raw!r}")
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _str(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip()


def _redacted(reason: str, url: str) -> str:
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return reason.replace(password, "***") if password else reason


def without_credentials(url: str) -> str:
    """A URL fit for a log line: no user, password or query string (options may hold secrets too).

    :param url: a MongoDB, Redis or HTTP URL
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return ""
    location, slash, path = rest.partition("/")
    return f"{scheme}://{location.rpartition('@')[2]}{slash}{path.partition('?')[0]}"


def check_mongo_url(url: str) -> None:
    """Raise ``SettingsError`` unless ``url`` is a MongoDB connection string; never looks anything up in DNS.

    :param url: the value of ``MONGO_URL``
    """
    try:
        if url.startswith("mongodb+srv://"):
            # parse_uri would resolve the SRV record; the syntax is all that is checked at start.
            hosts, _, options = url.removeprefix("mongodb+srv://").partition("/")
            nodes = split_hosts(hosts.rpartition("@")[2], default_port=None)
            if len(nodes) != 1 or nodes[0][1] is not None:
                raise SettingsError("MONGO_URL: a mongodb+srv:// URL names one host and no port")
            if options.partition("?")[2]:
                split_options(options.partition("?")[2])
        else:
            parse_uri(url)
    except (PyMongoError, ValueError) as exc:
        if isinstance(exc, SettingsError):
            raise
        reason = _redacted(str(exc), url)
        raise SettingsError(
            f"MONGO_URL is not a MongoDB connection string (mongodb:// or mongodb+srv://): {reason}"
        ) from None


def check_redis_url(url: str) -> None:
    """Raise ``SettingsError`` unless ``url`` is a Redis DSN that arq can use.

    :param url: the value of ``REDIS_URL``
    """
    try:
        parts = urlsplit(url)
        if parts.scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("the scheme must be redis://, rediss:// or unix://")
        if parts.scheme == "unix" and not parts.path:
            raise ValueError("a unix:// URL needs the socket's path")
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError("no host")
        if parts.scheme != "unix" and not parts.path.strip("/").isdigit() and parts.path.strip("/"):
            raise ValueError("the database (the path) must be a number")
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        RedisSettings.from_dsn(url)
    except (ValueError, AssertionError) as exc:
        reason = _redacted(str(exc) or "malformed", url)
        raise SettingsError(f"REDIS_URL is not a Redis URL: {reason}") from None


def check_http_url(name: str, url: str) -> None:
    """Raise ``SettingsError`` unless ``url`` is an absolute http(s) URL.

    :param name: the variable, for the message
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018
    except ValueError:
        raise SettingsError(f"{name} is not a URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"{name} must be an http:// or https:// URL")


def _check_connections(mongo_url: str, redis_url: str, secret: str, public_key: str, jwks_url: str) -> None:
    if mongo_url:
        check_mongo_url(mongo_url)
    if redis_url:
        check_redis_url(redis_url)
    if jwks_url:
        check_http_url("JWT_JWKS_URL", jwks_url)
    if sum(map(bool, (secret, public_key, jwks_url))) > 1:
        raise SettingsError("set one of JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_URL, not several")
    if secret and (mongo_url or redis_url) and len(secret.encode()) < MIN_HS256_SECRET_BYTES:
        # The embedded mode is for trying the API; anywhere else a short shared secret can be brute-forced.
        raise SettingsError(f"JWT_SECRET must be at least {MIN_HS256_SECRET_BYTES} bytes long")


@dataclass(frozen=True)
class ScannerSettings:
    """How the quick scan runs.

    :param engine: ``local`` (pypdf, Tesseract, lingua, the built-in topic model) or ``hosted``
    :param timeout: seconds one scan may take before it fails for good
    :param ocr_max_pages: pages of a scanned PDF that are OCRed at most
    :param hosted_url: base URL of an OpenAI-compatible API (``.../v1``)
    :param hosted_model: model name sent to the hosted API
    :param hosted_api_key: bearer key for the hosted API
    :param hosted_retries: attempts per scan against the hosted API
    :param processes: sandbox processes, so scans one worker runs at the same time
    :param memory_mb: address space of each sandbox process, in MiB, Tesseract included
    """

    engine: str = "local"
    timeout: float = 30.0
    ocr_max_pages: int = 3
    hosted_url: str = ""
    hosted_model: str = ""
    hosted_api_key: str = field(default="", repr=False)
    hosted_retries: int = 2
    processes: int = 2
    memory_mb: int = 1024


@dataclass(frozen=True)
class Settings:
    """Everything the web process, the worker and the migrations need to know.

    :param mongo_url: MongoDB connection string; empty means the embedded in-memory store
    :param redis_url: Redis DSN for the arq queue; empty means an embedded redis-server
    """

    mongo_url: str = ""
    mongo_db: str = "docscan"
    mongo_timeout_ms: int = 10_000
    mongo_driver: str = DEFAULT_MONGO_DRIVER
    event_loop: str = DEFAULT_EVENT_LOOP
    redis_url: str = ""
    queue_name: str = "scan"
    deep_queue_name: str = "deep"
    jwt_secret: str = field(default="", repr=False)
    jwt_public_key: str = field(default="", repr=False)
    #: empty: the algorithm that fits the key (HS256 for a secret, RS256 or ES256 for a public key)
    jwt_algorithms: tuple[str, ...] = ()
    jwt_audience: str = ""
    jwt_issuer: str = ""
    jwt_leeway: int = 30
    #: a JWKS document of the gateway's public keys, chosen by ``kid``: instead of a secret or one public key
    jwt_jwks_url: str = ""
    #: seconds fetched keys are used before the set is fetched again
    jwt_jwks_cache_seconds: int = 300
    #: an unknown ``kid`` fetches the set again at most this often
    jwt_jwks_refresh_seconds: int = 60
    jwt_jwks_timeout_seconds: float = 5.0
    max_upload_bytes: int = 20 * 1024 * 1024
    allowed_content_types: tuple[str, ...] = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/webp",
        "text/plain",
    )
    page_size_default: int = 20
    page_size_max: int = 100
    scan_max_tries: int = 4
    scan_lease_seconds: int = 120
    scan_attempt_limit: int = 5
    reconcile_grace_seconds: int = 60
    reconcile_batch: int = 200
    reconcile_interval_seconds: int = 60
    stage_history_limit: int = 20
    retry_after_seconds: int = 5
    #: how long an Idempotency-Key and the answer it got are kept
    idempotency_ttl_seconds: int = 86_400
    #: a key claimed longer ago than this by a request that never answered belongs to an interrupted request
    idempotency_pending_seconds: int = 60
    worker_metrics_port: int = 0
    #: jobs a worker runs at once; scans beyond the sandbox's processes wait for one
    worker_max_jobs: int = 4
    port: int = 8080
    host: str = "0.0.0.0"
    #: seconds from a request's first byte until its headers are complete
    header_timeout_seconds: float = 10.0
    #: a request body that receives nothing for this long is dropped (408)
    body_idle_timeout_seconds: float = 30.0
    #: seconds an idle keep-alive connection stays open
    keepalive_timeout_seconds: float = 75.0
    #: uploads one web process reads at once; more answer 503 with Retry-After
    max_uploads_in_flight: int = 16
    #: seconds from SIGTERM to exit: requests in flight complete or are answered 503 within it
    shutdown_grace_seconds: float = 25.0
    #: seconds after SIGTERM during which new connections are still accepted while readiness answers 503
    shutdown_drain_seconds: float = 5.0
    #: how long a process waits for MongoDB and Redis at start before it gives up
    startup_timeout_seconds: float = 30.0
    log_level: str = "INFO"
    log_json: bool = True
    scanner: ScannerSettings = field(default_factory=ScannerSettings)

    @property
    def embedded(self) -> bool:
        return not self.mongo_url and not self.redis_url

    @property
    def scan_job_timeout(self) -> int:
        """Seconds arq gives one quick_scan job: the scan's time limit, after waiting its turn for a sandbox
        process, plus, for the hosted engine, each attempt at the provider and the backoff between them."""
        scanner = self.scanner
        turns = math.ceil(self.worker_max_jobs / scanner.processes)
        seconds = scanner.timeout * turns
        if scanner.engine == "hosted":
            seconds += scanner.timeout * scanner.hosted_retries + 0.5 * 2**scanner.hosted_retries
        # The 10 s cover the sandbox killing a process at the limit, or giving up on a stalled pool 5 s after it.
        return math.ceil(seconds) + 10

    def require_services(self) -> None:
        """Web and worker need both stores; only the embedded mode runs without them."""
        if bool(self.mongo_url) != bool(self.redis_url):
            raise SettingsError("set both MONGO_URL and REDIS_URL, or neither (embedded mode)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read the settings from an environment mapping.

        :param environ: usually ``os.environ``
        """
        mongo_url = _str(environ, "MONGO_URL")
        redis_url = _str(environ, "REDIS_URL")
        algorithms = tuple(a.strip() for a in _str(environ, "JWT_ALGORITHMS").split(",") if a.strip())
        secret = environ.get("JWT_SECRET", "")
        public_key = environ.get("JWT_PUBLIC_KEY", "")
        mongo_driver = _str(environ, "MONGO_DRIVER", DEFAULT_MONGO_DRIVER).lower() or DEFAULT_MONGO_DRIVER
        if mongo_driver not in MONGO_DRIVERS:
            raise SettingsError(f"MONGO_DRIVER must be one of {', '.join(MONGO_DRIVERS)}, got {mongo_driver!r}")
        event_loop = _str(environ, "EVENT_LOOP", DEFAULT_EVENT_LOOP).lower() or DEFAULT_EVENT_LOOP
        if event_loop not in EVENT_LOOPS:
            raise SettingsError(f"EVENT_LOOP must be one of {', '.join(EVENT_LOOPS)}, got {event_loop!r}")
        jwks_url = _str(environ, "JWT_JWKS_URL")
        _check_connections(mongo_url, redis_url, secret, public_key, jwks_url)
        log_level = _str(environ, "LOG_LEVEL", "INFO").upper() or "INFO"
        if log_level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        engine = _str(environ, "SCAN_ENGINE", "local").lower()
        if engine not in {"local", "hosted"}:
            raise SettingsError(f"SCAN_ENGINE must be 'local' or 'hosted', got {engine!r}")
        scanner = ScannerSettings(
            engine=engine,
            timeout=_float(environ, "SCAN_TIMEOUT_SECONDS", 30.0, minimum=0.1),
            ocr_max_pages=_int(environ, "SCAN_OCR_MAX_PAGES", 3, minimum=1),
            hosted_url=_str(environ, "SCAN_HOSTED_URL"),
            hosted_model=_str(environ, "SCAN_HOSTED_MODEL"),
            hosted_api_key=environ.get("SCAN_HOSTED_API_KEY", ""),
            hosted_retries=_int(environ, "SCAN_HOSTED_RETRIES", 2, minimum=1),
            # SCAN_THREADS is this setting's name from before scans ran in processes.
            processes=_int(environ, "SCAN_PROCESSES", _int(environ, "SCAN_THREADS", 2, minimum=1), minimum=1),
            # The parsers and Tesseract's models already take about 450 MiB of a sandbox process's address space.
            memory_mb=_int(environ, "SCAN_MEMORY_MB", 1024, minimum=768),
        )
        if engine == "hosted" and not (scanner.hosted_url and scanner.hosted_model):
            raise SettingsError("SCAN_ENGINE=hosted needs SCAN_HOSTED_URL and SCAN_HOSTED_MODEL")
        # The embedded mode is run from a terminal by a person; production logs go to a collector.
        log_format = _str(environ, "LOG_FORMAT", "text" if not (mongo_url or redis_url) else "json").lower()
        if log_format not in {"json", "text"}:
            raise SettingsError(f"LOG_FORMAT must be 'json' or 'text', got {log_format!r}")
        settings = cls(
            mongo_url=mongo_url,
            mongo_db=_str(environ, "MONGO_DB", "docscan") or "docscan",
            mongo_timeout_ms=_int(environ, "MONGO_TIMEOUT_MS", 10_000, minimum=100),
            mongo_driver=mongo_driver,
            event_loop=event_loop,
            redis_url=redis_url,
            queue_name=_str(environ, "QUEUE_NAME", "scan") or "scan",
            deep_queue_name=_str(environ, "DEEP_QUEUE_NAME", "deep") or "deep",
            jwt_secret=secret,
            jwt_public_key=public_key,
            jwt_algorithms=algorithms,
            jwt_audience=_str(environ, "JWT_AUDIENCE"),
            jwt_issuer=_str(environ, "JWT_ISSUER"),
            jwt_leeway=_int(environ, "JWT_LEEWAY_SECONDS", 30),
            jwt_jwks_url=jwks_url,
            jwt_jwks_cache_seconds=_int(environ, "JWT_JWKS_CACHE_SECONDS", 300, minimum=1),
            jwt_jwks_refresh_seconds=_int(environ, "JWT_JWKS_REFRESH_SECONDS", 60, minimum=1),
            jwt_jwks_timeout_seconds=_float(environ, "JWT_JWKS_TIMEOUT_SECONDS", 5.0, minimum=0.1),
            max_upload_bytes=_int(environ, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1),
            scan_max_tries=_int(environ, "SCAN_MAX_TRIES", 4, minimum=1),
            scan_lease_seconds=_int(environ, "SCAN_LEASE_SECONDS", 0, minimum=0),
            scan_attempt_limit=_int(environ, "SCAN_ATTEMPT_LIMIT", 5, minimum=1),
            reconcile_grace_seconds=_int(environ, "RECONCILE_GRACE_SECONDS", 60),
            reconcile_batch=_int(environ, "RECONCILE_BATCH", 200, minimum=1),
            reconcile_interval_seconds=_int(environ, "RECONCILE_INTERVAL_SECONDS", 60, minimum=1, maximum=3600),
            idempotency_ttl_seconds=_int(environ, "IDEMPOTENCY_TTL_SECONDS", 86_400, minimum=60),
            idempotency_pending_seconds=_int(environ, "IDEMPOTENCY_PENDING_SECONDS", 0, minimum=0),
            worker_metrics_port=_int(environ, "WORKER_METRICS_PORT", 0),
            worker_max_jobs=_int(environ, "WORKER_MAX_JOBS", 4, minimum=1),
            port=_int(environ, "PORT", 8080, minimum=0, maximum=65535),
            host=_str(environ, "HOST", "0.0.0.0") or "0.0.0.0",
            header_timeout_seconds=_float(environ, "HEADER_TIMEOUT_SECONDS", 10.0, minimum=0.1),
            body_idle_timeout_seconds=_float(environ, "BODY_IDLE_TIMEOUT_SECONDS", 30.0, minimum=0.1),
            keepalive_timeout_seconds=_float(environ, "KEEPALIVE_TIMEOUT_SECONDS", 75.0, minimum=0.1),
            max_uploads_in_flight=_int(environ, "MAX_UPLOADS_IN_FLIGHT", 16, minimum=1),
            shutdown_grace_seconds=_float(environ, "SHUTDOWN_GRACE_SECONDS", 25.0, minimum=1.0),
            shutdown_drain_seconds=_float(environ, "SHUTDOWN_DRAIN_SECONDS", 5.0),
            startup_timeout_seconds=_float(environ, "STARTUP_TIMEOUT_SECONDS", 30.0, minimum=0.1),
            log_level=log_level,
            log_json=log_format == "json",
            scanner=scanner,
        )
        if not settings.idempotency_pending_seconds:
            # Longer than any keyed request can take before it acts: its claim, up to three swaps each with its
            # explaining read, a read-back, each bounded by MONGO_TIMEOUT_MS.
            pending = max(60, math.ceil(9 * settings.mongo_timeout_ms / 1000) + 10)
            settings = settings.replace(idempotency_pending_seconds=pending)
        if settings.shutdown_drain_seconds >= settings.shutdown_grace_seconds:
            raise SettingsError(
                f"SHUTDOWN_DRAIN_SECONDS ({settings.shutdown_drain_seconds:g}) must be shorter than "
                f"SHUTDOWN_GRACE_SECONDS ({settings.shutdown_grace_seconds:g}), or requests in flight get no time"
            )
        if not settings.scan_lease_seconds:
            settings = settings.replace(scan_lease_seconds=max(120, settings.scan_job_timeout + 30))
        if settings.scan_attempt_limit < settings.scan_max_tries:
            raise SettingsError(
                f"SCAN_ATTEMPT_LIMIT ({settings.scan_attempt_limit}) must be at least SCAN_MAX_TRIES "
                f"({settings.scan_max_tries}), or the reconciler would cut retries short"
            )
        if settings.scan_lease_seconds <= settings.scan_job_timeout:
            # A lease shorter than the job would let the reconciler start a second scan of a running one.
            raise SettingsError(
                f"SCAN_LEASE_SECONDS ({settings.scan_lease_seconds}) must be longer than a scan job "
                f"may run ({settings.scan_job_timeout} s: the scan timeout for each turn a job "
                "may wait for a sandbox process, the hosted attempts, plus 10 s); leave it unset "
                "to have it derived"
            )
        return settings

    def describe(self) -> dict[str, object]:
        """The settings an operator checks in the start-up line; never a secret."""
        if self.jwt_jwks_url:
            auth = f"JWKS {without_credentials(self.jwt_jwks_url)}"
        elif self.jwt_public_key:
            auth = "public key"
        else:
            auth = "HS256 secret" if self.jwt_secret else "none"
        return {
            "mongo": without_credentials(self.mongo_url) or "embedded",
            "mongo_db": self.mongo_db,
            "mongo_driver": self.mongo_driver if self.mongo_url else "mongomock",
            "redis": without_credentials(self.redis_url) or "embedded",
            "queue": self.queue_name,
            "auth": auth,
            "port": self.port,
            "max_upload_bytes": self.max_upload_bytes,
            "max_uploads_in_flight": self.max_uploads_in_flight,
            "header_timeout_seconds": self.header_timeout_seconds,
            "body_idle_timeout_seconds": self.body_idle_timeout_seconds,
            "shutdown_grace_seconds": self.shutdown_grace_seconds,
            "scan_engine": self.scanner.engine,
            "log_level": self.log_level,
        }

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests and embedded mode).

        :param changes: field names and their new values
        """
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
