"""Sandbox endpoints: users, user addresses and payment methods (reference 2.4-2.6)."""

from __future__ import annotations

import re
from typing import Any

from kiosk.sandbox import render
from kiosk.sandbox.errors import ApiError, invalid, not_found
from kiosk.sandbox.store import Store, iso
from kiosk.sandbox.validate import (
    COUNTRY_RE, EMAIL_RE, Req, body_object, metadata_of, opt_str, paginate, req_str,
)

Result = tuple[int, dict[str, Any]]
BIRTHDAY_RE = r"^\d{4}-\d{2}-\d{2}$"


def _user_id(store: Store, req: Req) -> str:
    user_id = req.params["user"]
    if user_id not in store.users or store.users[user_id].get("status") == "deleted":
        raise not_found("user")
    return user_id


def _email(body: dict[str, Any]) -> str:
    email = req_str(body, "email").strip()
    if not EMAIL_RE.match(email):
        raise invalid("Invalid email address.", code="invalidEmail",
                      hint="Provide an email address like name@example.com.", prop="email")
    return email


def _email_taken(store: Store, email: str, but: str | None = None) -> bool:
    return any(u["email"].lower() == email.lower() and u["id"] != but
               and u.get("status") != "deleted" for u in store.users.values())


def _user_exists(store: Store) -> ApiError:
    """`userAlreadyExists` (REFERENCE.md 10); its status is not documented (422 or 409)."""
    status = store.config.user_exists_status
    return ApiError(status, "conflict" if status == 409 else "invalid",
                    "A user with this email address already exists.", code="userAlreadyExists",
                    hint="Search for the user by email and use the existing one.",
                    details=[{"object": "propertyErrorDetail", "code": "userAlreadyExists",
                              "message": "Invalid value for property.", "property": "email"}])


def _apply_user_fields(record: dict[str, Any], body: dict[str, Any]) -> None:
    if "fullName" in body:
        record["fullName"] = opt_str(body, "fullName")
    if "birthday" in body:
        birthday = opt_str(body, "birthday")
        if birthday is not None and not re.match(BIRTHDAY_RE, birthday):
            raise invalid("Invalid birthday.", code="invalidBirthday",
                          hint="birthday must be a date as YYYY-MM-DD.", prop="birthday")
        record["birthday"] = birthday
    if "preferredLocale" in body:
        record["preferredLocale"] = opt_str(body, "preferredLocale") or "en-US"
    metadata = metadata_of(body)
    if metadata is not None:
        record["metadata"] = metadata


def create_user(store: Store, req: Req) -> Result:
    body = body_object(req)
    email = _email(body)
    if _email_taken(store, email):
        raise _user_exists(store)
    record = {"object": "user", "id": store.new_id("usr"), "metadata": {}, "email": email,
              "emailVerified": False, "fullName": None, "birthday": None,
              "preferredLocale": "en-US", "status": "active", "createdAt": iso(store.now())}
    _apply_user_fields(record, body)
    return 200, render.user(store, store.put(store.users, record))


def list_users(store: Store, req: Req) -> Result:
    records = [render.user(store, u["id"]) for u in store.newest_first(store.users)
               if u.get("status") != "deleted"]
    return 200, paginate(req, records)


def retrieve_user(store: Store, req: Req) -> Result:
    return 200, render.user(store, _user_id(store, req))


def update_user(store: Store, req: Req) -> Result:
    user_id = _user_id(store, req)
    body = body_object(req)
    record = store.users[user_id]
    if "email" in body:
        email = _email(body)
        if _email_taken(store, email, but=user_id):
            raise _user_exists(store)
        record["email"], record["emailVerified"] = email, False
    _apply_user_fields(record, body)
    return 200, render.user(store, user_id)


def delete_user(store: Store, req: Req) -> Result:
    user_id = _user_id(store, req)
    store.users[user_id]["status"] = "deleted"
    return 200, render.user(store, user_id)


