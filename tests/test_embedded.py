"""The embedded default, as the README's first command runs it: one process, a ready token, a working API."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.real
@pytest.mark.timeout(120)
async def test_embedded_mode_serves_and_scans(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_", "JWT_"))}
    env.update(PORT=str(port), LOG_FORMAT="text")
    log = tmp_path / "embedded.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        token = None
        while token is None:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no ready token printed:\n" + log.read_text()
            found = re.search(r"Ready token .*\n\s+(\S+)", log.read_text())
            token = found.group(1) if found else None
            await asyncio.sleep(0.05)
        text = log.read_text()
        assert "EMBEDDED mode" in text and "LOST" in text
        assert f"http://localhost:{port}/api/v1/children/child-1/documents" in text

        base = f"http://127.0.0.1:{port}/api/v1/children/child-1/documents"
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            form = aiohttp.FormData()
            form.add_field(
                "file",
                b"Les volcans et les tremblements de terre: la croute terrestre, les plaques "
                b"tectoniques et le magma. Carte du relief et des continents.",
                filename="geo.txt",
                content_type="text/plain",
            )
            async with http.post(base, data=form) as resp:
                assert resp.status == 201, await resp.text()
                scan_url = f"http://127.0.0.1:{port}" + (await resp.json())["links"]["scan"]
            while True:
                async with http.get(scan_url) as resp:
                    scan = await resp.json()
                if scan["scan_status"] == "ready":
                    break
                assert time.monotonic() < deadline, scan
                await asyncio.sleep(0.05)
            # One registry for web and worker: the scan the worker did is on the web's /metrics.
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
            assert 'docscan_scans_total{outcome="ready"} 1.0' in metrics
            assert "process_resident_memory_bytes" in metrics and "python_info" in metrics
        assert scan["suggestion"]["language"] == "fr"
        assert scan["suggestion"]["topic"] in {"geography", "science"}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(timeout=20) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
