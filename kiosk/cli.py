"""The `kiosk` command line: demo, lookup, plans, sandbox, demo-sheet.

Exit codes: 0 success; 1 unexpected error; 2 invalid input; 3 not found;
4 API key rejected or not allowed; 5 API unavailable or failing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from kiosk import __version__, logs
from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, AuthenticationError,
    GigsClient, NotFoundError, PermissionDeniedError,
)
from kiosk.gigs.models import Device, DeviceModel, Plan
from kiosk.redact import mask_digits
from kiosk.scan.imei import InvalidIdentifier, parse_imei
from kiosk.settings import ApiSettings

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_NOT_FOUND, EXIT_AUTH, EXIT_API = 0, 1, 2, 3, 4, 5


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _settings(args: argparse.Namespace) -> ApiSettings:
    return ApiSettings.from_env(
        api_url=args.api_url, project=args.project,
        idempotency_keys=False if args.no_idempotency_keys else None,
    )


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


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
            raise CliError(f"invalid IMEI {raw!r}: {exc.reason}", EXIT_INVALID) from None
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
        text = (f"No device with IMEI {masked} is registered. It looks like a "
                f"{_describe_model(models[0])}.")
    else:
        text = f"No device with IMEI {masked} is registered, and its model is unknown."
    _emit(args, {"status": "notRegistered", "models": [_dump(m) for m in models]}, text)
    return EXIT_NOT_FOUND


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
        print(f"{device.imei}  {device.label:<28} {result}")
        print(f"{'':17}{device.demonstrates}")
    print("\nPlans on sale:")
    for plan in await client.list_plans(status="available"):
        print("  " + plan_line(plan))
    print("\nTry: scripts/kiosk.sh lookup 358507311042123, or scripts/kiosk.sh plans --sim-type eSIM")
    return EXIT_OK


# -- sandbox, demo sheet ------------------------------------------------------------------------

def sandbox(args: argparse.Namespace) -> int:
    from kiosk.sandbox.config import SandboxConfig
    from kiosk.sandbox.faults import FaultRule
    from kiosk.sandbox.serve import run

    try:
        rules = [FaultRule.parse(spec) for spec in args.fault]
    except (ValueError, TypeError) as exc:
        raise CliError(f"invalid --fault: {exc}", EXIT_INVALID) from None
    config = SandboxConfig(
        project=args.sandbox_project, token=args.token or None, idempotency=args.idempotency,
        delayed_sim_seconds=args.delayed_sim_seconds,
        faults={"latency_ms": args.latency_ms, "rules": [vars(r) for r in rules]},
    )
    url = f"http://{args.host}:{args.port}"
    print(f"Gigs sandbox on {url}  project {config.project}", flush=True)
    print(f"Use it with: GIGS_API_URL={url} GIGS_PROJECT={config.project} kiosk ...", flush=True)
    print(f"Control: {url}/_sandbox (faults, clock, stats). Ctrl-C stops.", flush=True)
    run(config, args.host, args.port)
    return EXIT_OK


def demo_sheet(args: argparse.Namespace) -> int:
    from kiosk.sandbox.demo_sheet import write

    paths = write(Path(args.out))
    print(f"wrote {', '.join(map(str, paths))} (every barcode decoded back and checked)")
    return EXIT_OK


# -- plumbing -----------------------------------------------------------------------------------

def _run_api(command: Callable[[GigsClient, argparse.Namespace], Awaitable[int]],
             args: argparse.Namespace) -> int:
    from kiosk.connect import make_client

    async def go() -> int:
        async with make_client(_settings(args)) as client:
            return await command(client, args)

    return asyncio.run(go())


def _api_error(exc: Exception) -> CliError:
    if isinstance(exc, AuthenticationError):
        return CliError("API key rejected (401): check GIGS_TOKEN", EXIT_AUTH)
    if isinstance(exc, PermissionDeniedError):
        return CliError(f"the API key may not do this (403): {exc.message}", EXIT_AUTH)
    if isinstance(exc, NotFoundError):
        return CliError(f"not found (404): {exc.message} [{exc.path}]", EXIT_NOT_FOUND)
    if isinstance(exc, APIStatusError):
        hint = f" Hint: {exc.hint}" if exc.hint else ""
        return CliError(f"the API refused the request: {exc}.{hint}", EXIT_API)
    if isinstance(exc, APIConnectionError):
        return CliError(f"cannot reach the API: {exc}", EXIT_API)
    if isinstance(exc, APIResponseValidationError):
        return CliError(f"the API answered with something unexpected: {exc}", EXIT_API)
    return CliError(f"unexpected error: {type(exc).__name__}: {exc}", EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    conn = argparse.ArgumentParser(add_help=False)
    conn.add_argument("--api-url", help="Gigs API base URL (env GIGS_API_URL); with neither it "
                      "nor GIGS_TOKEN set, the embedded sandbox runs in process")
    conn.add_argument("--project", help="Gigs project id (env GIGS_PROJECT; sandbox: demo)")
    conn.add_argument("--no-idempotency-keys", action="store_true",
                      help="do not send Idempotency-Key (for projects outside the beta)")
    conn.add_argument("--json", action="store_true", help="machine-readable output")
    conn.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv)")

    parser = argparse.ArgumentParser(prog="kiosk", description="SIM activation kiosk")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", parents=[conn], help="walk through the demo devices (default)")
    p = sub.add_parser("lookup", parents=[conn], help="look up a device by IMEI")
    p.add_argument("imei", nargs="+", metavar="IMEI", help="one IMEI, or both of a dual-SIM box")
    p = sub.add_parser("plans", parents=[conn], help="list the plans on sale")
    p.add_argument("--sim-type", choices=["eSIM", "pSIM"])
    p.add_argument("--all", action="store_true", help="include plans not available for sale")
    p = sub.add_parser("sandbox", help="serve the Gigs sandbox on a loopback port")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8089)
    p.add_argument("--project", dest="sandbox_project", default="demo")
    p.add_argument("--token", help="accept only this bearer token (default: any)")
    p.add_argument("--latency-ms", type=float, default=0.0, help="added latency per request")
    p.add_argument("--fault", action="append", default=[], metavar="SPEC",
                   help="e.g. kind=429,path=*/plans,rate=0.3,retry_after=2 or "
                        "kind=drop_after,method=POST,path=*/orders,count=1 (repeatable)")
    p.add_argument("--idempotency", choices=["enabled", "ignored", "reject"], default="enabled")
    p.add_argument("--delayed-sim-seconds", type=float, default=45.0)
    p = sub.add_parser("demo-sheet", help="render the demo IMEIs as printable barcodes")
    p.add_argument("--out", default="demo-sheet.png", help="a .png or .pdf path")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["demo", *(argv or [])])
    logs.configure(getattr(args, "verbose", 0))
    api_commands = {"demo": demo, "lookup": lookup, "plans": plans}
    try:
        if args.command in api_commands:
            return _run_api(api_commands[args.command], args)
        if args.command == "sandbox":
            return sandbox(args)
        return demo_sheet(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line, never a traceback for known failures
        err = _api_error(exc)
        print(f"error: {err}", file=sys.stderr)
        return err.code
