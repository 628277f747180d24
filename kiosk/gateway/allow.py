"""What a kiosk may ask Gigs through the gateway: one table, checked by shape.

Derived from what the kiosk flow calls (`grep -rn "client\\." kiosk/flow`) and the
`GigsClient` methods behind those calls; everything else is refused (403, audited). Every path
segment that is an id matches `^[A-Za-z0-9_-]{1,64}$` (no `/`, `..`, `%` or `?` can ride in
one), `{project}` must be the gateway's project, query parameters and top-level body fields
not listed are refused, and a few rules have a check of their own (`special`):

- `order`: the payment method must be the kiosk's store's (set at enrolment, else the
  gateway's `KIOSK_PAYMENT_METHOD`);
- `store_method`: only the store's own payment method may be retrieved;
- `direct`: a subscription without an order (no payment) only when the gateway allows it;
- `subscriptions`: only with a `user` or a `sim` filter; with `sim` the gateway answers
  itself (the filter is undocumented: it checks every item, see `proxy.py`);
- `own_sim`: an eSIM's credentials, and its profile's state (whether and when the customer
  installed it), only for the kiosk that ordered for that SIM (checked against the database
  in `proxy.py`: DESIGN §6, least disclosure).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

SEGMENT = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WORDS = re.compile(r"[A-Za-z]{1,30}(,[A-Za-z]{1,30}){0,9}")
_CURSOR = re.compile(r"[A-Za-z0-9_=+/.-]{1,500}")  # opaque; re-encoded when forwarded
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
IMEI = re.compile(r"[0-9]{14,16}")


@dataclass(frozen=True)
class Field:
    kind: str  # "id", "text", "email", "imei", "date", "country", "locale", "object"
    required: bool = False
    nullable: bool = False
    fields: Mapping[str, Field] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    method: str
    template: str
    client: str  # the GigsClient method(s) that send it
    query: Mapping[str, str] = field(default_factory=dict)  # name -> "id", "words", "limit", "cursor"
    body: Mapping[str, Field] | None = None
    special: str = ""


P = "/projects/{project}"
_LIST = {"limit": "limit", "after": "cursor"}
_IMEI = {"imei": Field("imei", required=True)}
_PROFILE = {"fullName": Field("text", nullable=True), "birthday": Field("date", nullable=True),
            "preferredLocale": Field("locale", nullable=True)}

ALLOW: tuple[Rule, ...] = (
    Rule("POST", P + "/devices/search", "search_devices", body=_IMEI),
    Rule("POST", "/deviceModels/search", "search_device_models", body=_IMEI),
    Rule("GET", P + "/plans", "list_plans", query={"status": "words", "simType": "words", **_LIST}),
    Rule("POST", P + "/users", "create_user",
         body={"email": Field("email", required=True), **_PROFILE}),
    Rule("POST", P + "/users/search", "search_users", body={"email": Field("email", required=True)}),
    Rule("PATCH", P + "/users/{user}", "update_user", body=_PROFILE),
    Rule("GET", P + "/users/{user}/addresses", "list_user_addresses", query=_LIST),
    Rule("POST", P + "/users/{user}/addresses", "create_user_address", body={
        "line1": Field("text", required=True), "line2": Field("text", nullable=True),
        "city": Field("text", required=True), "state": Field("text", nullable=True),
        "postalCode": Field("text", nullable=True), "country": Field("country", required=True)}),
    Rule("GET", P + "/paymentMethods/{paymentMethod}", "retrieve_payment_method",
         special="store_method"),
    Rule("POST", P + "/orders", "create_order", special="order", body={
        "paymentMethod": Field("id", required=True), "plan": Field("id", required=True),
        "subscriptionDetails": Field("object", required=True, fields={
            "sim": Field("id", required=True), "user": Field("id", required=True),
            "userAddress": Field("id", nullable=True)})}),
    Rule("GET", P + "/orders", "list_orders (with user)", query={"user": "id", **_LIST},
         special="orders"),
    Rule("GET", P + "/orders/{order}", "retrieve_order"),
    Rule("POST", P + "/subscriptions", "create_subscription", special="direct", body={
        "plan": Field("id", required=True), "sim": Field("id", required=True),
        "user": Field("id", required=True), "userAddress": Field("id", nullable=True)}),
    Rule("GET", P + "/subscriptions", "list_subscriptions (with user), subscriptions_of_sim",
         query={"user": "id", "sim": "id", "status": "words", **_LIST}, special="subscriptions"),
    Rule("GET", P + "/subscriptions/{subscription}", "retrieve_subscription"),
    Rule("GET", P + "/sims/{sim}", "retrieve_sim"),
    Rule("GET", P + "/sims/{sim}/credentials", "sim_credentials", special="own_sim"),
    Rule("GET", P + "/sims/{sim}/eSimProfile", "esim_profile", special="own_sim"),
)
#: Words that may appear in an audited endpoint as they are; any other segment is an id.
STATIC = frozenset(s for r in ALLOW for s in r.template.split("/") if s and "{" not in s) | {
    "devices", "sims", "users", "paymentMethods", "connectSessions", "gateway", "v1"}
# `GET users/{user}` is not here: the activation flow never reads a user by id (only
# `kiosk/payment_choice.py` does, which gateway mode does not use).


class Refused(Exception):
    """Not on the allow-list, or not in its shape: 403 with this message."""

    def __init__(self, message: str, endpoint: str) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint


class Malformed(Refused):
    """A body that is not plain JSON (duplicate keys, not UTF-8): 400."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:40]!r}")
        out[key] = value
    return out


