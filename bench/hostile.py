"""The hostile set sent at once to the embedded service under an address-space cap, with an ordinary sheet
right after it: does the process survive, when does each scan end, does /healthz keep answering, and how
much memory does the process tree hold?"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.corpus import PASSAGES, text_pdf
from tests.embedded import EmbeddedFailed, free_port, ready_token, start_embedded, stop_embedded
from tests.hostile import bezier_bomb_pdf, blank_png, flate_bomb_pdf, form_bomb_pdf, hostile_files

GIB = 1 << 30


@dataclass
class Upload:
    """One file sent, and how its scan ended."""

    name: str
    content: bytes
    content_type: str
    sent: float = 0.0
    ended: float = 0.0
    status: str = ""
    code: str = ""
    url: str = ""


@dataclass
class Watch:
    """What was seen while the scans ran."""

    health_max: float = 0.0
    health_failures: int = 0
    health_checks: int = 0
    tree_rss_max: int = 0
    samples: list[int] = field(default_factory=list)


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = resource.getpagesize()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def hostile_uploads(bomb_bytes: int) -> list[Upload]:
    """The issue's attack (4 GiB double-Flate PDFs, render bombs, 7700 x 7700 PNGs), twice, plus the rest."""
    uploads = [
        # Under the painting-operator budget, so rendered: about 10 ms a stroke, killed at the time limit.
        Upload("strokes-12000-a", bezier_bomb_pdf(12_000), "application/pdf"),
        Upload("strokes-12000-b", bezier_bomb_pdf(12_001), "application/pdf"),
    ]
    for copy in ("a", "b"):
        uploads += [
            Upload(f"double-flate-4gib-{copy}", flate_bomb_pdf(bomb_bytes, passes=2), "application/pdf"),
            Upload(f"form-bomb-4gib-{copy}", form_bomb_pdf(bomb_bytes), "application/pdf"),
            Upload(f"strokes-20000-{copy}", bezier_bomb_pdf(20_000), "application/pdf"),
            Upload(f"png-7700-{copy}", blank_png(7700, 7700), "image/png"),
        ]
    uploads += [Upload(h.name, h.content, h.content_type) for h in hostile_files(bomb_bytes=GIB)[4:]]
    return uploads


async def _health(http: aiohttp.ClientSession, base: str, watch: Watch, stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            async with http.get(f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=5)) as resp:
                await resp.read()
                ok = resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        watch.health_max = max(watch.health_max, time.perf_counter() - started)
        watch.health_checks += 1
        watch.health_failures += not ok
        await asyncio.sleep(0.1)


