"""In-memory state of the sandbox: records in the reference's shapes, and time-based provisioning.

Transitions (order pending -> paid -> completed, eSIM provisioning, subscription activation,
eSIM profile progression) are scheduled as timestamps and applied lazily by `tick()` at the
start of every request. No background task is needed, so the sandbox behaves the same
in-process and behind uvicorn, and a test can jump ahead with `advance()`.
"""

from __future__ import annotations

import calendar
import random
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from kiosk.sandbox import ids
from kiosk.sandbox.config import SandboxConfig

# Test SIM placeholders (reference section 4): id -> (type, ICCID, delay kind).
PLACEHOLDERS: dict[str, tuple[str, str, str]] = {
    "sim_test_psim": ("pSIM", "89424242424242424242", "now"),
    "sim_test_esim": ("eSIM", "89424242420000037469", "now"),
    "sim_test_psim_delayed_up_to_one_min": ("pSIM", "89424242420033529334", "delayed"),
    "sim_test_psim_delayed_four_hours": ("pSIM", "89424242423487468777", "four_hours"),
}
PROFILE_PROVIDERS = frozenset({"p3", "p14", "p15"})
SMDP_ADDRESS = "smdp.sandbox.gigs.example"
OPEN_SUBSCRIPTION = ("pending", "initiated", "active")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_period(ts: float, validity: dict[str, Any] | None) -> float:
    """End of the first period of a plan's validity (days or calendar months)."""
    if not validity:
        return ts + 30 * 86400
    value = int(validity.get("value") or 1)
    if validity.get("unit") == "day":
        return ts + value * 86400
    start = datetime.fromtimestamp(ts, UTC)
    month = start.month - 1 + value
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).timestamp()


