"""Fixtures: the loopback sandbox holding a Gigs key, and a gateway double in front of it."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import ConfigStore
from kiosk.fleet_client import gateway_settings
from kiosk.fleet_client_join import join, save_joined
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.serve import ThreadedSandbox
from kiosk.settings import ApiSettings
from tests.fleet_client.gateway_double import GatewayDouble


@dataclass
class Fleet:
    sandbox: ThreadedSandbox
    gateway: GatewayDouble
    #: The Gigs API key: only the sandbox and the gateway double know it.
    key: str


@pytest.fixture
def fleet(sandbox: ThreadedSandbox) -> Iterator[Fleet]:
    key = "gigs_sk_" + secrets.token_hex(16)
    state = sandbox.sandbox
    state.config = SandboxConfig(token=key, order_delay=1.0)
    state.reset()
    with GatewayDouble(sandbox.url, key) as gateway:
        yield Fleet(sandbox, gateway, key)


@pytest.fixture
def store(tmp_path: Path) -> ConfigStore:
    return ConfigStore(tmp_path / "config" / "kiosk.toml")


async def joined(fleet: Fleet, store: ConfigStore) -> ApiSettings:
    """Join the double's fleet as `kiosk join` does; the settings the app would then use."""
    result = await join(fleet.gateway.url, fleet.gateway.enroll())
    save_joined(store, fleet.gateway.url, result)
    return gateway_settings(store, store.load(env={}), env={})


async def until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)
