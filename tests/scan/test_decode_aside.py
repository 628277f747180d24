"""A box's EAN-13 is read only to set its region aside: it costs a step, never comes back
unless asked for, and never hides an IMEI that shares its region."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.scan import code128, decode_region, ean13, find_codes, find_imeis

IMEI = "356938035643809"
EAN = "4006381333931"


def _box(angle: float) -> np.ndarray:
    """An IMEI label, and the box's EAN-13 turned by `angle` (30 degrees: the whole-frame
    pass, which tries quarter turns only, cannot read it: a region must)."""
    frame = np.full((720, 1280), 235, np.uint8)
    imei = code128.render(IMEI, module_px=3, height_px=110)
    frame[80:80 + imei.shape[0], 80:80 + imei.shape[1]] = imei
    canvas = np.full((420, 420), 235, np.uint8)
    ean = ean13.render(EAN, module_px=3, height_px=110)
    canvas[150:150 + ean.shape[0], 30:30 + ean.shape[1]] = ean
    turn = cv2.getRotationMatrix2D((210, 210), angle, 1.0)
    frame[260:680, 700:1120] = cv2.warpAffine(canvas, turn, (420, 420), borderValue=235)
    return cv2.GaussianBlur(frame, (3, 3), 0.6)


@pytest.mark.parametrize("angle", [0.0, 30.0])
def test_the_ean_13_is_not_returned_unless_asked_for(angle: float) -> None:
    frame = _box(angle)
    assert [c.text for c in find_codes(frame)] == [IMEI]
    assert find_imeis(frame) == [IMEI]
    asked = find_codes(frame, symbologies=("CODE128", "EAN13"))
    assert {(c.text, c.symbology) for c in asked} == {(IMEI, "CODE128"), (EAN, "EAN13")}


def test_a_turned_ean_13_costs_its_region_one_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unread (nothing reads EAN-13 as Code 128), it took the region's every step: 16."""
    reads: list[str] = []
    real = decode_region._read_variant

    def counted(variant: decode_region.plan_.Variant, *args: object) -> object:
        reads.append(variant.name)
        return real(variant, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(decode_region, "_read_variant", counted)
    assert [c.text for c in find_codes(_box(30.0))] == [IMEI]
    assert len(reads) <= 3, reads  # a read in each rectification, at most
