"""Configuration, read once from the environment into a frozen object."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field


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
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _str(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip()


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
    :param threads: scans one process runs at the same time (text extraction, OCR)
    """

    engine: str = "local"
    timeout: float = 30.0
    ocr_max_pages: int = 3
    hosted_url: str = ""
    hosted_model: str = ""
    hosted_api_key: str = field(default="", repr=False)
    hosted_retries: int = 2
    threads: int = 2


@dataclass(frozen=True)
class Settings:
    """Everything the web process, the worker and the migrations need to know.

    :param mongo_url: MongoDB connection string; empty means the embedded in-memory store
    :param redis_url: Redis DSN for the arq queue; empty means an embedded redis-server
    """

    mongo_url: str = ""
    mongo_db: str = "docscan"
    mongo_timeout_ms: int = 10_000
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
    #: jobs a worker runs at once; scans beyond the engine's threads wait for one
    worker_max_jobs: int = 4
    port: int = 8080
    host: str = "0.0.0.0"
    log_level: str = "INFO"
    log_json: bool = True
    scanner: ScannerSettings = field(default_factory=ScannerSettings)

    @property
    def embedded(self) -> bool:
        return not self.mongo_url and not self.redis_url

    @property
    def scan_job_timeout(self) -> int:
        """Seconds arq gives one quick_scan job: the scan's time limit, after waiting its turn for an engine
        thread, plus, for the hosted engine, each attempt at the provider and the backoff between them."""
        scanner = self.scanner
        turns = math.ceil(self.worker_max_jobs / scanner.threads)
        seconds = scanner.timeout * turns
        if scanner.engine == "hosted":
            seconds += scanner.timeout * scanner.hosted_retries + 0.5 * 2**scanner.hosted_retries
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
            threads=_int(environ, "SCAN_THREADS", 2, minimum=1),
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
            redis_url=redis_url,
            queue_name=_str(environ, "QUEUE_NAME", "scan") or "scan",
            deep_queue_name=_str(environ, "DEEP_QUEUE_NAME", "deep") or "deep",
            jwt_secret=secret,
            jwt_public_key=public_key,
            jwt_algorithms=algorithms,
            jwt_audience=_str(environ, "JWT_AUDIENCE"),
            jwt_issuer=_str(environ, "JWT_ISSUER"),
            jwt_leeway=_int(environ, "JWT_LEEWAY_SECONDS", 30),
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
            port=_int(environ, "PORT", 8080, minimum=0),
            host=_str(environ, "HOST", "0.0.0.0") or "0.0.0.0",
            log_level=_str(environ, "LOG_LEVEL", "INFO").upper() or "INFO",
            log_json=log_format == "json",
            scanner=scanner,
        )
        if not settings.idempotency_pending_seconds:
            # Longer than any request can take: its Mongo calls, each bounded by MONGO_TIMEOUT_MS, and the enqueue.
            pending = max(60, math.ceil(4 * settings.mongo_timeout_ms / 1000) + 10)
            settings = settings.replace(idempotency_pending_seconds=pending)
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
                "may wait for an engine thread, the hosted attempts, plus 10 s); leave it unset "
                "to have it derived"
            )
        return settings

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests and embedded mode).

        :param changes: field names and their new values
        """
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
