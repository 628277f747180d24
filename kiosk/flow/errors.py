"""Errors a person sees: `KioskError` with a stable code and a plain-language message."""

from __future__ import annotations

from kiosk.gigs import (
    APIConnectionError, APIResponseValidationError, APIStatusError, AuthenticationError,
    GigsError, NotFoundError, PermissionDeniedError, RateLimitError, ServerError,
)

# code -> (what happened, what to do). English here; the GUI translates by code.
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_imei": ("That is not a valid IMEI.", "Check the number and try again."),
    "not_registered": ("This phone is not registered for activation here.",
                       "Please ask a member of staff."),
    "unsupported_device": ("This phone cannot be activated here: it has no SIM and no eSIM.",
                           "Please ask a member of staff."),
    "no_usable_sim": ("This phone has no SIM that can be activated.",
                      "Please ask a member of staff."),
    "no_plans": ("There are no plans for this phone right now.", "Please ask a member of staff."),
    "invalid_customer": ("Some details are missing or not valid.", "Please check the form."),
    "no_payment_method": ("This kiosk has no way to take payment right now.",
                          "Please ask a member of staff."),
    "payment_failed": ("The payment did not go through.", "Please ask a member of staff."),
    "order_rejected": ("The activation was refused.", "Please ask a member of staff."),
    "auth_failed": ("This kiosk cannot connect to the activation service.",
                    "Please ask a member of staff: the kiosk's API key needs attention."),
    "rate_limited": ("The activation service is busy.", "Please try again in a minute."),
    "api_unavailable": ("The activation service cannot be reached right now.",
                        "Please try again in a moment."),
    "order_unclear": ("We could not confirm your order yet. You have not been charged twice.",
                      "Please ask a member of staff and show them your reference."),
    "order_unsaved": ("Your order went through, but the kiosk could not save it.",
                      "Please ask a member of staff and show them this screen."),
    "order_not_placed": ("This order was not placed.", "Please start again."),
    "journal_unwritable": ("The kiosk cannot save its records right now, so it placed no order.",
                           "Please ask a member of staff."),
    "activation_lost": ("The activation service no longer knows this activation.",
                        "Please ask a member of staff and show them your reference."),
    "already_subscribed": ("This SIM already has a plan, so nothing was ordered.",
                           "Please ask a member of staff."),
    "address_invalid": ("We could not verify this address.", "Please check it and try again."),
    "order_expired": ("The order expired before it was paid. Nothing was charged.",
                      "Please start again."),
    "order_needs_confirmation": ("The payment needs a confirmation this kiosk cannot give.",
                                 "Please ask a member of staff."),
    "unexpected": ("Something went wrong.", "Please ask a member of staff."),
}
#: Documented API error codes whose meaning the customer is told in its own words.
BY_CODE = {"simAlreadyUsed": "already_subscribed", "simInUse": "already_subscribed",
           "userAddressInvalid": "address_invalid", "orderExpired": "order_expired",
           "paymentCardDeclined": "payment_failed"}


class KioskError(Exception):
    """An error with a message for the customer (`user_message`, `what_to_do`) and a log line.

    `detail` is for staff and logs only (it may hold the API's message, never secrets);
    `retryable` says whether trying the same step again can help.
    """

    def __init__(self, code: str, *, detail: str = "", retryable: bool = False,
                 request_id: str | None = None, cause_type: str | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.retryable = retryable
        self.request_id = request_id
        self.cause_type = cause_type

    @property
    def user_message(self) -> str:
        return MESSAGES.get(self.code, MESSAGES["unexpected"])[0]

    @property
    def what_to_do(self) -> str:
        return MESSAGES.get(self.code, MESSAGES["unexpected"])[1]


def from_api_error(exc: GigsError) -> KioskError:
    """The customer-facing meaning of a client error."""
    request_id = getattr(exc, "request_id", None)
    kind = type(exc).__name__
    if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
        return KioskError("auth_failed", detail=str(exc), request_id=request_id, cause_type=kind)
    if isinstance(exc, RateLimitError):
        return KioskError("rate_limited", detail=str(exc), retryable=True,
                          request_id=request_id, cause_type=kind)
    if isinstance(exc, (APIConnectionError, ServerError, APIResponseValidationError)):
        return KioskError("api_unavailable", detail=str(exc), retryable=True,
                          request_id=request_id, cause_type=kind)
    if isinstance(exc, NotFoundError):
        return KioskError("unexpected", detail=str(exc), request_id=request_id, cause_type=kind)
    if isinstance(exc, APIStatusError):
        return KioskError(BY_CODE.get(exc.code or "", "order_rejected"), detail=str(exc),
                          request_id=request_id, cause_type=kind)
    return KioskError("unexpected", detail=str(exc), cause_type=kind)