async def _memory(pid: int, watch: Watch, stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss = _tree_rss(pid)
        watch.tree_rss_max = max(watch.tree_rss_max, rss)
        watch.samples.append(rss)
        await asyncio.sleep(0.2)


async def _send(http: aiohttp.ClientSession, base: str, upload: Upload) -> None:
    for _ in range(10):
        form = aiohttp.FormData()
        form.add_field("file", upload.content, filename=upload.name, content_type=upload.content_type)
        async with http.post(f"{base}/api/v1/children/child-1/documents", data=form) as resp:
            body = await resp.json()
            retry_after = resp.headers.get("Retry-After")
        # More uploads at once than MAX_UPLOADS_IN_FLIGHT: a client retries after the time it is told.
        if resp.status == 503 and retry_after is not None:
            await asyncio.sleep(float(retry_after))
            continue
        if resp.status != 201:
            raise RuntimeError(f"upload of {upload.name} answered {resp.status}: {body}")
        break
    else:
        raise RuntimeError(f"upload of {upload.name} was refused each time")
    upload.sent = time.perf_counter()
    upload.url = base + body["links"]["scan"]


async def _await_end(http: aiohttp.ClientSession, upload: Upload, deadline: float) -> None:
    while time.perf_counter() < deadline:
        async with http.get(upload.url) as resp:
            scan = await resp.json()
        if scan["scan_status"] in ("ready", "failed"):
            upload.ended = time.perf_counter()
            upload.status = scan["scan_status"]
            upload.code = (scan.get("error") or {}).get("code", "")
            return
        await asyncio.sleep(0.05)


async def run(args: argparse.Namespace, log: Path) -> int:
    port = free_port()
    cap = args.cap_gb * GIB

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    proc = start_embedded(port, log, {"SCAN_TIMEOUT_SECONDS": str(args.timeout)}, limit)
    try:
        try:
            token = await ready_token(proc, log, within=60)
        except EmbeddedFailed as exc:
            print(exc, file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port}"
        uploads = hostile_uploads(args.bomb_gib * GIB)
        sheet = Upload("ordinary-sheet", text_pdf(PASSAGES[12][2]), "application/pdf")
        watch, stop = Watch(), asyncio.Event()
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            watchers = [
                asyncio.create_task(_health(http, base, watch, stop)),
                asyncio.create_task(_memory(proc.pid, watch, stop)),
            ]
            await asyncio.gather(*(_send(http, base, upload) for upload in uploads))
            await _send(http, base, sheet)
            deadline = time.perf_counter() + 3 * (args.timeout + 5) + 30
            await asyncio.gather(*(_await_end(http, upload, deadline) for upload in [*uploads, sheet]))
            stop.set()
            await asyncio.gather(*watchers)
        alive = proc.poll() is None
    finally:
        stop_embedded(proc)

    limit_s = args.timeout + 5
    print(
        f"hostile set: {len(uploads)} files sent at once, then an ordinary sheet; embedded service under a "
        f"{args.cap_gb} GiB address-space cap, SCAN_TIMEOUT_SECONDS={args.timeout:g}"
    )
    print(f"{'file':<24} {'bytes':>9} {'outcome':<22} {'seconds':>8}")
    for upload in [*uploads, sheet]:
        seconds = upload.ended - upload.sent if upload.ended else float("nan")
        outcome = f"{upload.status} {upload.code}".strip() or "not ended"
        print(f"{upload.name:<24} {len(upload.content):>9} {outcome:<22} {seconds:>8.2f}")
    bomb_worst = max((u.ended - u.sent) if u.ended else float("inf") for u in uploads)
    sheet_seconds = sheet.ended - sheet.sent if sheet.ended else float("inf")
    print(
        f"process alive: {alive}; /healthz: {watch.health_checks} checks, slowest {watch.health_max * 1000:.0f} ms, "
        f"{watch.health_failures} failed; process tree resident: max {watch.tree_rss_max / 2**20:.0f} MiB"
    )
    print(f"slowest bomb ended after {bomb_worst:.2f} s; ordinary sheet {sheet.status} after {sheet_seconds:.2f} s")
    failed = []
    if not alive:
        failed.append("process died")
    if bomb_worst > limit_s or any(u.status != "failed" for u in uploads):
        failed.append(f"bombs within {limit_s:g} s")
    if sheet.status != "ready" or sheet_seconds > limit_s:
        failed.append(f"sheet ready within {limit_s:g} s")
    if watch.health_max >= 1.0 or watch.health_failures:
        failed.append("/healthz within 1 s")
    if watch.tree_rss_max >= 2 * GIB:
        failed.append("process tree under 2 GiB")
    print("targets: " + ("all met" if not failed else "MISSED " + ", ".join(failed)))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    """Run the hostile set against a fresh embedded service and print what happened.

    :param argv: command-line arguments
    """
    parser = argparse.ArgumentParser(prog="python -m bench hostile", description=__doc__)
    parser.add_argument("--timeout", type=float, default=30.0, help="SCAN_TIMEOUT_SECONDS of the service")
    parser.add_argument("--cap-gb", type=int, default=6, help="address-space cap of the service, in GiB")
    parser.add_argument("--bomb-gib", type=int, default=4, help="inflated size of the Flate bombs, in GiB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "service.log"
        code = asyncio.run(run(args, log))
        warnings = [line for line in log.read_text().splitlines() if "WARNING" in line or "ERROR" in line]
        print(f"service log: {len(warnings)} warning or error lines, e.g.:")
        for line in warnings[:6]:
            print("  " + line[:160])
        return code
