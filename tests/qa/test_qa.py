"""The QA engine against the loopback sandbox: verdicts per device kind, duplicates, pairing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kiosk.gigs import GigsClient
from kiosk.qa import QaBatch, QaRules, Verdict
from kiosk.sandbox.faults import FaultRule
from kiosk.sandbox.seed import DEMO_IMEIS

pytestmark = pytest.mark.asyncio


async def run(client: GigsClient, imeis: list[str], rules: QaRules | None = None) -> QaBatch:
    batch = QaBatch(client, rules)
    for imei in imeis:
        batch.add(imei)
    await batch.wait()
    return batch


@pytest.mark.parametrize("key,verdict,reason", [
    ("psim", Verdict.PASS, None),
    ("esim", Verdict.PASS, None),
    ("active", Verdict.FAIL, "a SIM is already active"),
    ("unregistered_psim", Verdict.FAIL, "not registered"),
    ("nosim", Verdict.FAIL, "0 SIM(s), expected 1"),
    ("dual1", Verdict.FAIL, "2 SIM(s), expected 1"),
])
async def test_verdicts_for_each_seeded_kind(client: GigsClient, key: str, verdict: Verdict,
                                             reason: str | None) -> None:
    [row] = (await run(client, [DEMO_IMEIS[key]], QaRules(expect_sim_count=1))).rows
    assert row.verdict is verdict and row.done
    assert (reason in row.reasons) if reason else row.reasons == []
    assert row.mark.endswith(verdict.value)  # a text mark, not colour alone


async def test_expected_type_and_model(client: GigsClient) -> None:
    rules = QaRules(expect_sim_types=("pSIM",), expect_model="iPhone")
    batch = await run(client, [DEMO_IMEIS["psim"], DEMO_IMEIS["esim"]], rules)
    assert [r.verdict for r in batch.rows] == [Verdict.PASS, Verdict.FAIL]
    assert "model is not iPhone" in batch.rows[1].reasons
    assert any("SIM type eSIM" in r for r in batch.rows[1].reasons)


async def test_duplicates_are_flagged(client: GigsClient) -> None:
    batch = await run(client, [DEMO_IMEIS["psim"], DEMO_IMEIS["esim"], DEMO_IMEIS["psim"]])
    assert [r.duplicate for r in batch.rows] == [False, False, True]
    assert "duplicate in this batch" in batch.rows[2].reasons
    assert batch.summary()["duplicates"] == 1


async def test_pairing_with_the_sim_cards_iccid(client: GigsClient) -> None:
    rules = QaRules(require_pairing=True)
    batch = QaBatch(client, rules)
    row = batch.add(DEMO_IMEIS["psim"])
    await batch.wait()
    assert row.verdict is Verdict.FAIL and "SIM card not scanned" in row.reasons
    batch.pair(row.sims[0][1])
    assert row.verdict is Verdict.PASS
    other = batch.add(DEMO_IMEIS["esim"])
    batch.pair("89014104271234567896")  # the iPhone's card, held to the Pixel
    await batch.wait()
    assert other.verdict is Verdict.FAIL
    assert "scanned SIM card does not belong to this device" in other.reasons


async def test_adding_never_waits_for_the_network(client: GigsClient, sandbox) -> None:
    sandbox.sandbox.faults.latency_ms = 200
    batch = QaBatch(client, concurrency=4)
    import time

    started = time.perf_counter()
    rows = [batch.add(DEMO_IMEIS["psim"]) for _ in range(20)]
    assert time.perf_counter() - started < 0.05 and not any(r.done for r in rows)
    await batch.wait()
    assert all(r.done for r in rows)


async def test_a_failed_lookup_says_scan_again(client: GigsClient, sandbox) -> None:
    sandbox.sandbox.faults.rules.append(FaultRule("503", method="POST", path="*/devices/search"))
    [row] = (await run(client, [DEMO_IMEIS["psim"]])).rows
    assert row.verdict is Verdict.FAIL and "scan again" in row.reasons[0]


async def test_csv_export(client: GigsClient, tmp_path: Path) -> None:
    batch = await run(client, [DEMO_IMEIS["psim"], DEMO_IMEIS["unknown"]])
    out = tmp_path / "qa.csv"
    assert batch.export_csv(out) == 2
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["imei"] == DEMO_IMEIS["psim"] and rows[0]["verdict"] == "PASS"
    assert rows[0]["sims"] == "pSIM" and rows[1]["registered"] == "no"
    batch.export_csv(out, mask_imeis=True)
    text = out.read_text()
    assert DEMO_IMEIS["psim"] not in text and "89014104271234567896" not in text
