"""`Pairer` against the sandbox over loopback: every verdict, exactly once, undo, resume."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kiosk.gigs import GigsClient
from kiosk.journal import Journal
from kiosk.pair.engine import Pairer
from kiosk.pair.types import Verdict
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import (
    DEMO_IMEIS, PACKED_IMEI, PAIRING_IMEIS, PAIRING_STOCK, stock_iccid, stock_iccids,
    stock_imeis,
)
from tests.conftest import client_for

pytestmark = pytest.mark.asyncio
P1, P2, P3, DUAL_A, DUAL_B, IPHONE = (PAIRING_IMEIS[k] for k in
                                       ("pair1", "pair2", "pair3", "pair4", "pair5", "pair6"))


def requests(sandbox: Any) -> int:
    return sum(sandbox.sandbox.store.requests.values())


def devices_with(sandbox: Any, imei: str) -> list[dict[str, Any]]:
    return [d for d in sandbox.sandbox.store.devices.values() if d["imei"] == imei]


def fault(sandbox: Any, **rule: Any) -> None:
    sandbox.sandbox.faults.rules.append(FaultRule(**rule))


@pytest.mark.parametrize("imeis,sim,verdict,reason", [
    ((P1,), "psim1", Verdict.PAIRED, "created"),
    ((P1,), "esim1", Verdict.REFUSED, "sim_type_unsupported"),
    ((IPHONE,), "psim1", Verdict.REFUSED, "sim_type_unsupported"),
    ((P1,), "retired", Verdict.REFUSED, "sim_retired"),
    ((P1,), "attached", Verdict.REFUSED, "sim_in_other_device"),
    ((PACKED_IMEI,), "attached", Verdict.ALREADY, "already_paired"),
    ((DEMO_IMEIS["unknown"],), "psim1", Verdict.REFUSED, "imei_unknown_model"),
    ((DEMO_IMEIS["psim"],), "psim1", Verdict.REFUSED, "device_has_sim"),
    ((DEMO_IMEIS["nosim"],), "psim1", Verdict.PAIRED, "attached"),
    ((DEMO_IMEIS["esim"],), "psim1", Verdict.PAIRED, "attached"),  # an eSIM phone takes a pSIM
    ((DUAL_A, DUAL_B), "psim1", Verdict.PAIRED, "created"),
])
async def test_every_verdict(client: GigsClient, sandbox: Any, imeis: tuple[str, ...], sim: str,
                             verdict: Verdict, reason: str) -> None:
    result = await Pairer(client, Journal()).pair(imeis, PAIRING_STOCK[sim])
    assert (result.verdict, result.reason) == (verdict, reason), result.message
    assert "\n" not in result.message and imeis[0] not in result.message
    assert PAIRING_STOCK[sim] not in result.message and result.imeis == imeis


async def test_an_unknown_sim_and_bad_input_are_refused(client: GigsClient) -> None:
    pairer = Pairer(client)
    unknown = await pairer.pair((P1,), stock_iccid(1777, 5))
    assert unknown.verdict is Verdict.REFUSED and unknown.reason == "sim_unknown"
    bad = await pairer.pair((P1[:-1] + "0" if P1[-1] != "0" else P1[:-1] + "1",),
                            PAIRING_STOCK["psim1"])
    assert bad.verdict is Verdict.REFUSED and bad.reason == "invalid_input"


async def test_created_device_holds_the_sim_and_a_dual_box_is_one_device(
        client: GigsClient, sandbox: Any) -> None:
    result = await Pairer(client).pair((DUAL_A, DUAL_B), PAIRING_STOCK["psim2"])
    [device] = devices_with(sandbox, DUAL_A)
    assert device["id"] == result.device_id and device["metadata"] == {"imei2": DUAL_B}
    assert devices_with(sandbox, DUAL_B) == [] and result.created
    assert (result.brand, result.model) == ("Samsung", "Galaxy S24")
    again = await Pairer(client).pair((DUAL_B,), PAIRING_STOCK["psim2"])
    assert again.verdict is Verdict.ALREADY and "nothing changed" in again.message


async def test_re_pairing_changes_nothing_and_costs_only_reads(client: GigsClient,
                                                               sandbox: Any) -> None:
    pairer = Pairer(client, Journal())
    before = requests(sandbox)
    first = await pairer.pair((P1,), PAIRING_STOCK["psim1"])
    single = requests(sandbox) - before
    assert first.verdict is Verdict.PAIRED and single <= 5  # sims, ?sim=, model, device, POST
    store = sandbox.sandbox.store
    writes = store.requests["POST /devices"] + store.requests["PATCH /devices/{device}"]
    second = await pairer.pair((P1,), PAIRING_STOCK["psim1"])
    assert second.verdict is Verdict.ALREADY
    assert store.requests["POST /devices"] + store.requests["PATCH /devices/{device}"] == writes


async def test_dry_run_checks_and_changes_nothing(client: GigsClient, sandbox: Any) -> None:
    journal = Journal()
    pairer = Pairer(client, journal, dry_run=True)
    created = await pairer.pair((P1,), PAIRING_STOCK["psim1"])
    attached = await pairer.pair((DEMO_IMEIS["nosim"],), PAIRING_STOCK["psim2"])
    refused = await pairer.pair((P1,), PAIRING_STOCK["retired"])
    assert (created.verdict, created.dry_run, created.message[:11]) == (Verdict.PAIRED, True,
                                                                        "would pair ")
    assert attached.dry_run and attached.message.startswith("would attach")
    assert refused.verdict is Verdict.REFUSED
    assert devices_with(sandbox, P1) == [] and journal.pairings() == []
    assert sandbox.sandbox.store.requests["POST /devices"] == 0


async def test_undo_of_a_created_device_deletes_it(client: GigsClient, sandbox: Any) -> None:
    journal = Journal()
    pairer = Pairer(client, journal)
    result = await pairer.pair((P2,), PAIRING_STOCK["psim3"])
    undone = await pairer.undo(result)
    assert undone.verdict is Verdict.UNDONE and devices_with(sandbox, P2) == []
    assert [r.status for r in journal.pairings()] == ["undone"]
    assert (await pairer.undo(undone)).reason == "nothing_to_undo"
    assert (await pairer.pair((P2,), PAIRING_STOCK["psim3"])).verdict is Verdict.PAIRED


async def test_undo_of_an_attach_gives_back_the_sims(client: GigsClient, sandbox: Any) -> None:
    pairer = Pairer(client, Journal())
    result = await pairer.pair((DEMO_IMEIS["esim"],), PAIRING_STOCK["psim4"])
    [device] = devices_with(sandbox, DEMO_IMEIS["esim"])
    assert len(device["sims"]) == 2 and result.previous_sims is not None
    undone = await pairer.undo(result)
    assert undone.verdict is Verdict.UNDONE
    assert devices_with(sandbox, DEMO_IMEIS["esim"])[0]["sims"] == list(result.previous_sims)


@pytest.mark.parametrize("keys", [True, False])
@pytest.mark.parametrize("kind,landed", [("drop_after", True), ("status_after", True),
                                         ("drop_before", False), ("slow_after", True)])
async def test_a_lost_answer_is_never_resent_and_makes_at_most_one_device(
        sandbox: Any, sleep: Any, keys: bool, kind: str, landed: bool) -> None:
    # Keys on or off (a server may ignore them): a POST that may have reached the server is
    # reconciled, never resent; not found after the re-checks, it is ERROR "unconfirmed".
    fault(sandbox, kind=kind, method="POST", path="*/devices", count=1, seconds=2.0)
    journal = Journal()
    async with client_for(sandbox, sleep, idempotency_keys=keys, attempt_timeout=0.5) as c:
        result = await Pairer(c, journal, sleep=sleep).pair((P3,), PAIRING_STOCK["psim5"])
        assert sandbox.sandbox.store.requests["POST /devices"] == 1
        if landed:
            assert result.verdict is Verdict.PAIRED, result.message
            [device] = devices_with(sandbox, P3)
            assert device["id"] == result.device_id and len(device["sims"]) == 1
            assert [(r.status, r.device_id) for r in journal.pairings()] == [("done", device["id"])]
        else:
            assert (result.verdict, result.reason) == (Verdict.ERROR, "unconfirmed")
            assert "scan the pair again in a minute" in result.message
            assert devices_with(sandbox, P3) == [] and 1.0 in sleep.delays
            assert [(r.status, r.detail) for r in journal.pairings()] == [
                ("unconfirmed", "unconfirmed: the answer was lost")]
        again = await Pairer(c, journal).pair((P3,), PAIRING_STOCK["psim5"])
    assert again.verdict is (Verdict.ALREADY if landed else Verdict.PAIRED), again.message
    assert len(devices_with(sandbox, P3)) == 1


async def test_an_api_that_stays_down_is_an_error_left_for_resume(sandbox: Any,
                                                                  sleep: Any) -> None:
    journal = Journal()
    async with client_for(sandbox, sleep) as c:
        pairer = Pairer(c, journal, sleep=sleep)
        await pairer.prefetch()  # a batch: the checks before the POST are all cached
        fault(sandbox, kind="drop_after", method="POST", path="*/devices", count=1)
        fault(sandbox, kind="drop_before", method="GET", path="*/devices", count=100)
        fault(sandbox, kind="drop_before", method="POST", path="*/devices/search", count=100)
        result = await pairer.pair((P3,), PAIRING_STOCK["psim5"])
        assert result.verdict is Verdict.ERROR and result.reason == "unconfirmed"
        assert "\n" not in result.message
        assert [r.status for r in journal.pairings()] == ["unconfirmed"]
        sandbox.sandbox.faults.rules.clear()
        [settled] = await pairer.resume()
        assert settled.status == "done" and settled.device_id == devices_with(sandbox, P3)[0]["id"]
        again = await pairer.pair((P3,), PAIRING_STOCK["psim5"])
    assert again.verdict is Verdict.ALREADY and len(devices_with(sandbox, P3)) == 1


async def test_resume_marks_an_intent_that_never_left_failed(client: GigsClient) -> None:
    journal = Journal()
    journal.pairing_intent(imeis=(P1,), iccid=PAIRING_STOCK["psim6"], sim_id="sim_nothing",
                           action="create", idempotency_key="k")
    [row] = await Pairer(client, journal).resume()
    assert row.status == "failed" and row.detail == "interrupted: scan again"
    assert await Pairer(client, journal).resume() == []


async def test_a_batch_costs_at_most_two_requests_per_new_device(sandbox: Any, sleep: Any) -> None:
    sandbox.sandbox.config = SandboxConfig(sim_stock=60)
    sandbox.sandbox.reset()
    imeis, iccids = stock_imeis(60), stock_iccids(60)
    async with client_for(sandbox, sleep) as c:
        pairer = Pairer(c, Journal())
        before = requests(sandbox)
        await pairer.prefetch()
        results = [await pairer.pair((i,), s) for i, s in zip(imeis, iccids, strict=True)]
        spent = requests(sandbox) - before
        assert all(r.verdict is Verdict.PAIRED for r in results)
        assert spent / len(results) <= 2, spent
        again = Pairer(c, Journal())
        await again.prefetch()
        before = requests(sandbox)
        rerun = [await again.pair((i,), s) for i, s in zip(imeis, iccids, strict=True)]
        assert all(r.verdict is Verdict.ALREADY for r in rerun)
        assert requests(sandbox) == before  # the prefetch knew: not one request per row


async def test_the_api_guards_a_race_with_another_station(client: GigsClient,
                                                          sandbox: Any) -> None:
    batch = Pairer(client)
    await batch.prefetch()  # then another station pairs the same SIMs
    other = Pairer(client)
    assert (await other.pair((P1,), PAIRING_STOCK["psim7"])).verdict is Verdict.PAIRED
    assert (await other.pair((P2,), PAIRING_STOCK["psim8"])).verdict is Verdict.PAIRED
    taken = await batch.pair((P3,), PAIRING_STOCK["psim7"])
    same = await batch.pair((P2,), PAIRING_STOCK["psim8"])
    assert (taken.verdict, taken.reason) == (Verdict.REFUSED, "sim_in_other_device")
    assert same.verdict is Verdict.ALREADY
    assert devices_with(sandbox, P3) == [] and len(devices_with(sandbox, P2)) == 1


@pytest.mark.parametrize("keys", [True, False])
async def test_an_answer_lost_every_time_is_unconfirmed_and_no_duplicate(
        sandbox: Any, sleep: Any, keys: bool) -> None:
    fault(sandbox, kind="drop_before", method="POST", path="*/devices", count=5)
    journal = Journal()
    async with client_for(sandbox, sleep, idempotency_keys=keys) as c:
        result = await Pairer(c, journal, sleep=sleep).pair((P3,), PAIRING_STOCK["psim6"])
    assert (result.verdict, result.reason) == (Verdict.ERROR, "unconfirmed")
    assert devices_with(sandbox, P3) == []
    assert sandbox.sandbox.store.requests["POST /devices"] == 1  # never resent
    assert [r.status for r in journal.pairings()] == ["unconfirmed"]


async def test_a_slow_first_request_is_not_resent_and_a_rescan_finds_it(
        sandbox: Any, sleep: Any) -> None:
    # Keys off, the first POST acts late (after the re-checks saw nothing): it is not sent
    # again, the row is unconfirmed, and the re-scan a minute later finds the device.
    fault(sandbox, kind="slow_before", method="POST", path="*/devices", count=1, seconds=1.0)
    async with client_for(sandbox, sleep, idempotency_keys=False, attempt_timeout=0.3) as c:
        result = await Pairer(c, sleep=sleep).pair((P3,), PAIRING_STOCK["psim6"])
        assert (result.verdict, result.reason) == (Verdict.ERROR, "unconfirmed")
        await asyncio.sleep(1.2)  # the first request acts now
        again = await Pairer(c).pair((P3,), PAIRING_STOCK["psim6"])
    assert again.verdict is Verdict.ALREADY, again.message
    assert len(devices_with(sandbox, P3)) == 1
    assert sandbox.sandbox.store.requests["POST /devices"] == 1
