"""What a scan is (`classify`) and the scanning order of the station (`PairIntake`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.cli.pair import parse_row
from kiosk.pair.scans import PairIntake, classify, same_box
from kiosk.pair.types import Scan
from kiosk.sandbox.seed import DEMO_IMEIS

DUAL1, DUAL2 = DEMO_IMEIS["dual1"], DEMO_IMEIS["dual2"]
OTHER = DEMO_IMEIS["esim"]
ICCID = "89014104271234567896"
ICCID19 = "8901410427123456782"  # 19 digits: only these may end in F (REFERENCE 2.9)
EID = "89049032000001000000012345678901"


@pytest.mark.parametrize("text,kind,value,problem", [
    (DUAL1, "imei", DUAL1, None),
    (f"IMEI1: {DUAL1[:2]} {DUAL1[2:8]} {DUAL1[8:14]} {DUAL1[14]}", "imei", DUAL1, None),
    (DUAL1[:-1] + str((int(DUAL1[-1]) + 1) % 10), "imei", None, "check digit"),
    (ICCID, "iccid", ICCID, None),
    ("ICCID: " + ICCID19 + "F", "iccid", ICCID19, None),
    (ICCID[:-1] + "0", "iccid", None, "check digit"),
    (EID, "eid", EID, None),
    ("EID " + EID, "eid", EID, None),
    ("SN R58M12ABCDE", "serial", None, None),
    ("R58M12ABCDE", "serial", None, None),
    (DUAL1[:-1], "unknown", None, "15 digits; this has 14"),
    ("12345", "unknown", None, "neither an IMEI"),
    ("hello", "unknown", None, "Not an IMEI"),
    ("", "unknown", None, "Nothing"),
    ("\u0663\u0665" * 8, "unknown", None, None),  # Arabic-Indic digits are no IMEI
])
def test_classify(text: str, kind: str, value: str | None, problem: str | None) -> None:
    scan = classify(text)
    assert scan.kind == kind
    if value is not None:
        assert scan.value == value
    if problem is not None:
        assert scan.problem is not None and problem in scan.problem
    elif kind in ("imei", "iccid", "eid", "serial"):
        assert scan.problem is None


def test_a_scan_masks_its_number_and_hides_a_serial() -> None:
    assert classify(DUAL1).masked == DUAL1[:8] + "******" + DUAL1[-1]
    assert classify("SN R58M12ABCDE").masked == "…" and "R58" not in repr(classify("SN R58M12"))


def test_same_box() -> None:
    assert same_box(DUAL1, DUAL2) and not same_box(DUAL1, OTHER)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_random_text_never_raises(text: str) -> None:
    scan = classify(text)
    assert isinstance(scan, Scan)
    event = PairIntake().feed(scan, 0.0)
    assert event.kind in ("need_iccid", "mistake")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.just(DUAL1), st.just(ICCID)), max_size=5))
def test_random_csv_rows_never_raise(cells: list[str]) -> None:
    row = parse_row(7, ",".join(cells))
    assert row is None or (row.line == 7 and (row.problem is not None or row.iccid))


def feed(intake: PairIntake, *texts: str, at: float = 0.0):
    return [intake.feed(classify(t), at) for t in texts]


def test_imei_then_iccid_pairs() -> None:
    intake = PairIntake()
    first, second = feed(intake, DUAL1, ICCID)
    assert first.kind == "need_iccid" and first.imeis == (DUAL1,)
    assert second.kind == "pair" and second.imeis == (DUAL1,) and second.iccid == ICCID
    assert intake.imeis == ()  # ready for the next box
    assert DUAL1 not in first.message + second.message  # masked


def test_both_imeis_of_a_dual_sim_box_then_iccid() -> None:
    events = feed(PairIntake(), DUAL1, DUAL2, DUAL1, ICCID)
    assert [e.kind for e in events] == ["need_iccid", "need_iccid", "need_iccid", "pair"]
    assert events[1].imeis == (DUAL1, DUAL2) and events[3].imeis == (DUAL1, DUAL2)


def test_an_imei_of_another_box_is_a_mistake_and_becomes_the_box() -> None:
    intake = PairIntake()
    _, mistake, paired = feed(intake, DUAL1, OTHER, ICCID)
    assert mistake.kind == "mistake" and "another box" in mistake.message
    assert "now the current box" in mistake.message and mistake.imeis == (OTHER,)
    assert paired.kind == "pair" and paired.imeis == (OTHER,)


@pytest.mark.parametrize("texts,says", [
    ([ICCID], "scan the box's IMEI first"),
    ([DUAL1, EID], "EID"),
    ([EID], "IMEI"),
    ([DUAL1, "SN R58M12ABCDE"], "serial number"),
    ([DUAL1[:-1] + str((int(DUAL1[-1]) + 1) % 10)], "check digit"),
    ([DUAL1, ICCID[:-1] + "0"], "ICCID is not valid"),
    (["hello"], "Not an IMEI"),
])
def test_mistakes_are_explained(texts: list[str], says: str) -> None:
    event = feed(PairIntake(), *texts)[-1]
    assert event.kind == "mistake" and says in event.message, event.message


def test_a_mistake_keeps_the_pending_box() -> None:
    intake = PairIntake()
    feed(intake, DUAL1, EID)
    assert intake.feed(classify(ICCID), 1.0).kind == "pair"


def test_a_pending_imei_expires() -> None:
    intake = PairIntake(pending_seconds=120)
    intake.feed(classify(DUAL1), 0.0)
    late = intake.feed(classify(ICCID), 121.0)
    assert late.kind == "mistake" and "forgotten" in late.message and "IMEI first" in late.message
    intake.feed(classify(DUAL1), 200.0)
    assert intake.feed(classify(ICCID), 310.0).kind == "pair"  # each scan restarts the clock


OTHER_BOX = DEMO_IMEIS["psim"]


@pytest.mark.parametrize("text,imeis,iccid,problem", [
    (f"{DUAL1},{ICCID}", (DUAL1,), ICCID, None),
    (f"{ICCID};{DUAL1}".replace(";", ","), (DUAL1,), ICCID, None),  # any column order
    (f"{DUAL1},{DUAL2},{ICCID},Galaxy S24 box 12", (DUAL1, DUAL2), ICCID, None),
    (f"{DUAL1},{DUAL1},{ICCID}", (DUAL1,), ICCID, None),
    (f"{DUAL1},{ICCID},{EID}", (DUAL1,), ICCID, None),  # an EID column is ignored
    (f"{DUAL1},{OTHER_BOX},{ICCID}", None, None, "not of one box"),
    (f"{DUAL1},{ICCID},{ICCID}", None, None, "two ICCIDs"),
    (f"{DUAL1},", None, None, "no ICCID"),
    (f",{ICCID}", None, None, "no IMEI"),
    (f"{DUAL1[:-1]},{ICCID}", None, None, "15 digits"),
])
def test_csv_rows(text: str, imeis: tuple[str, ...] | None, iccid: str | None,
                  problem: str | None) -> None:
    row = parse_row(3, text)
    assert row is not None
    if problem:
        assert row.problem is not None and problem in row.problem, row.problem
        assert DUAL1 not in row.problem and ICCID not in row.problem
    else:
        assert (row.imeis, row.iccid, row.problem) == (imeis, iccid, None)


@pytest.mark.parametrize("header", ["imei,iccid", "IMEI;ICCID", "imei1,imei2,iccid,note",
                                    "Device IMEI,SIM ICCID"])
def test_a_header_is_no_row(header: str) -> None:
    assert parse_row(1, header) is None
    # one cell, quoted to the end of the line: no identifier, so no row (a header on line 1;
    # later, the CLI reports "no IMEI or ICCID in the row")
    assert parse_row(1, '"unclosed,' + DUAL1) is None
