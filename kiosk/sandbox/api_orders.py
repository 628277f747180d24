"""Sandbox endpoints: orders and subscriptions (reference 2.7, 2.8), with the same checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.sandbox import render
from kiosk.sandbox.errors import invalid, not_found
from kiosk.sandbox.store import PLACEHOLDERS, Store
from kiosk.sandbox.validate import Req, body_object, csv_filter, opt_str, paginate, req_str

Result = tuple[int, dict[str, Any]]


@dataclass
class Subscribable:
    plan_id: str
    sim_ref: str | None  # None: "auto", an eSIM is provisioned
    user_id: str
    address_id: str | None


def _check(store: Store, plan_id: str, sim_ref: str, user_id: str, address_id: str | None,
           prefix: str = "") -> Subscribable:
    """What the API checks before a subscription can exist (reference section 6, note 2)."""
    plan = store.plans.get(plan_id)
    if plan is None:
        raise invalid(f"Plan '{plan_id}' does not exist.", code="planNotFound", prop="plan")
    if plan["status"] != "available":
        raise invalid("The plan is not available.", code="planNotAvailable",
                      hint="Only plans with status available can be subscribed to.", prop="plan")
    user = store.users.get(user_id)
    if user is None or user.get("status") == "deleted":
        raise invalid(f"User '{user_id}' does not exist.", code="userNotFound",
                      prop=prefix + "user")
    if sim_ref == "auto":
        if "eSIM" not in plan["simTypes"]:
            raise invalid("The plan does not support eSIMs.", code="simTypeNotSupported",
                          hint="sim auto provisions an eSIM; choose an eSIM plan.",
                          prop=prefix + "sim")
    else:
        if sim_ref in PLACEHOLDERS:
            sim_type = PLACEHOLDERS[sim_ref][0]
        elif sim_ref in store.sims:
            sim = store.sims[sim_ref]
            sim_type = sim["type"]
            if sim["status"] == "retired":
                raise invalid("The SIM is retired.", code="simRetired", prop=prefix + "sim")
            if store.open_subscription_for_sim(sim_ref):
                raise invalid("The SIM already has a subscription.", code="simAlreadyUsed",
                              hint="A SIM can only have one pending or active subscription.",
                              prop=prefix + "sim")
        else:
            raise invalid(f"SIM '{sim_ref}' does not exist.", code="simNotFound",
                          prop=prefix + "sim")
        if sim_type not in plan["simTypes"]:
            raise invalid(f"The plan does not support {sim_type}s.", code="simTypeNotSupported",
                          hint=f"The plan supports: {', '.join(plan['simTypes'])}.",
                          prop=prefix + "sim")
    requirements = plan.get("requirements") or {}
    if requirements.get("address", "none") != "none":
        if address_id is None:
            raise invalid("The plan requires a user address.", code="userAddressRequired",
                          hint="Create an address for the user and pass its id as userAddress.",
                          prop=prefix + "userAddress")
        address = store.addresses.get(address_id)
        if address is None or address["user"] != user_id:
            raise invalid("The user address does not belong to the user.",
                          code="userAddressNotFound", prop=prefix + "userAddress")
    if requirements.get("user.fullName", "none") != "none" and not user.get("fullName"):
        raise invalid("The plan requires the user's full name.", code="userFullNameRequired",
                      hint="Set fullName on the user first.", prop=prefix + "user")
    if requirements.get("user.birthday", "none") != "none" and not user.get("birthday"):
        raise invalid("The plan requires the user's birthday.", code="userBirthdayRequired",
                      prop=prefix + "user")
    real_sim = None if sim_ref == "auto" else store.materialize_sim(sim_ref)
    return Subscribable(plan_id, real_sim, user_id, address_id)


# -- orders -----------------------------------------------------------------------------------

def create_order(store: Store, req: Req) -> Result:
    body = body_object(req)
    pm_id = req_str(body, "paymentMethod")
    plan_id = req_str(body, "plan")
    details = body.get("subscriptionDetails")
    if details is None:
        raise invalid("Missing required property 'subscriptionDetails'.", code="propertyRequired",
                      prop="subscriptionDetails")
    if not isinstance(details, dict):
        raise invalid("Property 'subscriptionDetails' must be an object.", code="invalidType",
                      hint='Send {"sim": "...", "user": "..."}, not a list.',
                      prop="subscriptionDetails")
    pm = store.payment_methods.get(pm_id)
    if pm is None:
        raise invalid(f"Payment method '{pm_id}' does not exist.", code="paymentMethodNotFound",
                      prop="paymentMethod")
    user_id = req_str(details, "user")
    _check_payment_method(store, pm, user_id)
    checked = _check(store, plan_id, req_str(details, "sim"), user_id,
                     opt_str(details, "userAddress"), prefix="subscriptionDetails.")
    order_id = store.create_order(plan_id=checked.plan_id, pm_id=pm_id, sim_ref=checked.sim_ref,
                                  user_id=checked.user_id, address_id=checked.address_id,
                                  quoted=store.config.orders_start_as == "quoted")
    return 200, render.order(store, order_id)


def _check_payment_method(store: Store, pm: dict[str, Any], user_id: str) -> None:
    """A method pays only its own user's orders, unless the project owns it (REFERENCE.md 10).

    The codes are guesses: the docs say who a method belongs to and that `requiresConfirmation`
    exists, not what an order with such a method gets.
    """
    if pm["user"] != user_id and not store.meta[pm["id"]].get("project_owned", False):
        raise invalid("The payment method belongs to another user.",
                      code="paymentMethodUserMismatch",
                      hint="Use a payment method of the order's user, or the project's own.",
                      prop="paymentMethod")
    if pm["status"] == "requiresConfirmation":
        raise invalid("The payment method must be confirmed before it can pay.",
                      code="paymentMethodRequiresConfirmation",
                      hint="Confirm the payment method (Connect intent confirmPayment) first.",
                      prop="paymentMethod")
    if pm["status"] != "available":
        raise invalid("The payment method is not available.", code="paymentMethodUnavailable",
                      prop="paymentMethod")


def retrieve_order(store: Store, req: Req) -> Result:
    order_id = req.params["order"]
    if order_id not in store.orders:
        raise not_found("order")
    return 200, render.order(store, order_id)


def list_orders(store: Store, req: Req) -> Result:
    user = req.query.get("user")
    statuses = csv_filter(req, "status")
    records = [render.order(store, o["id"]) for o in store.newest_first(store.orders)
               if (user is None or o["user"] == user)
               and (statuses is None or o["status"] in statuses)]
    return 200, paginate(req, records)


# -- subscriptions ----------------------------------------------------------------------------

def create_subscription(store: Store, req: Req) -> Result:
    body = body_object(req)
    checked = _check(store, req_str(body, "plan"), req_str(body, "sim"), req_str(body, "user"),
                     opt_str(body, "userAddress"))
    sub_id = store.create_subscription(plan_id=checked.plan_id, sim_ref=checked.sim_ref,
                                       user_id=checked.user_id, address_id=checked.address_id)
    return 200, render.subscription(store, sub_id)


def retrieve_subscription(store: Store, req: Req) -> Result:
    sub_id = req.params["subscription"]
    if sub_id not in store.subscriptions:
        raise not_found("subscription")
    return 200, render.subscription(store, sub_id)


def list_subscriptions(store: Store, req: Req) -> Result:
    user, sim = req.query.get("user"), req.query.get("sim")
    statuses = csv_filter(req, "status", {"pending", "initiated", "active", "ended"})
    records = [render.subscription(store, s["id"]) for s in store.newest_first(store.subscriptions)
               if (user is None or s["user"] == user) and (sim is None or s["sim"] == sim)
               and (statuses is None or s["status"] in statuses)]
    return 200, paginate(req, records)