class Store:
    def __init__(self, config: SandboxConfig, clock: Any = time.time) -> None:
        self.config = config
        self._clock = clock
        self.offset = 0.0
        self.rng = random.Random(config.seed)
        self.device_models: dict[str, dict[str, Any]] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self.sims: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.addresses: dict[str, dict[str, Any]] = {}
        self.payment_methods: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        #: Internal facts that are not part of any API object, keyed by object id.
        self.meta: dict[str, dict[str, Any]] = {}
        self.tacs: dict[str, list[str]] = {}  # TAC -> device model ids
        self.requests: Counter[str] = Counter()
        self._seq = 0
        self._pending_orders: set[str] = set()
        self._pending_subs: set[str] = set()
        self._iccid_index: dict[str, list[str]] = {}
        self._iccid_indexed = 0

    # -- time --------------------------------------------------------------------------------

    def now(self) -> float:
        return float(self._clock()) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        self.tick()

    # -- creating records ----------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return ids.new_id(prefix, self.rng)

    def put(self, table: dict[str, dict[str, Any]], record: dict[str, Any], **meta: Any) -> str:
        self._seq += 1
        self.meta[record["id"]] = {"seq": self._seq, **meta}
        table[record["id"]] = record
        return str(record["id"])

    def add_sim(
        self, *, type_: str, provider: str, iccid: str | None = None, status: str = "inactive",
        sim_id: str | None = None, delay: float = 0.0, created: float | None = None,
        confirmation_code: bool = False,
    ) -> str:
        record = {
            "object": "sim",
            "id": sim_id or self.new_id("sim"),
            "metadata": {},
            "createdAt": iso(created if created is not None else self.now()),
            "iccid": iccid or ids.iccid("8949", self.rng),
            "provider": provider,
            "status": status,
            "type": type_,
        }
        code = None
        if type_ == "eSIM":
            code = f"LPA:1${SMDP_ADDRESS}${ids.matching_id(self.rng)}"
            if confirmation_code:
                code += "$$1"  # empty OID, confirmation code required (GSMA SGP.22)
        return self.put(self.sims, record, delay=delay, activation_code=code,
                        activated_at=self.now() if status == "active" else None)

    def materialize_sim(self, ref: str) -> str:
        """A placeholder id creates a fresh test SIM (reference section 4); others pass through."""
        if ref not in PLACEHOLDERS:
            return ref
        type_, _, kind = PLACEHOLDERS[ref]
        delay = {"now": 0.0, "delayed": self.config.delayed_sim_seconds, "four_hours": 4 * 3600.0}[kind]
        return self.add_sim(type_=type_, provider="test", iccid=ids.iccid("8942424242", self.rng),
                            delay=delay)

    def placeholder(self, ref: str) -> dict[str, Any]:
        type_, iccid, _ = PLACEHOLDERS[ref]
        return {"object": "sim", "id": ref, "metadata": {}, "createdAt": "2021-01-01T00:00:00Z",
                "iccid": iccid, "provider": "test", "status": "inactive", "type": type_}

    def create_subscription(
        self, *, plan_id: str, sim_ref: str | None, user_id: str, address_id: str | None,
        created: float | None = None,
    ) -> str:
        """A pending subscription; `sim_ref` None means "auto" (an eSIM is provisioned)."""
        created = self.now() if created is None else created
        record: dict[str, Any] = {
            "object": "subscription", "id": self.new_id("sub"), "metadata": {},
            "status": "pending", "sim": sim_ref, "plan": plan_id, "user": user_id,
            "userAddress": address_id, "phoneNumber": None, "currentPeriod": None,
            "activatedAt": None, "canceledAt": None, "endedAt": None, "earliestEndAt": None,
            "firstUsageAt": None, "cancellationDetails": None, "porting": None,
            "lastPorting": None, "billing": None, "createdAt": iso(created),
        }
        provision_at = created + self.config.esim_provision_delay if sim_ref is None else None
        activate_at = None
        if sim_ref is not None:
            activate_at = created + self.meta[sim_ref]["delay"]
        sub_id = self.put(self.subscriptions, record, provision_at=provision_at,
                          activate_at=activate_at, used=False)
        self._pending_subs.add(sub_id)
        return sub_id

    def create_order(
        self, *, plan_id: str, pm_id: str, sim_ref: str | None, user_id: str,
        address_id: str | None, quoted: bool = False,
    ) -> str:
        """A pending order that pays and completes on its own, or a `quoted` one that stays."""
        plan = self.plans[plan_id]
        created = self.now()
        details: dict[str, Any] = {"sim": sim_ref or "auto", "user": user_id}
        if address_id:
            details["userAddress"] = address_id
        zero = {"amount": 0, "currency": plan["price"]["currency"]}
        record: dict[str, Any] = {
            "object": "order", "id": self.new_id("ord"), "metadata": {},
            "status": "quoted" if quoted else "pending",
            "subscription": None, "subscriptionDetails": details, "plan": plan_id,
            "addons": [], "subscriptionAddons": [], "price": dict(plan["price"]),
            "subtotal": dict(plan["price"]), "discount": zero, "taxes": [], "voucher": None,
            "lastPayment": None, "paymentMethod": pm_id, "user": user_id, "createdAt": iso(created),
        }
        step = self.config.order_delay / 2
        order_id = self.put(self.orders, record, paid_at=created + step,
                            complete_at=created + 2 * step, sim=sim_ref, address=address_id)
        if not quoted:  # a quote is no purchase: it neither pays nor holds its SIM
            self._pending_orders.add(order_id)
        return order_id

    # -- provisioning ----------------------------------------------------------------------------

    def tick(self) -> None:
        now = self.now()
        for order_id in sorted(self._pending_orders, key=lambda i: self.meta[i]["seq"]):
            self._advance_order(order_id, now)
        for sub_id in sorted(self._pending_subs, key=lambda i: self.meta[i]["seq"]):
            self._advance_subscription(sub_id, now)

    def _advance_order(self, order_id: str, now: float) -> None:
        order, meta = self.orders[order_id], self.meta[order_id]
        if order["status"] == "pending" and now >= meta["paid_at"]:
            pm = self.payment_methods[order["paymentMethod"]]
            declined = self.meta[pm["id"]].get("declines", False)
            order["lastPayment"] = {
                "object": "payment", "id": self.new_id("pay"), "amount": dict(order["price"]),
                "discount": dict(order["discount"]), "disputeOutcome": None,
                "failedAttempts": 1 if declined else 0,
                "failureCode": "paymentCardDeclined" if declined else None,
                "failureMessage": "The card was declined." if declined else None,
                "invoiceNumber": None, "method": pm["id"], "reason": "subscriptionCreation",
                "receipt": None, "createdAt": iso(meta["paid_at"]),
            }
            if declined:
                order["status"] = "canceled"
                self._pending_orders.discard(order_id)
                return
            order["status"] = "paid"
        if order["status"] == "paid" and now >= meta["complete_at"]:
            sub_id = self.create_subscription(
                plan_id=order["plan"], sim_ref=meta["sim"], user_id=order["user"],
                address_id=meta["address"], created=meta["complete_at"],
            )
            order["subscription"] = sub_id
            order["status"] = "completed"
            self._pending_orders.discard(order_id)
            self._advance_subscription(sub_id, now)

    def _advance_subscription(self, sub_id: str, now: float) -> None:
        sub, meta = self.subscriptions[sub_id], self.meta[sub_id]
        if sub["status"] != "pending":
            self._pending_subs.discard(sub_id)
            return
        plan = self.plans[sub["plan"]]
        if sub["sim"] is None and meta["provision_at"] is not None and now >= meta["provision_at"]:
            sim_id = self.add_sim(type_="eSIM", provider=plan.get("provider") or "p9",
                                  created=meta["provision_at"])
            sub["sim"] = sim_id
            meta["activate_at"] = meta["provision_at"]
        if sub["sim"] is None or meta["activate_at"] is None:
            return
        if plan.get("activationTrigger") == "usageStarted" and not meta["used"]:
            return  # stays pending until the phone uses the allowance
        at = max(meta["activate_at"], meta.get("used_at") or 0)
        if now >= at:
            self._activate(sub_id, at)

    def _activate(self, sub_id: str, at: float) -> None:
        sub = self.subscriptions[sub_id]
        plan = self.plans[sub["plan"]]
        sub["status"] = "active"
        sub["activatedAt"] = iso(at)
        end = add_period(at, plan.get("validity"))
        sub["currentPeriod"] = {"number": 1, "start": iso(at), "end": iso(end)}
        if plan.get("allowances", {}).get("voiceSeconds") != 0:
            sub["phoneNumber"] = "+49151" + "".join(self.rng.choice("0123456789") for _ in range(7))
        sim = self.sims[sub["sim"]]
        sim["status"] = "active"
        self.meta[sim["id"]]["activated_at"] = at
        self._pending_subs.discard(sub_id)

    def record_usage(self, sub_id: str) -> None:
        meta = self.meta[sub_id]
        meta["used"] = True
        meta["used_at"] = self.now()
        self.subscriptions[sub_id]["firstUsageAt"] = iso(self.now())
        self.tick()

    def esim_profile_status(self, sim_id: str) -> tuple[str, str]:
        """(status, updatedAt) of an eSIM's profile; only p3/p14/p15 report lifecycle states."""
        sim, meta = self.sims[sim_id], self.meta[sim_id]
        activated = meta.get("activated_at")
        if sim["provider"] not in PROFILE_PROVIDERS or activated is None:
            return "unknown", sim["createdAt"]
        step = self.config.profile_step_seconds
        now = self.now()
        if now >= activated + 2 * step:
            return "enabled", iso(activated + 2 * step)
        if now >= activated + step:
            return "installed", iso(activated + step)
        return "unknown", sim["createdAt"]

    # -- questions the handlers ask --------------------------------------------------------------

    def open_subscription_for_sim(self, sim_id: str) -> str | None:
        for sub in self.subscriptions.values():
            if sub["sim"] == sim_id and sub["status"] in OPEN_SUBSCRIPTION:
                return str(sub["id"])
        for order_id in self._pending_orders:
            if self.meta[order_id]["sim"] == sim_id:
                return order_id
        return None

    def sims_with_iccid(self, iccid: str) -> list[str]:
        """Ids of the SIMs with this ICCID (case-insensitive). SIMs are only ever added, and an
        ICCID never changes, so the index catches up with the table by its length."""
        if self._iccid_indexed != len(self.sims):
            self._iccid_index = {}
            for sim_id, sim in self.sims.items():
                self._iccid_index.setdefault(sim["iccid"].upper(), []).append(sim_id)
            self._iccid_indexed = len(self.sims)
        return list(self._iccid_index.get(iccid.upper(), []))

    def newest_first(self, table: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(table.values(), key=lambda r: (r.get("createdAt", ""), self.meta[r["id"]]["seq"]),
                      reverse=True)
