"""The red team's pairing findings (issue 15), over loopback: one device at a time, a box's
own IMEIs only, a customer's device, dry runs that remember, test placeholders."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.gigs import GigsClient
from kiosk.journal import Journal
from kiosk.pair.engine import Pairer
from kiosk.pair.types import Verdict
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import PAIRING_IMEIS, PAIRING_STOCK
from tests.conftest import client_for

pytestmark = pytest.mark.asyncio
P1, P2, DUAL_A, DUAL_B = (PAIRING_IMEIS[k] for k in ("pair1", "pair2", "pair4", "pair5"))


def device_of(sandbox: Any, imei: str) -> dict[str, Any]:
    [device] = [d for d in sandbox.sandbox.store.devices.values() if d["imei"] == imei]
    return device


def sim_ids(device: dict[str, Any]) -> set[str]:
    return {s if isinstance(s, str) else s["id"] for s in device["sims"]}


async def test_a_dual_box_and_its_two_imeis_at_once_keep_every_sim(client: GigsClient,
                                                                   sandbox: Any) -> None:
    pairer = Pairer(client, Journal())
    await pairer.prefetch()
    rows = [((DUAL_A, DUAL_B), "psim1"), ((DUAL_A,), "esim1"), ((DUAL_B,), "esim2")]
    results = await asyncio.gather(*(pairer.pair(i, PAIRING_STOCK[s]) for i, s in rows))
    assert [r.verdict for r in results] == [Verdict.PAIRED] * 3, [r.message for r in results]
    device = device_of(sandbox, DUAL_A)
    assert sim_ids(device) == {r.sim_id for r in results}  # not the last PATCH's list only
    again = Pairer(client, Journal())
    await again.prefetch()
    rerun = await asyncio.gather(*(again.pair(i, PAIRING_STOCK[s]) for i, s in rows))
    assert [r.verdict for r in rerun] == [Verdict.ALREADY] * 3


async def test_two_stations_do_not_detach_each_others_sims(client: GigsClient,
                                                            sandbox: Any) -> None:
    assert (await Pairer(client).pair((DUAL_A, DUAL_B), PAIRING_STOCK["psim1"])).ok
    one, two = Pairer(client), Pairer(client)
    await one.prefetch()
    await two.prefetch()  # both lists: the device holds one SIM
    first = await one.pair((DUAL_A,), PAIRING_STOCK["esim1"])
    second = await two.pair((DUAL_B,), PAIRING_STOCK["esim2"])  # its list is stale
    assert first.verdict is second.verdict is Verdict.PAIRED
    assert len(sim_ids(device_of(sandbox, DUAL_A))) == 3
    assert second.previous_sims is not None and first.sim_id in second.previous_sims


async def test_the_second_imei_of_another_box_is_refused(client: GigsClient,
                                                         sandbox: Any) -> None:
    assert (await Pairer(client).pair((DUAL_A, DUAL_B), PAIRING_STOCK["psim1"])).ok
    # devices/search finds a device by its own IMEI only: the full list (a batch's prefetch, a
    # station's refresh) is what knows a second IMEI kept in metadata.
    for pairer in (Pairer(client), Pairer(client, refresh_every=180.0)):
        if pairer.refresh_every is None:
            await pairer.prefetch()
        result = await pairer.pair((DUAL_B, P1), PAIRING_STOCK["esim1"])
        assert (result.verdict, result.reason) == (Verdict.REFUSED, "imeis_in_two_devices")
        assert "not an IMEI of the registered device" in result.message
    assert len(sim_ids(device_of(sandbox, DUAL_A))) == 1
    held = await Pairer(client).pair((DUAL_A, P1), PAIRING_STOCK["psim1"])
    assert (held.verdict, held.reason) == (Verdict.REFUSED, "imeis_in_two_devices")


async def test_a_second_imei_is_recorded_on_a_device_that_had_one(client: GigsClient,
                                                                  sandbox: Any) -> None:
    assert (await Pairer(client).pair((DUAL_A,), PAIRING_STOCK["psim1"])).ok
    device_of(sandbox, DUAL_A)["metadata"] = {"note": "kept"}
    result = await Pairer(client).pair((DUAL_A, DUAL_B), PAIRING_STOCK["esim1"])
    assert result.verdict is Verdict.PAIRED and result.reason == "attached", result.message
    device = device_of(sandbox, DUAL_A)
    assert device["metadata"] == {"note": "kept", "imei2": DUAL_B} and len(device["sims"]) == 2
    again = await Pairer(client).pair((DUAL_B,), PAIRING_STOCK["esim1"])
    assert again.verdict is Verdict.ALREADY


async def _customer_device(client: GigsClient, imei: str) -> str:
    user = await client.create_user(email="owner@example.com")
    return (await client.create_device(imei=imei, user=user.id)).id


@pytest.mark.parametrize("duplicates", ["allow", "refuse"])
async def test_a_customers_device_is_refused_not_registered_twice(
        sandbox: Any, sleep: Any, duplicates: str) -> None:
    sandbox.sandbox.config = SandboxConfig(device_search="unowned", duplicate_imei=duplicates)
    sandbox.sandbox.reset()
    async with client_for(sandbox, sleep) as client:
        owned = await _customer_device(client, P1)
        station = Pairer(client, Journal(), refresh_every=180.0)  # as run_pair_station makes it
        result = await station.pair((P1,), PAIRING_STOCK["psim1"])
        assert (result.verdict, result.reason) == (Verdict.REFUSED, "device_owned")
        assert "customer" in result.message and result.device_id == owned
        if duplicates == "refuse":  # no list fetched: the API's 422, then the full list
            bare = await Pairer(client).pair((P1,), PAIRING_STOCK["psim1"])
            assert (bare.verdict, bare.reason) == (Verdict.REFUSED, "device_owned")
            assert "another station" not in bare.message
    assert [d["id"] for d in sandbox.sandbox.store.devices.values() if d["imei"] == P1] == [owned]


async def test_a_station_refreshes_its_lists(client: GigsClient, sandbox: Any) -> None:
    station = Pairer(client, refresh_every=0.0)
    assert (await station.pair((P1,), PAIRING_STOCK["psim1"])).verdict is Verdict.PAIRED
    lists = sandbox.sandbox.store.requests["GET /devices"]
    await station.pair((P2,), PAIRING_STOCK["psim2"])
    assert sandbox.sandbox.store.requests["GET /devices"] > lists


@pytest.mark.parametrize("rows,verdicts", [
    ([(P1, "psim1"), (P2, "psim1")], ["paired", "refused"]),  # the same SIM twice
    ([(P1, "psim1"), (P1, "psim2")], ["paired", "refused"]),  # one IMEI, two pSIMs
    ([(DUAL_A, "psim1"), (DUAL_A, "esim1")], ["paired", "paired"]),
])
async def test_a_dry_run_gives_the_verdicts_of_the_real_run(
        client: GigsClient, sandbox: Any, rows: list[tuple[str, str]],
        verdicts: list[str]) -> None:
    for dry in (True, False):
        pairer = Pairer(client, Journal(), dry_run=dry)
        await pairer.prefetch()
        results = [await pairer.pair((i,), PAIRING_STOCK[s]) for i, s in rows]
        assert [r.verdict.value for r in results] == verdicts, [r.message for r in results]
        assert all(r.dry_run is dry for r in results if r.verdict is Verdict.PAIRED)
    bare = Pairer(client, dry_run=True)  # without the lists too
    again = [await bare.pair((i,), PAIRING_STOCK[s]) for i, s in rows]
    assert all(r.verdict is Verdict.ALREADY for r in again if r.ok)


@pytest.mark.parametrize("iccid", ["89424242424242424242", "89424242420000037469"])
async def test_a_test_placeholder_sim_is_refused(client: GigsClient, sandbox: Any,
                                                 iccid: str) -> None:
    for pairer in (Pairer(client), Pairer(client, dry_run=True)):
        result = await pairer.pair((P1,), iccid)
        assert (result.verdict, result.reason) == (Verdict.REFUSED, "sim_placeholder")
    assert sandbox.sandbox.store.requests["POST /devices"] == 0


@pytest.mark.parametrize("kind,landed", [("drop_after", True), ("status_after", True),
                                         ("drop_before", False)])
async def test_a_lost_answer_to_a_patch_is_re_read_never_resent(
        sandbox: Any, sleep: Any, kind: str, landed: bool) -> None:
    async with client_for(sandbox, sleep) as client:
        assert (await Pairer(client).pair((DUAL_A,), PAIRING_STOCK["psim1"])).ok
        sandbox.sandbox.faults.rules.append(FaultRule(kind=kind, method="PATCH",
                                                      path="*/devices/*", count=1))
        journal = Journal()
        result = await Pairer(client, journal, sleep=sleep).pair((DUAL_A,),
                                                                 PAIRING_STOCK["esim1"])
        assert sandbox.sandbox.store.requests["PATCH /devices/{device}"] == 1
        if landed:
            assert result.verdict is Verdict.PAIRED, result.message
            assert [r.status for r in journal.pairings()] == ["done"]
        else:
            assert (result.verdict, result.reason) == (Verdict.ERROR, "unconfirmed")
            assert [r.status for r in journal.pairings()] == ["unconfirmed"]
        assert len(sim_ids(device_of(sandbox, DUAL_A))) == (2 if landed else 1)


@pytest.mark.filterwarnings("ignore::pytest.PytestWarning")
def test_the_red_teams_dual_box_csv_then_the_same_csv_again(sandbox: Any,
                                                            tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(f"{DUAL_A},{DUAL_B},{PAIRING_STOCK['psim1']}\n"
                      f"{DUAL_A},{PAIRING_STOCK['esim1']}\n{DUAL_B},{PAIRING_STOCK['esim2']}\n",
                      encoding="utf-8")
    verdicts = []
    for _ in range(2):
        export = tmp_path / "results.csv"
        code = main(["pair", "--input", str(source), "--export", str(export), "--api-url",
                     sandbox.url, "--journal", str(tmp_path / "j.sqlite3"),
                     "--concurrency", "8"])
        assert code == 0
        verdicts.append([r["verdict"] for r in csv.DictReader(export.open(encoding="utf-8"))])
    assert verdicts == [["paired"] * 3, ["already"] * 3]
    assert len(sim_ids(device_of(sandbox, DUAL_A))) == 3


def _twin(imei: str) -> str:
    """Another IMEI with the same mask (TAC and check digit): another phone of the model."""
    from kiosk.scan.imei import luhn_check_digit
    for serial in range(100000, 999999):
        body = imei[:8] + str(serial)
        if body != imei[:14] and luhn_check_digit(body) == imei[-1]:
            return body + imei[-1]
    raise AssertionError("no twin")


async def test_resume_tells_a_phone_from_another_of_its_model(client: GigsClient,
                                                              sandbox: Any) -> None:
    journal = Journal()
    [sim] = await client.search_sims(PAIRING_STOCK["psim1"])
    journal.pairing_intent(imeis=(P1,), iccid=PAIRING_STOCK["psim1"], sim_id=sim.id,
                           action="create", idempotency_key="k")  # then a crash
    twin = _twin(P1)
    await client.create_device(imei=twin, sims=[sim.id])  # another station, same mask
    [row] = await Pairer(client, journal).resume()
    assert row.status == "failed" and row.detail == "interrupted: scan again"


async def test_resume_leaves_another_live_runs_rows(client: GigsClient, sandbox: Any) -> None:
    now = [1000.0]
    journal = Journal(clock=lambda: now[0])
    running, other = Pairer(client, journal), Pairer(client, journal)
    journal.pairing_intent(imeis=(P1,), iccid=PAIRING_STOCK["psim1"], sim_id="sim_x",
                           action="create", owner=running.owner)  # its POST in flight
    assert await other.resume() == []
    assert [r.status for r in journal.pairings()] == ["sending"]
    now[0] += other.settle_after + 1  # past any request's deadline: nobody sends it now
    [row] = await other.resume()
    assert row.status == "failed"
