"""Fault injection for the sandbox: latency, error statuses, dropped connections, bad JSON."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from typing import Any

KINDS = {"status", "drop_before", "drop_after", "malformed", "slow_before", "slow_after",
         "status_after"}
#: Kinds that act (and commit) first, then misbehave: the answer is lost, late or wrong.
AFTER = {"drop_after", "malformed", "slow_after", "status_after"}
STATUS_SHORTHANDS = {"429", "500", "502", "503", "504"}


class ConnectionDropped(Exception):
    """Raised inside the app to make the server close the connection without an answer."""


@dataclass
class FaultRule:
    """One fault: what happens (`kind`), to which requests, how often, and how many times.

    `kind`: "status" (answer with `status`, 429 carries Retry-After), "drop_before" (close the
    connection before acting), "drop_after" (act and commit, then close without answering),
    "malformed" (act, then answer with truncated JSON), "slow_before" (hold the request
    `seconds` before acting: a request still in flight), "slow_after" (act and commit, then
    hold the answer `seconds`: the client times out), "status_after" (act and commit, then
    answer with `status`, as a proxy or gateway may). With `code`, a status answer carries that
    error code: `kind=status,status=422,code=orderExpired` answers like an API that refuses.
    """

    kind: str
    status: int = 500
    method: str = "*"
    path: str = "*"
    rate: float = 1.0
    count: int | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    code: str | None = None

    def __post_init__(self) -> None:
        if self.kind in STATUS_SHORTHANDS:
            self.kind, self.status = "status", int(self.kind)
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self.method = self.method.upper()

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and fnmatchcase(path, self.path)

    @classmethod
    def parse(cls, spec: str) -> FaultRule:
        """From the CLI form `kind=429,path=*/plans,rate=0.5,retry_after=2,count=3,method=GET`."""
        fields: dict[str, Any] = {}
        for part in spec.split(","):
            key, _, value = part.partition("=")
            key = key.strip()
            if not value and "kind" not in fields:
                key, value = "kind", key  # a bare first word is the kind: "503,path=..."
            if key in ("status", "count"):
                fields[key] = int(value)
            elif key in ("rate", "retry_after", "seconds"):
                fields[key] = float(value)
            elif key in ("kind", "method", "path", "code"):
                fields[key] = value.strip()
            else:
                raise ValueError(f"unknown fault field {key!r}")
        return cls(**fields)


@dataclass
class Faults:
    latency_ms: float = 0.0
    rules: list[FaultRule] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def pick(self, method: str, path: str, phase: str) -> FaultRule | None:
        """The first rule for this request and phase ("before" or "after" acting) that fires."""
        for rule in list(self.rules):
            in_phase = rule.kind in AFTER
            if (phase == "after") != in_phase or not rule.matches(method, path):
                continue
            if rule.rate < 1.0 and self.rng.random() >= rule.rate:
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "rules": [asdict(r) for r in self.rules]}

    def load(self, data: dict[str, Any]) -> None:
        """Replace the configuration (PUT) from {"latency_ms": .., "rules": [..]}."""
        rules = [FaultRule(**r) for r in data.get("rules", [])]
        self.latency_ms = float(data.get("latency_ms", 0.0))
        self.rules = rules
