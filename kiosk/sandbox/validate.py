"""Request validation helpers of the sandbox: bodies, query strings, pagination."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kiosk.sandbox.errors import ApiError, invalid, required

IMEI_RE = re.compile(r"^[0-9]{15}$")
ICCID_RE = re.compile(r"^([0-9]{19}F?|[0-9]{20})$", re.IGNORECASE)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass
class Req:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def body_object(req: Req) -> dict[str, Any]:
    if req.body is None:
        return {}
    if not isinstance(req.body, dict):
        raise ApiError(400, "malformed", "The request body must be a JSON object.",
                       code="invalidBody")
    return req.body


def req_str(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None or value == "":
        raise required(key)
    if not isinstance(value, str):
        raise invalid(f"Property '{key}' must be a string.", code="invalidType", prop=key)
    return value


def opt_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"Property '{key}' must be a string or null.", code="invalidType", prop=key)
    return value


def imei_of(body: dict[str, Any]) -> str:
    value = req_str(body, "imei")
    if not IMEI_RE.match(value):
        raise invalid("Invalid IMEI format.", code="invalidIMEI",
                      hint="Parameter imei must match /^[0-9]{15}$/", prop="imei")
    return value


def iccid_of(body: dict[str, Any]) -> str:
    value = req_str(body, "iccid")
    if not ICCID_RE.match(value):
        raise invalid("Invalid ICCID format.", code="invalidICCID",
                      hint="Parameter iccid must match /^([0-9]{19}F?|[0-9]{20})$/i", prop="iccid")
    return value


def metadata_of(body: dict[str, Any]) -> dict[str, Any] | None:
    if "metadata" not in body:
        return None
    value = body["metadata"]
    if not isinstance(value, dict):
        raise invalid("Property 'metadata' must be an object.", code="invalidType", prop="metadata")
    return value


def check_query(req: Req) -> None:
    """The API does not heal ambiguous input: `?user=` is an error, not "no filter"."""
    for key, value in req.query.items():
        if value == "":
            raise invalid(f"Query parameter '{key}' must not be empty.", code="invalidParameter",
                          hint=f"Remove the parameter {key} or give it a value.", prop=key)


PAGINATION = frozenset({"after", "before", "limit"})
#: Query filters the docs document, per list route (REFERENCE.md 2.1-2.9, and 10 where it wins).
#: Any other query parameter is undocumented: the sandbox honours those it knows, ignores them
#: or refuses them, as `SandboxConfig.undocumented_filters` says. Lists the docs do not document
#: at all (payment methods, orders) have no documented filter.
DOCUMENTED_FILTERS: dict[str, frozenset[str]] = {
    "GET /devices": frozenset({"sim", "user"}),
    "GET /deviceModels": frozenset({"type", "brand", "simType"}),
    "GET /plans": frozenset({"simType", "status"}),
    "GET /users": frozenset(),
    "GET /users/{user}/addresses": frozenset(),
    "GET /paymentMethods": frozenset(),
    "GET /orders": frozenset(),
    "GET /subscriptions": frozenset({"user", "status"}),
    "GET /sims": frozenset({"provider", "status", "type", "user"}),
}


def undocumented_filters(route: str, query: dict[str, str]) -> list[str]:
    """The query parameters of a request to `route` ("GET /plans") that the docs do not list.

    Only list routes are judged; a retrieve or a POST carries no documented query at all, and
    the sandbox reads none there.
    """
    documented = DOCUMENTED_FILTERS.get(route)
    if documented is None:
        return []
    return [key for key in query if key not in documented and key not in PAGINATION]


def apply_filter_policy(route: str, query: dict[str, str], policy: str) -> dict[str, str]:
    """The query the handler sees: as sent ("honour"), without undocumented filters ("ignore"),
    or a 422 for the first of them ("refuse")."""
    extra = undocumented_filters(route, query)
    if not extra or policy == "honour":
        return query
    if policy == "refuse":
        key = extra[0]
        raise invalid(f"Unknown query parameter '{key}'.", code="invalidParameter",
                      hint=f"Remove the parameter {key}.", prop=key)
    return {k: v for k, v in query.items() if k not in extra}


def csv_filter(req: Req, key: str, allowed: set[str] | None = None) -> set[str] | None:
    value = req.query.get(key)
    if value is None:
        return None
    items = {v.strip() for v in value.split(",") if v.strip()}
    if allowed is not None and not items <= allowed:
        bad = sorted(items - allowed)[0]
        raise invalid(f"Invalid value '{bad}' for '{key}'.", code="invalidParameter",
                      hint=f"Allowed values: {', '.join(sorted(allowed))}.", prop=key)
    return items


def paginate(req: Req, records: list[dict[str, Any]]) -> dict[str, Any]:
    """A list object over `records` (already newest-first) with cursor pagination (section 1.4)."""
    raw_limit = req.query.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        raise invalid("Parameter 'limit' must be an integer.", code="invalidParameter",
                      hint="limit must be between 0 and 200.", prop="limit") from None
    if not 0 <= limit <= 200:
        raise invalid("Parameter 'limit' is out of range.", code="invalidParameter",
                      hint="limit must be between 0 and 200.", prop="limit")
    after, before = req.query.get("after"), req.query.get("before")
    if after and before:
        raise invalid("Parameters 'after' and 'before' are mutually exclusive.",
                      code="invalidParameter", hint="Use either after or before.", prop="before")
    index = {r["id"]: i for i, r in enumerate(records)}
    if after is not None:
        if after not in index:
            raise invalid("Unknown cursor for 'after'.", code="invalidCursor", prop="after")
        start = index[after] + 1
        end = start + limit
    elif before is not None:
        if before not in index:
            raise invalid("Unknown cursor for 'before'.", code="invalidCursor", prop="before")
        end = index[before]
        start = max(0, end - limit)
    else:
        start, end = 0, limit
    page = records[start:end]
    more_after = page[-1]["id"] if page and end < len(records) else None
    more_before = page[0]["id"] if page and start > 0 else None
    return {"object": "list", "items": page, "moreItemsAfter": more_after,
            "moreItemsBefore": more_before}
