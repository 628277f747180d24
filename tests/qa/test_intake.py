"""What reaches the QA engine: one row per box in view, no input lost, garbage says why."""

from __future__ import annotations

import pytest

from kiosk.gigs import GigsClient
from kiosk.qa import InView, KeyLine, QaBatch, QaRules, Source, Verdict
from kiosk.sandbox.seed import DEMO_IMEIS

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def hold_in_view(batch: QaBatch, clock: Clock, imei: str, seconds: float) -> None:
    """A camera at 30 frames a second; its agreement re-accepts the box every 3 seconds."""
    start = clock.now
    next_accept = start
    while clock.now - start < seconds:
        batch.sighted([imei])
        if clock.now >= next_accept:
            batch.submit(imei, Source.CAMERA)
            next_accept += 3.0
        clock.now += 1 / 30


@pytest.mark.asyncio
async def test_a_box_held_in_view_for_20_s_is_one_row(client: GigsClient) -> None:
    clock = Clock()
    batch = QaBatch(client, QaRules(), in_view=InView(10.0, clock))
    hold_in_view(batch, clock, DEMO_IMEIS["psim"], 20.0)
    assert len(batch.rows) == 1 and not batch.rows[0].duplicate
    clock.now += 10.5  # taken away for longer than the window, then shown again: it counts
    hold_in_view(batch, clock, DEMO_IMEIS["psim"], 5.0)
    await batch.wait()
    assert len(batch.rows) == 2 and batch.rows[1].duplicate


@pytest.mark.asyncio
async def test_the_window_counts_from_the_last_sighting_not_the_first(client: GigsClient) -> None:
    clock = Clock()
    batch = QaBatch(client, in_view=InView(10.0, clock))
    imei = DEMO_IMEIS["esim"]
    for _ in range(6):  # accepted every 8 s without frames in between (no detections reported)
        batch.submit(imei, Source.CAMERA)
        clock.now += 8.0
    assert len(batch.rows) == 1
    clock.now += 3.0  # 11 s since it was last seen
    assert batch.submit(imei, Source.CAMERA) is not None and len(batch.rows) == 2
    await batch.wait()


@pytest.mark.asyncio
async def test_scanner_inputs_always_count_and_keep_the_camera_quiet(client: GigsClient) -> None:
    clock = Clock()
    batch = QaBatch(client, in_view=InView(10.0, clock))
    imei = DEMO_IMEIS["psim"]
    batch.submit(imei, Source.SCANNER)
    batch.submit(imei, Source.SCANNER)  # a deliberate second scan is a (duplicate) row
    clock.now += 1.0
    assert batch.submit(imei, Source.CAMERA) is None  # the camera seeing the scanned box
    await batch.wait()
    assert [r.duplicate for r in batch.rows] == [False, True]


@pytest.mark.asyncio
@pytest.mark.parametrize("text,reason", [
    ("hello world", "not an IMEI: An IMEI has digits only."),
    ("12345678", "not an IMEI: An IMEI has 15 digits"),
    (DEMO_IMEIS["psim"][:-1] + str((int(DEMO_IMEIS["psim"][-1]) + 1) % 10), "check digit"),
    ("89014104271234567896", "does not pair SIM cards"),
])
async def test_every_unreadable_input_is_a_row_that_says_why(client: GigsClient, text: str,
                                                             reason: str) -> None:
    batch = QaBatch(client)
    row = batch.submit(text)
    assert row is not None and row.rejected and row.verdict is Verdict.FAIL
    assert reason in row.reasons[0] and batch.rows == [row]
    assert batch.summary()["scanned"] == 1 and batch.summary()["failed"] == 1


@pytest.mark.asyncio
async def test_an_iccid_pairs_or_says_scan_the_imei_first(client: GigsClient) -> None:
    batch = QaBatch(client, QaRules(require_pairing=True))
    early = batch.submit("89014104271234567896")
    assert early is not None and early.rejected and "scan the IMEI first" in early.reasons[0]
    device = batch.submit(DEMO_IMEIS["psim"])
    await batch.wait()
    assert device is not None and batch.submit(device.sims[0][1]) is device
    assert device.verdict is Verdict.PASS and len(batch.rows) == 2


@pytest.mark.asyncio
async def test_garbage_is_shown_short_and_printable(client: GigsClient) -> None:
    row = QaBatch(client).submit("x\x07" * 60)
    assert row is not None and len(row.imei) == 40 and "\x07" not in row.imei


def test_key_line_ends_on_enter_whatever_the_speed() -> None:
    line = KeyLine(stale_after=2.0)
    for n, char in enumerate("490154203237518"):
        assert line.key(char, 10.0 + n * 0.5) is None  # a person typing, 500 ms per key
    assert line.end() == "490154203237518" and line.end() is None


def test_key_line_turns_an_unfinished_line_into_an_input_of_its_own() -> None:
    line = KeyLine(stale_after=2.0)
    for char in "1234":
        line.key(char, 1.0)
    assert line.key("9", 5.0) == "1234"  # no Enter came: it is reported, not dropped
    assert line.end() == "9"
