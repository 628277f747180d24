"""Sandbox endpoints: SIMs (reference 2.9), with the test SIM placeholders (section 4)."""

from __future__ import annotations

from typing import Any

from kiosk.sandbox import render
from kiosk.sandbox.api_devices import SIM_TYPES, Result
from kiosk.sandbox.errors import ApiError, invalid, not_found
from kiosk.sandbox.store import PLACEHOLDERS, Store
from kiosk.sandbox.validate import Req, body_object, csv_filter, iccid_of, metadata_of, paginate


def _list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "list", "items": items, "moreItemsAfter": None, "moreItemsBefore": None}


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
    # Exact ICCID (19 digits and F, or 20 digits, reference 2.9), through the store's index: a
    # big stock (SandboxConfig.sim_stock) costs no pass per search.
    matched = {i: store.sims[i] for i in store.sims_with_iccid(iccid)
               if not types or store.sims[i]["type"] in types}
    found = [render.sim(store, s["id"]) for s in store.newest_first(matched)]
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

