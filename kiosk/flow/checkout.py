"""What an order needs before its intent is journaled: the user, the address, the payment method."""

from __future__ import annotations

import asyncio

from kiosk.flow.context import Context
from kiosk.flow.customer import CustomerInput
from kiosk.flow.errors import KioskError
from kiosk.flow.states import Review
from kiosk.gigs import ConflictError, GigsError, InvalidRequestError, NotFoundError
from kiosk.gigs.models import PaymentMethodStatus, Requirement, User

#: Seconds between two checks of the store's payment method.
PAYMENT_RECHECK = 300.0


async def ensure_user(ctx: Context, review: Review) -> User:
    """The device's owner, or the customer: found by email, else created."""
    client = ctx.client
    needs_name = review.plan.requirements.user_full_name is not Requirement.NONE
    customer = review.customer
    if review.owner is not None:
        owner = review.owner
        if needs_name and not owner.full_name and customer is not None and customer.full_name:
            owner = await client.update_user(owner.id, full_name=customer.full_name)
        return owner
    assert customer is not None
    found = _same_email(await find_users(ctx, customer.email), customer.email)
    if not found:
        try:
            return await client.create_user(email=customer.email, full_name=customer.full_name)
        except (ConflictError, InvalidRequestError) as exc:
            # `userAlreadyExists` (its HTTP status is not documented): created meanwhile by a
            # retry or another kiosk, or a search that missed it: use that one.
            if isinstance(exc, InvalidRequestError) and exc.code != "userAlreadyExists":
                raise
            found = _same_email(await client.search_users(customer.email), customer.email)
            if not found:
                raise
    user = found[0]
    if needs_name and not user.full_name:
        user = await client.update_user(user.id, full_name=customer.full_name)
    return user


def prefetch_users(ctx: Context, email: str) -> None:
    """Start the user search now (a read), so the order does not wait for it later: while
    the customer reviews, or from the start when the CLI knows the email."""
    key = email.strip().casefold()
    if key and key not in ctx.prefetched:
        task = asyncio.ensure_future(ctx.client.search_users(email))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # no "never retrieved"
        ctx.prefetched[key] = task


async def find_users(ctx: Context, email: str) -> list[User]:
    """The users with this email: the prefetched search if there is one, else a fresh one."""
    task = ctx.prefetched.pop(email.strip().casefold(), None)
    if task is not None:
        try:
            return await task
        except (GigsError, asyncio.CancelledError):
            pass  # a failed or abandoned prefetch is asked again, with the usual retries
    return await ctx.client.search_users(email)


async def ensure_address(ctx: Context, review: Review, user: User,
                         customer: CustomerInput | None) -> str | None:
    if not review.plan.requirements.needs_address:
        return None
    if customer is None or customer.address is None:
        raise KioskError("invalid_customer", detail="the plan needs an address")
    a = customer.address
    for existing in await ctx.client.list_user_addresses(user.id):
        if (existing.line1, existing.city, existing.country, existing.postal_code) == (
                a.line1, a.city, a.country, a.postal_code):
            return existing.id
    try:
        address = await ctx.client.create_user_address(
            user.id, line1=a.line1, line2=a.line2, city=a.city, state=a.state,
            postal_code=a.postal_code, country=a.country)
    except InvalidRequestError as exc:
        if exc.code == "userAddressInvalid":  # back to the form, the address marked
            raise KioskError("address_invalid", detail=str(exc),
                             request_id=exc.request_id) from exc
        if exc.code != "userAddressAlreadyExists":
            raise
        for existing in await ctx.client.list_user_addresses(user.id):  # made meanwhile
            if (existing.line1, existing.city, existing.country) == (a.line1, a.city, a.country):
                return existing.id
        raise
    return address.id


async def payment_method(ctx: Context) -> str | None:
    """The store's own payment method, configured by the operator, or none at all.

    Never a customer's method from a list (no list endpoint is documented, and a method
    must never pay for another user's order). The configured one is checked with Retrieve
    (the documented call) once every few minutes: it must exist and need no confirmation.
    """
    if ctx.settings.mode == "subscriptions":
        return None
    method_id = ctx.settings.payment_method
    if not method_id:
        raise KioskError("no_payment_method", detail="no store payment method is configured")
    checked = ctx.checked_payment
    if checked is None or checked[0] != method_id or ctx.clock() - checked[1] > PAYMENT_RECHECK:
        try:
            method = await ctx.client.retrieve_payment_method(method_id)
        except NotFoundError as exc:
            raise KioskError("no_payment_method", detail="the store's payment method "
                             "does not exist in this project") from exc
        if method.status is not PaymentMethodStatus.AVAILABLE:
            raise KioskError("no_payment_method",
                             detail=f"the store's payment method is {method.status.value}")
        ctx.checked_payment = (method_id, ctx.clock())
    return method_id


def _same_email(users: list[User], email: str) -> list[User]:
    """The users whose email is this one: a search may return others (a server that ignores
    its filter), and an order must never land on a stranger's account."""
    wanted = email.strip().casefold()
    return [u for u in users if u.email is not None and u.email.strip().casefold() == wanted]
