"""What a Gigs project supports, learnt by safe reads only: `kiosk doctor` and "Check this project".

The client and the sandbox were written from the same reference, so they agree with each other
where the real API may not (REFERENCE.md section 10). A shop should learn on day one what would
break, without the check itself changing anything: on a live project it only reads (GETs, and a
device search, which is a POST that reads and carries no Idempotency-Key). Whether idempotency
keys are accepted cannot be learnt that way, because every request that takes a key creates
something; it is tested only against a sandbox, where a throwaway user is created (and left: the
in-process sandbox starts afresh every run, a served one is the tester's own).

Each check says, in one line, what was found and what would break. The texts are English here;
the operator page translates them by `Check.message` (the keys of `MESSAGES`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pydantic

from kiosk.flow.catalog import collectable
from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, APITimeoutError,
    AuthenticationError, GigsClient, GigsError, NotFoundError, PermissionDeniedError,
    RateLimitError, ServerError,
)
from kiosk.gigs.models import (
    ListPage, PaymentMethodStatus, Plan, PlanStatus, Requirement, Subscription,
)
from kiosk.redact import mask_digits
from kiosk.settings import ApiSettings

#: A Luhn-valid IMEI with serial 000000 under a phone maker's TAC: the question is whether the
#: search endpoint answers, not what it finds, so a live project is asked about no real phone.
TEST_IMEI = "358507310000007"
#: Requirements the kiosk asks the customer for; a plan needing anything else cannot be sold.
COLLECTED = frozenset({"user.fullName", "address"})
#: A SIM id that cannot exist, for a project that has no subscription to take one from.
NO_SUCH_SIM = "sim_kioskDoctorNoSuchSim000000000"


class Verdict(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


TITLES = {
    "auth": "Authentication", "plans": "Plans", "requirements": "Plan requirements",
    "deviceSearch": "Device search", "subscriptions": "Subscriptions list",
    "simFilter": "Subscriptions by SIM", "orders": "Order list",
    "paymentMethod": "Payment method", "idempotency": "Idempotency keys",
}

MESSAGES = {
    "auth.ok": "the API key is accepted",
    "auth.rejected": "rejected ({error}): the key is wrong or expired, or may not do this; "
                     "nothing works",
    "auth.unreachable": "the API cannot be reached ({error}): check the URL and the network",
    "auth.no_project": "project not found ({error}): check the project id",
    "auth.failed": "the API refused a plain read ({error})",
    "plans.ok": "{on_sale} on sale ({total} in all)",
    "plans.none": "none on sale ({total} in all): the kiosk has nothing to offer",
    "requirements.none": "no plan on sale asks for more than an email address",
    "requirements.ok": "the kiosk collects what plans ask for: {asked}",
    "requirements.uncollected": "plans ask for {asked}; the kiosk does not collect {what}, so "
                                "it cannot sell {plans}",
    "deviceSearch.ok": "answers ({found} device(s) for the test IMEI {imei})",
    "deviceSearch.failed": "fails ({error}): no phone can be looked up",
    "subscriptions.ok": "the list answers (without a filter)",
    "subscriptions.failed": "fails ({error}): the kiosk cannot see whether a SIM already has "
                            "a subscription",
    "simFilter.honoured": "?sim= is honoured",
    "simFilter.ignored": "?sim= is ignored (the answer held other SIMs' subscriptions): "
                         "the kiosk must filter them itself",
    "simFilter.refused": "?sim= is refused ({error}): the kiosk must find a SIM's "
                         "subscription another way",
    "simFilter.empty": "?sim= found nothing for a SIM that has a subscription: do not rely on it",
    "simFilter.unknown": "cannot tell yet: the project has no subscription with a SIM",
    "simFilter.failed": "fails ({error})",
    "orders.ok": "the order list answers: a lost order can be found",
    "orders.missing": "no order list ({error}): the kiosk cannot prove that an order does not "
                      "exist and must look for its subscription instead",
    "orders.failed": "fails ({error}): a lost order cannot be looked up",
    "paymentMethod.none": "none configured: orders cannot be paid (fine for a project that "
                          "creates subscriptions directly)",
    "paymentMethod.ok": "{id} ({card}) is available; owner {owner}",
    "paymentMethod.confirm": "{id} needs confirmation first (owner {owner}): orders would not "
                             "be paid",
    "paymentMethod.status": "{id} has status {status} (owner {owner}): orders may not be paid",
    "paymentMethod.missing": "{id} was not found ({error}): every order would fail",
    "paymentMethod.failed": "fails ({error}): the store's payment method cannot be checked",
    "idempotency.untested": "unknown (cannot be tested without creating something); the kiosk "
                            "sends keys: if the project refuses them, every order fails",
    "idempotency.untested_off": "unknown (cannot be tested without creating something); "
                                "the kiosk sends none",
    "idempotency.not_sent": "not tested: the kiosk sends none",
    "idempotency.honoured": "accepted and honoured (one key, sent twice: one user)",
    "idempotency.ignored": "accepted but ignored (one key, sent twice: two attempts): "
                           "exactly-once rests on the kiosk's own checks",
    "idempotency.refused": "refused ({error}): switch idempotency keys off, or every order fails",
    "idempotency.failed": "could not be tested ({error})",
}


@dataclass(frozen=True)
class Check:
    """One line of the report: what was asked, the verdict and what would break."""

    name: str
    verdict: Verdict
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: "auth" (401/403) or "unreachable" (no answer, or the API failing): what the exit code says.
    failure: str | None = None

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def text(self) -> str:
        return MESSAGES[self.message].format(**self.params)

    def line(self) -> str:
        return f"{self.verdict.value:<8} {self.title:<21} {self.text}"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "verdict": self.verdict.value,
                "message": self.message, "text": self.text, "facts": dict(self.params),
                "failure": self.failure}


def describe(exc: GigsError) -> str:
    """A few words for an error: status and code, never a body (it may echo what was sent)."""
    if isinstance(exc, APIStatusError):
        return " ".join(str(p) for p in (exc.status, exc.code or exc.type) if p)
    if isinstance(exc, APITimeoutError):
        return "no answer in time"
    if isinstance(exc, APIConnectionError):
        return "no connection"
    if isinstance(exc, APIResponseValidationError):
        return "an answer the kiosk cannot read"
    return type(exc).__name__


def failure_of(exc: GigsError) -> str | None:
    if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
        return "auth"
    if isinstance(exc, (APIConnectionError, ServerError, RateLimitError)):
        return "unreachable"
    return None


def _failed(name: str, exc: GigsError, message: str | None = None) -> Check:
    return Check(name, Verdict.PROBLEM, message or f"{name}.failed", {"error": describe(exc)},
                 failure_of(exc))


def reading_settings(settings: ApiSettings) -> ApiSettings:
    """The doctor's connection: the same API, but a failed read is reported, not waited out."""
    return replace(settings, max_retries=1, request_deadline=min(settings.request_deadline, 20))


