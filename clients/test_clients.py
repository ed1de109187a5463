"""The clients generated from openapi.yaml, checked as their teams would use them (``./dev.sh clients``).

- TypeScript: openapi-typescript types, type-checked strictly against ``typescript/usage.ts``.
- Python: openapi-python-client generates without a warning, then drives the embedded service
  (``python -m service`` with neither MONGO_URL nor REDIS_URL) through a whole scenario.
- Dart: openapi-generator's dart-dio client generates with no warning beyond its OpenAPI 3.1 notice
  (no Dart SDK is installable here to compile it; the models it writes are checked instead).
- schemathesis: a bounded run of every check, stateful phase included, against the same service.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CLIENTS = Path(__file__).resolve().parent
CHILD = "child-1"
START_TIMEOUT = 90.0
SCAN_TIMEOUT = 60.0
TEXT = (
    b"Fractions and decimals. Write each fraction as a decimal: one half, three quarters, two fifths. "
    b"Then add the fractions 1/4 + 2/4 and simplify. Multiply 3.5 by 4 and divide 12 by 0.5."
)
#: the one warning openapi-generator gives for every OpenAPI 3.1 document
OAS31_NOTICE = "OpenAPI 3.1 support is still in beta"


@dataclass(frozen=True)
class Service:
    url: str
    port: int
    token: str
    #: everything the service printed, its start-up banner first
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``python -m service`` in the embedded mode, as a new user starts it; its banner gives the token."""
    port = free_port()
    log = tmp_path_factory.mktemp("embedded") / "service.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_", "JWT_", "PORT", "HOST"))}
    env.update(PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1", OMP_THREAD_LIMIT="1")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        token = None
        while token is None or not _healthy(url):
            assert proc.poll() is None, f"the service exited:\n{log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"the service did not start:\n{log.read_text(errors='replace')}"
            found = re.search(r"Ready token[^\n]*\n\s*(\S+)", log.read_text(errors="replace"))
            token = found.group(1) if found else None
            time.sleep(0.2)
        yield Service(url, port, token, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def run(argv: list[str], timeout: float, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        argv, cwd=ROOT, env=env | kwargs.pop("env", {}), capture_output=True, text=True, timeout=timeout, **kwargs
    )


# -- TypeScript --


@pytest.mark.timeout(180)
def test_typescript_types_check_strictly() -> None:
    done = run(["npm", "run", "--silent", "check:types"], timeout=170)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warn" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr


# -- Python --


@pytest.fixture(scope="module")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package, importable as ``docscan_client``."""
    out = tmp_path_factory.mktemp("python-client")
    done = run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(SPEC),
            "--config",
            str(CLIENTS / "python-client.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(out / "docscan_client"),
        ],
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("docscan_client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == "docscan_client" or m.startswith("docscan_client.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"docscan_client.{name}")


def _wait_ready(client: Any, document: str) -> tuple[Any, str]:
    get_scan = _module("api.scan.get_scan")
    scan_status = _module("models").ScanStatus
    deadline = time.monotonic() + SCAN_TIMEOUT
    while True:
        resp = get_scan.sync_detailed(CHILD, document, client=client)
        assert resp.status_code == 200, resp.content
        if resp.parsed.scan_status in (scan_status.READY, scan_status.FAILED):
            return resp.parsed, resp.headers["ETag"]
        assert time.monotonic() < deadline, f"scan still {resp.parsed.scan_status}"
        time.sleep(0.2)


@pytest.mark.timeout(240)
def test_python_client_drives_the_embedded_service(python_client: ModuleType, embedded: Service) -> None:
    m = _module("models")
    docs = _module("api.documents")
    scan = _module("api.scan")
    file_type = _module("types").File
    for name in (
        "upload_document",
        "list_documents",
        "get_document",
        "download_document",
        "delete_document",
        "erase_child_documents",
    ):
        importlib.import_module(f"docscan_client.api.documents.{name}")
    for name in ("get_scan", "rescan_document", "confirm_scan"):
        importlib.import_module(f"docscan_client.api.scan.{name}")
    with python_client.AuthenticatedClient(base_url=embedded.url, token=embedded.token, timeout=30) as client:
        _scenario(client, m, docs, scan, file_type)


def _scenario(client: Any, m: Any, docs: Any, scan: Any, file_type: Any) -> None:

    def upload(content: bytes, name: str = "Übung 1.txt") -> Any:
        body = m.UploadRequest(file=file_type(payload=io.BytesIO(content), file_name=name, mime_type="text/plain"))
        return docs.upload_document.sync_detailed(CHILD, client=client, body=body, idempotency_key=str(uuid.uuid4()))

    # upload, then poll the scan until it is ready; an unchanged scan is a 304
    created = upload(TEXT)
    assert created.status_code == 201 and isinstance(created.parsed, m.Document), created.content
    doc = created.parsed
    assert created.headers["Location"] == doc.links.scan
    first, first_etag = _wait_ready(client, doc.id)
    assert first.scan_status == m.ScanStatus.READY
    assert first.suggestion.topic == m.KnownTopic.MATHEMATICS  # an open set: KnownTopic, or any other str
    unchanged = scan.get_scan.sync_detailed(CHILD, doc.id, client=client, if_none_match=first_etag)
    assert unchanged.status_code == 304

    # an empty file is a 422 problem, read as its model
    empty = upload(b"")
    assert empty.status_code == 422 and isinstance(empty.parsed, m.UnprocessableProblem), empty.content
    assert empty.parsed.type_ == "urn:docscan:problem:validation-error"
    assert empty.parsed.errors.additional_properties == {"file": ["is empty"]}

    # rescan; confirming the suggestion the parent saw before it is a 412
    rescanned = scan.rescan_document.sync_detailed(CHILD, doc.id, client=client, body=m.RescanRequest())
    assert rescanned.status_code == 202 and rescanned.parsed.scan.attempt == 2
    _, etag = _wait_ready(client, doc.id)
    choice = m.ConfirmScanRequest(topic=m.Topic.MATHEMATICS, language=m.ConfirmScanRequestLanguage.EN)
    stale = scan.confirm_scan.sync_detailed(CHILD, doc.id, client=client, body=choice, if_match=first_etag)
    assert stale.status_code == 412 and isinstance(stale.parsed, m.PreconditionProblem), stale.content
    assert stale.parsed.scan_status == m.ScanStatus.READY

    # a language the service does not know is a 422 (the generated model refuses to send one, so raw JSON)
    raw = client.get_httpx_client().post(
        f"/api/v1/children/{CHILD}/documents/{doc.id}/confirm-scan", json={"topic": "music", "language": "aa"}
    )
    invalid = m.ValidationProblem.from_dict(raw.json())
    assert raw.status_code == 422 and "language" in invalid.errors.additional_properties

    # confirm, repeat (200), contradict (409), rescan (409): the 409s name the state
    confirmed = scan.confirm_scan.sync_detailed(CHILD, doc.id, client=client, body=choice, if_match=etag)
    assert confirmed.status_code == 202 and confirmed.parsed.scan.validation_status == m.ValidationStatus.CONFIRMED
    again = scan.confirm_scan.sync_detailed(CHILD, doc.id, client=client, body=choice)
    assert again.status_code == 200
    other = m.ConfirmScanRequest(topic=m.Topic.SCIENCE, language=m.ConfirmScanRequestLanguage.EN)
    conflict = scan.confirm_scan.sync_detailed(CHILD, doc.id, client=client, body=other)
    assert conflict.status_code == 409 and isinstance(conflict.parsed, m.ScanStateProblem), conflict.content
    assert conflict.parsed.type_ == "urn:docscan:problem:already-confirmed"
    assert conflict.parsed.validation_status == m.ValidationStatus.CONFIRMED
    refused = scan.rescan_document.sync_detailed(CHILD, doc.id, client=client)
    assert refused.status_code == 409 and refused.parsed.type_ == "urn:docscan:problem:not-rescannable"
    assert refused.parsed.pipeline_stage == "queued"

    # read it, download it whole and in part
    read = docs.get_document.sync_detailed(CHILD, doc.id, client=client)
    assert read.status_code == 200 and read.parsed.id == doc.id and read.parsed.filename == "Übung 1.txt"
    whole = docs.download_document.sync_detailed(CHILD, doc.id, client=client)
    assert whole.status_code == 200 and whole.parsed.payload.read() == TEXT
    assert whole.headers["Content-Disposition"].endswith("filename*=UTF-8''%C3%9Cbung%201.txt")
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    part = docs.download_document.sync_detailed(CHILD, doc.id, client=client, range_="bytes=0-9")
    assert part.status_code == 206 and part.parsed.payload.read() == TEXT[:10]
    past = docs.download_document.sync_detailed(CHILD, doc.id, client=client, range_=f"bytes={len(TEXT)}-")
    assert past.status_code == 416 and isinstance(past.parsed, m.RangeProblem) and past.parsed.size == len(TEXT)

    # delete it: gone for every route, a second delete is a 404
    deleted = docs.delete_document.sync_detailed(CHILD, doc.id, client=client)
    assert deleted.status_code == 204
    for resp in (
        docs.get_document.sync_detailed(CHILD, doc.id, client=client),
        docs.download_document.sync_detailed(CHILD, doc.id, client=client),
        docs.delete_document.sync_detailed(CHILD, doc.id, client=client),
    ):
        assert resp.status_code == 404 and isinstance(resp.parsed, m.Problem)
        assert resp.parsed.type_ == "urn:docscan:problem:not-found"

    # erase the child: every document goes
    assert upload(TEXT).status_code == 201
    erased = docs.erase_child_documents.sync_detailed(CHILD, client=client)
    assert erased.status_code == 200 and isinstance(erased.parsed, m.ErasureReport) and erased.parsed.deleted >= 1
    listed = docs.list_documents.sync_detailed(CHILD, client=client)
    assert listed.status_code == 200 and listed.parsed.items == []


# -- Dart --


@pytest.mark.timeout(180)
def test_dart_dio_client_generates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "docscan_client"
    done = run(
        [
            str(Path(sys.executable).parent / "openapi-generator-cli"),
            "generate",
            "--input-spec",
            str(SPEC),
            "--generator-name",
            "dart-dio",
            "--output",
            str(out),
            # unknown values of an enum become unknownDefaultOpenApi instead of a parse error
            "--additional-properties=pubName=docscan_client,enumUnknownDefaultCase=true",
        ],
        timeout=170,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    warnings = [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)]
    assert all(OAS31_NOTICE in line for line in warnings), "\n".join(warnings)
    models = out / "lib" / "src" / "model"
    state = (models / "scan_state_problem.dart").read_text()
    # required members are non-nullable getters
    assert "ScanStatus get scanStatus;" in state and "ValidationStatus get validationStatus;" in state
    assert "int get maxBytes;" in (models / "payload_too_large_problem.dart").read_text()
    assert "unknownDefaultOpenApi" in (models / "scan_status.dart").read_text()
    assert "AnyOf get anyOf;" in (models / "suggested_topic.dart").read_text()  # KnownTopic or any String
    api = (out / "lib" / "src" / "api" / "documents_api.dart").read_text()
    for operation in ("getDocument", "downloadDocument", "deleteDocument", "eraseChildDocuments"):
        assert f"> {operation}(" in api, operation


# -- schemathesis --


@pytest.mark.timeout(300)
def test_schemathesis_finds_nothing(embedded: Service) -> None:
    done = run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(CLIENTS / "schemathesis.toml"),
            "run",
            f"{embedded.url}/openapi.json",
        ],
        timeout=290,
        env={"DOCSCAN_TOKEN": embedded.token, "NO_COLOR": "1"},
    )
    summary = done.stdout[done.stdout.find("SUMMARY") :]
    print(summary)
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert re.search(r"\d+ generated, \d+ passed", summary), summary


# -- the commands the banner and the README give to paste --


def _json_values(text: str) -> list[Any]:
    """The JSON documents curl printed one after another, and any other line as text."""
    values: list[Any] = []
    decoder = json.JSONDecoder()
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            value, position = text[position:end], end
        values.append(value)
    return values


def _paste(script: str, cwd: Path) -> list[Any]:
    # A login shell's defaults: no pipefail, so `curl | grep -q` in a loop behaves as it does for a person.
    done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return _json_values(done.stdout)


@pytest.mark.timeout(150)
def test_the_banner_commands_work_when_pasted(embedded: Service, tmp_path: Path) -> None:
    banner = embedded.log.read_text(errors="replace")
    block = banner.split("Try it (paste into a shell):\n", 1)[1].split("\n\n", 1)[0]
    assert f"localhost:{embedded.port}" in block and embedded.token in block
    uploaded, listed = _paste(block, tmp_path)
    assert uploaded["filename"] == "homework.txt" and uploaded["scan"]["scan_status"] == "queued"
    assert uploaded["id"] in [item["id"] for item in listed["items"]]
    assert f"http://localhost:{embedded.port}/docs" in banner


@pytest.mark.timeout(150)
def test_the_readme_commands_work_when_pasted(embedded: Service, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    marker = "<!-- tests: clients/test_clients.py runs this block against the embedded service -->\n```sh\n"
    block = readme.split(marker, 1)[1].split("```", 1)[0]
    token_line = "TOKEN='<the token ./dev.sh run printed>'"
    assert token_line in block and "localhost:8080" in block
    script = block.replace(token_line, f"TOKEN='{embedded.token}'").replace(
        "localhost:8080", f"localhost:{embedded.port}"
    )
    uploaded, scan, confirmed, deleted = _paste(script, tmp_path)
    assert uploaded["scan"]["scan_status"] == "queued"
    assert scan["scan_status"] == "ready" and scan["document_id"] == uploaded["id"]
    assert confirmed["scan"]["validation_status"] == "confirmed"
    assert deleted == 204
    content = "Fractions: add 1/4 + 2/4, then write 3/4 as a decimal.\n"
    assert (tmp_path / "homework-copy.txt").read_text() == content
