"""Settings of the embedded Gigs sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: What the sandbox does with a query filter the docs do not document (REFERENCE.md section 10),
#: above all `GET /subscriptions?sim=`. "honour": filter as asked; "ignore": answer as if the
#: filter were absent; "refuse": 422 `invalid`. The default "ignore" is the one that catches a
#: client trusting such a filter: it gets strangers' subscriptions and orders back.
UNDOCUMENTED_FILTERS_DEFAULT = "ignore"
UNDOCUMENTED_FILTERS = ("honour", "ignore", "refuse")
IDEMPOTENCY_MODES = ("enabled", "ignored", "reject")
ORDER_STARTS = ("pending", "quoted")
DEVICE_SEARCHES = ("project", "unowned")
DUPLICATE_IMEIS = ("refuse", "allow")
MAX_SIM_STOCK = 100_000


@dataclass
class SandboxConfig:
    project: str = "demo"
    #: None: any non-empty bearer token is accepted (the demo default).
    token: str | None = None
    #: "enabled": Idempotency-Key honoured on POST/DELETE that create or change something;
    #: "ignored": header has no effect; "reject": the project is not enrolled in the beta, so
    #: any request carrying the header fails (the older idempotency page).
    idempotency: str = "enabled"
    #: Query filters the docs do not document: "honour", "ignore" or "refuse" (see above).
    undocumented_filters: str = UNDOCUMENTED_FILTERS_DEFAULT
    #: HTTP status of `userAlreadyExists` (a duplicate email): the docs do not state it, so
    #: tests can run the client against both 422 (`invalid`, the guess) and 409 (`conflict`).
    user_exists_status: int = 422
    #: How a new order starts: "pending" (then paid, completed) or "quoted" (a project whose
    #: `POST /orders` makes quotes: the order stays `quoted` and never pays). The docs name the
    #: status but not how an order becomes one, so "quoted" simulates that unknown.
    orders_start_as: str = "pending"
    #: Device search: "project" (a project key sees every device) or "unowned" (only devices
    #: not assigned to a user: the seed's "factory devices not yet assigned to a user, or
    #: devices already owned by the current user", read for a key that is no user).
    device_search: str = "project"
    #: `POST /devices` with an IMEI a device of the project already has: "refuse" (422
    #: `deviceAlreadyExists`, a sandbox-only code) or "allow" (a second device). The docs say
    #: neither, so a client can be run against both.
    duplicate_imei: str = "refuse"
    #: Order pending -> paid -> completed (with its subscription), in seconds.
    order_delay: float = 0.05
    #: `sim: "auto"`: seconds until the new eSIM exists and is attached.
    esim_provision_delay: float = 0.05
    #: The delayed test SIM (the reference says 30-60 s); tests compress it.
    delayed_sim_seconds: float = 45.0
    #: p3-like providers: seconds from activation to eSIM profile `installed`, then `enabled`.
    profile_step_seconds: float = 5.0
    #: Seed of the random generator behind ids, ICCIDs, codes and fault rates.
    seed: int | None = 1234
    #: Extra unattached pSIMs seeded for benchmarks (`seed.stock_iccids(sim_stock)`), beside the
    #: pairing station's fixed stock (`seed.PAIRING_STOCK`). Applied at start and on reset.
    sim_stock: int = 0
    #: Fault injection at start-up: {"latency_ms": ..., "rules": [...]} (see faults.py).
    faults: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, allowed in (("idempotency", IDEMPOTENCY_MODES),
                              ("undocumented_filters", UNDOCUMENTED_FILTERS),
                              ("orders_start_as", ORDER_STARTS),
                              ("device_search", DEVICE_SEARCHES),
                              ("duplicate_imei", DUPLICATE_IMEIS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        if (not isinstance(self.sim_stock, int) or isinstance(self.sim_stock, bool)
                or not 0 <= self.sim_stock <= MAX_SIM_STOCK):
            raise ValueError(f"sim_stock must be an integer from 0 to {MAX_SIM_STOCK}")
        if self.user_exists_status not in (409, 422):
            raise ValueError("user_exists_status must be 409 or 422")
