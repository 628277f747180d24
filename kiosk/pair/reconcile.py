"""After an ambiguous failure of `POST /devices` or `PATCH /devices/{id}`: did it land?

REFERENCE section 10: idempotency keys may be off or ignored, so exactly-once never rests on
them. A request that may have reached the server (a timeout or a dropped connection after
sending, a 5xx, a 409, an unreadable answer) is never sent again automatically: the engine
looks for its effect (the devices holding the SIM, filtered again here; the devices with the
IMEI; the device itself for an attach), once at once and again after short delays. Found:
the pairing is done. Not found: it is *unconfirmed* (the held request may still land), and
staff are told to scan the pair again in a minute, which is a fresh check.
Only a request that provably never left (`APIConnectionError.request_sent` False) is not
ambiguous: nothing was made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, ConflictError, GigsClient, GigsError,
    RateLimitError, ServerError,
)
from kiosk.gigs.models import Device

#: Failures after which a write's outcome may be unknown (409: a request with the same key
#: is still running at the API; 429: a proxy may answer it after the server acted).
LOST = (APIConnectionError, ServerError, APIResponseValidationError, RateLimitError,
        ConflictError)
#: Seconds to wait before each further look for a write whose answer was lost.
RECHECKS = (1.0, 3.0)
UNCONFIRMED = ("the answer was lost and the pairing is not visible yet: scan the pair again "
               "in a minute to check")


def never_sent(exc: BaseException) -> bool:
    """True only when the request provably never left this machine (nothing was made)."""
    return isinstance(exc, APIConnectionError) and not exc.request_sent


async def patch_once(client: GigsClient, device_id: str, **changes: Any) -> Device:
    """`PATCH /devices/{id}` sent at most once. `kiosk.gigs` counts PATCH among the methods
    safe to repeat, but the pairing's SIM list replaces the device's: a resend after another
    station attached a SIM would detach it."""
    return await client.update_device(device_id, resend=False, **changes)


def imeis_of(device: Device) -> set[str]:
    """The IMEIs a device stands for: its own and a dual-SIM box's second (`metadata.imei2`)."""
    found = {device.imei} if device.imei else set()
    second = device.metadata.get("imei2")
    if isinstance(second, str) and second:
        found.add(second)
    return found


async def holders(client: GigsClient, sim_id: str) -> list[Device]:
    """The devices holding the SIM, asked afresh and filtered here (the filter may be
    ignored by a server)."""
    return [d for d in await client.list_devices(sim=sim_id) if sim_id in [s.id for s in d.sims]]


async def created(client: GigsClient, sim_id: str, imeis: Sequence[str]) -> Device | None:
    """The device a `POST /devices` of these IMEIs with this SIM made, if visible."""
    for device in await holders(client, sim_id):
        if imeis_of(device) & set(imeis):
            return device
    for imei in imeis:
        for device in await client.search_devices(imei):
            if imeis_of(device) & set(imeis) and sim_id in [s.id for s in device.sims]:
                return device
    return None


async def attached(client: GigsClient, device_id: str, sim_ids: Sequence[str]) -> Device | None:
    """The device, re-read, if it holds every one of `sim_ids`."""
    device = await client.retrieve_device(device_id)
    return device if set(sim_ids) <= {s.id for s in device.sims} else None


async def landed(look: Callable[[], Awaitable[Device | None]], delays: Sequence[float],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> Device | None:
    """`look()` now and after each delay until it finds the device; a look that fails (the
    API is still down) counts as not found yet."""
    for delay in (0.0, *delays):
        if delay:
            await sleep(delay)
        try:
            found = await look()
        except GigsError:
            continue
        if found is not None:
            return found
    return None
