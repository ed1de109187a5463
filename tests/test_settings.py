"""Settings from the environment: defaults, checks, and clear errors."""

from __future__ import annotations

import pytest

from service.settings import DEFAULT_EVENT_LOOP, EVENT_LOOPS, Settings, SettingsError


def test_defaults_are_the_embedded_mode() -> None:
    settings = Settings.from_env({})
    assert settings.embedded
    assert settings.scanner.engine == "local"
    assert settings.scan_lease_seconds > settings.scan_job_timeout


@pytest.mark.parametrize(
    "environ,message",
    [
        ({"MAX_UPLOAD_BYTES": "lots"}, "MAX_UPLOAD_BYTES must be an integer"),
        ({"SCAN_TIMEOUT_SECONDS": "-1"}, "SCAN_TIMEOUT_SECONDS must be >="),
        ({"SCAN_ENGINE": "magic"}, "SCAN_ENGINE"),
        ({"SCAN_ENGINE": "hosted"}, "SCAN_HOSTED_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"RECONCILE_INTERVAL_SECONDS": "7200"}, "RECONCILE_INTERVAL_SECONDS must be <= 3600"),
        ({"SCAN_LEASE_SECONDS": "30"}, "SCAN_LEASE_SECONDS"),
        (
            {
                "SCAN_ENGINE": "hosted",
                "SCAN_HOSTED_URL": "http://h/v1",
                "SCAN_HOSTED_MODEL": "m",
                "SCAN_TIMEOUT_SECONDS": "40",
                "SCAN_HOSTED_RETRIES": "3",
                "SCAN_LEASE_SECONDS": "150",
            },
            "SCAN_LEASE_SECONDS",
        ),
        ({"SCAN_MAX_TRIES": "6"}, "SCAN_ATTEMPT_LIMIT"),
        ({"EVENT_LOOP": "trio"}, "EVENT_LOOP must be one of uvloop, asyncio, got 'trio'"),
    ],
)
def test_bad_values_are_clear_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"WORKER_MAX_JOBS": "12", "SCAN_THREADS": "2"},
        {
            "SCAN_ENGINE": "hosted",
            "SCAN_HOSTED_URL": "http://h/v1",
            "SCAN_HOSTED_MODEL": "m",
            "SCAN_TIMEOUT_SECONDS": "40",
            "SCAN_HOSTED_RETRIES": "3",
        },
    ],
)
def test_an_unset_lease_outlasts_the_longest_job(environ: dict[str, str]) -> None:
    settings = Settings.from_env(environ)
    assert settings.scan_lease_seconds >= 120
    assert settings.scan_lease_seconds > settings.scan_job_timeout
    # a job may wait for its turn at a sandbox process, then scan for the full time limit
    turns = -(-settings.worker_max_jobs // settings.scanner.processes)
    assert settings.scan_job_timeout >= settings.scanner.timeout * turns


def test_web_and_worker_need_both_stores() -> None:
    Settings.from_env({"MONGO_URL": "mongodb://db"})  # enough for migrations
    with pytest.raises(SettingsError, match="both MONGO_URL and REDIS_URL"):
        Settings.from_env({"MONGO_URL": "mongodb://db"}).require_services()
    Settings.from_env({"MONGO_URL": "mongodb://db", "REDIS_URL": "redis://r"}).require_services()


def test_sandbox_settings_are_read_with_the_old_name_as_a_fallback() -> None:
    assert Settings.from_env({}).scanner.processes == 2
    assert Settings.from_env({}).scanner.memory_mb == 1024
    assert Settings.from_env({"SCAN_THREADS": "3"}).scanner.processes == 3
    assert Settings.from_env({"SCAN_THREADS": "3", "SCAN_PROCESSES": "1"}).scanner.processes == 1
    assert Settings.from_env({"SCAN_MEMORY_MB": "2048"}).scanner.memory_mb == 2048
    with pytest.raises(SettingsError, match="SCAN_MEMORY_MB must be >= 768"):
        Settings.from_env({"SCAN_MEMORY_MB": "256"})


def test_the_event_loop_defaults_to_one_constant_and_is_read_in_any_case() -> None:
    assert Settings.from_env({}).event_loop == DEFAULT_EVENT_LOOP in EVENT_LOOPS
    assert Settings.from_env({"EVENT_LOOP": "AsyncIO"}).event_loop == "asyncio"
