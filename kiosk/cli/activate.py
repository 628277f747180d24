"""`kiosk activate` and `kiosk journal`: the activation engine, headless."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kiosk.cli.common import (
    EXIT_ALREADY, EXIT_API, EXIT_AUTH, EXIT_ERROR, EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK,
    EXIT_PENDING, EXIT_REFUSED, CliError, bounded, connection_parent, emit, fail, ident,
    output_file, say, text, write_whole,
)
from kiosk.config import ID
from kiosk.flow import Address, Context, CustomerInput, Flow, FlowSettings
from kiosk.flow.states import (
    AlreadySubscribed, ChoosingPlan, DeviceFound, EnteringCustomer, Failed, FlowState, LookingUp,
    NoUsableSim, NotRegistered, PendingInBackground, Placing, Provisioning, Ready, Review,
)
from kiosk.gigs import GigsClient
from kiosk.journal import Activation, open_journal

EXIT_BY_ERROR = {"invalid_imei": EXIT_INVALID, "invalid_customer": EXIT_INVALID,
                 "auth_failed": EXIT_AUTH, "api_unavailable": EXIT_API, "rate_limited": EXIT_API,
                 "payment_failed": EXIT_REFUSED, "order_rejected": EXIT_REFUSED,
                 "no_payment_method": EXIT_REFUSED, "unexpected": EXIT_ERROR,
                 "order_unclear": EXIT_PENDING, "order_not_placed": EXIT_REFUSED,
                 "activation_lost": EXIT_REFUSED, "journal_unwritable": EXIT_ERROR,
                 "order_unsaved": EXIT_PENDING, "already_subscribed": EXIT_ALREADY,
                 "address_invalid": EXIT_INVALID, "order_expired": EXIT_REFUSED,
                 "order_needs_confirmation": EXIT_REFUSED}


_last_line: list[str] = [""]
_show_progress: list[bool] = [False]  # on a terminal or with -v: quiet in scripts


def _progress(state: FlowState) -> None:
    line = None
    if isinstance(state, LookingUp):
        line = "looking up the device and the plans"
    elif isinstance(state, DeviceFound):
        model = state.device.model
        line = f"found {model.brand} {model.name}" if model else "found the device"
    elif isinstance(state, Placing):
        line = f"placing the order (reference {state.reference})"
    elif isinstance(state, Provisioning):
        line = f"provisioning: {state.current.value.replace('_', ' ')}"
    if line and line != _last_line[0] and _show_progress[0]:
        _last_line[0] = line
        say(f"[activate] {line}")


def _result(flow: Flow, act: Activation | None, args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    state = flow.state
    out: dict[str, Any] = {}
    if act is not None:
        out |= {"reference": act.reference, "deviceId": act.device_id, "simId": act.sim_id,
                "simType": act.sim_type, "userId": act.user_id, "planId": act.plan_id,
                "orderId": act.order_id, "subscriptionId": act.subscription_id}
    if isinstance(state, Ready):
        out["status"] = "ready" if state.activates_on_first_use else "active"
        out["simType"] = state.sim_type.value
        if state.phone_number:
            out["phoneNumber"] = state.phone_number
        if state.code is not None:
            out["confirmationCodeRequired"] = state.code.confirmation_code_required
            if args.show_code:
                out["activationCode"] = state.code.text
        return out, EXIT_OK
    if isinstance(state, PendingInBackground):
        return out | {"status": "pending"}, EXIT_PENDING
    if isinstance(state, AlreadySubscribed):
        sub = state.subscription
        return out | {"status": "alreadySubscribed", "deviceId": state.device.id,
                      "simId": state.sim.id if state.sim else None,
                      "subscriptionId": sub.id if sub else None,
                      "subscriptionStatus": sub.status.value if sub else None}, EXIT_ALREADY
    if isinstance(state, NotRegistered):
        return {"status": "notRegistered", "supportsEsim": state.supports_esim}, EXIT_NOT_FOUND
    if isinstance(state, NoUsableSim):
        kind = {"no_sim": "unsupportedDevice", "retired": "noUsableSim"}.get(state.reason,
                                                                             "noPlans")
        return {"status": kind, "deviceId": state.device.id}, EXIT_REFUSED
    if isinstance(state, Failed):
        e = state.error
        return out | {"status": e.code, "error": {"message": e.user_message,
                                                  "detail": e.detail}}, EXIT_BY_ERROR.get(e.code,
                                                                                         EXIT_ERROR)
    return out | {"status": type(state).__name__}, EXIT_ERROR


def _failure_line(out: dict[str, Any]) -> str:
    """The one stderr line for an activation that did not end with a working SIM."""
    status, ref = out.get("status"), out.get("reference")
    if status == "pending":
        return (f"the activation is still pending (reference {ref}); it goes on, and "
                "`kiosk journal --resume` finishes it")
    if status == "alreadySubscribed":
        return (f"the SIM already has a subscription ({out.get('subscriptionId') or '?'}, "
                f"{out.get('subscriptionStatus') or 'status unknown'}): nothing was ordered")
    if status == "notRegistered":
        esim = "supports eSIM" if out.get("supportsEsim") else "has no eSIM"
        return f"the device is not registered (its model {esim}): nothing was ordered"
    if status == "unsupportedDevice":
        return "the device has no SIM this kiosk can activate: nothing was ordered"
    if status == "noUsableSim":
        return "the device's SIMs are retired or unusable: nothing was ordered"
    if status == "noPlans":
        return "no plan on sale fits this device's SIM: nothing was ordered"
    error = out.get("error") or {}
    detail = f" ({error['detail']})" if error.get("detail") else ""
    where = f" [reference {ref}]" if ref else ""
    return f"{status}: {error.get('message') or 'the activation failed'}{detail}{where}"


async def activate(client: GigsClient, args: argparse.Namespace) -> int:
    from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID

    in_process = client.settings.in_process
    payment = args.payment_method or os.environ.get("KIOSK_PAYMENT_METHOD")
    if payment is not None and not ID.fullmatch(payment):
        raise CliError("KIOSK_PAYMENT_METHOD: an id is letters, digits, _ and - (at most 100)",
                       EXIT_INVALID)
    if payment is None and (in_process or not client.settings.token):
        payment = STORE_PAYMENT_METHOD_ID  # the sandbox's store counter
    settings = FlowSettings(mode=args.mode, payment_method=payment, deadline=args.deadline)
    journal = open_journal(args.journal, in_process)
    flow = Flow(Context(client, journal, settings))
    _show_progress[0] = bool(args.verbose) or sys.stderr.isatty()
    flow.subscribe(_progress)
    try:
        if args.email:
            flow.prefetch_customer(args.email)  # its lookup runs beside the phone's
        await flow.submit_imei(*args.imei)
        state = flow.state
        if isinstance(state, AlreadySubscribed) and state.activation_id:
            # Staff at a terminal, and this kiosk's own order: follow it to the end.
            if _show_progress[0]:
                say("[activate] resuming this SIM's activation from the journal")
            await flow.resume(state.activation_id)
        if isinstance(flow.state, DeviceFound):
            await flow.confirm_device()
        if isinstance(flow.state, ChoosingPlan):
            offered = {p.id: p for p in flow.state.plans}
            if args.plan not in offered:
                names = ", ".join(f"{p.id} ({p.name})" for p in offered.values())
                raise CliError(f"plan {args.plan} is not on sale for this SIM; choose one of: "
                               f"{names}", EXIT_INVALID)
            await flow.choose_plan(args.plan)
        if isinstance(flow.state, EnteringCustomer):
            address = None
            if args.line1 or args.city or args.country:
                address = Address(line1=args.line1 or "", city=args.city or "",
                                  country=args.country or "", postal_code=args.postal_code)
            await flow.enter_customer(CustomerInput(args.email or "", args.name or "", address))
            if isinstance(flow.state, EnteringCustomer):
                problems = "; ".join(f"{f}: {m}" for f, m in flow.state.problems)
                raise CliError(f"customer details: {problems}", EXIT_INVALID)
        if isinstance(flow.state, Review):
            await flow.confirm()
            if isinstance(flow.state, EnteringCustomer):  # the API refused the address
                problems = "; ".join(f"{f}: {m}" for f, m in flow.state.problems)
                raise CliError(f"customer details: {problems}", EXIT_INVALID)
        state = flow.state
        act_id = getattr(state, "activation_id", None)
        act = journal.get(act_id) if act_id else None
        out, code = _result(flow, act, args)
        if isinstance(state, Ready) and state.code is not None and args.show_code:
            import segno

            segno.make(state.code.text, error="m").terminal(out=sys.stderr, compact=True)
        if code != EXIT_OK:
            raise fail(args, out, _failure_line(out), code)
        text = "\n".join(f"{k}: {v}" for k, v in out.items() if v is not None)
        emit(args, out, text)
        return code
    finally:
        await flow.cancel()  # drops the activation code from memory
        journal.close()


async def journal_command(client: GigsClient, args: argparse.Namespace) -> int:
    journal = open_journal(args.journal, client.settings.in_process)
    try:
        if args.resume:
            from kiosk.flow.background import BackgroundActivations

            background = BackgroundActivations(
                Context(client, journal, FlowSettings()), deadline=args.deadline, may_send=True,
                on_finished=lambda act, state: print(f"{act.reference}: {act.status}",
                                                     file=sys.stderr))
            await background.resume_all()
            await background.wait()
        rows = journal.activations(pending_only=args.pending)
        if args.export:
            target = output_file(args.export, not_over=[
                (args.journal or os.environ.get("KIOSK_JOURNAL"), "the journal")])
            count = write_whole(target, lambda tmp: journal.export_csv(tmp, rows))
            say(f"exported {count} activation(s) to {args.export}")
            return EXIT_OK
        data = [{"reference": a.reference, "status": a.status, "outcome": a.outcome,
                 "imei": a.imei_masked, "simType": a.sim_type, "orderId": a.order_id,
                 "subscriptionId": a.subscription_id, "errorType": a.error_type} for a in rows]
        text = "\n".join(f"{a.reference}  {a.status:<12} {a.imei_masked or '-':<16} "
                         f"{a.sim_type or '-':<5} {a.order_id or a.subscription_id or '-'}"
                         for a in rows) or "no activations"
        emit(args, data, text)
        return EXIT_OK
    finally:
        journal.close()


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    conn = connection_parent()
    p = sub.add_parser("activate", parents=[conn], help="activate a SIM, start to finish")
    p.add_argument("imei", nargs="+", type=text(40), metavar="IMEI",
                   help="one IMEI, or both of a dual-SIM box")
    p.add_argument("--plan", required=True, type=ident, help="plan id (see `kiosk plans`)")
    p.add_argument("--email", type=text(254))
    p.add_argument("--name", type=text(200), help="the customer's full name")
    p.add_argument("--line1", type=text(200), help="street and number, for plans that need an address")
    p.add_argument("--city", type=text(100))
    p.add_argument("--postal-code", type=text(20))
    p.add_argument("--country", type=text(2), help="ISO 3166 alpha-2, e.g. DE")
    p.add_argument("--deadline", type=bounded(0.1, 86400, unit="seconds"), default=600.0,
                   help="seconds to wait for provisioning before leaving it pending")
    p.add_argument("--mode", choices=["orders", "subscriptions"], default="orders",
                   help="orders (Gigs Payments) or direct subscriptions")
    p.add_argument("--payment-method", type=ident,
                   help="payment method id (env KIOSK_PAYMENT_METHOD)")
    p.add_argument("--show-code", action="store_true",
                   help="print the eSIM activation code and its QR (a secret: mind the screen)")
    p.add_argument("--journal", help="journal file (env KIOSK_JOURNAL)")
    p = sub.add_parser("journal", parents=[conn], help="list, resume and export activations")
    p.add_argument("--pending", action="store_true", help="only activations still open")
    p.add_argument("--resume", action="store_true", help="resume unfinished activations first")
    p.add_argument("--deadline", type=bounded(0.1, 86400, unit="seconds"), default=600.0)
    p.add_argument("--export", metavar="FILE.csv")
    p.add_argument("--journal", help="journal file (env KIOSK_JOURNAL)")
