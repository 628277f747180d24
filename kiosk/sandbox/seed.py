"""Seed data of the sandbox: one device per path the kiosk must handle, plans, users, payment.

Ids are stable (derived from names) so the demo sheet and the docs can name them; IMEIs are
Luhn-valid and built from the TACs of the device models below.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.sandbox import ids
from kiosk.sandbox.store import SMDP_ADDRESS, Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC).timestamp()
GB = 1_000_000_000


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class DemoDevice:
    """A seeded IMEI and what it demonstrates at the kiosk."""

    key: str
    imei: str
    label: str
    demonstrates: str
    registered: bool = True


# Device models: key -> (brand, name, simTypes, type, TACs).
MODELS: dict[str, tuple[str, str, list[str], str, list[str]]] = {
    "pixel9": ("Google", "Pixel 9", ["eSIM", "pSIM"], "smartphone", ["35850731"]),
    "pixel9pro": ("Google", "Pixel 9 Pro", ["eSIM", "pSIM"], "smartphone", ["35850732"]),
    "pixel8a": ("Google", "Pixel 8a", ["eSIM", "pSIM"], "smartphone", ["35915810"]),
    "iphone13pro": ("Apple", "iPhone 13 Pro", ["pSIM", "eSIM"], "smartphone", ["35391811"]),
    "iphone15": ("Apple", "iPhone 15", ["eSIM"], "smartphone", ["35671512"]),
    "galaxys24": ("Samsung", "Galaxy S24", ["eSIM", "pSIM"], "smartphone", ["35067221"]),
    "galaxya15": ("Samsung", "Galaxy A15", ["pSIM"], "smartphone", ["35460219"]),
    "nokiag42": ("Nokia", "G42 5G", ["pSIM"], "smartphone", ["35209017"]),
    "nokia105": ("Nokia", "105", ["pSIM"], "feature-phone", ["35177512"]),
    "watch9": ("Apple", "Watch Series 9", ["eSIM"], "smartwatch", ["35387710"]),
    "ipadair": ("Apple", "iPad Air", ["eSIM"], "tablet", ["35443312"]),
    "fairphone5": ("Fairphone", "Fairphone 5", ["eSIM", "pSIM"], "smartphone", ["35188620"]),
    "edge50": ("Motorola", "edge 50", ["eSIM", "pSIM"], "smartphone", ["35099120"]),
}

DEMO_DEVICES: list[DemoDevice] = [
    DemoDevice("esim", ids.imei("35850731", "104212"), "Google Pixel 9",
               "eSIM phone with an inactive eSIM assigned: activate and get the QR code"),
    DemoDevice("psim", ids.imei("35391811", "270459"), "Apple iPhone 13 Pro",
               "physical SIM already inside the phone (the seed guide's flow)"),
    DemoDevice("dual1", ids.imei("35067221", "553018"), "Samsung Galaxy S24 (IMEI 1)",
               "dual-SIM box, first IMEI: a pSIM and an eSIM, both inactive"),
    DemoDevice("dual2", ids.imei("35067221", "553026"), "Samsung Galaxy S24 (IMEI 2)",
               "dual-SIM box, second IMEI (not registered by itself: search both)",
               registered=False),
    DemoDevice("active", ids.imei("35671512", "881247"), "Apple iPhone 15",
               "SIM already has an active subscription: no new order"),
    DemoDevice("pending", ids.imei("35099120", "417730"), "Motorola edge 50",
               "subscription pending until first use (plan activates on usage)"),
    DemoDevice("delayed", ids.imei("35209017", "660391"), "Nokia G42 5G",
               "pSIM that activates after a delay (test SIM, 45 s by default)"),
    DemoDevice("watch", ids.imei("35387710", "902115"), "Apple Watch Series 9",
               "smartwatch with an eSIM"),
    DemoDevice("tablet", ids.imei("35443312", "318804"), "Apple iPad Air",
               "tablet with an eSIM that needs a confirmation code"),
    DemoDevice("profile", ids.imei("35915810", "245566"), "Google Pixel 8a",
               "eSIM on a provider that reports the profile's install status (p3)"),
    DemoDevice("nosim", ids.imei("35188620", "731950"), "Fairphone 5",
               "registered device with no SIM at all"),
    DemoDevice("unregistered_esim", ids.imei("35850732", "118833"), "Google Pixel 9 Pro",
               "not registered; the model supports eSIM", registered=False),
    DemoDevice("unregistered_psim", ids.imei("35460219", "006671"), "Samsung Galaxy A15",
               "not registered; the model has no eSIM", registered=False),
    DemoDevice("unknown", ids.imei("86412903", "551208"), "unknown phone",
               "IMEI of a model the API does not know", registered=False),
]
DEMO_IMEIS = {d.key: d.imei for d in DEMO_DEVICES}

# -- the pairing station's stock (issue 15) -------------------------------------------------------
#
# ICCIDs: "8988307" (the prefix of the p4 pSIM in the SIMs guide, 89883070000007537119), a 4-digit
# batch, an 8-digit serial and the Luhn digit: 20 digits. Not the test prefix 8942424242: that one
# belongs to provider `test` and the placeholders, and this stock stands for real SIMs shipped to
# the project (a pSIM is "associated with the project before use", REFERENCE 2.9), on p4 (pSIM)
# and p9 (eSIM) like the seeded plans, so a paired phone can then be activated at the kiosk.
STOCK_PREFIX = "8988307"
PAIRING_BATCH = 1500
BULK_BATCH = 1501


def stock_iccid(batch: int, serial: int) -> str:
    body = f"{STOCK_PREFIX}{batch:04d}{serial:08d}"
    return body + ids.luhn_check_digit(body)


@dataclass(frozen=True)
class StockSim:
    """A SIM of the pairing stock: its key, ICCID, type, provider, status and what it is for."""

    key: str
    iccid: str
    type: str
    provider: str
    status: str
    state: str
    sim_id: str


def _stock(key: str, serial: int, type_: str, status: str = "inactive",
           state: str = "unattached") -> StockSim:
    return StockSim(key, stock_iccid(PAIRING_BATCH, serial), type_, "p4" if type_ == "pSIM" else "p9",
                    status, state, ids.stable_id("sim", f"stock_{key}"))


PAIRING_SIMS: list[StockSim] = [
    *(_stock(f"psim{n}", n, "pSIM") for n in range(1, 9)),
    *(_stock(f"esim{n}", 100 + n, "eSIM") for n in range(1, 5)),
    _stock("retired", 901, "pSIM", status="retired", state="retired, unattached"),
    _stock("attached", 902, "pSIM", state="inside the packed Motorola (PACKED_IMEI)"),
]
PAIRING_STOCK: dict[str, str] = {s.key: s.iccid for s in PAIRING_SIMS}
PAIRING_SIM_IDS: dict[str, str] = {s.key: s.sim_id for s in PAIRING_SIMS}


@dataclass(frozen=True)
class PairingImei:
    """An IMEI that is not registered as a device: pair it with a stock SIM."""

    key: str
    imei: str
    label: str
    demonstrates: str


PAIRING_DEVICES: list[PairingImei] = [
    PairingImei("pair1", ids.imei("35460219", "150011"), "Samsung Galaxy A15",
                "pSIM only: pair a stock pSIM; an eSIM is refused"),
    PairingImei("pair2", ids.imei("35209017", "150029"), "Nokia G42 5G", "pSIM only"),
    PairingImei("pair3", ids.imei("35188620", "150037"), "Fairphone 5", "eSIM and pSIM"),
    PairingImei("pair4", ids.imei("35067221", "150045"), "Samsung Galaxy S24 (IMEI 1)",
                "dual-SIM box, first IMEI (eSIM and pSIM)"),
    PairingImei("pair5", ids.imei("35067221", "150053"), "Samsung Galaxy S24 (IMEI 2)",
                "the same box, second IMEI"),
    PairingImei("pair6", ids.imei("35671512", "150061"), "Apple iPhone 15",
                "eSIM only: a pSIM is refused"),
]
PAIRING_IMEIS: dict[str, str] = {d.key: d.imei for d in PAIRING_DEVICES}
#: A registered device (Motorola edge 50) that already holds the "attached" stock pSIM.
PACKED_IMEI = ids.imei("35099120", "150079")
PACKED_DEVICE_ID = ids.stable_id("dev", "packed")
#: Bulk stock (`SandboxConfig.sim_stock`): Galaxy A15 IMEIs (pSIM only) from this serial on.
STOCK_TAC, STOCK_FIRST_SERIAL, MAX_STOCK_IMEIS = "35460219", 200_000, 800_000
_STOCK_CREATED = T0 + 50  # older than the demo SIMs: newest-first lists show those first
_STOCK_RNG_SEED = "pairing-stock"


def stock_iccids(n: int) -> list[str]:
    """The ICCIDs of the first `n` bulk stock pSIMs (`SandboxConfig(sim_stock=n)` seeds them)."""
    return [stock_iccid(BULK_BATCH, i) for i in range(1, n + 1)]


def stock_imeis(n: int) -> list[str]:
    """`n` distinct valid IMEIs of a pSIM-only model (Galaxy A15), none registered."""
    if not 0 <= n <= MAX_STOCK_IMEIS:
        raise ValueError(f"n must be from 0 to {MAX_STOCK_IMEIS}")
    return [ids.imei(STOCK_TAC, f"{STOCK_FIRST_SERIAL + i:06d}") for i in range(n)]


def _stock_records() -> list[tuple[dict[str, Any], str | None]]:
    """The pairing stock as sim records with their eSIM activation codes (built at import)."""
    rng = random.Random(_STOCK_RNG_SEED)  # not the store's: its sequence stays as before
    out: list[tuple[dict[str, Any], str | None]] = []
    for s in PAIRING_SIMS:
        code = f"LPA:1${SMDP_ADDRESS}${ids.matching_id(rng)}" if s.type == "eSIM" else None
        out.append(({"object": "sim", "id": s.sim_id, "metadata": {},
                     "createdAt": _stamp(_STOCK_CREATED), "iccid": s.iccid,
                     "provider": s.provider, "status": s.status, "type": s.type}, code))
    return out


_STOCK_RECORDS = _stock_records()


def populate_stock(store: Store) -> None:
    """The pairing stock, the packed device holding one of it, and `sim_stock` bulk pSIMs."""
    for record, code in _STOCK_RECORDS:
        store.put(store.sims, dict(record), delay=0.0, activation_code=code, activated_at=None)
    store.put(store.devices, {
        "object": "device", "id": PACKED_DEVICE_ID, "metadata": {},
        "createdAt": _stamp(T0 + 900), "imei": PACKED_IMEI,
        "model": ids.stable_id("dmd", "edge50"), "name": None,
        "sims": [PAIRING_SIM_IDS["attached"]], "user": None})
    stamp = _stamp(_STOCK_CREATED)
    for n, iccid in enumerate(stock_iccids(store.config.sim_stock), 1):
        store.put(store.sims, {"object": "sim", "id": ids.stable_id("sim", f"bulk{n}"),
                               "metadata": {}, "createdAt": stamp, "iccid": iccid,
                               "provider": "p4", "status": "inactive", "type": "pSIM"},
                  delay=0.0, activation_code=None, activated_at=None)


PLAN_IDS = {k: ids.stable_id("pln", k) for k in
            ("travel", "classic", "unlimited", "resident", "payg", "watch", "legacy")}
STORE_USER_ID = ids.stable_id("usr", "store")
JERRY_USER_ID = ids.stable_id("usr", "jerry")
ANNA_USER_ID = ids.stable_id("usr", "anna")
#: The store's own methods (owned by the store's user, and by the project): they pay any order.
STORE_PAYMENT_METHOD_ID = "pm_1SandboxStoreCounter4242"
DECLINED_PAYMENT_METHOD_ID = "pm_1SandboxDeclinedCard0002"
#: The store's, but `requiresConfirmation` (never confirmed): it cannot pay an order.
REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID = "pm_1SandboxNeedsConfirm3184"
#: Jerry's own card: it pays Jerry's orders only, never another user's.
JERRY_PAYMENT_METHOD_ID = "pm_1SandboxJerrysCard1881"


def _plan(key: str, name: str, description: str, *, sim_types: list[str], data: int | None,
          voice: int | None, sms: int | None, price: int, validity: dict[str, Any],
          provider: str, address: str = "none", full_name: str = "none",
          trigger: str = "creation", status: str = "available", created: float = T0,
          countries: list[str] | None = None,
          metadata: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "object": "plan", "id": PLAN_IDS[key], "metadata": metadata or {}, "name": name,
        "description": description, "status": status, "simTypes": sim_types,
        "activationTrigger": trigger, "firstPeriodTrigger": "activation",
        "allowances": {"dataBytes": data, "voiceSeconds": voice, "smsMessages": sms},
        "limits": {"dataBytes": None, "bandwidthBitsPerSecond": None},
        "coverage": {"object": "coverage", "id": "eu",
                     "countries": countries or ["DE", "AT", "FR", "NL", "IT", "ES"]},
        "image": None, "price": {"amount": price, "currency": "EUR"}, "provider": provider,
        "requirements": {"address": address, "user.birthday": "none", "user.fullName": full_name,
                         "device": "none"},
        "validity": validity, "createdAt": _stamp(created),
    }


MONTHLY = {"value": 1, "unit": "month", "type": "recurring", "minimumPeriods": 1}


def plans() -> list[dict[str, Any]]:
    return [
        _plan("travel", "Travel 5 GB", "5 GB of data across Europe for 30 days. Data only.",
              sim_types=["eSIM"], data=5 * GB, voice=0, sms=0, price=999, provider="p9",
              validity={"value": 30, "unit": "day", "type": "oneTime", "minimumPeriods": 1},
              created=T0 + 60),
        _plan("classic", "Classic 10 GB", "10 GB, 300 minutes and 100 texts every month.",
              sim_types=["pSIM"], data=10 * GB, voice=18_000, sms=100, price=1499,
              provider="p4", validity=MONTHLY, created=T0 + 120),
        _plan("unlimited", "Unlimited Europe", "Unlimited data, calls and texts in Europe.",
              sim_types=["eSIM", "pSIM"], data=None, voice=None, sms=None, price=3999,
              provider="p9", validity=MONTHLY, created=T0 + 180),
        _plan("resident", "Resident 20 GB", "20 GB and unlimited calls. Needs your home address.",
              sim_types=["eSIM", "pSIM"], data=20 * GB, voice=None, sms=None, price=1999,
              provider="p3", validity=MONTHLY, address="present", full_name="present",
              created=T0 + 240),
        _plan("payg", "Starter 1 GB", "1 GB for 7 days; starts when you first use it.",
              sim_types=["eSIM"], data=1 * GB, voice=0, sms=0, price=499, provider="p9",
              trigger="usageStarted",
              validity={"value": 7, "unit": "day", "type": "oneTime", "minimumPeriods": 1},
              created=T0 + 300),
        # Which devices a plan is for is not a documented plan field: the kiosk reads it from
        # the plan's metadata (kiosk.flow.catalog.DEVICE_TYPES_KEY); a plan without it is a
        # phone plan (phones and tablets).
        _plan("watch", "Watch Connect", "Unlimited data for your smartwatch.",
              sim_types=["eSIM"], data=None, voice=None, sms=None, price=599, provider="p9",
              validity=MONTHLY, created=T0 + 360, metadata={"deviceTypes": "smartwatch"}),
        _plan("legacy", "Legacy 2 GB", "No longer sold.", sim_types=["eSIM", "pSIM"],
              data=2 * GB, voice=6_000, sms=50, price=799, provider="p4", validity=MONTHLY,
              status="archived", created=T0),
    ]


def populate(store: Store) -> None:
    """Fill an empty store with the demo world."""
    created = T0
    for key, (brand, name, sim_types, type_, tacs) in MODELS.items():
        model_id = ids.stable_id("dmd", key)
        store.put(store.device_models, {"object": "deviceModel", "id": model_id, "brand": brand,
                                        "name": name, "simTypes": sim_types, "type": type_},
                  created=created)
        for tac in tacs:
            store.tacs.setdefault(tac, []).append(model_id)

    for plan in plans():
        store.put(store.plans, plan)

    def user(key: str, email: str, full_name: str | None, at: float) -> str:
        return store.put(store.users, {
            "object": "user", "id": ids.stable_id("usr", key), "metadata": {}, "email": email,
            "emailVerified": True, "fullName": full_name, "birthday": None,
            "preferredLocale": "en-US", "status": "active", "createdAt": _stamp(at)})

    store_user = user("store", "counter@store.example", "Store counter", T0 + 10)
    jerry = user("jerry", "jerry@example.com", "Jerry Seinfeld", T0 + 20)
    anna = user("anna", "anna@example.com", "Anna Schmidt", T0 + 30)
    for pm_id, last4, owner, status, declines in (
            (STORE_PAYMENT_METHOD_ID, "4242", store_user, "available", False),
            (DECLINED_PAYMENT_METHOD_ID, "0002", store_user, "available", True),
            (REQUIRES_CONFIRMATION_PAYMENT_METHOD_ID, "3184", store_user, "requiresConfirmation",
             False),
            (JERRY_PAYMENT_METHOD_ID, "1881", jerry, "available", False)):
        secret = f"seti_{pm_id[3:]}_secret_sandbox" if status == "requiresConfirmation" else None
        store.put(store.payment_methods, {
            "object": "paymentMethod", "id": pm_id, "brand": "visa", "clientSecret": secret,
            "last4": last4, "provider": "stripe", "status": status, "type": "card",
            "user": owner, "createdAt": _stamp(T0 + 40)},
            declines=declines, project_owned=owner == store_user)

    def device(key: str, model: str | None, sims: list[str], owner: str | None, at: float) -> str:
        return store.put(store.devices, {
            "object": "device", "id": ids.stable_id("dev", key), "metadata": {},
            "createdAt": _stamp(at), "imei": DEMO_IMEIS[key],
            "model": ids.stable_id("dmd", model) if model else None, "name": None,
            "sims": sims, "user": owner})

    def sim(key: str, type_: str, provider: str, **kw: Any) -> str:
        return store.add_sim(type_=type_, provider=provider, sim_id=ids.stable_id("sim", key),
                             created=T0 + 100, **kw)

    at = T0 + 1000
    device("esim", "pixel9", [sim("esim", "eSIM", "p9")], None, at)
    device("psim", "iphone13pro", [sim("psim", "pSIM", "p4", iccid="89014104271234567896")],
           None, at + 1)
    device("dual1", "galaxys24", [sim("dual_p", "pSIM", "p4"), sim("dual_e", "eSIM", "p9")],
           None, at + 2)
    active_sim = sim("active", "eSIM", "p9", status="active")
    device("active", "iphone15", [active_sim], jerry, at + 3)
    active_sub = store.create_subscription(plan_id=PLAN_IDS["unlimited"], sim_ref=active_sim,
                                           user_id=jerry, address_id=None, created=T0 + 2000)
    store._activate(active_sub, T0 + 2000)
    pending_sim = sim("pending", "eSIM", "p9")
    device("pending", "edge50", [pending_sim], anna, at + 4)
    store.create_subscription(plan_id=PLAN_IDS["payg"], sim_ref=pending_sim, user_id=anna,
                              address_id=None, created=T0 + 2100)
    delayed = sim("delayed", "pSIM", "test", iccid=ids.iccid("8942424242", store.rng),
                  delay=store.config.delayed_sim_seconds)
    device("delayed", "nokiag42", [delayed], None, at + 5)
    device("watch", "watch9", [sim("watch", "eSIM", "p9")], None, at + 6)
    device("tablet", "ipadair", [sim("tablet", "eSIM", "p9", confirmation_code=True)], None, at + 7)
    device("profile", "pixel8a", [sim("profile", "eSIM", "p3")], None, at + 8)
    device("nosim", "fairphone5", [], None, at + 9)
    populate_stock(store)
    store.tick()