def store_payment_method(configured: str | None, settings: ApiSettings) -> str | None:
    """The method the kiosk would pay with: as configured, else the sandbox's store counter."""
    if configured:
        return configured
    if settings.in_process or not settings.token:
        from kiosk.sandbox.seed import STORE_PAYMENT_METHOD_ID

        return STORE_PAYMENT_METHOD_ID
    return None


async def _page(client: GigsClient, path: str, params: Mapping[str, Any]) -> list[Any]:
    """The items of one page of a project list. The client's list methods follow every cursor
    (thousands of items on a project that ignores a filter); a check needs one page only."""
    data = await client._requestor.request(
        "GET", f"/projects/{client.settings.project_id}{path}", params=params)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise APIResponseValidationError("not a list", method="GET", path=path, status=200,
                                         request_id=None)
    return list(data["items"])


def _subscriptions_of(items: list[Any]) -> list[Subscription]:
    try:
        return ListPage[Subscription].model_validate({"items": items}).items
    except pydantic.ValidationError:
        raise APIResponseValidationError("unexpected subscriptions", method="GET",
                                         path="/subscriptions", status=200,
                                         request_id=None) from None


# -- the checks -----------------------------------------------------------------------------------

async def _auth_and_plans(client: GigsClient) -> tuple[list[Check], list[Plan] | None]:
    try:
        plans = await client.list_plans()  # every status: the filter's meaning is unconfirmed
    except GigsError as exc:
        if isinstance(exc, NotFoundError):
            return [_failed("auth", exc, "auth.no_project")], None
        kind = failure_of(exc)
        message = {"auth": "auth.rejected", "unreachable": "auth.unreachable"}.get(
            kind or "", "auth.failed")
        return [_failed("auth", exc, message)], None
    on_sale = [p for p in plans if p.status is PlanStatus.AVAILABLE]
    auth = Check("auth", Verdict.OK, "auth.ok")
    if on_sale:
        listed = Check("plans", Verdict.OK, "plans.ok", {"on_sale": len(on_sale),
                                                         "total": len(plans)})
    else:
        listed = Check("plans", Verdict.PROBLEM, "plans.none", {"total": len(plans)})
    return [auth, listed, _requirements(on_sale)], on_sale


