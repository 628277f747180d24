"""Sandbox endpoints: devices, device models, plans and SIMs (reference 2.1-2.3, 2.9)."""

from __future__ import annotations

from typing import Any

from kiosk.sandbox import render
from kiosk.sandbox.errors import ApiError, invalid, not_found
from kiosk.sandbox.store import PLACEHOLDERS, Store, iso
from kiosk.sandbox.validate import (
    Req, body_object, csv_filter, iccid_of, imei_of, metadata_of, opt_str, paginate,
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


def _sim_refs(store: Store, body: dict[str, Any]) -> list[str] | None:
    if "sims" not in body or body["sims"] is None:
        return None
    refs = body["sims"]
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise invalid("Property 'sims' must be a list of SIM ids.", code="invalidType", prop="sims")
    for ref in refs:
        if ref not in store.sims and ref not in PLACEHOLDERS:
            raise invalid(f"SIM '{ref}' does not exist.", code="simNotFound", prop="sims")
    return [store.materialize_sim(r) for r in refs]


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
    records = [render.device(store, d["id"]) for d in store.newest_first(store.devices)
               if (sim is None or sim in d["sims"]) and (user is None or d["user"] == user)]
    return 200, paginate(req, records)


def create_device(store: Store, req: Req) -> Result:
    body = body_object(req)
    imei = imei_of(body)
    user = _user_ref(store, body)
    name = opt_str(body, "name")
    metadata = metadata_of(body) or {}
    sims = _sim_refs(store, body) or []
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
    if "name" in body:
        record["name"] = opt_str(body, "name")
    if "user" in body:
        record["user"] = _user_ref(store, body)
    metadata = metadata_of(body)
    if metadata is not None:
        record["metadata"] = metadata
    sims = _sim_refs(store, body)
    if sims is not None:
        record["sims"] = sims
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


# -- SIMs -------------------------------------------------------------------------------------

def _sim_id(store: Store, req: Req) -> str:
    sim_id = req.params["sim"]
    if sim_id not in store.sims:
        raise not_found("SIM")
    return sim_id


def list_sims(store: Store, req: Req) -> Result:
    providers = csv_filter(req, "provider")
    statuses = csv_filter(req, "status", {"inactive", "active", "retired"})
    types = csv_filter(req, "type", SIM_TYPES)
    user = req.query.get("user")
    user_sims = None
    if user is not None:
        user_sims = {s["sim"] for s in store.subscriptions.values() if s["user"] == user}
        user_sims |= {sid for d in store.devices.values() if d["user"] == user for sid in d["sims"]}
    records = [render.sim(store, s["id"]) for s in store.newest_first(store.sims)
               if (providers is None or s["provider"] in providers)
               and (statuses is None or s["status"] in statuses)
               and (types is None or s["type"] in types)
               and (user_sims is None or s["id"] in user_sims)]
    return 200, paginate(req, records)


def retrieve_sim(store: Store, req: Req) -> Result:
    return 200, render.sim(store, _sim_id(store, req))


def update_sim(store: Store, req: Req) -> Result:
    sim_id = req.params["sim"]
    if sim_id in PLACEHOLDERS:
        raise ApiError(403, "permissionDenied", "Test SIM placeholders cannot be modified.",
                       code="permissionDenied")
    sim_id = _sim_id(store, req)
    metadata = metadata_of(body_object(req))
    if metadata is not None:
        store.sims[sim_id]["metadata"] = metadata
    return 200, render.sim(store, sim_id)


def search_sims(store: Store, req: Req) -> Result:
    body = body_object(req)
    iccid = iccid_of(body).upper()
    types = body.get("type")
    if types is not None and (not isinstance(types, list) or not set(types) <= SIM_TYPES):
        raise invalid("Property 'type' must be a list of eSIM and/or pSIM.", code="invalidType",
                      prop="type")
    found = [render.sim(store, s["id"]) for s in store.newest_first(store.sims)
             if s["iccid"].upper() == iccid and (not types or s["type"] in types)]
    found += [store.placeholder(ref) for ref, (type_, ph_iccid, _) in PLACEHOLDERS.items()
              if ph_iccid == iccid and (not types or type_ in types)]
    return 200, _list(found)


def sim_credentials(store: Store, req: Req) -> Result:
    return 200, render.credentials(store, _sim_id(store, req))


def esim_profile(store: Store, req: Req) -> Result:
    sim_id = req.params["sim"]
    if sim_id not in store.sims or store.sims[sim_id]["type"] != "eSIM":
        raise not_found("eSIM profile")
    return 200, render.esim_profile(store, sim_id)

