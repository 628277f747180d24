"""Numbers for people: money, data sizes, minutes and validity through QLocale."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QLocale

from kiosk.flow.catalog import PlanSummary


_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


def money(amount: Decimal | None, currency: str | None, locale: QLocale) -> str:
    """"9,99 €" in German, "€9.99" in English: QLocale places the symbol and separators."""
    if amount is None or currency is None:
        return ""
    digits = 0 if amount == amount.to_integral_value() and currency == "JPY" else 2
    return locale.toCurrencyString(float(amount), _SYMBOLS.get(currency, currency + " "), digits)


def data(size: int | None, locale: QLocale) -> str:
    if size is None:
        return QCoreApplication.translate("Formatting", "Unlimited data")
    if size == 0:
        return QCoreApplication.translate("Formatting", "No data")
    return locale.formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def minutes(count: int | None, locale: QLocale) -> str:
    if count is None:
        return QCoreApplication.translate("Formatting", "Unlimited calls")
    if count == 0:
        return QCoreApplication.translate("Formatting", "No calls")
    text = QCoreApplication.translate("Formatting", "%1 minutes")
    return text.replace("%1", locale.toString(count))


def texts(count: int | None, locale: QLocale) -> str:
    if count is None:
        return QCoreApplication.translate("Formatting", "Unlimited texts")
    if count == 0:
        return QCoreApplication.translate("Formatting", "No texts")
    return QCoreApplication.translate("Formatting", "%1 texts").replace("%1", locale.toString(count))


def validity(plan: PlanSummary, locale: QLocale) -> str:
    months, days = plan.validity_months, plan.validity_days
    if months:
        if plan.recurring and months == 1:
            return QCoreApplication.translate("Formatting", "every month")
        text = QCoreApplication.translate("Formatting", "%1 months")
        return text.replace("%1", locale.toString(months))
    if days:
        return QCoreApplication.translate("Formatting", "%1 days").replace("%1", locale.toString(days))
    return ""
