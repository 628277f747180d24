"""The pairing station's refusals that need no request: a pairing that exists, IMEIs that
are not one box, a customer's device, a test placeholder SIM."""

from __future__ import annotations

from typing import Any

from kiosk.gigs.models import Device, Sim
from kiosk.pair.reconcile import imeis_of
from kiosk.pair.types import PairResult, Verdict
from kiosk.redact import mask_digits as m

#: Gigs' documented test placeholders (REFERENCE section 4): a POST with one makes a new
#: random test SIM, so a pairing with one would pair nothing real.
PLACEHOLDER_ICCIDS = {"89424242424242424242", "89424242420000037469", "89424242420033529334",
                      "89424242423487468777"}

def placeholder(sim: Sim | None, iccid: str) -> bool:
    return iccid in PLACEHOLDER_ICCIDS or (sim is not None and sim.id.startswith("sim_test_"))


def already(holders: list[Device], imeis: tuple[str, ...],
             base: dict[str, Any]) -> PairResult | None:
    ours = [d for d in holders if imeis_of(d) & set(imeis)]
    if ours and not set(imeis) <= imeis_of(ours[0]):
        return not_one_box(ours[0], base)
    if ours:
        model = ours[0].model
        return PairResult(Verdict.ALREADY, "already_paired",
                          f"already paired: IMEI {m(imeis[0])} holds SIM {m(base['iccid'])}; "
                          "nothing changed", device_id=ours[0].id,
                          **{**base, "brand": model.brand if model else base.get("brand"),
                             "model": model.name if model else base.get("model")})
    if holders:
        other = holders[0].imei or "?"
        return PairResult(Verdict.REFUSED, "sim_in_other_device",
                          f"SIM {m(base['iccid'])} is already in another phone (IMEI "
                          f"{m(other)}): use another card", device_id=holders[0].id, **base)
    return None

def not_one_box(device: Device, base: dict[str, Any]) -> PairResult:
    strange = sorted(set(base["imeis"]) - imeis_of(device))
    own = ", ".join(m(i) for i in sorted(imeis_of(device))) or "none"
    return PairResult(Verdict.REFUSED, "imeis_in_two_devices",
                      f"IMEI {', '.join(map(m, strange))} is not an IMEI of the registered "
                      f"device with IMEI {own}: the IMEIs are not of one box; nothing "
                      "changed: check the box", device_id=device.id, **base)

def owned(device: Device, base: dict[str, Any]) -> PairResult:
    return PairResult(Verdict.REFUSED, "device_owned",
                      f"IMEI {m(base['imeis'][0])} is a device owned by a customer: not "
                      "paired; ask support", device_id=device.id, **base)
