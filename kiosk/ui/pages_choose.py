"""The middle pages, one module each: device, plan, customer details, review."""

from kiosk.ui.pages_customer import CustomerPage
from kiosk.ui.pages_device import DevicePage, masked_iccid
from kiosk.ui.pages_plan import PlanCard, PlanPage
from kiosk.ui.pages_review import ReviewPage

__all__ = ["CustomerPage", "DevicePage", "PlanCard", "PlanPage", "ReviewPage", "masked_iccid"]
