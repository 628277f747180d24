"""Shared fixtures: a real sandbox on a loopback port, and clients with injected time."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

# Before anything can create a QApplication: no display here or in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import pytest_asyncio

from kiosk.gigs import GigsClient, RetryPolicy
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.serve import ThreadedSandbox
from kiosk.settings import ApiSettings


class RecordedSleep:
    """Stands in for asyncio.sleep: remembers every delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox(SandboxConfig()) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: ThreadedSandbox) -> Iterator[ThreadedSandbox]:
    """The loopback sandbox, freshly seeded, default settings and no faults, for each test."""
    state = sandbox_server.sandbox
    state.config = SandboxConfig()
    state.reset()
    yield sandbox_server
    state.config = SandboxConfig()
    state.reset()


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


def client_for(server: ThreadedSandbox, sleep: RecordedSleep, **settings: Any) -> GigsClient:
    base = ApiSettings(api_url=server.url, project="demo", token="test-token")
    return GigsClient(replace(base, **settings), sleep=sleep, rand=lambda: 0.5,
                      retry=RetryPolicy(max_retries=settings.get("max_retries", 3)))


@pytest_asyncio.fixture
async def client(sandbox: ThreadedSandbox, sleep: RecordedSleep) -> AsyncIterator[GigsClient]:
    async with client_for(sandbox, sleep) as c:
        yield c


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A command run in process (`kiosk.cli.main`) sets the root logger's level and handler for
    a process; the next test must not inherit them (a quiet CRITICAL hides its warnings)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
