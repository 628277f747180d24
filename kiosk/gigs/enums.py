"""The API's enumerations, open: a value the kiosk does not know yet maps to `unknown`."""

from __future__ import annotations

from enum import StrEnum


class OpenEnum(StrEnum):
    """A string enum that maps values it does not know to its `unknown` member.

    The API's compatibility policy allows new enum values at any time: they must never raise.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum:
        return cls("unknown")


class SimType(OpenEnum):
    ESIM = "eSIM"
    PSIM = "pSIM"
    UNKNOWN = "unknown"


class SimStatus(OpenEnum):
    INACTIVE = "inactive"
    ACTIVE = "active"
    RETIRED = "retired"
    DELETED = "deleted"
    UNKNOWN = "unknown"


class DeviceType(OpenEnum):
    CAR = "car"
    IOT = "iot"
    LAPTOP = "laptop"
    ROUTER = "router"
    SMARTPHONE = "smartphone"
    FEATURE_PHONE = "feature-phone"
    SMARTWATCH = "smartwatch"
    TABLET = "tablet"
    WEARABLE = "wearable"
    OTHER = "other"
    UNKNOWN = "unknown"


class PlanStatus(OpenEnum):
    AVAILABLE = "available"
    ARCHIVED = "archived"
    PENDING = "pending"
    DRAFT = "draft"
    UNKNOWN = "unknown"


class ActivationTrigger(OpenEnum):
    CREATION = "creation"
    USAGE_STARTED = "usageStarted"
    UNKNOWN = "unknown"


class Requirement(OpenEnum):
    NONE = "none"
    PRESENT = "present"
    VERIFIED = "verified"
    UNKNOWN = "unknown"


class SubscriptionStatus(OpenEnum):
    PENDING = "pending"
    INITIATED = "initiated"
    ACTIVE = "active"
    ENDED = "ended"
    UNKNOWN = "unknown"


class OrderStatus(OpenEnum):
    PENDING = "pending"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELED = "canceled"
    QUOTED = "quoted"
    UNKNOWN = "unknown"


class ESimProfileStatus(OpenEnum):
    DELETED = "deleted"
    DISABLED = "disabled"
    ENABLED = "enabled"
    INSTALLED = "installed"
    UNKNOWN = "unknown"


class UserStatus(OpenEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    DELETED = "deleted"
    UNKNOWN = "unknown"


class PaymentMethodStatus(OpenEnum):
    AVAILABLE = "available"
    REQUIRES_CONFIRMATION = "requiresConfirmation"
    UNKNOWN = "unknown"


class PaymentMethodType(OpenEnum):
    CARD = "card"
    APPLE_PAY = "applePay"
    GOOGLE_PAY = "googlePay"
    UNKNOWN = "unknown"


class ValidityUnit(OpenEnum):
    DAY = "day"
    MONTH = "month"
    UNKNOWN = "unknown"


class ValidityType(OpenEnum):
    ONE_TIME = "oneTime"
    RECURRING = "recurring"
    UNKNOWN = "unknown"
