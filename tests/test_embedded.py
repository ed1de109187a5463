"""The embedded default, as the README's first command runs it: one process, a ready token, a working API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from tests.embedded import free_port, ready_token, start_embedded, stop_embedded
from tests.hostile import flate_bomb_pdf


@pytest.mark.real
@pytest.mark.timeout(120)
async def test_embedded_mode_serves_and_scans(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "embedded.log"
    proc = start_embedded(port, log)
    try:
        token = await ready_token(proc, log, within=60)
        deadline = time.monotonic() + 60
        text = log.read_text()
        assert "EMBEDDED mode" in text and "LOST" in text
        assert f"http://localhost:{port}/api/v1/children/child-1/documents" in text

        base = f"http://127.0.0.1:{port}/api/v1/children/child-1/documents"
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            # A 4 GiB double-Flate bomb first: it may not take the process (web and worker) down.
            bomb = aiohttp.FormData()
            bomb.add_field(
                "file", flate_bomb_pdf(4 << 30, passes=2), filename="bomb.pdf", content_type="application/pdf"
            )
            async with http.post(base, data=bomb) as resp:
                assert resp.status == 201, await resp.text()
                bomb_url = f"http://127.0.0.1:{port}" + (await resp.json())["links"]["scan"]
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
            while True:
                async with http.get(bomb_url) as resp:
                    bombed = await resp.json()
                if bombed["scan_status"] == "failed":
                    break
                assert time.monotonic() < deadline, bombed
                await asyncio.sleep(0.05)
            # One registry for web and worker: the scan the worker did is on the web's /metrics.
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
            assert 'docscan_scans_total{outcome="ready"} 1.0' in metrics
            assert "process_resident_memory_bytes" in metrics and "python_info" in metrics
        assert bombed["error"]["code"] == "too_complex"
        assert proc.poll() is None
        assert scan["suggestion"]["language"] == "fr"
        assert scan["suggestion"]["topic"] in {"geography", "science"}
    finally:
        assert stop_embedded(proc) == 0, log.read_text()
