"""`kiosk doctor`: what the Gigs project supports and what would break, by safe reads only."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from dataclasses import replace
from typing import Any

import httpx

from kiosk.cli.common import (
    EXIT_API, EXIT_AUTH, EXIT_ERROR, EXIT_INVALID, EXIT_OK, CliError, connection_parent, emit, ident, say,
    settings,
)
from kiosk.config import api_url_problem
from kiosk.doctor import Check, Verdict, check_project, reading_settings, store_payment_method, worst
from kiosk.settings import ApiSettings


def exit_code(checks: list[Check]) -> int:
    failures = {c.failure for c in checks}
    if "unreachable" in failures:
        return EXIT_API
    if "auth" in failures:
        return EXIT_AUTH
    return EXIT_ERROR if worst(checks) is Verdict.PROBLEM else EXIT_OK


def sandbox_info(url: str) -> dict[str, Any]:
    """What a sandbox served by `kiosk sandbox` says about itself at GET /_sandbox.

    The idempotency test creates a user, so a URL given as a sandbox must prove it is one: the
    real API has no such page. Asked without the API key, and at most 64 KiB of it read.
    """
    try:
        with httpx.Client(timeout=5.0, follow_redirects=False) as http, \
                http.stream("GET", url.rstrip("/") + "/_sandbox") as response:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > 65536:
                    break
            info = json.loads(body) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        info = None
    if not isinstance(info, dict) or not isinstance(info.get("project"), str):
        raise CliError(f"{url} does not answer as a sandbox (GET /_sandbox): nothing is created "
                       "there; without --sandbox-url the check only reads", EXIT_INVALID)
    return info


def _configured_payment_method() -> str | None:
    from kiosk.config import ConfigStore

    try:  # the operator page's choice (KIOSK_PAYMENT_METHOD wins over the file)
        return ConfigStore().load().payment_method
    except (OSError, ValueError) as exc:  # ConfigError is a ValueError, said in one line
        say(f"[doctor] {exc}; using KIOSK_PAYMENT_METHOD only")
        return os.environ.get("KIOSK_PAYMENT_METHOD") or None


def connection(args: argparse.Namespace) -> tuple[ApiSettings, bool, str | None]:
    """The settings to check, whether they are a sandbox, and the payment method to retrieve."""
    base = settings(args)
    configured = args.payment_method or _configured_payment_method()
    if args.sandbox_url:
        if args.api_url:
            raise CliError("give --api-url or --sandbox-url, not both", EXIT_INVALID)
        problem = api_url_problem(args.sandbox_url)
        if problem:
            raise CliError(f"--sandbox-url: {problem}", EXIT_INVALID)
        info = sandbox_info(args.sandbox_url)
        base = replace(base, api_url=args.sandbox_url, project=args.project or info["project"])
        return base, True, configured or info.get("paymentMethod")
    problem = api_url_problem(base.api_url)
    if problem:  # the rule of the operator page: the key goes nowhere else
        raise CliError(f"the API key is not sent to {base.api_url}: {problem}", EXIT_INVALID)
    return base, base.in_process, store_payment_method(configured, base)


def report(checks: list[Check], where: str, creates: bool) -> str:
    how = ("a throwaway user is created to test idempotency keys" if creates
           else "reads only, nothing is created")
    lines = [f"Checking {where} ({how})", *(c.line() for c in checks)]
    problems = sum(c.verdict is Verdict.PROBLEM for c in checks)
    warnings = sum(c.verdict is Verdict.WARNING for c in checks)
    if problems or warnings:
        lines.append(f"{problems} problem(s), {warnings} warning(s)")
    else:
        lines.append("Everything checked works.")
    return "\n".join(lines)


def doctor(args: argparse.Namespace) -> int:
    from kiosk.connect import make_client

    api, in_sandbox, payment = connection(args)
    where = (f"project {api.project_id} on the embedded sandbox" if api.in_process
             else f"project {api.project_id} at {api.base_url}")

    async def go() -> list[Check]:
        async with make_client(reading_settings(api)) as client:
            return await check_project(client, payment_method=payment, in_sandbox=in_sandbox)

    checks = asyncio.run(go())
    code = exit_code(checks)
    data = {"project": api.project_id, "api": "embedded sandbox" if api.in_process
            else api.base_url, "sandbox": in_sandbox, "verdict": worst(checks).value,
            "exitCode": code, "checks": [c.as_json() for c in checks]}
    emit(args, data, report(checks, where, in_sandbox and api.idempotency_keys))
    return code


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", parents=[connection_parent()],
                       help="check what the Gigs project supports (safe reads only)")
    p.add_argument("--payment-method", type=ident, help="the store's payment method to retrieve (env "
                   "KIOSK_PAYMENT_METHOD, else the config file)")
    p.add_argument("--sandbox-url", metavar="URL",
                   help="a sandbox served by `kiosk sandbox`: idempotency keys are tested too, "
                        "by creating a throwaway user there")
