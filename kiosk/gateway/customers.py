"""Customers per kiosk: a kiosk reaches only the Gigs users it created, found by their email,
or found as the owner of a device it scanned, in the last `KNOWN_SECONDS` (DESIGN §6, least
disclosure: a kiosk token must not open every store's customers).

- user-scoped requests (`PATCH users/{u}`, `users/{u}/addresses`, `orders?user=`,
  `subscriptions?user=`, an order or subscription for a user) are refused for other users;
- the `users/search` answer is cut to what the flow reads (`id`, `email`, `fullName`) and to
  users with the email asked for;
- `GET orders/{id}`: only an order this kiosk placed (`owner_of`); an order the gateway has no
  owner for (the answer to its creation was lost with a replica) only when its user is one of
  this kiosk's, and it becomes this kiosk's then.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from kiosk.gateway.allow import SEGMENT, Allowed

#: How long a user created or found stays reachable from that kiosk.
KNOWN_SECONDS = 24 * 3600
SEARCH_FIELDS = ("object", "id", "email", "fullName")


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and SEGMENT.fullmatch(value) else None


def user_in_question(allowed: Allowed) -> str | None:
    """The user a request acts on or reads about, if any."""
    if "user" in allowed.params:
        return allowed.params["user"]
    if allowed.rule.special in ("orders", "subscriptions") and "user" in allowed.query:
        return allowed.query["user"]
    if allowed.rule.client == "create_order":
        return str(allowed.body["subscriptionDetails"]["user"])
    if allowed.rule.client == "create_subscription":
        return str(allowed.body["user"])
    return None


def _json(answer: Response) -> Any:
    try:
        return json.loads(bytes(answer.body))
    except ValueError:
        return None


def trimmed_search(answer: Response, email: str) -> tuple[Response, list[str]]:
    """The `users/search` answer with only the fields the flow reads, of users with this
    email; and their ids."""
    page = _json(answer) if answer.status_code == 200 else None
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        return answer, []
    wanted = email.strip().casefold()
    items = [{k: item[k] for k in SEARCH_FIELDS if k in item} for item in page["items"]
             if isinstance(item, dict) and _id(item.get("id"))
             and isinstance(item.get("email"), str)
             and item["email"].strip().casefold() == wanted]
    body = {"object": "list", "items": items, "moreItemsAfter": page.get("moreItemsAfter"),
            "moreItemsBefore": page.get("moreItemsBefore")}
    headers = {k: v for k, v in answer.headers.items()
               if k.lower() not in ("content-length", "content-type")}
    return (Response(json.dumps(body), media_type="application/json", headers=headers),
            [str(i["id"]) for i in items])


def users_in_answer(allowed: Allowed, answer: Response) -> list[str]:
    """Users a successful answer shows this kiosk: the one it created, the owners of the
    devices it scanned."""
    if not 200 <= answer.status_code < 300:
        return []
    found = _json(answer)
    if allowed.rule.client == "create_user":
        return [u] if (u := _id(found)) else []
    if allowed.rule.client == "search_devices" and isinstance(found, dict) \
            and isinstance(found.get("items"), list):
        return [u for d in found["items"] if isinstance(d, dict) and (u := _id(d.get("user")))]
    return []


def order_user(answer: Response) -> str | None:
    found = _json(answer)
    if not isinstance(found, dict):
        return None
    details = found.get("subscriptionDetails")
    return _id(found.get("user")) or (_id(details.get("user")) if isinstance(details, dict)
                                      else None)
