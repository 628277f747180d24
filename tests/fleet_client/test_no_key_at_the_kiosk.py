"""In gateway mode the Gigs key stays at the gateway: after a join and a whole activation, it
is in none of the kiosk's files (config, journal, log, support bundle), and the kiosk token is
only in `gateway-token`."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from kiosk.config import ConfigStore
from kiosk.connect import make_client
from kiosk.fleet_client import FleetClient, gateway_settings
from kiosk.flow import Context, Flow, FlowSettings
from kiosk.flow.states import Ready
from kiosk.flow.wake import StatusEvents
from kiosk.journal import Journal
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from kiosk.support import make_bundle
from tests.flow.conftest import drive
from tests.fleet_client.conftest import Fleet, joined, until

pytestmark = pytest.mark.asyncio
LEFTOVER = "gigs_sk_left_from_live_mode_0123456789"


def everything_in(folder: Path) -> bytes:
    """Every byte the kiosk wrote under `folder`, zip members unpacked."""
    out = b""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                out += b"".join(bundle.read(name) for name in bundle.namelist())
        elif path.is_file():
            out += path.read_bytes()
    return out


async def test_a_whole_activation_leaves_no_key_at_the_kiosk(
        fleet: Fleet, tmp_path: Path) -> None:
    fleet.sandbox.sandbox.config.order_delay = 0.3
    kiosk_dir = tmp_path / "kiosk"
    store = ConfigStore(kiosk_dir / "config" / "kiosk.toml")
    await joined(fleet, store)
    store.set_api_key(LEFTOVER)  # from the kiosk's days in live mode: ignored, never sent
    log_file = kiosk_dir / "kiosk.log"
    handler = logging.FileHandler(log_file)  # no redaction: a leak would show as it is
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(exc_info)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    journal = Journal(kiosk_dir / "journal.sqlite3")
    try:
        config = store.load(env={})
        settings = gateway_settings(store, config, env={"GIGS_TOKEN": LEFTOVER})
        events = StatusEvents()
        fc = FleetClient(settings.base_url, settings.bearer, events, lambda: {"mode": "kiosk"},
                         heartbeat_every=0.1)
        fc.start()
        async with make_client(settings) as client:
            flow = Flow(Context(client, journal, FlowSettings(
                poll_initial=0.1, payment_method=STORE_PAYMENT_METHOD_ID), events=events))
            plan = next(p["id"] for p in fleet.sandbox.sandbox.store.plans.values()
                        if p["name"] == "Travel 5 GB")
            state = await drive(flow, [DEMO_IMEIS["esim"]], plan)
            assert isinstance(state, Ready) and fc.counters.stream_connects == 1
            await flow.cancel()
        await until(lambda: fc.counters.heartbeats_sent >= 2)
        await fc.stop()
        make_bundle(kiosk_dir / "support.zip", config=config, journal=journal,
                    logs=[log_file], diagnostics=fc.snapshot())
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
        journal.close()
    token = store.gateway_token()
    assert token is not None
    assert fleet.gateway.bearers == {token}  # neither key was ever sent, only the token
    assert fleet.gateway.count("POST", "/orders") == 1
    written = everything_in(kiosk_dir)
    assert b"activations" in written and b"gateway" in log_file.read_bytes()  # they are there
    assert fleet.key.encode() not in written
    token_file = store.token_path.read_bytes()
    rest = written.replace(token_file, b"", 1)
    assert token.encode() not in rest
    # not even the secret part alone (its last 43 characters: it may itself hold "_")
    assert token[-43:].encode() not in rest