def _requirements(on_sale: list[Plan]) -> Check:
    """Which plans ask for what, by the API's own names (`user.fullName`, `address`, ...)."""
    asked: dict[str, list[str]] = {}
    for plan in on_sale:
        r = plan.requirements
        for key, level in (("user.fullName", r.user_full_name), ("user.birthday", r.user_birthday),
                           ("address", r.address), ("device", r.device)):
            if level is not Requirement.NONE:
                asked.setdefault(key, []).append(plan.name or plan.id)
    if not asked:
        return Check("requirements", Verdict.OK, "requirements.none")
    facts: dict[str, Any] = {"asked": ", ".join(f"{k} ({_few(v)})" for k, v in asked.items())}
    # The flow's own rule decides what is not offered (kiosk.flow.catalog.collectable).
    unsold = sorted(plan.name or plan.id for plan in on_sale if not collectable(plan))
    if not unsold:
        return Check("requirements", Verdict.OK, "requirements.ok", facts)
    missing = [k for k in asked if k not in COLLECTED] or ["an unknown requirement level"]
    return Check("requirements", Verdict.WARNING, "requirements.uncollected",
                 facts | {"what": ", ".join(missing), "plans": _few(unsold)})


def _few(names: list[str], shown: int = 3) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" (+{more})" if more > 0 else "")


async def _device_search(client: GigsClient, imei: str) -> Check:
    try:
        found = await client.search_devices(imei)
    except GigsError as exc:
        return _failed("deviceSearch", exc)
    return Check("deviceSearch", Verdict.OK, "deviceSearch.ok",
                 {"found": len(found), "imei": mask_digits(imei)})


async def _subscriptions(client: GigsClient) -> list[Check]:
    """The list without a filter, then with `?sim=` (undocumented): honoured, ignored or refused.

    The SIM asked about is one the project's newest subscriptions already show, so a server that
    honours the filter answers with that SIM's subscriptions only, and one that ignores it
    answers with the others too. What was read stays here: only the verdict is reported.
    """
    sample = None
    try:
        listed = _subscriptions_of(await _page(client, "/subscriptions", {"limit": 10}))
    except GigsError as exc:
        plain = _failed("subscriptions", exc)
    else:
        plain = Check("subscriptions", Verdict.OK, "subscriptions.ok")
        sample = next((s.sim.id for s in listed if s.sim is not None), None)
    probe = sample or NO_SUCH_SIM
    try:
        filtered = _subscriptions_of(
            await _page(client, "/subscriptions", {"sim": probe, "limit": 10}))
    except APIStatusError as exc:
        if failure_of(exc) is None:
            return [plain, Check("simFilter", Verdict.WARNING, "simFilter.refused",
                                 {"error": describe(exc)})]
        return [plain, _failed("simFilter", exc)]
    except GigsError as exc:
        return [plain, _failed("simFilter", exc)]
    sims = {s.sim.id if s.sim else None for s in filtered}
    if sims - {probe}:
        return [plain, Check("simFilter", Verdict.WARNING, "simFilter.ignored")]
    if sample is None:
        return [plain, Check("simFilter", Verdict.WARNING, "simFilter.unknown")]
    if not filtered:
        return [plain, Check("simFilter", Verdict.WARNING, "simFilter.empty")]
    return [plain, Check("simFilter", Verdict.OK, "simFilter.honoured")]


async def _orders(client: GigsClient) -> Check:
    # The order list is unconfirmed (REFERENCE.md 2.7): without it, "no order exists" cannot
    # be proven, and recovery after a lost answer goes by the subscription instead.
    try:
        await _page(client, "/orders", {"limit": 1})
    except APIStatusError as exc:
        if failure_of(exc) is None:
            return Check("orders", Verdict.WARNING, "orders.missing", {"error": describe(exc)})
        return _failed("orders", exc)
    except GigsError as exc:
        return _failed("orders", exc)
    return Check("orders", Verdict.OK, "orders.ok")


