"""Rendering of stored records into the API objects of the reference (section 3)."""

from __future__ import annotations

from typing import Any

from kiosk.sandbox.store import Store


def sim(store: Store, sim_id: str) -> dict[str, Any]:
    return dict(store.sims[sim_id])


def user(store: Store, user_id: str) -> dict[str, Any]:
    return dict(store.users[user_id])


def device_model(store: Store, model_id: str) -> dict[str, Any]:
    return dict(store.device_models[model_id])


def plan(store: Store, plan_id: str) -> dict[str, Any]:
    return dict(store.plans[plan_id])


def device(store: Store, device_id: str) -> dict[str, Any]:
    record = dict(store.devices[device_id])
    record["model"] = device_model(store, record["model"]) if record["model"] else None
    record["sims"] = [sim(store, s) for s in record["sims"]]
    record["user"] = user(store, record["user"]) if record["user"] else None
    return record


def subscription(store: Store, sub_id: str) -> dict[str, Any]:
    record = dict(store.subscriptions[sub_id])
    record["sim"] = sim(store, record["sim"]) if record["sim"] else None
    record["plan"] = plan(store, record["plan"])
    record["user"] = user(store, record["user"])
    return record


def payment_method(store: Store, pm_id: str) -> dict[str, Any]:
    return dict(store.payment_methods[pm_id])


def order(store: Store, order_id: str) -> dict[str, Any]:
    record = dict(store.orders[order_id])
    record.pop("paymentMethod", None)
    record["plan"] = plan(store, record["plan"])
    record["user"] = user(store, record["user"])
    # "Present for quoted orders for new plans" (REFERENCE.md 10): on no other order.
    quoted = record["status"] == "quoted"
    record["subscriptionDetails"] = dict(record["subscriptionDetails"]) if quoted else None
    if record["lastPayment"]:
        payment = dict(record["lastPayment"])
        payment["method"] = payment_method(store, payment["method"])
        record["lastPayment"] = payment
    return record


def address(store: Store, address_id: str) -> dict[str, Any]:
    return dict(store.addresses[address_id])


def credentials(store: Store, sim_id: str) -> dict[str, Any]:
    code = store.meta[sim_id].get("activation_code") if store.sims[sim_id]["type"] == "eSIM" else None
    if not code:
        return {"object": "simCredentials", "activationCode": None, "androidInstallUrl": None,
                "iosInstallUrl": None, "qrCodeUrl": None, "sim": sim_id}
    token = sim_id.split("_", 1)[-1][-11:]
    return {
        "object": "simCredentials",
        "activationCode": code,
        "androidInstallUrl": f"https://esimsetup.android.com/esim_qrcode_provisioning?carddata={code}",
        "iosInstallUrl": f"https://esimsetup.apple.com/esim_qrcode_provisioning?carddata={code}",
        "qrCodeUrl": f"https://files.sandbox.gigs.example/qrcode/demo/{token}.png",
        "sim": sim_id,
    }


def esim_profile(store: Store, sim_id: str) -> dict[str, Any]:
    status, updated = store.esim_profile_status(sim_id)
    return {"object": "eSimProfile", "sim": sim(store, sim_id), "status": status,
            "updatedAt": updated}
