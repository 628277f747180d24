"""Sandbox endpoints: devices, device models and plans (reference 2.1-2.3); SIMs: api_sims."""

from __future__ import annotations

from typing import Any

from kiosk.sandbox import render
from kiosk.sandbox.errors import invalid, not_found
from kiosk.sandbox.store import PLACEHOLDERS, Store, iso
from kiosk.sandbox.validate import (
    Req, body_object, csv_filter, imei_of, metadata_of, opt_str, paginate,
)

Result = tuple[int, dict[str, Any]]
SIM_TYPES = {"eSIM", "pSIM"}


def _list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "items": items, "moreItemsAfter": None, "moreItemsBefore": None}


def _device_id(store: Store, req: Req) -> str:
    device_id = req.params["device"]
    if device_id not in store.devices:
        raise not_found("device")
    return device_id


def _sim_refs(store: Store, body: dict[str, Any], *, nullable: bool) -> list[str] | None:
    """The `sims` ids of a create (`nullable array`) or update (`array`, reference 2.1), checked
    but not yet materialized: a refused request creates no test SIM."""
    if "sims" not in body or (nullable and body["sims"] is None):
        return None
    refs = body["sims"]
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        kind = "a list of SIM ids or null" if nullable else "a list of SIM ids"
        raise invalid(f"Property 'sims' must be {kind}.", code="invalidType", prop="sims")
    if len(set(refs)) != len(refs):
        raise invalid("Property 'sims' lists a SIM twice.", code="invalidParameter",
                      hint="List every SIM id once.", prop="sims")
    for ref in refs:
        if ref not in store.sims and ref not in PLACEHOLDERS:
            raise invalid(f"SIM '{ref}' does not exist.", code="simNotFound", prop="sims")
    return list(refs)


def _check_sims_free(store: Store, refs: list[str], device_id: str | None) -> None:
    """A SIM sits in one device: one attached to another device is 422 `simAlreadyUsed`."""
    wanted = set(refs) - set(PLACEHOLDERS)  # a placeholder becomes a fresh SIM
    if not wanted:
        return
    for other in store.devices.values():
        if other["id"] == device_id:
            continue
        for taken in other["sims"]:
            if taken in wanted:
                raise invalid(f"SIM '{taken}' is already attached to another device.",
                              code="simAlreadyUsed",
                              hint="Detach it from the other device first (PATCH its sims).",
                              prop="sims")


def _user_ref(store: Store, body: dict[str, Any]) -> str | None:
    user_id = opt_str(body, "user")
    if user_id is not None and user_id not in store.users:
        raise invalid(f"User '{user_id}' does not exist.", code="userNotFound", prop="user")
    return user_id


def _model_for(store: Store, imei: str) -> str | None:
    models = store.tacs.get(imei[:8], [])
    return models[0] if models else None


# -- devices ----------------------------------------------------------------------------------

def search_devices(store: Store, req: Req) -> Result:
    imei = imei_of(body_object(req))
    # "unowned": the seed's "factory devices not yet assigned to a user, or devices already
    # owned by the current user"; a project key is no user, so an owned device is not found.
    unowned_only = store.config.device_search == "unowned"
    found = [render.device(store, d["id"]) for d in store.newest_first(store.devices)
             if d["imei"] == imei and not (unowned_only and d["user"])]
    return 200, _list(found)


def list_devices(store: Store, req: Req) -> Result:
    sim, user = req.query.get("sim"), req.query.get("user")
    matched = {i: d for i, d in store.devices.items()
               if (sim is None or sim in d["sims"]) and (user is None or d["user"] == user)}
    records = [render.device(store, d["id"]) for d in store.newest_first(matched)]
    return 200, paginate(req, records)


