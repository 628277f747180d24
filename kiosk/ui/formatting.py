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
    return data_size(size, locale)


_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def data_size(size: int, locale: QLocale) -> str:
    """A data allowance as people write it: "1 GB", "20 GB", "1.5 GB", "500 MB" ("1,5 GB" in
    German). At most one decimal, and none when it is zero (QLocale's "1.0 GB" is not how a
    shop writes it). An allowance set in binary units (1 GiB = 1073741824 bytes) is counted
    in 1024s, so it too reads "1 GB" rather than "1.1 GB", as the operator meant it.
    """
    base = 1024 if size % 1024**2 == 0 and size % 1000**2 != 0 else 1000
    value, unit = float(size), 0
    while round(value, 1) >= base and unit < len(_UNITS) - 1:
        value /= base
        unit += 1
    value = round(value, 1)
    digits = 0 if value == int(value) else 1
    return f"{locale.toString(value, 'f', digits)} {_UNITS[unit]}"


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
