"""The activation flow (no Qt): one session's states, intents and exactly-once ordering."""

from kiosk.flow.context import Context, FlowSettings
from kiosk.flow.customer import Address, CustomerInput
from kiosk.flow.engine import Flow
from kiosk.flow.errors import KioskError
from kiosk.flow.lpa import ActivationCode, InvalidActivationCode, parse_activation_code

__all__ = ["ActivationCode", "Address", "Context", "CustomerInput", "Flow", "FlowSettings",
           "InvalidActivationCode", "KioskError", "parse_activation_code"]