def create_device(store: Store, req: Req) -> Result:
    body = body_object(req)
    imei = imei_of(body)
    user = _user_ref(store, body)
    name = opt_str(body, "name")
    metadata = metadata_of(body) or {}
    refs = _sim_refs(store, body, nullable=True) or []
    # Undocumented: one device per IMEI in a project, refused with a sandbox-only code.
    if store.config.duplicate_imei == "refuse" and any(d["imei"] == imei for d in store.devices.values()):
        raise invalid("A device with this IMEI already exists.", code="deviceAlreadyExists",
                      hint="Search for it (POST /devices/search) and update it instead.",
                      prop="imei")
    _check_sims_free(store, refs, None)
    sims = [store.materialize_sim(r) for r in refs]
    device_id = store.put(store.devices, {
        "object": "device", "id": store.new_id("dev"), "metadata": metadata,
        "createdAt": iso(store.now()), "imei": imei, "model": _model_for(store, imei),
        "name": name, "sims": sims, "user": user})
    return 200, render.device(store, device_id)


def retrieve_device(store: Store, req: Req) -> Result:
    return 200, render.device(store, _device_id(store, req))


def update_device(store: Store, req: Req) -> Result:
    device_id = _device_id(store, req)
    body = body_object(req)
    record = store.devices[device_id]
    # Everything is checked before anything changes: a refused update changes nothing.
    name = opt_str(body, "name")
    user = _user_ref(store, body)
    metadata = metadata_of(body)
    refs = _sim_refs(store, body, nullable=False)
    if refs is not None:
        _check_sims_free(store, refs, device_id)  # the device's own SIMs are fine
    if "name" in body:
        record["name"] = name
    if "user" in body:
        record["user"] = user
    if metadata is not None:
        record["metadata"] = metadata
    if refs is not None:  # the ids of all SIMs attached from now on: [] detaches them all
        record["sims"] = [store.materialize_sim(r) for r in refs]
    return 200, render.device(store, device_id)


def delete_device(store: Store, req: Req) -> Result:
    device_id = _device_id(store, req)
    out = render.device(store, device_id)
    del store.devices[device_id]
    return 200, out


# -- device models (global) ---------------------------------------------------------------------

def search_device_models(store: Store, req: Req) -> Result:
    imei = imei_of(body_object(req))
    return 200, _list([render.device_model(store, m) for m in store.tacs.get(imei[:8], [])])


def list_device_models(store: Store, req: Req) -> Result:
    types, brands = csv_filter(req, "type"), csv_filter(req, "brand")
    sim_types = csv_filter(req, "simType", SIM_TYPES)
    records = [m for m in store.newest_first(store.device_models)
               if (types is None or m["type"] in types)
               and (brands is None or m["brand"] in brands)
               and (sim_types is None or sim_types & set(m["simTypes"]))]
    return 200, paginate(req, [dict(m) for m in records])


def retrieve_device_model(store: Store, req: Req) -> Result:
    model_id = req.params["model"]
    if model_id not in store.device_models:
        raise not_found("device model")
    return 200, render.device_model(store, model_id)


def list_brands(store: Store, req: Req) -> Result:
    brands = sorted({m["brand"] for m in store.device_models.values()})
    return 200, {"object": "deviceModelBrands", "items": brands}


# -- plans ------------------------------------------------------------------------------------

PLAN_STATUSES = {"available", "archived", "pending", "draft"}


def list_plans(store: Store, req: Req) -> Result:
    sim_types = csv_filter(req, "simType", SIM_TYPES)
    statuses = csv_filter(req, "status", PLAN_STATUSES)
    providers = csv_filter(req, "provider")
    records = [render.plan(store, p["id"]) for p in store.newest_first(store.plans)
               if (sim_types is None or sim_types & set(p["simTypes"]))
               and (statuses is None or p["status"] in statuses)
               and (providers is None or p["provider"] in providers)]
    return 200, paginate(req, records)


def retrieve_plan(store: Store, req: Req) -> Result:
    plan_id = req.params["plan"]
    if plan_id not in store.plans:
        raise not_found("plan")
    return 200, render.plan(store, plan_id)
