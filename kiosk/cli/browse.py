"""`kiosk demo`, `kiosk lookup`, `kiosk plans`: looking at devices and plans."""

from __future__ import annotations

import argparse
import asyncio

from kiosk import __version__
from kiosk.cli.common import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, CliError, fail
from kiosk.cli.common import dump as _dump
from kiosk.cli.common import emit as _emit
from kiosk.gigs import GigsClient
from kiosk.gigs.models import Device, DeviceModel, Plan
from kiosk.redact import mask_digits, printable
from kiosk.scan.imei import InvalidIdentifier, parse_imei


# -- lookup ---------------------------------------------------------------------------------

def _describe_model(model: DeviceModel | None) -> str:
    if model is None:
        return "unknown model"
    types = ", ".join(t.value for t in model.sim_types) or "no SIM types listed"
    return f"{model.brand} {model.name} ({model.type.value}; {types})"


async def lookup(client: GigsClient, args: argparse.Namespace) -> int:
    imeis = []
    for raw in args.imei:
        try:
            imeis.append(parse_imei(raw))
        except InvalidIdentifier as exc:
            raise CliError(f"invalid IMEI {mask_digits(raw)!r}: {exc.reason}",
                           EXIT_INVALID) from None
    results = await asyncio.gather(*(client.search_devices(i) for i in imeis))
    found: list[tuple[str, Device]] = [(i, d) for i, ds in zip(imeis, results, strict=True) for d in ds]
    if found:
        lines = []
        for imei, device in found:
            owner = "none" if device.user is None else device.user.id
            lines.append(f"{mask_digits(imei)}: {_describe_model(device.model)}")
            lines.append(f"  device {device.id}, owner {owner}")
            if not device.sims:
                lines.append("  no SIM attached")
            for sim in device.sims:
                lines.append(f"  {sim.type.value:5} {mask_digits(sim.iccid or '')}  "
                             f"provider {sim.provider}  {sim.status.value}  ({sim.id})")
        _emit(args, {"status": "found", "devices": [_dump(d) for _, d in found]}, "\n".join(lines))
        return EXIT_OK
    models = await client.search_device_models(imeis[0])
    masked = ", ".join(mask_digits(i) for i in imeis)
    if models:
        text = (f"no device with IMEI {masked} is registered; it looks like a "
                f"{_describe_model(models[0])}")
    else:
        text = f"no device with IMEI {masked} is registered, and its model is unknown"
    raise fail(args, {"status": "notRegistered", "models": [_dump(m) for m in models]}, text,
               EXIT_NOT_FOUND)


# -- plans ------------------------------------------------------------------------------------

def _size(n: int | None, unit: str) -> str:
    if n is None:
        return f"unlimited {unit}" if unit else "unlimited"
    if unit == "data":
        return f"{n / 1e9:g} GB" if n >= 1e9 else f"{n / 1e6:g} MB"
    if unit == "min":
        return f"{n // 60} min"
    return f"{n} {unit}"


def plan_line(plan: Plan) -> str:
    a = plan.allowances
    price = f"{plan.price.amount / 100:.2f} {plan.price.currency}" if plan.price else "?"
    sims = "/".join(t.value for t in plan.sim_types)
    return (f"{plan.id}  {plan.name:<18} {sims:<10} {_size(a.data_bytes, 'data'):>10} "
            f"{_size(a.voice_seconds, 'min'):>14} {_size(a.sms_messages, 'SMS'):>14} {price:>10}"
            f"  {plan.status.value}")


async def plans(client: GigsClient, args: argparse.Namespace) -> int:
    status = None if args.all else "available"
    found = await client.list_plans(sim_type=args.sim_type, status=status)
    _emit(args, [_dump(p) for p in found], "\n".join(plan_line(p) for p in found) or "no plans")
    return EXIT_OK


# -- demo ---------------------------------------------------------------------------------------

async def demo(client: GigsClient, args: argparse.Namespace) -> int:
    from kiosk.sandbox.seed import DEMO_DEVICES

    where = "the embedded sandbox" if client.settings.in_process else client.settings.base_url
    print(f"SIM kiosk {__version__}: looking up the demo devices in {where} "
          f"(project {client.settings.project_id})\n")
    for device in DEMO_DEVICES:
        found = await client.search_devices(device.imei)
        if found:
            sims = ", ".join(f"{s.type.value} {s.status.value}" for s in found[0].sims) or "no SIM"
            result = f"{_describe_model(found[0].model)}: {sims}"
        else:
            models = await client.search_device_models(device.imei)
            result = "not registered; " + (_describe_model(models[0]) if models else "model unknown")
        print(f"{device.imei}  {device.label:<28} {printable(result)}")
        print(f"{'':17}{device.demonstrates}")
    print("\nPlans on sale:")
    for plan in await client.list_plans(status="available"):
        print("  " + printable(plan_line(plan)))
    print("\nTry: scripts/kiosk.sh lookup 358507311042123, or scripts/kiosk.sh plans --sim-type eSIM")
    return EXIT_OK


