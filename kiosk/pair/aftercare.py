"""Undo and resume of the pairing station, and a pairing's API error in words."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import replace
from typing import TYPE_CHECKING

from kiosk.gigs import (
    APIConnectionError, APIStatusError, AuthenticationError, GigsError, NotFoundError,
    PermissionDeniedError,
)
from kiosk.journal import JournalError, Pairing
from kiosk.journal.pairings import imei_digest
from kiosk.pair.reconcile import imeis_of, patch_once
from kiosk.pair.types import PairResult, Verdict
from kiosk.redact import mask_digits as m
from kiosk.redact import redact

if TYPE_CHECKING:
    from kiosk.pair.engine import Pairer



async def undo(pairer: Pairer, result: PairResult) -> PairResult:
    """Take back a pairing this station made: delete the device it created, or take the
    SIM off the device again (re-read: a SIM attached since stays). Anything else is
    REFUSED (nothing to undo)."""
    if (result.verdict is not Verdict.PAIRED or result.dry_run or not result.device_id
            or (not result.created and result.previous_sims is None)):
        return replace(result, verdict=Verdict.REFUSED, reason="nothing_to_undo",
                       message="nothing to undo: this scan changed nothing")
    try:
        if result.created:
            with suppress(NotFoundError):  # gone already: undone either way
                await pairer.client.delete_device(result.device_id)
        else:
            async with pairer._locks.setdefault("dev:" + result.device_id, asyncio.Lock()):
                device = await pairer.client.retrieve_device(result.device_id)
                await patch_once(pairer.client, result.device_id,
                                 sims=[s.id for s in device.sims if s.id != result.sim_id])
        row_id = result.extra.get("journal_id")
        if pairer.journal is not None and row_id:
            await asyncio.to_thread(pairer.journal.pairing_update, row_id, status="undone")
    except (GigsError, JournalError) as exc:
        if isinstance(exc, JournalError):
            return replace(result, verdict=Verdict.ERROR, reason="journal", message=str(exc))
        return pairer._error(exc, result.imeis, result.iccid)
    pairer._forget(result.device_id, result.sim_id)
    return replace(result, verdict=Verdict.UNDONE, reason="undone",
                   message=f"undone: SIM {m(result.iccid)} is no longer paired with IMEI "
                           f"{m(result.imeis[0])}")

async def resume(pairer: Pairer) -> list[Pairing]:
    """Settle the journal's pairings left `sending` (a crash) or `unconfirmed` (a lost
    answer): `done` when a device holds the SIM, else `failed` ("interrupted: scan
    again"). Returns them settled."""
    if pairer.journal is None:
        return []
    # Another run's rows still in flight (its process alive, updated within a request's
    # deadline and the re-checks) are left to it.
    rows = await asyncio.to_thread(pairer.journal.pairings_left, ("sending", "unconfirmed"),
                                   older_than=pairer.settle_after, owner=pairer.owner)
    settled = []
    for row in rows:
        holders = await pairer._holders_of(row.sim_id, fresh=True)
        mine = [d for d in holders if (row.action == "attach" and d.id == row.device_id)
                or (row.action == "create" and _same_imei(row, imeis_of(d)))]
        if mine:
            settled.append(await asyncio.to_thread(pairer.journal.pairing_update, row.id,
                                                   status="done", device_id=mine[0].id))
        else:
            settled.append(await asyncio.to_thread(pairer.journal.pairing_update, row.id,
                                                   status="failed",
                                                   detail="interrupted: scan again"))
    return settled


def _same_imei(row: Pairing, imeis: set[str]) -> bool:
    """The row's IMEI among a device's: by the salted hash of the full IMEI (a mask matches
    another phone of the same model); a row from before the hash, by the mask."""
    if row.imei_hash is not None:
        return any(imei_digest(row.id, i) == row.imei_hash for i in imeis)
    return row.imei_masked in {m(i) for i in imeis}


def error_result(exc: GigsError, imeis: tuple[str, ...], iccid: str) -> PairResult:
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
