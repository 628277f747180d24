"""Customer details typed at the kiosk, validated locally before any request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    country: str
    line2: str | None = None
    postal_code: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class CustomerInput:
    email: str = field(repr=False)
    full_name: str = field(repr=False)
    address: Address | None = field(default=None, repr=False)


def normalise(customer: CustomerInput) -> CustomerInput:
    """Trimmed, with the email's domain lower-cased and the country upper-cased."""
    email = customer.email.strip()
    if "@" in email:
        local, _, domain = email.rpartition("@")
        email = f"{local}@{domain.lower()}"
    address = customer.address
    if address is not None:
        address = Address(
            line1=address.line1.strip(), city=address.city.strip(),
            country=address.country.strip().upper(),
            line2=(address.line2 or "").strip() or None,
            postal_code=(address.postal_code or "").strip() or None,
            state=(address.state or "").strip() or None,
        )
    return CustomerInput(email, " ".join(customer.full_name.split()), address)


def validate(customer: CustomerInput, *, needs_address: bool) -> dict[str, str]:
    """Field -> message for every problem, in words a customer understands; empty if fine."""
    problems: dict[str, str] = {}
    email = customer.email
    if not email:
        problems["email"] = "Please enter your email address."
    elif len(email) > 254 or not EMAIL.match(email):
        problems["email"] = "This does not look like an email address (like name@example.com)."
    name = customer.full_name
    if not name:
        problems["full_name"] = "Please enter your full name."
    elif len(name) > 100:
        problems["full_name"] = "Please shorten your name to 100 characters."
    elif not any(ch.isalpha() for ch in name):
        problems["full_name"] = "Please enter your name with letters."
    if needs_address:
        address = customer.address
        if address is None:
            problems["address"] = "This plan needs your home address."
        else:
            if not address.line1:
                problems["line1"] = "Please enter your street and house number."
            if not address.city:
                problems["city"] = "Please enter your town or city."
            if not COUNTRY.match(address.country):
                problems["country"] = "Please choose your country."
            if address.postal_code is not None and len(address.postal_code) > 16:
                problems["postal_code"] = "This postcode is too long."
    return problems


def address_refused() -> dict[str, str]:
    """What the form shows when the API refused the address (`userAddressInvalid`)."""
    problems: dict[str, str] = {}
    problems["line1"] = "We could not verify this address. Please check it."
    return problems
