"""Issue 14: `kiosk lookup` refuses a mistyped IMEI with exit 2 and never echoes it whole."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kiosk.redact import mask_digits

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIGS_")}


@pytest.mark.parametrize("imei", [
    "3585073110421201",        # 16 bare digits (an IMEISV without its label)
    "358507311042124",         # wrong check digit
    "٣٥٨٥٠٧٣١١٠٤٢١٢٠١",        # 16 Arabic-Indic digits
    "３５８５０７３１１０４２１２３",  # full-width
    "३५८५०७३११०४२१२०१",        # Devanagari
    "³⁵⁸⁵⁰⁷³¹¹⁰⁴²¹²³",         # superscript
])
def test_mistyped_imei_exits_2_masked(imei: str) -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk", "lookup", imei], capture_output=True,
                            text=True, env=ENV, timeout=60)
    assert result.returncode == 2, result.stderr
    assert imei not in result.stdout + result.stderr
    assert mask_digits(imei) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