def search_users(store: Store, req: Req) -> Result:
    email = req_str(body_object(req), "email").strip().lower()
    found = [render.user(store, u["id"]) for u in store.newest_first(store.users)
             if u["email"].lower() == email and u.get("status") != "deleted"]
    return 200, {"object": "list", "items": found, "moreItemsAfter": None, "moreItemsBefore": None}


# -- addresses --------------------------------------------------------------------------------

def create_address(store: Store, req: Req) -> Result:
    user_id = _user_id(store, req)
    body = body_object(req)
    line1, city, country = req_str(body, "line1"), req_str(body, "city"), req_str(body, "country")
    if not COUNTRY_RE.match(country):
        raise invalid("Invalid country.", code="invalidCountry",
                      hint="country must be an ISO 3166-1 alpha-2 code such as DE.", prop="country")
    fields = {"line1": line1, "line2": opt_str(body, "line2"), "city": city,
              "state": opt_str(body, "state"), "postalCode": opt_str(body, "postalCode"),
              "country": country}
    _check_deliverable(fields)
    if any(a["user"] == user_id and _same_address(a, fields) for a in store.addresses.values()):
        raise invalid("The user already has this address.", code="userAddressAlreadyExists",
                      hint="List the user's addresses and use the existing one.")
    record = {"object": "userAddress", "id": store.new_id("adr"), **fields, "user": user_id,
              "createdAt": iso(store.now())}
    return 200, render.address(store, store.put(store.addresses, record))


#: The sandbox's stand-in for an address the API cannot verify (docs: `userAddressInvalid`,
#: without saying what makes one): postal code 00000, or "INVALID" anywhere in line1.
UNDELIVERABLE_POSTAL_CODE = "00000"
UNDELIVERABLE_MARK = "INVALID"


def _check_deliverable(fields: dict[str, Any]) -> None:
    if (fields["postalCode"] or "").strip() == UNDELIVERABLE_POSTAL_CODE:
        raise invalid("The address could not be verified.", code="userAddressInvalid",
                      hint="Check the postal code.", prop="postalCode")
    if UNDELIVERABLE_MARK in fields["line1"].upper():
        raise invalid("The address could not be verified.", code="userAddressInvalid",
                      hint="Check the street and house number.", prop="line1")


def _same_address(record: dict[str, Any], fields: dict[str, Any]) -> bool:
    def norm(value: Any) -> str:
        return " ".join(str(value or "").split()).casefold()
    return all(norm(record[k]) == norm(v) for k, v in fields.items())


def list_addresses(store: Store, req: Req) -> Result:
    user_id = _user_id(store, req)
    records = [dict(a) for a in store.newest_first(store.addresses) if a["user"] == user_id]
    return 200, paginate(req, records)


def _address_id(store: Store, req: Req) -> str:
    user_id = _user_id(store, req)
    address_id = req.params["address"]
    if address_id not in store.addresses or store.addresses[address_id]["user"] != user_id:
        raise not_found("user address")
    return address_id


def retrieve_address(store: Store, req: Req) -> Result:
    return 200, render.address(store, _address_id(store, req))


def delete_address(store: Store, req: Req) -> Result:
    address_id = _address_id(store, req)
    out = render.address(store, address_id)
    del store.addresses[address_id]
    return 200, out


# -- payment methods --------------------------------------------------------------------------

def list_payment_methods(store: Store, req: Req) -> Result:
    user = req.query.get("user")
    records = [render.payment_method(store, p["id"])
               for p in store.newest_first(store.payment_methods)
               if user is None or p["user"] == user]
    return 200, paginate(req, records)


def retrieve_payment_method(store: Store, req: Req) -> Result:
    pm_id = req.params["paymentMethod"]
    if pm_id not in store.payment_methods:
        raise not_found("payment method")
    return 200, render.payment_method(store, pm_id)
