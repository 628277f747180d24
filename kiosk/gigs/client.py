"""The async Gigs API client: typed methods for what the kiosk needs, over `Requestor`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote
from typing import Any, TypeVar

import pydantic

from kiosk.gigs._requestor import Requestor, describe_validation_error
from kiosk.gigs.errors import APIResponseValidationError, InvalidRequestError
from kiosk.gigs.models import (
    Device,
    DeviceModel,
    ESimProfile,
    GigsModel,
    ListPage,
    Order,
    PaymentMethod,
    Plan,
    Sim,
    SimCredentials,
    Subscription,
    User,
    UserAddress,
)
from kiosk.settings import ApiSettings

M = TypeVar("M", bound=GigsModel)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
#: One small page is enough to see whether `?sim=` was honoured (a SIM has a handful).
SIM_PAGE = 10


def _seg(value: str) -> str:
    """An id as one path segment: `/`, `..`, `?` or `#` in an id (typed, or from a hostile
    answer) cannot reach another path or add a query."""
    return quote(str(value), safe="")


class GigsClient:
    """One per process: holds the single `httpx.AsyncClient` all requests share.

    Every keyword of the constructor after `settings` goes to `Requestor` (transport, retry
    policy, sleep, clocks, randomness, key factory): tests inject them.
    """

    #: Safety net for auto-pagination: a kiosk never needs more than this many items.
    max_list_items = 5000
    #: Items asked for per page when following a list (the API allows up to 200).
    page_size = 100

    def __init__(self, settings: ApiSettings, **requestor_options: Any) -> None:
        self.settings = settings
        self._requestor = Requestor(settings, **requestor_options)

    async def __aenter__(self) -> GigsClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._requestor.aclose()

    @property
    def server_clock_offset(self) -> float | None:
        """The API's clock minus ours in seconds, once the API has sent a `Date` header."""
        return self._requestor.server_clock_offset

    @property
    def idempotency_enabled(self) -> bool:
        return self.settings.idempotency_keys

    def new_idempotency_key(self) -> str:
        """A fresh key for one logical POST; callers that journal it generate it here."""
        return self._requestor.new_idempotency_key()

    # -- plumbing -------------------------------------------------------------------------

    def _p(self, path: str) -> str:
        return self._requestor.project_path + path

    async def _get(self, model: type[M], path: str, params: Mapping[str, Any] | None = None) -> M:
        return self._parse(model, await self._requestor.request("GET", path, params=params), path)

    async def _send(
        self, model: type[M], method: str, path: str, body: Mapping[str, Any] | None,
        idempotency_key: str | None = None, *, resend: bool = True,
    ) -> M:
        data = await self._requestor.request(method, path, json=body,
                                             idempotency_key=idempotency_key, resend=resend)
        return self._parse(model, data, path, method)

    async def _search(self, model: type[M], path: str, body: Mapping[str, Any]) -> list[M]:
        # Searches only read, but they are POSTs (the IMEI stays out of URLs and logs).
        data = await self._requestor.request("POST", path, json=body, read_only=True)
        return self._parse(ListPage[model], data, path, "POST").items  # type: ignore[valid-type]

    async def _list(
        self, model: type[M], path: str, params: Mapping[str, Any] | None = None
    ) -> list[M]:
        """Every item of a list endpoint, following `moreItemsAfter` page by page."""
        items: list[M] = []
        query = dict(params or {})
        query["limit"] = self.page_size
        seen_cursors: set[str] = set()
        while True:
            data = await self._requestor.request("GET", path, params=query)
            page = self._parse(ListPage[model], data, path)  # type: ignore[valid-type]
            items.extend(page.items)
            cursor = page.more_items_after
            if not cursor or len(items) >= self.max_list_items or cursor in seen_cursors:
                return items
            seen_cursors.add(cursor)
            query["after"] = cursor

    @staticmethod
    def _parse(model: type[M], data: Any, path: str, method: str = "GET") -> M:
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(
                f"unexpected {model.__name__} from the API: {describe_validation_error(exc)}",
                method=method, path=path, status=200, request_id=None,
            ) from None

    @staticmethod
    def _body(**fields: Any) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not UNSET}

    # -- devices and device models -------------------------------------------------------

    async def search_devices(self, imei: str) -> list[Device]:
        """Devices with this IMEI (sent in the body only: IMEIs are personal data)."""
        return await self._search(Device, self._p("/devices/search"), {"imei": imei})

    async def retrieve_device(self, device_id: str) -> Device:
        return await self._get(Device, self._p(f"/devices/{_seg(device_id)}"))

    async def list_devices(self, *, sim: str | None = None, user: str | None = None) -> list[Device]:
        return await self._list(Device, self._p("/devices"), {"sim": sim, "user": user})

    async def update_device(
        self, device_id: str, *, name: Any = UNSET, sims: Any = UNSET, user: Any = UNSET,
        metadata: Any = UNSET, resend: bool = True,
    ) -> Device:
        """`resend=False`: a lost answer is not sent again (the caller reconciles first: a
        late PATCH with an old SIM list would undo a newer one)."""
        body = self._body(name=name, sims=sims, user=user, metadata=metadata)
        return await self._send(Device, "PATCH", self._p(f"/devices/{_seg(device_id)}"), body,
                                resend=resend)

    async def create_device(
        self, *, imei: str, sims: Sequence[str] | None = None, name: str | None = None,
        metadata: Mapping[str, Any] | None = None, user: str | None = None,
        idempotency_key: str | None = None,
    ) -> Device:
        """Register a device (the pairing station): its IMEI, and the SIMs inside it.

        Sent at most once (`resend=False`): a lost answer goes to the caller, who looks for
        the device (by SIM and IMEI) before sending again with the same key, because a
        server may ignore the key and a second device must never be made.
        """
        body: dict[str, Any] = {"imei": imei}
        if sims is not None:
            body["sims"] = list(sims)
        if name is not None:
            body["name"] = name
        if metadata is not None:
            body["metadata"] = dict(metadata)
        if user is not None:
            body["user"] = user
        return await self._send(Device, "POST", self._p("/devices"), body, idempotency_key,
                                resend=False)

    async def delete_device(self, device_id: str) -> Device:
        """Delete a device (an undone pairing); the API returns the deleted device."""
        return await self._send(Device, "DELETE", self._p(f"/devices/{_seg(device_id)}"), None)

    async def search_device_models(self, imei: str) -> list[DeviceModel]:
        """Device models matching an IMEI's TAC (global, not project-scoped)."""
        return await self._search(DeviceModel, "/deviceModels/search", {"imei": imei})

    async def retrieve_device_model(self, model_id: str) -> DeviceModel:
        return await self._get(DeviceModel, f"/deviceModels/{_seg(model_id)}")

    # -- plans -----------------------------------------------------------------------------

    async def list_plans(
        self, *, sim_type: str | Sequence[str] | None = None, status: str | Sequence[str] | None = None
    ) -> list[Plan]:
        return await self._list(Plan, self._p("/plans"), {"simType": sim_type, "status": status})

    async def retrieve_plan(self, plan_id: str) -> Plan:
        return await self._get(Plan, self._p(f"/plans/{_seg(plan_id)}"))

    # -- users and addresses ----------------------------------------------------------------

    async def create_user(
        self, *, email: str, full_name: str | None = None, birthday: str | None = None,
        preferred_locale: str | None = None, idempotency_key: str | None = None,
    ) -> User:
        body: dict[str, Any] = {"email": email}
        if full_name is not None:
            body["fullName"] = full_name
        if birthday is not None:
            body["birthday"] = birthday
        if preferred_locale is not None:
            body["preferredLocale"] = preferred_locale
        return await self._send(User, "POST", self._p("/users"), body, idempotency_key)

    async def update_user(self, user_id: str, *, full_name: Any = UNSET, birthday: Any = UNSET,
                          preferred_locale: Any = UNSET) -> User:
        body = self._body(fullName=full_name, birthday=birthday, preferredLocale=preferred_locale)
        return await self._send(User, "PATCH", self._p(f"/users/{_seg(user_id)}"), body)

    async def retrieve_user(self, user_id: str) -> User:
        return await self._get(User, self._p(f"/users/{_seg(user_id)}"))

    async def search_users(self, email: str) -> list[User]:
        return await self._search(User, self._p("/users/search"), {"email": email})

    async def list_users(self) -> list[User]:
        return await self._list(User, self._p("/users"))

    async def create_user_address(
        self, user_id: str, *, line1: str, city: str, country: str, line2: str | None = None,
        state: str | None = None, postal_code: str | None = None,
        idempotency_key: str | None = None,
    ) -> UserAddress:
        body = {"line1": line1, "line2": line2, "city": city, "state": state,
                "postalCode": postal_code, "country": country}
        return await self._send(
            UserAddress, "POST", self._p(f"/users/{_seg(user_id)}/addresses"), body, idempotency_key
        )

    async def list_user_addresses(self, user_id: str) -> list[UserAddress]:
        return await self._list(UserAddress, self._p(f"/users/{_seg(user_id)}/addresses"))

    # -- payment methods and orders -----------------------------------------------------------

    async def list_payment_methods(self, *, user: str | None = None) -> list[PaymentMethod]:
        return await self._list(PaymentMethod, self._p("/paymentMethods"), {"user": user})

    async def retrieve_payment_method(self, payment_method_id: str) -> PaymentMethod:
        return await self._get(PaymentMethod, self._p(f"/paymentMethods/{_seg(payment_method_id)}"))

    async def create_order(
        self, *, plan: str, payment_method: str, sim: str, user: str,
        user_address: str | None = None, idempotency_key: str | None = None,
    ) -> Order:
        """Place an order; `subscriptionDetails` is an object (reference section 7).

        Sent at most once: a failure after it may have reached the server (a timeout, a cut,
        any 5xx, 409 or 429) is raised at once for the order guard to reconcile.
        """
        details: dict[str, Any] = {"sim": sim, "user": user}
        if user_address is not None:
            details["userAddress"] = user_address
        body = {"paymentMethod": payment_method, "plan": plan, "subscriptionDetails": details}
        return await self._send(Order, "POST", self._p("/orders"), body, idempotency_key,
                                resend=False)

    async def retrieve_order(self, order_id: str) -> Order:
        return await self._get(Order, self._p(f"/orders/{_seg(order_id)}"))

    async def list_orders(self, *, user: str | None = None) -> list[Order]:
        return await self._list(Order, self._p("/orders"), {"user": user})

    # -- subscriptions --------------------------------------------------------------------

    async def create_subscription(
        self, *, plan: str, sim: str, user: str, user_address: str | None = None,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Create a subscription directly; `sim="auto"` provisions a new eSIM.

        Sent at most once, like `create_order`: it activates a line.
        """
        body: dict[str, Any] = {"plan": plan, "sim": sim, "user": user}
        if user_address is not None:
            body["userAddress"] = user_address
        return await self._send(
            Subscription, "POST", self._p("/subscriptions"), body, idempotency_key, resend=False
        )

    async def retrieve_subscription(self, subscription_id: str) -> Subscription:
        return await self._get(Subscription, self._p(f"/subscriptions/{_seg(subscription_id)}"))

    async def list_subscriptions(
        self, *, user: str | None = None, sim: str | None = None,
        status: str | Sequence[str] | None = None,
    ) -> list[Subscription]:
        params = {"user": user, "sim": sim, "status": status}
        return await self._list(Subscription, self._p("/subscriptions"), params)

    async def subscriptions_of_sim(self, sim_id: str) -> list[Subscription] | None:
        """This SIM's subscriptions through `?sim=`, which the docs do not list, checked here.

        None when the API refuses the filter (422) or ignores it (the page holds another
        SIM's subscription): the caller must find out another way. The first page is small
        (newest first; a SIM has a handful), so an ignored filter costs one small page.
        """
        path = self._p("/subscriptions")
        try:
            data = await self._requestor.request("GET", path,
                                                 params={"sim": sim_id, "limit": SIM_PAGE})
        except InvalidRequestError:
            return None
        page = self._parse(ListPage[Subscription], data, path)
        if any(s.sim is None or s.sim.id != sim_id for s in page.items):
            return None
        if page.more_items_after is None:
            return page.items
        # Honoured, and more than a page: the rest too (a SIM with a long history).
        rest = await self._list(Subscription, path, {"sim": sim_id, "after": page.more_items_after})
        return [*page.items, *(s for s in rest if s.sim is not None and s.sim.id == sim_id)]

    # -- SIMs -------------------------------------------------------------------------------

    async def retrieve_sim(self, sim_id: str) -> Sim:
        return await self._get(Sim, self._p(f"/sims/{_seg(sim_id)}"))

    async def list_sims(
        self, *, user: str | None = None, status: str | Sequence[str] | None = None,
        type: str | None = None, provider: str | Sequence[str] | None = None,
    ) -> list[Sim]:
        params = {"user": user, "status": status, "type": type, "provider": provider}
        return await self._list(Sim, self._p("/sims"), params)

    async def search_sims(self, iccid: str, *, types: Sequence[str] | None = None) -> list[Sim]:
        body: dict[str, Any] = {"iccid": iccid}
        if types is not None:
            body["type"] = list(types)
        return await self._search(Sim, self._p("/sims/search"), body)

    async def sim_credentials(self, sim_id: str) -> SimCredentials:
        """eSIM install data. Single-use secrets: never log, cache or persist them."""
        return await self._get(SimCredentials, self._p(f"/sims/{_seg(sim_id)}/credentials"))

    async def esim_profile(self, sim_id: str) -> ESimProfile:
        """The eSIM profile's lifecycle; 404 for pSIMs, `unknown` for most providers."""
        return await self._get(ESimProfile, self._p(f"/sims/{_seg(sim_id)}/eSimProfile"))

