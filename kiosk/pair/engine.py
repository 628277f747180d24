"""Pairing a box's IMEI(s) with the SIM card inside it, exactly once (issue 15). No Qt.

`Pairer.pair(imeis, iccid)`: find the SIM (`sims/search`, matched again here by ICCID), refuse
a retired SIM or one held by another device (`devices?sim=`, filtered again here: REFERENCE
section 10), check the model takes that SIM type, then create the device holding the SIM or
attach the SIM to the existing device with that IMEI. Never raises for the API: the outcome is
a `PairResult` whose message masks IMEIs and ICCIDs.

Exactly once: the intent is journaled before `POST /devices` leaves; a lost answer is
reconciled (who holds the SIM? is there a device with this IMEI?) before the one resend with
the same idempotency key, so keys ignored by the server still make one device. A pairing that
exists is ALREADY and nothing is sent. `resume()` settles journal rows a crash left `sending`.

A whole pallet calls `prefetch()` first: every SIM and every device in two paginated lists,
and device models cached per TAC, so each row costs one request (`POST` or `PATCH`); the
API's 422 stays the guard against another station pairing the same SIM meanwhile.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, suppress
from dataclasses import replace
from typing import Any

from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, AuthenticationError,
    ConflictError, GigsClient, GigsError, InvalidRequestError, NotFoundError,
    PermissionDeniedError, RateLimitError, ServerError,
)
from kiosk.gigs.models import Device, DeviceModel, Sim, SimStatus, SimType
from kiosk.journal import Journal, JournalError, Pairing
from kiosk.pair.types import PairResult, Verdict
from kiosk.redact import mask_digits, printable, redact
from kiosk.scan.imei import InvalidIdentifier, parse_iccid, parse_imei

#: Resends of `POST /devices` after a lost answer that the reconcile showed made nothing.
RESENDS = 2
#: Failures after which the outcome of a POST is unknown: reconcile before anything else
#: (409: a request with the same key is still running at the API).
LOST = (APIConnectionError, ServerError, APIResponseValidationError, RateLimitError,
        ConflictError)
UNKNOWN_SIM_CODES = {"simNotFound", "simUnknown", "notFound"}
m = mask_digits


def _iccid(value: str | None) -> str:
    """An ICCID as the API may write it (a trailing F, lower case) made comparable."""
    text = (value or "").strip().upper()
    return text[:-1] if text.endswith("F") else text


def imeis_of(device: Device) -> set[str]:
    """The IMEIs a device stands for: its own and a dual-SIM box's second (`metadata.imei2`)."""
    found = {device.imei} if device.imei else set()
    second = device.metadata.get("imei2")
    if isinstance(second, str) and second:
        found.add(second)
    return found


