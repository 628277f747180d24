"""Settings of the embedded Gigs sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SandboxConfig:
    project: str = "demo"
    #: None: any non-empty bearer token is accepted (the demo default).
    token: str | None = None
    #: "enabled": Idempotency-Key honoured; "ignored": header has no effect;
    #: "reject": the project is not enrolled in the beta, so the header fails the request.
    idempotency: str = "enabled"
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
    #: Fault injection at start-up: {"latency_ms": ..., "rules": [...]} (see faults.py).
    faults: dict[str, Any] = field(default_factory=dict)
