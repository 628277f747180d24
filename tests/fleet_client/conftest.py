"""Fixtures: the loopback sandbox holding a Gigs key, and a gateway double in front of it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import ConfigStore
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.serve import ThreadedSandbox
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
