"""A dry run's memory of what it *would* have done, so that a later row of the same run gets
the verdict the real run would give it (the same SIM twice, a second pSIM for one IMEI)."""

from __future__ import annotations

from kiosk.gigs.models import Device, Sim
from kiosk.pair.reconcile import imeis_of


class Overlay:
    def __init__(self) -> None:
        self.holders: dict[str, Device] = {}
        self.by_imei: dict[str, Device] = {}
        self.count = 0

    def created(self, imeis: tuple[str, ...], sim: Sim) -> Device:
        self.count += 1
        metadata = {"imei2": imeis[1]} if len(imeis) > 1 else {}
        device = Device(id=f"dev_dry_run_{self.count}", imei=imeis[0], sims=[sim],
                        metadata=metadata)
        self.add(device)
        return device

    def attached(self, device: Device, sim: Sim, metadata: dict[str, object] | None) -> Device:
        update: dict[str, object] = {"sims": [*device.sims, sim]}
        if metadata is not None:
            update["metadata"] = metadata
        changed = device.model_copy(update=update)
        self.add(changed)
        return changed

    def add(self, device: Device) -> None:
        for sim in device.sims:
            self.holders[sim.id] = device
        for imei in imeis_of(device):
            self.by_imei[imei] = device

    def device(self, device: Device) -> Device:
        """The device as the dry run left it."""
        for known in self.by_imei.values():
            if known.id == device.id:
                return known
        return device