def parse_json(body: bytes, where: str) -> Any:
    """A body as the gateway checks it: UTF-8 (no BOM, no UTF-16), no key twice in an object.
    Gigs gets this parse re-serialised, never the raw bytes, so it sees what was checked."""
    try:
        return json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise Malformed("the body is not UTF-8 JSON", where) from None
    except (ValueError, RecursionError) as exc:
        what = str(exc) if str(exc).startswith("duplicate key") else "the body is not JSON"
        raise Malformed(what, where) from None


@dataclass(frozen=True)
class Allowed:
    rule: Rule
    endpoint: str  # the template, for the audit: never the concrete ids
    params: dict[str, str]
    query: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Policy:
    project: str
    payment_method: str | None  # the kiosk's store's (or the gateway's default)
    direct_subscriptions: bool = False


def endpoint_of(raw_path: str) -> str:
    """A path as an audit template: known words stay, anything else is `{id}`."""
    parts = raw_path.split("?", 1)[0].split("/")[1:12]
    out = []
    for i, part in enumerate(parts):
        if part in STATIC or part == "projects":
            out.append(part)
        else:
            out.append("{project}" if i == 1 and parts[0] == "projects" else "{id}")
    return "/" + "/".join(out)


def _match(method: str, segments: list[str], project: str) -> tuple[Rule, dict[str, str]]:
    endpoint = "/" + "/".join(segments)
    known = False
    for rule in ALLOW:
        names = rule.template.split("/")[1:]
        if len(names) != len(segments):
            continue
        params: dict[str, str] = {}
        for name, seg in zip(names, segments, strict=True):
            if name.startswith("{"):
                params[name[1:-1]] = seg
            elif name != seg:
                break
        else:
            known = True
            if rule.method != method:
                continue
            if params.get("project", project) != project:
                raise Refused("this gateway serves one Gigs project: not that one",
                              rule.template)
            return rule, params
    raise Refused(f"{method} {endpoint_of(endpoint)} is not on the gateway's allow-list"
                  + (" (method)" if known else ""), endpoint_of(endpoint))