class Pairer:
    def __init__(self, client: GigsClient, journal: Journal | None = None, *,
                 dry_run: bool = False) -> None:
        self.client = client
        self.journal = journal
        self.dry_run = dry_run
        self._models: dict[str, list[DeviceModel]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # Filled by `prefetch()` (a batch); None: every pairing asks the API afresh.
        self._sims: dict[str, list[Sim]] | None = None
        self._holders: dict[str, Device] | None = None
        self._by_imei: dict[str, Device] | None = None

    # -- the batch's prefetch ----------------------------------------------------------------

    async def prefetch(self) -> None:
        """Every SIM and device of the project, once; a list cut at the client's safety limit
        is not trusted (those pairings ask afresh), nor one the API refuses (422). Any other
        failure is raised: the run cannot start."""
        limit = self.client.max_list_items
        try:
            sims = await self.client.list_sims()
            devices = await self.client.list_devices()
        except InvalidRequestError:  # a project that refuses the lists: every row asks afresh
            return
        self._sims = {}
        for sim in sims:
            self._sims.setdefault(_iccid(sim.iccid), []).append(sim)
        if len(devices) >= limit:
            return
        self._holders, self._by_imei = {}, {}
        for device in reversed(devices):  # newest last: it wins a (corrupt) tie
            self._remember(device)

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

    # -- lookups (cached in a batch, fresh otherwise) -------------------------------------------

    async def _find_sims(self, iccid: str) -> list[Sim]:
        if self._sims is not None and iccid in self._sims:
            return self._sims[iccid]
        return [s for s in await self.client.search_sims(iccid) if _iccid(s.iccid) == iccid]

    async def _holders_of(self, sim_id: str, *, fresh: bool = False) -> list[Device]:
        if self._holders is not None and not fresh:
            holder = self._holders.get(sim_id)
            return [holder] if holder is not None else []
        devices = await self.client.list_devices(sim=sim_id)
        return [d for d in devices if sim_id in [s.id for s in d.sims]]

    async def _devices_with(self, imeis: tuple[str, ...], *, fresh: bool = False) -> list[Device]:
        if self._by_imei is not None and not fresh:
            cached = [self._by_imei[i] for i in imeis if i in self._by_imei]
            return list({d.id: d for d in cached}.values())
        found: dict[str, Device] = {}
        for imei in imeis:
            for device in await self.client.search_devices(imei):
                if imeis_of(device) & set(imeis):
                    found[device.id] = device
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
        async with AsyncExitStack() as stack:
            # One pairing at a time per SIM and per IMEI (sorted: no deadlock between rows).
            for key in sorted({iccid, *imeis}):
                await stack.enter_async_context(self._locks.setdefault(key, asyncio.Lock()))
            try:
                return await self._pair(imeis, iccid)
            except JournalError as exc:
                return PairResult(Verdict.ERROR, "journal", f"{exc}: nothing was sent",
                                  imeis=imeis, iccid=iccid)
            except GigsError as exc:
                return self._error(exc, imeis, iccid)

    async def _pair(self, imeis: tuple[str, ...], iccid: str) -> PairResult:
        base: dict[str, Any] = {"imeis": imeis, "iccid": iccid}
        sims = await self._find_sims(iccid)
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
        holders = await self._holders_of(sim.id)
        done = self._already(holders, imeis, base)
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
            return await self._attach(devices[0], sim, base)
        return await self._create(sim, base)

    def _already(self, holders: list[Device], imeis: tuple[str, ...],
                 base: dict[str, Any]) -> PairResult | None:
        ours = [d for d in holders if imeis_of(d) & set(imeis)]
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

    async def _attach(self, device: Device, sim: Sim, base: dict[str, Any]) -> PairResult:
        if sim.type is SimType.PSIM and any(s.type is SimType.PSIM for s in device.sims):
            return PairResult(Verdict.REFUSED, "device_has_sim",
                              f"IMEI {m(base['imeis'][0])} already holds another physical SIM: "
                              "nothing changed", device_id=device.id, **base)
        previous = tuple(s.id for s in device.sims)
        what = f"SIM {m(base['iccid'])} to the registered IMEI {m(base['imeis'][0])}"
        if self.dry_run:
            return PairResult(Verdict.PAIRED, "would_attach", f"would attach {what}",
                              device_id=device.id, previous_sims=previous, dry_run=True, **base)
        row = await self._journal("pairing_intent", imeis=base["imeis"], iccid=base["iccid"],
                                  sim_id=sim.id, sim_type=sim.type.value, action="attach",
                                  device_id=device.id, previous_sims=previous)
        try:
            updated = await self.client.update_device(device.id, sims=[*previous, sim.id])
        except LOST:
            holders = await self._holders_of(sim.id, fresh=True)
            if device.id not in [d.id for d in holders]:
                await self._settle(row, "failed", detail="no answer")
                raise
            updated = next(d for d in holders if d.id == device.id)
        except InvalidRequestError as exc:
            return await self._refused_by_api(exc, row, sim, base)
        await self._settle(row, "done", device_id=device.id)
        self._remember(updated)
        return PairResult(Verdict.PAIRED, "attached", f"paired: attached {what}",
                          device_id=device.id, previous_sims=previous,
                          extra=self._extra(row), **base)

    async def _create(self, sim: Sim, base: dict[str, Any]) -> PairResult:
        imeis: tuple[str, ...] = base["imeis"]
        what = f"IMEI {m(imeis[0])}{' (dual SIM)' if len(imeis) > 1 else ''} with SIM {m(base['iccid'])}"
        if self.dry_run:
            return PairResult(Verdict.PAIRED, "would_pair", f"would pair {what}", dry_run=True,
                              **base)
        key = self.client.new_idempotency_key()
        row = await self._journal("pairing_intent", imeis=imeis, iccid=base["iccid"],
                                  sim_id=sim.id, sim_type=sim.type.value, action="create",
                                  idempotency_key=key)
        metadata = {"imei2": imeis[1]} if len(imeis) > 1 else None
        resends = 0
        while True:
            try:
                device = await self.client.create_device(imei=imeis[0], sims=[sim.id],
                                                         metadata=metadata, idempotency_key=key)
                break
            except LOST:
                found = await self._reconcile(sim.id, imeis)
                if found is not None:
                    device = found
                    break
                resends += 1
                if resends > RESENDS:
                    await self._settle(row, "failed", detail="no answer; nothing made")
                    raise
                await self._settle(row, "sending", attempts=resends + 1)
            except InvalidRequestError as exc:
                return await self._refused_by_api(exc, row, sim, base)
        await self._settle(row, "done", device_id=device.id)
        self._remember(device)
        return PairResult(Verdict.PAIRED, "created", f"paired: {what}", device_id=device.id,
                          created=True, extra=self._extra(row), **base)

    async def _reconcile(self, sim_id: str, imeis: tuple[str, ...]) -> Device | None:
        """After a lost answer: the device our POST made, if it made one."""
        for device in await self._holders_of(sim_id, fresh=True):
            if imeis_of(device) & set(imeis):
                return device
        for device in await self._devices_with(imeis, fresh=True):
            if sim_id in [s.id for s in device.sims]:
                return device
        return None

    async def _refused_by_api(self, exc: APIStatusError, row: Pairing | None, sim: Sim,
                              base: dict[str, Any]) -> PairResult:
        """The API refused (422: the SIM or the IMEI is taken): what is true now, afresh."""
        holders = await self._holders_of(sim.id, fresh=True)
        known = self._already(holders, base["imeis"], base)
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
        if await self._devices_with(base["imeis"], fresh=True) or exc.code == "deviceAlreadyExists":
            return PairResult(Verdict.REFUSED, "imei_registered",
                              f"IMEI {m(base['imeis'][0])} was registered meanwhile (another "
                              "station?): scan the box again", **base)
        return PairResult(Verdict.REFUSED, "api_refused",
                          redact(f"the API refused the pairing: {exc.code or exc.status} "
                                 f"{printable(exc.message, 120)}"), **base)

    # -- undo and resume -------------------------------------------------------------------

    async def undo(self, result: PairResult) -> PairResult:
        """Take back a pairing this station made: delete the device it created, or give the
        device back the SIMs it had. Anything else is REFUSED (nothing to undo)."""
        if (result.verdict is not Verdict.PAIRED or result.dry_run or not result.device_id
                or (not result.created and result.previous_sims is None)):
            return replace(result, verdict=Verdict.REFUSED, reason="nothing_to_undo",
                           message="nothing to undo: this scan changed nothing")
        try:
            if result.created:
                with suppress(NotFoundError):  # gone already: undone either way
                    await self.client.delete_device(result.device_id)
            else:
                await self.client.update_device(result.device_id,
                                                sims=list(result.previous_sims or ()))
            row_id = result.extra.get("journal_id")
            if self.journal is not None and row_id:
                await asyncio.to_thread(self.journal.pairing_update, row_id, status="undone")
        except (GigsError, JournalError) as exc:
            if isinstance(exc, JournalError):
                return replace(result, verdict=Verdict.ERROR, reason="journal", message=str(exc))
            return self._error(exc, result.imeis, result.iccid)
        self._forget(result.device_id, result.sim_id)
        return replace(result, verdict=Verdict.UNDONE, reason="undone",
                       message=f"undone: SIM {m(result.iccid)} is no longer paired with IMEI "
                               f"{m(result.imeis[0])}")

    async def resume(self) -> list[Pairing]:
        """Settle the journal's pairings left `sending` (a crash, a lost answer): `done` when a
        device holds the SIM, else `failed` ("interrupted: scan again"). Returns them settled."""
        if self.journal is None:
            return []
        settled = []
        for row in await asyncio.to_thread(self.journal.pairings, status="sending"):
            holders = await self._holders_of(row.sim_id, fresh=True)
            mine = [d for d in holders if (row.action == "attach" and d.id == row.device_id)
                    or (row.action == "create" and row.imei_masked in {m(i) for i in imeis_of(d)})]
            if mine:
                settled.append(await asyncio.to_thread(self.journal.pairing_update, row.id,
                                                       status="done", device_id=mine[0].id))
            else:
                settled.append(await asyncio.to_thread(self.journal.pairing_update, row.id,
                                                       status="failed",
                                                       detail="interrupted: scan again"))
        return settled

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
        if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
            reason, text = "api_key", "the API key was refused: check GIGS_TOKEN"
        elif isinstance(exc, APIConnectionError):
            reason, text = "api_unavailable", "the API could not be reached: try again"
        elif isinstance(exc, APIStatusError):
            reason, text = "api_error", f"the API failed ({exc.status} {exc.code or ''}): try again"
        else:
            reason, text = "api_unexpected", "the API answered unexpectedly: try again"
        return PairResult(Verdict.ERROR, reason, redact(" ".join(text.split())), imeis=imeis,
                          iccid=iccid)
