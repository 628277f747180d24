"""Numbers for people: money, data sizes, minutes, periods and phone numbers through QLocale."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QLocale, QObject

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


def allowances(plan: PlanSummary, locale: QLocale) -> str:
    """What a plan includes, in as few words as it can be said: "5 GB, data only",
    "20 GB · unlimited calls and texts", "Unlimited data, calls and texts"."""
    calls, sms = plan.voice_minutes, plan.sms
    if plan.data_bytes is None and calls is None and sms is None:
        return QCoreApplication.translate("Formatting", "Unlimited data, calls and texts")
    amount = data(plan.data_bytes, locale)
    if calls == 0 and sms == 0 and plan.data_bytes != 0:
        return QCoreApplication.translate("Formatting", "%1, data only").replace("%1", amount)
    if calls is None and sms is None:
        return QCoreApplication.translate("Formatting", "%1 · unlimited calls and texts").replace(
            "%1", amount)
    return " · ".join([amount, minutes(calls, locale), texts(sms, locale)])


class Formatting(QObject):
    """The texts with a count (%n), under the context "Formatting": lupdate marks a text as
    plural only in a `tr()` call, never in `QCoreApplication.translate()`."""

    def every(self, months: int | None, days: int | None) -> str:
        if months:
            return self.tr("%1 every %n months", "", months)
        return self.tr("%1 every %n days", "", days or 0)

    def lasting(self, months: int | None, days: int | None) -> str:
        if months:
            return self.tr("%1 for %n months", "", months)
        return self.tr("%1 for %n days", "", days or 0)

    def renews(self, months: int | None, days: int | None) -> str:
        if months:
            return self.tr("Renews every %n months until you cancel", "", months)
        return self.tr("Renews every %n days until you cancel", "", days or 0)

    def minimum(self, months: int | None, days: int | None, periods: int) -> str:
        if months:
            return self.tr("minimum %n months", "", periods * months)
        if days:
            return self.tr("minimum %n days", "", periods * days)
        return self.tr("minimum %n periods", "", periods)


_COUNTED = Formatting()


def price_period(plan: PlanSummary, locale: QLocale) -> str:
    """The price with what it pays for: "€14.99 a month", "€9.99 for 30 days"."""
    price = money(plan.price, plan.currency, locale)
    if not price:
        return ""
    months, days = plan.validity_months, plan.validity_days
    if plan.recurring and months == 1:
        text = QCoreApplication.translate("Formatting", "%1 a month")
    elif plan.recurring and (months or days):
        text = _COUNTED.every(months, days)
    elif months or days:
        text = _COUNTED.lasting(months, days)
    else:
        text = "%1"
    return text.replace("%1", price)


def terms(plan: PlanSummary) -> str:
    """What the customer agrees to, in one short line: whether it renews, a minimum term if it
    has one, and from when it runs."""
    months, days, periods = plan.validity_months, plan.validity_days, plan.minimum_periods
    if not plan.recurring:
        parts = [QCoreApplication.translate("Formatting", "One-off: does not renew")]
    elif months == 1:
        parts = [QCoreApplication.translate("Formatting", "Renews every month until you cancel")]
    elif months or days:
        parts = [_COUNTED.renews(months, days)]
    else:
        parts = [QCoreApplication.translate("Formatting", "Renews until you cancel")]
    if plan.recurring and periods > 1:
        parts.append(_COUNTED.minimum(months, days, periods))
    parts.append(QCoreApplication.translate("Formatting", "starts when you first use it")
                 if plan.starts_on_first_use
                 else QCoreApplication.translate("Formatting", "starts when it is activated"))
    return " · ".join(parts)


def phone_number(e164: str | None, locale: QLocale) -> str:
    """A phone number as people write it: "+49 1512 3456789", "+1 212-555-1234".

    The international form, grouped by libphonenumber (`phonenumberslite`), which a visitor
    from abroad can read too. A number written without its country code (the API gives E.164,
    so only by mistake) is read as one of the locale's country. A number the library does not
    know as valid keeps the grouping it was given; bare E.164 digits at least get their country
    code set apart ("+49 1511234567"); anything else is shown as given, never hidden.
    """
    text = (e164 or "").strip()
    if not text:
        return ""
    import phonenumbers  # here, not at start-up: ~20 ms, and only the last page needs it

    region = QLocale.territoryToCode(locale.territory()) or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    bare = text.startswith("+") and text[1:].isdigit()
    if phonenumbers.is_valid_number(number) or (bare and phonenumbers.is_possible_number(number)):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text
