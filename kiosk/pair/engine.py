"""Pairing a box's IMEI(s) with the SIM card inside it, exactly once (issue 15). No Qt.

`Pairer.pair(imeis, iccid)`: find the SIM (`sims/search`, matched again here by ICCID), refuse
a test placeholder, a retired SIM or one held by another device (`devices?sim=`, filtered
again here: REFERENCE section 10), check the model takes that SIM type, then create the device
holding the SIM or attach the SIM to the existing device whose own IMEIs these are. Never
raises for the API: the outcome is a `PairResult` whose message masks IMEIs and ICCIDs.

One device at a time: an attach holds the device's lock and re-reads the device right before
building the `PATCH`'s list of SIMs (the list replaces the device's SIMs: a stale one would
detach another station's SIM), and the answer must hold every SIM expected.

Exactly once, keys or not: the intent is journaled before a write leaves; a write whose
answer was lost is never resent but reconciled (`kiosk.pair.reconcile`): found, it is done;
not found, the row is ERROR `unconfirmed` (scan again in a minute). `resume()` settles rows a
crash left. A pairing that exists is ALREADY and nothing is sent.

A pallet calls `prefetch()` first (every SIM and device, models cached per TAC) so each row
costs one request; a station passes `refresh_every` to refetch lazily, so an IMEI that
`devices/search` hides (a customer's device) is still known. A dry run remembers what it
would have done (`kiosk.pair.overlay`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any

from kiosk.gigs import (
    APIStatusError, GigsClient, GigsError, InvalidRequestError,
)
from kiosk.gigs.models import Device, DeviceModel, Sim, SimStatus, SimType
from kiosk.journal import Journal, JournalError, Pairing
from kiosk.journal.pairings import run_owner
from kiosk.pair import aftercare, reconcile, refusals
from kiosk.pair.overlay import Overlay
from kiosk.pair.reconcile import LOST, RECHECKS, UNCONFIRMED, imeis_of, never_sent
from kiosk.pair.types import PairResult, Verdict
from kiosk.redact import mask_digits, printable, redact
from kiosk.scan.imei import InvalidIdentifier, parse_iccid, parse_imei

__all__ = ["Pairer", "imeis_of"]
UNKNOWN_SIM_CODES = {"simNotFound", "simUnknown", "notFound"}
m = mask_digits


def _iccid(value: str | None) -> str:
    """An ICCID as the API may write it (a trailing F, lower case) made comparable."""
    text = (value or "").strip().upper()
    return text[:-1] if text.endswith("F") else text


class Pairer:
    def __init__(self, client: GigsClient, journal: Journal | None = None, *,
                 dry_run: bool = False, refresh_every: float | None = None,
                 rechecks: Sequence[float] = RECHECKS,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.client = client
        self.journal = journal
        self.dry_run = dry_run
        self.refresh_every = refresh_every  # seconds; None: only an explicit prefetch()
        self.rechecks = tuple(rechecks)
        self.sleep = sleep
        self._models: dict[str, list[DeviceModel]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._overlay = Overlay() if dry_run else None
        self.owner = run_owner(uuid.uuid4().hex[:12])  # this run's journal rows
        # A row another live run wrote is settled only once no request of it can still be
        # running: past the client's request deadline and the re-checks.
        self.settle_after = client.settings.request_deadline + sum(self.rechecks) + 5.0
        self._fetched_at: float | None = None
        # Filled by `prefetch()`; None: every pairing asks the API afresh.
        self._sims: dict[str, list[Sim]] | None = None
        self._holders: dict[str, Device] | None = None
        self._by_imei: dict[str, Device] | None = None

    # -- the prefetch ------------------------------------------------------------------------

    async def prefetch(self) -> None:
        """Every SIM and device of the project, once; a list cut at the client's safety limit
        is not trusted (those pairings ask afresh), nor one the API refuses (422). Any other
        failure is raised."""
        limit = self.client.max_list_items
        try:
            sims = await self.client.list_sims()
            devices = await self.client.list_devices()
        except InvalidRequestError:  # a project that refuses the lists: every row asks afresh
            return
        self._fetched_at = time.monotonic()
        by_iccid: dict[str, list[Sim]] = {}
        for sim in sims:
            by_iccid.setdefault(_iccid(sim.iccid), []).append(sim)
        self._sims = by_iccid
        if len(devices) >= limit:
            self._holders = self._by_imei = None
            return
        self._holders, self._by_imei = {}, {}
        for device in reversed(devices):  # newest last: it wins a (corrupt) tie
            self._remember(device)

    async def _refresh(self) -> None:
        if self.refresh_every is None:
            return
        async with self._locks.setdefault("refresh", asyncio.Lock()):
            if (self._fetched_at is None
                    or time.monotonic() - self._fetched_at >= self.refresh_every):
                await self.prefetch()

    def _remember(self, device: Device) -> None:
        if self._holders is not None and self._by_imei is not None:
            for sim in device.sims:
                self._holders[sim.id] = device
            for imei in imeis_of(device):
                self._by_imei[imei] = device

    def _forget(self, device_id: str, sim_id: str | None) -> None:
        if self._holders is not None and self._by_imei is not None:
            if sim_id and sim_id in self._holders and self._holders[sim_id].id == device_id:
                del self._holders[sim_id]
            for imei in [i for i, d in self._by_imei.items() if d.id == device_id]:
                del self._by_imei[imei]

    # -- lookups (cached after a prefetch, fresh otherwise; a dry run's overlay on top) -----

    async def _find_sims(self, iccid: str) -> list[Sim]:
        if self._sims is not None and iccid in self._sims:
            return self._sims[iccid]
        return [s for s in await self.client.search_sims(iccid) if _iccid(s.iccid) == iccid]

    async def _holders_of(self, sim_id: str, *, fresh: bool = False) -> list[Device]:
        if self._overlay is not None and sim_id in self._overlay.holders:
            return [self._overlay.holders[sim_id]]
        if self._holders is not None and not fresh:
            holder = self._holders.get(sim_id)
            return [holder] if holder is not None else []
        return await reconcile.holders(self.client, sim_id)

    async def _devices_with(self, imeis: tuple[str, ...], *, fresh: bool = False) -> list[Device]:
        found: dict[str, Device] = {}
        if self._by_imei is not None and not fresh:
            found = {d.id: d for d in (self._by_imei[i] for i in imeis if i in self._by_imei)}
        else:
            for imei in imeis:
                for device in await self.client.search_devices(imei):
                    if imeis_of(device) & set(imeis):
                        found[device.id] = device
        if self._overlay is not None:
            found = {d.id: self._overlay.device(d) for d in found.values()}
            found |= {d.id: d for d in (self._overlay.by_imei.get(i) for i in imeis) if d}
        return list(found.values())

    async def _models_for(self, imei: str) -> list[DeviceModel]:
        tac = imei[:8]
        async with self._locks.setdefault("tac:" + tac, asyncio.Lock()):
            if tac not in self._models:
                self._models[tac] = await self.client.search_device_models(imei)
        return self._models[tac]

    # -- pairing ---------------------------------------------------------------------------

    async def pair(self, imeis: tuple[str, ...], iccid: str) -> PairResult:
        try:
            imeis = tuple(dict.fromkeys(parse_imei(i) for i in imeis))
            iccid = parse_iccid(iccid)
            if not 1 <= len(imeis) <= 2:
                raise InvalidIdentifier("A box has one IMEI, or two for a dual-SIM phone.")
        except InvalidIdentifier as exc:
            return PairResult(Verdict.REFUSED, "invalid_input", exc.reason,
                              imeis=tuple(imeis), iccid=iccid)
        try:
            await self._refresh()
            async with AsyncExitStack() as stack:
                # One pairing at a time per SIM and per IMEI (sorted: no deadlock between
                # rows); an attach then takes its device's lock (always last, one at most).
                for key in sorted({iccid, *imeis}):
                    await stack.enter_async_context(self._locks.setdefault(key, asyncio.Lock()))
                return await self._pair(imeis, iccid)
        except JournalError as exc:
            return PairResult(Verdict.ERROR, "journal", f"{exc}: nothing was sent",
                              imeis=imeis, iccid=iccid)
        except GigsError as exc:
            return self._error(exc, imeis, iccid)

    async def _pair(self, imeis: tuple[str, ...], iccid: str) -> PairResult:
        base: dict[str, Any] = {"imeis": imeis, "iccid": iccid}
        sims = [] if iccid in refusals.PLACEHOLDER_ICCIDS else await self._find_sims(iccid)
        if refusals.placeholder(sims[0] if len(sims) == 1 else None, iccid):
            return PairResult(Verdict.REFUSED, "sim_placeholder",
                              f"ICCID {m(iccid)} is a Gigs test placeholder, not a SIM card: "
                              "pairing it would make a new random test SIM; use a real card",
                              **base)
        if not sims:
            return PairResult(Verdict.REFUSED, "sim_unknown",
                              f"SIM {m(iccid)} is not in this project: check the card "
                              "(is it one of this project's SIMs?)", **base)
        if len({s.id for s in sims}) > 1:
            return PairResult(Verdict.REFUSED, "sim_ambiguous",
                              f"{len(sims)} SIMs have the ICCID {m(iccid)}: ask support", **base)
        sim = sims[0]
        base.update(sim_id=sim.id, sim_type=sim.type.value)
        if sim.status in (SimStatus.RETIRED, SimStatus.DELETED):
            return PairResult(Verdict.REFUSED, "sim_retired",
                              f"SIM {m(iccid)} is {sim.status.value}: use another card", **base)
        done = refusals.already(await self._holders_of(sim.id), imeis, base)
        if done is not None:
            return done
        models = await self._models_for(imeis[0])
        if not models:
            return PairResult(Verdict.REFUSED, "imei_unknown_model",
                              f"IMEI {m(imeis[0])}: the API knows no phone model for it: check "
                              "the IMEI on the box", **base)
        base.update(brand=models[0].brand, model=models[0].name)
        if sim.type is SimType.UNKNOWN or any(sim.type not in x.sim_types for x in models):
            takes = "/".join(t.value for t in models[0].sim_types) or "no SIM"
            return PairResult(Verdict.REFUSED, "sim_type_unsupported",
                              f"SIM {m(iccid)} is {sim.type.value}; the "
                              f"{printable(models[0].name or 'model', 60)} takes {takes} only", **base)
        devices = await self._devices_with(imeis)
        if len(devices) > 1:
            return PairResult(Verdict.REFUSED, "imeis_in_two_devices",
                              f"the IMEIs {', '.join(map(m, imeis))} are two registered devices, "
                              "not one box: ask support", **base)
        if devices:
            async with self._locks.setdefault("dev:" + devices[0].id, asyncio.Lock()):
                # Re-read right before building the PATCH: the SIMs list replaces the device's.
                device = devices[0] if self.dry_run else await self.client.retrieve_device(
                    devices[0].id)
                return await self._attach(device, sim, base)
        return await self._create(sim, base)

    async def _attach(self, device: Device, sim: Sim, base: dict[str, Any]) -> PairResult:
        """`device` freshly read (its lock held): add the SIM; a second IMEI of the box that
        the device does not know yet is recorded in its metadata in the same PATCH."""
        if device.user is not None:
            return refusals.owned(device, base)
        done = refusals.already([d for d in [device] if sim.id in [s.id for s in d.sims]],
                                base["imeis"], base)
        if done is not None:  # the SIM is on it already (or the IMEIs are not its own)
            return done
        extra = sorted(set(base["imeis"]) - imeis_of(device))
        metadata = None
        if extra:
            if len(extra) > 1 or not device.imei or len(imeis_of(device)) > 1:
                return refusals.not_one_box(device, base)
            metadata = {**device.metadata, "imei2": extra[0]}
        if sim.type is SimType.PSIM and any(s.type is SimType.PSIM for s in device.sims):
            return PairResult(Verdict.REFUSED, "device_has_sim",
                              f"IMEI {m(base['imeis'][0])} already holds another physical SIM: "
                              "nothing changed", device_id=device.id, **base)
        previous = tuple(s.id for s in device.sims)
        wanted = [*previous, sim.id]
        what = f"SIM {m(base['iccid'])} to the registered IMEI {m(base['imeis'][0])}"
        if self._overlay is not None:
            self._overlay.attached(device, sim, metadata)
            return PairResult(Verdict.PAIRED, "would_attach", f"would attach {what}",
                              device_id=device.id, previous_sims=previous, dry_run=True, **base)
        row = await self._journal("pairing_intent", imeis=base["imeis"], iccid=base["iccid"],
                                  sim_id=sim.id, sim_type=sim.type.value, action="attach",
                                  device_id=device.id, previous_sims=previous, owner=self.owner)
        changes: dict[str, Any] = {"sims": wanted}
        if metadata is not None:
            changes["metadata"] = metadata
        try:
            updated = await reconcile.patch_once(self.client, device.id, **changes)
        except LOST as exc:
            found = None if never_sent(exc) else await reconcile.landed(
                lambda: reconcile.attached(self.client, device.id, [sim.id]), self.rechecks,
                self.sleep)
            if found is None:
                return await self._lost(exc, row, base)
            updated = found
        except InvalidRequestError as exc:
            return await self._refused_by_api(exc, row, sim, base)
        if not set(wanted) <= {s.id for s in updated.sims}:
            await self._settle(row, "failed", detail="the answer lacks SIMs")
            return PairResult(Verdict.ERROR, "sims_lost",
                              f"the API's answer for IMEI {m(base['imeis'][0])} does not hold "
                              "every SIM it should: ask support", device_id=device.id, **base)
        await self._settle(row, "done", device_id=device.id)
        self._remember(updated)
        return PairResult(Verdict.PAIRED, "attached", f"paired: attached {what}",
                          device_id=device.id, previous_sims=previous,
                          extra=self._extra(row), **base)

    async def _create(self, sim: Sim, base: dict[str, Any]) -> PairResult:
        imeis: tuple[str, ...] = base["imeis"]
        what = f"IMEI {m(imeis[0])}{' (dual SIM)' if len(imeis) > 1 else ''} with SIM {m(base['iccid'])}"
        if self._overlay is not None:
            self._overlay.created(imeis, sim)
            return PairResult(Verdict.PAIRED, "would_pair", f"would pair {what}", dry_run=True,
                              **base)
        key = self.client.new_idempotency_key()
        row = await self._journal("pairing_intent", imeis=imeis, iccid=base["iccid"],
                                  sim_id=sim.id, sim_type=sim.type.value, action="create",
                                  idempotency_key=key, owner=self.owner)
        metadata = {"imei2": imeis[1]} if len(imeis) > 1 else None
        try:  # sent once: the client resends only a request that provably never left
            device = await self.client.create_device(imei=imeis[0], sims=[sim.id],
                                                     metadata=metadata, idempotency_key=key)
        except LOST as exc:
            found = None if never_sent(exc) else await reconcile.landed(
                lambda: reconcile.created(self.client, sim.id, imeis), self.rechecks,
                self.sleep)
            if found is None:
                return await self._lost(exc, row, base)
            device = found
        except InvalidRequestError as exc:
            return await self._refused_by_api(exc, row, sim, base)
        await self._settle(row, "done", device_id=device.id)
        self._remember(device)
        return PairResult(Verdict.PAIRED, "created", f"paired: {what}", device_id=device.id,
                          created=True, extra=self._extra(row), **base)

    async def _lost(self, exc: GigsError, row: Pairing | None,
                    base: dict[str, Any]) -> PairResult:
        """A write not seen to have landed: never sent (nothing made: the API's error), or
        unconfirmed (it may land yet: never resent, staff scan again)."""
        if never_sent(exc):
            await self._settle(row, "failed", detail="not sent: nothing made")
            raise exc
        await self._settle(row, "unconfirmed", detail="unconfirmed: the answer was lost")
        return PairResult(Verdict.ERROR, "unconfirmed", UNCONFIRMED, extra=self._extra(row),
                          **base)

    async def _refused_by_api(self, exc: APIStatusError, row: Pairing | None, sim: Sim,
                              base: dict[str, Any]) -> PairResult:
        """The API refused (422: the SIM or the IMEI is taken): what is true now, afresh."""
        holders = await self._holders_of(sim.id, fresh=True)
        known = refusals.already(holders, base["imeis"], base)
        if known is not None:
            await self._settle(row, "done" if known.verdict is Verdict.ALREADY else "failed",
                               device_id=known.device_id, detail=known.reason)
            if known.verdict is Verdict.ALREADY:
                self._remember(holders[0])
            return known
        await self._settle(row, "failed", detail=f"refused {exc.code or exc.status}")
        if exc.code in UNKNOWN_SIM_CODES:
            return PairResult(Verdict.REFUSED, "sim_unknown",
                              f"the API does not know SIM {m(base['iccid'])}", **base)
        registered = await self._devices_with(base["imeis"], fresh=True)
        if not registered and exc.code == "deviceAlreadyExists":
            # devices/search shows no customer's device (REFERENCE section 10); the full list does.
            for device in await self.client.list_devices():
                if imeis_of(device) & set(base["imeis"]):
                    return refusals.owned(device, base)
        if registered or exc.code == "deviceAlreadyExists":
            return PairResult(Verdict.REFUSED, "imei_registered",
                              f"IMEI {m(base['imeis'][0])} was registered meanwhile (another "
                              "station?): scan the box again", **base)
        return PairResult(Verdict.REFUSED, "api_refused",
                          redact(f"the API refused the pairing: {exc.code or exc.status} "
                                 f"{printable(exc.message, 120)}"), **base)

    # -- undo and resume (kiosk.pair.aftercare) ----------------------------------------------

    async def undo(self, result: PairResult) -> PairResult:
        """Take back a pairing this station made (see `aftercare.undo`)."""
        return await aftercare.undo(self, result)

    async def resume(self) -> list[Pairing]:
        """Settle the journal rows a crash or a lost answer left (see `aftercare.resume`)."""
        return await aftercare.resume(self)

    # -- helpers ---------------------------------------------------------------------------

    async def _journal(self, method: str, **values: Any) -> Pairing | None:
        if self.journal is None:
            return None
        result: Pairing = await asyncio.to_thread(getattr(self.journal, method), **values)
        return result

    async def _settle(self, row: Pairing | None, status: str, **values: Any) -> None:
        if self.journal is not None and row is not None:
            await asyncio.to_thread(self.journal.pairing_update, row.id, status=status, **values)

    @staticmethod
    def _extra(row: Pairing | None) -> dict[str, Any]:
        return {"journal_id": row.id} if row is not None else {}

    @staticmethod
    def _error(exc: GigsError, imeis: tuple[str, ...], iccid: str) -> PairResult:
        return aftercare.error_result(exc, imeis, iccid)
