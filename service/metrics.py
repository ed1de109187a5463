"""Prometheus metrics of one process, on a registry of its own (so tests can build many apps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

#: methods counted under their own name; any other is counted as ``other``, so no client can grow the label set
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass
class Metrics:
    """The counters and histograms the web process and the worker export."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        # CPU, memory, open files and start time of the process; the Python version and implementation.
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        r.register(GC_COLLECTOR)
        self.http_connections = Gauge(
            "docscan_http_connections", "Open HTTP connections of the web process", registry=r
        )
        self.http_rejected = Counter(
            "docscan_http_rejected",
            "Requests the HTTP server dropped before the application saw them (slow or malformed)",
            ["reason"],
            registry=r,
        )
        self.http_requests = Counter(
            "docscan_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.http_latency = Histogram("docscan_http_request_seconds", "HTTP request latency", ["route"], registry=r)
        self.rescans = Counter("docscan_rescans", "Rescan requests by outcome", ["outcome"], registry=r)
        self.confirms = Counter("docscan_confirms", "Confirm requests by outcome", ["outcome"], registry=r)
        self.uploads = Counter("docscan_uploads", "Uploads by outcome", ["outcome"], registry=r)
        self.coalesced = Counter(
            "docscan_coalesced",
            "Requests answered from a concurrent identical request's decision",
            ["action"],
            registry=r,
        )
        self.coalesced_waiting = Gauge(
            "docscan_coalesced_waiting",
            "Requests waiting right now for a concurrent identical request's decision",
            registry=r,
        )
        self.enqueue_failures = Counter(
            "docscan_enqueue_failures", "Jobs that could not be enqueued", ["job"], registry=r
        )
        self.scans = Counter("docscan_scans", "Quick scans by outcome", ["outcome"], registry=r)
        self.scan_seconds = Histogram("docscan_scan_seconds", "Quick scan duration", ["input_kind"], registry=r)
        self.reconciled = Counter("docscan_reconciled", "Reconciler actions", ["action"], registry=r)
        # (method, route, status) -> its request counter and its route's latency histogram: a labelled child is
        # looked up once, not on every request
        self._request_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def count_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its latency.

        :param route: the route's name, ``unmatched`` for none
        """
        method = method if method in HTTP_METHODS else "other"
        series = self._request_series.get((method, route, status))
        if series is None:
            series = self.http_requests.labels(method, route, str(status)), self.http_latency.labels(route)
            self._request_series[(method, route, status)] = series
        series[0].inc()
        series[1].observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
