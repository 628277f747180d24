"""The sandbox side of the warehouse pairing station (issue 15): the seeded SIM stock, and the
device endpoints' checks (REFERENCE.md 2.1, 2.9, 10), over loopback HTTP."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from kiosk.sandbox import api_sims
from kiosk.sandbox.app import Sandbox
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import (
    DEMO_IMEIS, PACKED_DEVICE_ID, PACKED_IMEI, PAIRING_IMEIS, PAIRING_SIM_IDS, PAIRING_SIMS,
    PAIRING_STOCK, stock_iccids, stock_imeis,
)
from kiosk.sandbox.validate import Req
from tests.sandbox.conftest import ok
from tests.sandbox.test_behaviour import err

DOC = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()
DEVICES = "/projects/demo/devices"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def find_sim(api: httpx.Client, iccid: str) -> list[dict]:
    return ok(api.post("/projects/demo/sims/search", json={"iccid": iccid}))["items"]


def holders(api: httpx.Client, sim_id: str) -> list[str]:
    return [d["id"] for d in ok(api.get(DEVICES, params={"sim": sim_id}))["items"]]


def create(api: httpx.Client, imei: str, sims: list[str] | None = None, **extra: object
           ) -> httpx.Response:
    return api.post(DEVICES, json={"imei": imei, "sims": sims, **extra})


def doc_table(heading: str) -> dict[str, str]:
    """key -> second column of the first table after `heading` in docs/sandbox.md."""
    section = DOC.split(heading, 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| `(\d+)` \|", section.split("\n## ", 1)[0], re.MULTILINE)
    return dict(rows)


# -- the stock --------------------------------------------------------------------------------

def test_stock_iccids_are_fixed_valid_and_documented() -> None:
    assert len(PAIRING_STOCK) == 14 and len(set(PAIRING_STOCK.values())) == 14
    assert {k for k in PAIRING_STOCK if k.startswith("psim")} == {f"psim{n}" for n in range(1, 9)}
    assert {k for k in PAIRING_STOCK if k.startswith("esim")} == {f"esim{n}" for n in range(1, 5)}
    for iccid in PAIRING_STOCK.values():
        assert re.fullmatch(r"89\d{17,18}", iccid) and luhn_ok(iccid), iccid
        assert not iccid.startswith("8942424242")  # not the test SIMs' prefix
    assert PAIRING_STOCK["psim1"] == "89883071500000000014"  # fixed: printed sheets use them
    documented = doc_table("## Pairing station stock")
    assert {k: v for k, v in documented.items() if k in PAIRING_STOCK} == PAIRING_STOCK
    assert set(documented) == set(PAIRING_STOCK) | set(PAIRING_IMEIS)
    assert {k: v for k, v in documented.items() if k in PAIRING_IMEIS} == PAIRING_IMEIS
    assert f"`{PACKED_IMEI}`" in DOC


def test_stock_is_seeded_unattached_except_one(api) -> None:
    for sim in PAIRING_SIMS:
        [found] = find_sim(api, sim.iccid)
        assert found["id"] == PAIRING_SIM_IDS[sim.key] and found["type"] == sim.type
        assert found["status"] == ("retired" if sim.key == "retired" else "inactive")
        expected = [PACKED_DEVICE_ID] if sim.key == "attached" else []
        assert holders(api, found["id"]) == expected, sim.key
    assert ok(api.get(f"/projects/demo/sims/{PAIRING_SIM_IDS['retired']}"))["status"] == "retired"
    [packed] = ok(api.post(f"{DEVICES}/search", json={"imei": PACKED_IMEI}))["items"]
    assert [s["iccid"] for s in packed["sims"]] == [PAIRING_STOCK["attached"]]
    esim = find_sim(api, PAIRING_STOCK["esim1"])[0]["id"]
    creds = ok(api.get(f"/projects/demo/sims/{esim}/credentials"))
    assert creds["activationCode"].startswith("LPA:1$")


def test_pairing_imeis_are_unregistered_models_of_the_tac_table(api) -> None:
    assert not set(PAIRING_IMEIS.values()) & (set(DEMO_IMEIS.values()) | {PACKED_IMEI})
    models = {}
    for key, imei in PAIRING_IMEIS.items():
        assert re.fullmatch(r"\d{15}", imei) and luhn_ok(imei), key
        assert ok(api.post(f"{DEVICES}/search", json={"imei": imei}))["items"] == []
        [model] = ok(api.post("/deviceModels/search", json={"imei": imei}))["items"]
        models[key] = model
    # One dual-SIM box: two IMEIs of the same TAC, serials a few apart.
    one, two = PAIRING_IMEIS["pair4"], PAIRING_IMEIS["pair5"]
    assert one[:8] == two[:8] and 0 < int(two[8:14]) - int(one[8:14]) <= 10
    assert models["pair4"]["id"] == models["pair5"]["id"]
    assert models["pair6"]["simTypes"] == ["eSIM"]  # a pSIM is refused by the station
    assert "pSIM" in models["pair1"]["simTypes"]


# -- create, list by SIM, update, delete -----------------------------------------------------------

def test_create_with_a_stock_sim_then_the_422s(api, sandbox) -> None:
    sim = PAIRING_SIM_IDS["psim1"]
    created = ok(create(api, PAIRING_IMEIS["pair1"], [sim], name="Box 1",
                        metadata={"batch": "7"}))
    assert [s["id"] for s in created["sims"]] == [sim] and created["model"]["name"] == "Galaxy A15"
    assert created["name"] == "Box 1" and created["metadata"] == {"batch": "7"}
    assert holders(api, sim) == [created["id"]]
    devices = len(sandbox.sandbox.store.devices)

    again = err(create(api, PAIRING_IMEIS["pair1"], [PAIRING_SIM_IDS["psim2"]]), 422,
                "deviceAlreadyExists")
    assert again["type"] == "invalid" and again["details"][0]["property"] == "imei"
    used = err(create(api, PAIRING_IMEIS["pair2"], [sim]), 422, "simAlreadyUsed")
    assert used["type"] == "invalid" and used["details"][0]["property"] == "sims"
    err(create(api, PAIRING_IMEIS["pair2"], [PAIRING_SIM_IDS["attached"]]), 422, "simAlreadyUsed")
    err(create(api, PAIRING_IMEIS["pair2"], ["sim_nope"]), 422, "simNotFound")
    err(create(api, PAIRING_IMEIS["pair2"], [PAIRING_SIM_IDS["psim2"]] * 2), 422,
        "invalidParameter")
    err(create(api, PAIRING_IMEIS["pair2"], "sim_x"), 422, "invalidType")  # type: ignore[arg-type]
    assert len(sandbox.sandbox.store.devices) == devices  # nothing created by a refusal
    assert holders(api, PAIRING_SIM_IDS["psim2"]) == []


def test_a_refused_create_makes_no_test_sim(api, sandbox) -> None:
    sims = len(sandbox.sandbox.store.sims)
    err(create(api, PAIRING_IMEIS["pair2"], ["sim_test_psim", PAIRING_SIM_IDS["attached"]]), 422,
        "simAlreadyUsed")
    err(create(api, DEMO_IMEIS["esim"], ["sim_test_psim"]), 422, "deviceAlreadyExists")
    assert len(sandbox.sandbox.store.sims) == sims


def test_duplicate_imei_switch(api) -> None:
    ok(api.patch("/_sandbox/settings", json={"duplicate_imei": "allow"}))
    assert ok(create(api, DEMO_IMEIS["esim"]))["imei"] == DEMO_IMEIS["esim"]
    assert len(ok(api.post(f"{DEVICES}/search", json={"imei": DEMO_IMEIS["esim"]}))["items"]) == 2
    assert api.patch("/_sandbox/settings", json={"duplicate_imei": "maybe"}).status_code == 422


def test_test_sim_placeholders_create_a_new_test_sim(api) -> None:
    created = ok(create(api, PAIRING_IMEIS["pair3"], ["sim_test_psim"]))
    [sim] = created["sims"]
    assert sim["id"].startswith("sim_") and sim["id"] != "sim_test_psim"
    assert sim["provider"] == "test" and sim["status"] == "inactive" and sim["type"] == "pSIM"
    assert sim["iccid"].startswith("8942424242") and len(sim["iccid"]) == 20
    assert [s["id"] for s in find_sim(api, sim["iccid"])] == [sim["id"]]  # searchable at once
    other = ok(create(api, PAIRING_IMEIS["pair4"], ["sim_test_psim"]))  # a placeholder is no SIM
    assert other["sims"][0]["id"] != sim["id"]


def test_patch_attaches_and_detaches(api) -> None:
    device = ok(create(api, PAIRING_IMEIS["pair4"]))
    assert device["sims"] == []
    url = f"{DEVICES}/{device['id']}"
    psim, esim = PAIRING_SIM_IDS["psim3"], PAIRING_SIM_IDS["esim1"]
    ok(api.patch(url, json={"sims": [psim]}))
    both = ok(api.patch(url, json={"sims": [psim, esim]}))  # its own SIM again is fine
    assert [s["id"] for s in both["sims"]] == [psim, esim]
    assert holders(api, esim) == [device["id"]]
    err(api.patch(url, json={"sims": [psim, PAIRING_SIM_IDS["attached"]], "name": "x"}), 422,
        "simAlreadyUsed")
    err(api.patch(url, json={"sims": ["sim_nope"]}), 422, "simNotFound")
    err(api.patch(url, json={"sims": None}), 422, "invalidType")  # `array`, not nullable
    unchanged = ok(api.get(url))
    assert [s["id"] for s in unchanged["sims"]] == [psim, esim] and unchanged["name"] is None
    # Another device may not take it; after the detach it may.
    other = ok(create(api, PAIRING_IMEIS["pair5"]))
    err(api.patch(f"{DEVICES}/{other['id']}", json={"sims": [psim]}), 422, "simAlreadyUsed")
    assert ok(api.patch(url, json={"sims": []}))["sims"] == []
    assert holders(api, psim) == [] and holders(api, esim) == []
    assert [s["id"] for s in ok(api.patch(f"{DEVICES}/{other['id']}",
                                          json={"sims": [psim]}))["sims"]] == [psim]
    # The packed device lets its own SIM go.
    ok(api.patch(f"{DEVICES}/{PACKED_DEVICE_ID}", json={"sims": []}))
    assert holders(api, PAIRING_SIM_IDS["attached"]) == []


def test_list_by_sim_strictness(api) -> None:
    err(api.get(DEVICES, params={"sim": ""}), 422, "invalidParameter")
    assert ok(api.get(DEVICES, params={"sim": "sim_nope"}))["items"] == []


def test_delete_returns_the_device_and_frees_its_sim(api) -> None:
    sim = PAIRING_SIM_IDS["psim4"]
    created = ok(create(api, PAIRING_IMEIS["pair2"], [sim]))
    deleted = ok(api.delete(f"{DEVICES}/{created['id']}"))
    assert deleted["id"] == created["id"] and [s["id"] for s in deleted["sims"]] == [sim]
    err(api.get(f"{DEVICES}/{created['id']}"), 404)
    err(api.delete(f"{DEVICES}/{created['id']}"), 404)
    assert holders(api, sim) == []
    assert ok(create(api, PAIRING_IMEIS["pair2"], [sim]))["id"] != created["id"]


def test_retired_sim_shows_retired_and_is_not_refused_by_the_api(api) -> None:
    [retired] = find_sim(api, PAIRING_STOCK["retired"])
    assert retired["status"] == "retired"
    # The docs name the status but no rule against attaching it: the kiosk refuses it.
    created = ok(create(api, PAIRING_IMEIS["pair1"], [retired["id"]]))
    assert created["sims"][0]["status"] == "retired"


# -- idempotency ---------------------------------------------------------------------------------

def test_a_resend_with_the_same_key_returns_the_same_device(api, sandbox) -> None:
    body = {"imei": PAIRING_IMEIS["pair3"], "sims": [PAIRING_SIM_IDS["psim5"]]}
    first = api.post(DEVICES, json=body, headers={"Idempotency-Key": "pair-1"})
    again = api.post(DEVICES, json=body, headers={"Idempotency-Key": "pair-1"})
    assert ok(again)["id"] == ok(first)["id"] and again.headers["idempotent-replayed"] == "true"
    err(api.post(DEVICES, json=body, headers={"Idempotency-Key": "pair-2"}), 422,
        "deviceAlreadyExists")  # a new key is a new request
    err(api.post(DEVICES, json={**body, "name": "x"}, headers={"Idempotency-Key": "pair-1"}),
        422, "idempotencyKeyReused")


def test_a_lost_answer_then_a_resend_with_the_key_is_not_a_422(api, sandbox) -> None:
    ok(api.post("/_sandbox/faults", json={"kind": "drop_after", "method": "POST",
                                          "path": "*/devices", "count": 1}))
    body = {"imei": PAIRING_IMEIS["pair6"], "sims": [PAIRING_SIM_IDS["esim2"]]}
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(DEVICES, json=body, headers={"Idempotency-Key": "lost-1"})
    store = sandbox.sandbox.store
    [made] = [d for d in store.devices.values() if d["imei"] == body["imei"]]
    assert ok(api.post(DEVICES, json=body, headers={"Idempotency-Key": "lost-1"}))["id"] == made["id"]
    assert [d["id"] for d in store.devices.values() if d["imei"] == body["imei"]] == [made["id"]]
    # With keys ignored (or without a key) the resend is refused: the client must search.
    ok(api.patch("/_sandbox/settings", json={"idempotency": "ignored"}))
    err(api.post(DEVICES, json=body, headers={"Idempotency-Key": "lost-1"}), 422,
        "deviceAlreadyExists")


# -- bulk stock --------------------------------------------------------------------------------

def test_bulk_stock_of_1000_is_fast_and_searchable(api, sandbox) -> None:
    started = time.perf_counter()
    bench = Sandbox(SandboxConfig(sim_stock=1000))
    assert time.perf_counter() - started < 0.3
    iccids, imeis = stock_iccids(1000), stock_imeis(1000)
    assert len(set(iccids)) == 1000 and not set(iccids) & set(PAIRING_STOCK.values())
    assert all(luhn_ok(i) and len(i) == 20 and i.startswith("89") for i in iccids)
    assert len(set(imeis)) == 1000 and all(luhn_ok(i) and len(i) == 15 for i in imeis)
    assert not set(imeis) & (set(DEMO_IMEIS.values()) | set(PAIRING_IMEIS.values()))
    assert stock_iccids(3) == iccids[:3] and stock_imeis(3) == imeis[:3]  # deterministic
    store = bench.store
    assert not {d["imei"] for d in store.devices.values()} & set(imeis)
    assert {"pSIM"} <= set(store.device_models[store.tacs[imeis[0][:8]][0]]["simTypes"])
    for iccid in iccids:  # every one found, in process (fast)
        status, found = api_sims.search_sims(store, Req("POST", "", {}, {}, {"iccid": iccid}))
        assert status == 200 and [s["status"] for s in found["items"]] == ["inactive"], iccid
    # ... and over HTTP, after switching the loopback sandbox to the same stock.
    ok(api.patch("/_sandbox/settings", json={"sim_stock": 1000}))
    ok(api.post("/_sandbox/reset"))
    for iccid in [*iccids[::97], iccids[-1]]:
        [sim] = find_sim(api, iccid)
        assert sim["type"] == "pSIM" and holders(api, sim["id"]) == []
    assert find_sim(api, stock_iccids(1001)[-1]) == []
    ok(create(api, imeis[0], [find_sim(api, iccids[0])[0]["id"]]))


def test_sim_stock_is_validated() -> None:
    for bad in (-1, 100_001, "5", True):
        with pytest.raises(ValueError):
            SandboxConfig(sim_stock=bad)  # type: ignore[arg-type]
    assert SandboxConfig().sim_stock == 0


# -- demo sheet ---------------------------------------------------------------------------------

def test_demo_sheet_carries_the_pairing_page() -> None:
    from kiosk.sandbox import demo_sheet

    page = demo_sheet.render_pairing_page()
    codes = [digits for _, digits, _ in demo_sheet.pairing_codes()]
    assert set(PAIRING_STOCK.values()) | set(PAIRING_IMEIS.values()) <= set(codes)
    assert demo_sheet.verify([page]) == [d for d in demo_sheet.expected_codes()
                                         if d not in codes]  # only the other page's IMEIs