def _query(rule: Rule, raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw),
                          max_num_fields=10)
    except ValueError:
        raise Refused("the query string is malformed", rule.template) from None
    checks = {"id": SEGMENT, "words": _WORDS, "cursor": _CURSOR, "limit": re.compile(r"[0-9]{1,3}")}
    for key, value in pairs:
        kind = rule.query.get(key)
        if kind is None:
            raise Refused(f"query parameter {key[:40]!r} is not allowed here", rule.template)
        if key in out or not checks[kind].fullmatch(value):
            raise Refused(f"query parameter {key!r} is not in the expected shape", rule.template)
        if kind == "limit" and not 1 <= int(value) <= 200:
            raise Refused("limit must be 1 to 200", rule.template)
        out[key] = value
    return out


def _value(name: str, spec: Field, value: Any, where: str) -> None:
    bad = Refused(f"field {name!r} is not in the expected shape", where)
    if value is None:
        if spec.nullable:
            return
        raise bad
    if spec.kind == "object":
        _object(value, spec.fields, where, prefix=name + ".")
        return
    if not isinstance(value, str) or not value or len(value) > 200:
        raise bad
    ok = {
        "id": SEGMENT.fullmatch(value),
        "text": value.isprintable(),
        "email": "@" in value and value.isprintable() and len(value) <= 254,
        "imei": IMEI.fullmatch(value),  # ASCII digits: isdigit() takes any script's
        "date": _DATE.fullmatch(value),
        "country": re.fullmatch(r"[A-Z]{2}", value),
        "locale": re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?", value),
    }[spec.kind]
    if not ok:
        raise bad


def _object(body: Any, shape: Mapping[str, Field], where: str, prefix: str = "") -> None:
    if not isinstance(body, dict):
        raise Refused(f"{prefix.rstrip('.') or 'the body'} must be a JSON object", where)
    for key in body:
        if key not in shape:
            raise Refused(f"field {prefix}{str(key)[:40]!r} is not allowed here", where)
    for key, spec in shape.items():
        if key not in body:
            if spec.required:
                raise Refused(f"field {prefix}{key!r} is required", where)
            continue
        _value(prefix + key, spec, body[key], where)


def check(method: str, raw_path: str, raw_query: str, body: bytes, policy: Policy) -> Allowed:
    """The rule this request fits, or `Refused` saying why not (in one line)."""
    method = method.upper()
    segments = raw_path.split("/")[1:] if raw_path.startswith("/") else []
    if not segments or len(segments) > 8 or not all(SEGMENT.fullmatch(s) for s in segments):
        raise Refused("ids are letters, digits, _ and - (at most 64)", endpoint_of(raw_path))
    rule, params = _match(method, segments, policy.project)
    where = rule.template
    query = _query(rule, raw_query)
    parsed: Any = None
    if rule.body is None:
        if body.strip():
            raise Refused("this request takes no body", where)
    else:
        parsed = parse_json(body or b"{}", where)
        _object(parsed, rule.body, where)
    _special(rule, params, query, parsed, policy)
    return Allowed(rule, where, params, query, parsed)


def _special(rule: Rule, params: dict[str, str], query: dict[str, str], body: Any,
             policy: Policy) -> None:
    where = rule.template
    if rule.special == "order":
        if not policy.payment_method:
            raise Refused("no payment method is configured for this kiosk's store", where)
        if body["paymentMethod"] != policy.payment_method:
            raise Refused("orders use the store's payment method only", where)
    elif rule.special == "store_method" and params["paymentMethod"] != policy.payment_method:
        raise Refused("only the store's payment method may be retrieved", where)
    elif rule.special == "direct" and not policy.direct_subscriptions:
        raise Refused("subscriptions without an order are not allowed by this gateway", where)
    elif rule.special == "subscriptions" and not ("user" in query or "sim" in query):
        raise Refused("subscriptions are listed per user or per SIM only", where)
    elif rule.special == "orders" and "user" not in query:
        raise Refused("orders are listed per user only", where)
