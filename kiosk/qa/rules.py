"""What makes a device pass QA: configurable rules, each failure with a reason people read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.gigs.models import Device, DeviceModel, SimStatus


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    PENDING = "..."  # still looking up


@dataclass(frozen=True)
class QaRules:
    """The defaults check what a packing table needs: registered, SIM present and unused."""

    require_registered: bool = True
    expect_sim_types: tuple[str, ...] | None = None  # e.g. ("pSIM",): every SIM of these types
    expect_sim_count: int | None = None  # e.g. 1
    require_inactive: bool = True  # a shipped SIM must not be active yet
    expect_model: str | None = None  # matched against "brand name", case-insensitive
    require_pairing: bool = False  # the SIM card's ICCID must be scanned and match

    def evaluate(self, device: Device | None, models: list[DeviceModel],
                 paired_iccid: str | None) -> list[str]:
        """Reasons the device fails; empty when it passes."""
        reasons: list[str] = []
        if device is None:
            if self.require_registered:
                reasons.append("not registered")
            model = models[0] if models else None
        else:
            model = device.model
        name = f"{model.brand} {model.name}" if model else ""
        if self.expect_model and self.expect_model.lower() not in name.lower():
            reasons.append(f"model is not {self.expect_model}")
        if device is None:
            return reasons
        sims = device.sims
        if self.expect_sim_count is not None and len(sims) != self.expect_sim_count:
            reasons.append(f"{len(sims)} SIM(s), expected {self.expect_sim_count}")
        if self.expect_sim_types is not None:
            wrong = [s.type.value for s in sims if s.type.value not in self.expect_sim_types]
            if wrong or not sims:
                reasons.append(f"SIM type {', '.join(wrong) or 'none'}, expected "
                               f"{'/'.join(self.expect_sim_types)}")
        if self.require_inactive and any(s.status is SimStatus.ACTIVE for s in sims):
            reasons.append("a SIM is already active")
        if any(s.status is SimStatus.RETIRED for s in sims):
            reasons.append("a SIM is retired")
        if self.require_pairing:
            if paired_iccid is None:
                reasons.append("SIM card not scanned")
            elif paired_iccid not in {s.iccid for s in sims}:
                reasons.append("scanned SIM card does not belong to this device")
        return reasons
