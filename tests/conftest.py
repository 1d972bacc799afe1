"""Fixtures for the whole suite: optional services (PostgreSQL, Redis) and the spec's files.

A test that needs a service asks for ``postgres_available`` or ``redis_available``:
it is skipped when nothing listens on the port, unless ``REQUIRE_SERVICES=1``
(as ``.ci/run`` sets), where a missing service fails the test instead.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The contract, as vendored in docs/spec (tests/test_spec_copy.py keeps it in step).
SPEC_DIR = Path(os.environ.get("EXTENDED_DAY_SPEC_DIR", REPO / "docs" / "spec"))


@dataclass(frozen=True)
class Service:
    name: str
    host: str
    port: int


def _listening(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> Service:
    """The service if something listens on host:port; else skip (or fail with REQUIRE_SERVICES=1)."""
    if _listening(host, port):
        return Service(name, host, port)
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 requires it.")
    pytest.skip(f"{message} (set REQUIRE_SERVICES=1 to make this a failure).")


@pytest.fixture(scope="session")
def postgres_available() -> Service:
    return require_service(
        "PostgreSQL",
        os.environ.get("POSTGRES_HOST", "127.0.0.1"),
        int(os.environ.get("POSTGRES_PORT", "5432")),
    )


@pytest.fixture(scope="session")
def redis_available() -> Service:
    return require_service(
        "Redis",
        os.environ.get("REDIS_HOST", "127.0.0.1"),
        int(os.environ.get("REDIS_PORT", "6379")),
    )