async def _payment_method(client: GigsClient, method_id: str | None) -> Check:
    if not method_id:
        return Check("paymentMethod", Verdict.WARNING, "paymentMethod.none")
    try:
        method = await client.retrieve_payment_method(method_id)
    except NotFoundError as exc:
        return Check("paymentMethod", Verdict.PROBLEM, "paymentMethod.missing",
                     {"id": method_id, "error": describe(exc)})
    except GigsError as exc:
        return _failed("paymentMethod", exc)
    # The owner is shown so the operator sees whose method pays; its client secret never is.
    facts = {"id": method.id, "owner": method.user or "unknown", "status": method.status.value,
             "card": " ".join(p for p in (method.brand or method.type.value,
                                          f"…{method.last4}" if method.last4 else "") if p)}
    if method.status is PaymentMethodStatus.AVAILABLE:
        return Check("paymentMethod", Verdict.OK, "paymentMethod.ok", facts)
    if method.status is PaymentMethodStatus.REQUIRES_CONFIRMATION:
        return Check("paymentMethod", Verdict.PROBLEM, "paymentMethod.confirm", facts)
    return Check("paymentMethod", Verdict.WARNING, "paymentMethod.status", facts)


async def _idempotency(client: GigsClient, in_sandbox: bool) -> Check:
    sends = client.idempotency_enabled
    if not in_sandbox:
        # Every request that takes a key creates something (a user, an order...): on a live
        # project the doctor creates nothing, so this stays unknown.
        if sends:
            return Check("idempotency", Verdict.WARNING, "idempotency.untested")
        return Check("idempotency", Verdict.OK, "idempotency.untested_off")
    if not sends:
        return Check("idempotency", Verdict.OK, "idempotency.not_sent")
    key = client.new_idempotency_key()
    email = f"kiosk-doctor-{uuid.uuid4().hex[:12]}@example.com"
    try:
        first = await client.create_user(email=email, full_name="Kiosk doctor",
                                         idempotency_key=key)
    except APIStatusError as exc:
        if failure_of(exc) is None:
            return Check("idempotency", Verdict.PROBLEM, "idempotency.refused",
                         {"error": describe(exc)})
        return _failed("idempotency", exc, "idempotency.failed")
    except GigsError as exc:
        return _failed("idempotency", exc, "idempotency.failed")
    try:
        again = await client.create_user(email=email, full_name="Kiosk doctor",
                                         idempotency_key=key)
    except APIStatusError as exc:
        if failure_of(exc) is None:  # the server ran it again and found the email taken
            return Check("idempotency", Verdict.WARNING, "idempotency.ignored")
        return _failed("idempotency", exc, "idempotency.failed")
    except GigsError as exc:
        return _failed("idempotency", exc, "idempotency.failed")
    if again.id != first.id:
        return Check("idempotency", Verdict.WARNING, "idempotency.ignored")
    return Check("idempotency", Verdict.OK, "idempotency.honoured")


async def check_project(client: GigsClient, *, payment_method: str | None,
                        in_sandbox: bool, test_imei: str | None = None) -> list[Check]:
    """Every check, in a fixed order; stops after the first if the API cannot be used at all.

    `in_sandbox` must be True only for a sandbox (in process, or served and confirmed): it
    allows the one check that creates something. `client` sends idempotency keys exactly as
    the kiosk would, since whether it does is part of what is checked.
    """
    checks, on_sale = await _auth_and_plans(client)
    if on_sale is None:
        return checks
    if test_imei is None:
        test_imei = TEST_IMEI
        if in_sandbox:
            from kiosk.sandbox.seed import DEMO_IMEIS

            test_imei = DEMO_IMEIS["esim"]  # a seeded phone: the search finds something
    rest = await asyncio.gather(
        _device_search(client, test_imei), _subscriptions(client), _orders(client),
        _payment_method(client, payment_method), _idempotency(client, in_sandbox))
    for result in rest:
        checks.extend(result if isinstance(result, list) else [result])
    return checks


def worst(checks: list[Check]) -> Verdict:
    order = list(Verdict)
    return max((c.verdict for c in checks), key=order.index, default=Verdict.OK)
