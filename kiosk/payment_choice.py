"""The store's payment methods as staff choose among them: who owns each, and why one cannot pay.

Nothing here picks a method: the operator page lists these and staff choose one explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.gigs import GigsClient, GigsError
from kiosk.gigs.models import PaymentMethod, PaymentMethodStatus, User
from kiosk.redact import mask_email, mask_name

#: Outcomes the journal records for an order its payment method could not pay: the documented
#: `paymentCardDeclined`, and the `paymentMethod…` codes an API answers for the method itself.
PAYMENT_FAILURE = "paymentCardDeclined"
#: At most this many owners are looked up (one request each); the rest show their id only.
OWNER_LOOKUPS = 20


@dataclass(frozen=True)
class MethodChoice:
    """One payment method as the operator page shows it.

    `problem` names why it cannot pay (a key the page words and translates), with `params`;
    None when it can be chosen.
    """

    id: str
    brand: str
    kind: str
    last4: str
    status: str
    owner: str  # masked: "J… S… · j…@example.com"
    problem: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.problem is None


def owner_text(owner: str | None, user: User | None) -> str:
    if user is None:
        return f"{owner[:8]}…" if owner else "?"
    parts = [mask_name(user.full_name), mask_email(user.email)]
    return " · ".join(p for p in parts if p) or f"{user.id[:8]}…"


def sandbox_roles() -> dict[str, str]:
    """The embedded sandbox's test methods that cannot pay a customer's order, by id (its
    documented test data, as Stripe documents its test cards); no real project has these ids."""
    from kiosk.sandbox import seed

    return {seed.DECLINED_PAYMENT_METHOD_ID: "test_declines",
            seed.JERRY_PAYMENT_METHOD_ID: "test_customer"}


def last_failures(activations: Iterable[Any]) -> dict[str, str]:
    """Per payment method, the outcome of its latest order in the journal when that order
    failed because of the method; a later order it paid clears it."""
    latest: dict[str, tuple[float, str]] = {}
    for a in activations:
        method, outcome = getattr(a, "payment_method_id", None), getattr(a, "outcome", None)
        if not method or not outcome:
            continue
        at = float(getattr(a, "updated_at", 0.0))
        if method not in latest or at >= latest[method][0]:
            latest[method] = (at, outcome)
    return {m: outcome for m, (_, outcome) in latest.items()
            if outcome == PAYMENT_FAILURE or outcome.startswith("paymentMethod")}


def describe(methods: Iterable[PaymentMethod], owners: Mapping[str, User],
             failures: Mapping[str, str], roles: Mapping[str, str]) -> list[MethodChoice]:
    """Each method with its problem, if any. The order stays the API's: none is put first,
    so the list itself suggests nothing."""
    out = []
    for m in methods:
        user = owners.get(m.user or "")
        problem, params = _problem(m, user, failures.get(m.id), roles.get(m.id))
        out.append(MethodChoice(
            id=m.id, brand=m.brand or "", kind=m.type.value, last4=m.last4 or "",
            status=m.status.value, owner=owner_text(m.user, user), problem=problem,
            params=params))
    return out


def _problem(m: PaymentMethod, user: User | None, failure: str | None,
             role: str | None) -> tuple[str | None, dict[str, str]]:
    if m.status is PaymentMethodStatus.REQUIRES_CONFIRMATION:
        return "requires_confirmation", {}
    if m.status is not PaymentMethodStatus.AVAILABLE:
        return "status", {"status": m.status.value}
    if role:
        return role, {}
    if failure == PAYMENT_FAILURE:
        return "declined", {}
    if failure:
        return "refused", {"code": failure}
    if user is not None and user.status.value in ("blocked", "deleted"):
        return "owner_" + user.status.value, {}
    return None, {}


async def load_choices(client: GigsClient, activations: Iterable[Any]) -> list[MethodChoice]:
    """The project's payment methods, their owners (looked up, then masked), and what this
    kiosk's journal learnt about each from its orders. Raises `GigsError` when the list
    cannot be read (the list endpoint is not confirmed for live projects)."""
    methods = await client.list_payment_methods()
    owners: dict[str, User] = {}
    for owner in list(dict.fromkeys(m.user for m in methods if m.user))[:OWNER_LOOKUPS]:
        try:
            owners[owner] = await client.retrieve_user(owner)
        except GigsError:
            continue  # shown by id: a method whose owner cannot be read is still listed
    return describe(methods, owners, last_failures(activations), sandbox_roles())
