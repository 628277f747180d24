"""Reaching the API as typed on the operator panel: "Test connection" and "Check this project"."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget
from shiboken6 import isValid

from kiosk.config import KioskConfig, api_url_problem
from kiosk.connect import api_settings
from kiosk.doctor import Check, Verdict
from kiosk.gigs import AuthenticationError, GigsClient, GigsError
from kiosk.settings import ApiSettings
from kiosk.ui.staff_widgets import show_status
from kiosk.ui.widgets import button, label

#: The (possibly unsaved) settings on the settings tabs, and the API key to use with them.
Connection = Callable[[], tuple[KioskConfig, str | None]]


def refused(config: KioskConfig) -> str | None:
    """The one line to show when these settings' URL may not have the key (Save's own rule)."""
    problem = api_url_problem(config.api_url)
    return (QCoreApplication.translate("Connection", "Nothing sent, the key stays here: %1")
            .replace("%1", problem) if problem else None)


async def test_connection(config: KioskConfig, key: str | None) -> tuple[bool, str]:
    """Reach the configured API once; a 401 is reported as such. A URL Save refuses gets nothing."""
    why = refused(config)
    if why:
        return False, why
    from kiosk.connect import make_client

    client: GigsClient = make_client(api_settings(config, key))
    started = time.perf_counter()
    try:
        plans = await client.list_plans(status="available")
        ms = (time.perf_counter() - started) * 1000
        return True, QCoreApplication.translate(
            "Connection", "Connected: %1 plans on sale (%2 ms)").replace(
            "%1", str(len(plans))).replace("%2", f"{ms:.0f}")
    except AuthenticationError:
        if config.api_mode == "gateway":
            return False, QCoreApplication.translate(
                "Connection", "Kiosk token rejected (401): revoked? Join the fleet again")
        return False, QCoreApplication.translate("Connection", "API key rejected (401)")
    except GigsError as exc:
        return False, QCoreApplication.translate("Connection", "Cannot use the API: %1").replace(
            "%1", type(exc).__name__)
    finally:
        await client.aclose()


class ProjectCheck(QWidget):
    """"Check this project": `kiosk.doctor` on the settings as typed, one line per check.

    The core's lines are English; they are shown translated by message key, so the German
    page reads German. A translation that lost a placeholder falls back to the English line.
    """

    def __init__(self, services: Any, connection: Connection) -> None:
        super().__init__()
        self.services, self.connection = services, connection
        self.checks: list[Check] = []
        self.running = False
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.hint = label("", "Hint")
        self.button = button("", self.start)
        self.status = label("", "Hint")
        # Nine checks with their explanations are longer than a 768 px screen: the results
        # are the one part of this tab that scrolls (the panel lists it in `scrollables`).
        self.results = QScrollArea()
        self.results.setWidgetResizable(True)
        self.results.setFrameShape(QFrame.Shape.NoFrame)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.grid = QGridLayout(inner)
        self.grid.setContentsMargins(0, 0, 8, 0)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(16)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.results.setWidget(inner)
        box.addWidget(self.hint)
        box.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.status)
        box.addWidget(self.results, 1)
        self.rows: list[tuple[QLabel, QLabel]] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Checks the API set on the Connection tab (saved or not). A "
                                  "live project is only read: nothing is created or paid."))
        self.button.setText(self.tr("Check this project"))
        if self.checks:
            self.show_checks(self.checks)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def start(self) -> None:
        if self.running:
            return
        config, key = self.connection()
        why = refused(config)
        if why:
            show_status(self.status, "error", why)
            return
        self.running = True
        self.button.setEnabled(False)
        show_status(self.status, "", self.tr("Checking…"))
        self.services.run(self._check(api_settings(config, key), config.payment_method))

    async def _check(self, settings: ApiSettings, configured: str | None) -> None:
        from kiosk.connect import make_client
        from kiosk.doctor import check_project, reading_settings, store_payment_method

        try:
            async with make_client(reading_settings(settings)) as client:
                checks = await check_project(
                    client, payment_method=store_payment_method(configured, settings),
                    in_sandbox=settings.in_process)
        except Exception as exc:  # a bug in a check must not leave the button dead
            checks, failed = [], type(exc).__name__
        else:
            failed = None
        if not isValid(self):  # the page was locked (and this panel deleted) meanwhile
            return
        self.running = False
        self.button.setEnabled(True)
        if failed:
            show_status(self.status, "error", self.tr("✘ The check failed: %1").replace(
                "%1", failed))
        else:
            self.show_checks(checks)

    def show_checks(self, checks: list[Check]) -> None:
        self.checks = checks
        for verdict, text in self.rows:
            verdict.deleteLater()
            text.deleteLater()
        self.rows = []
        words = {Verdict.OK: ("ok", self.tr("✔ OK")),
                 Verdict.WARNING: ("warning", self.tr("⚠ Warning")),
                 Verdict.PROBLEM: ("error", self.tr("✘ Problem"))}
        for n, check in enumerate(checks):
            look, word = words[check.verdict]
            verdict = label("", wrap=False)
            show_status(verdict, look, word)
            verdict.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            text = label("", "Hint")
            text.setTextFormat(Qt.TextFormat.RichText)  # API text below is escaped
            text.setText(f"<b>{html.escape(self.title(check))}</b>: "
                         f"{html.escape(self.text(check))}")
            self.grid.addWidget(verdict, n, 0)
            self.grid.addWidget(text, n, 1)
            self.rows.append((verdict, text))
        problems = sum(c.verdict is Verdict.PROBLEM for c in checks)
        warnings = sum(c.verdict is Verdict.WARNING for c in checks)
        if problems or warnings:
            show_status(self.status, "error" if problems else "warning",
                        self.tr("%1 problem(s), %2 warning(s)").replace(
                            "%1", str(problems)).replace("%2", str(warnings)))
        else:
            show_status(self.status, "ok", self.tr("Everything checked works."))

    def lines(self) -> list[str]:
        """What the page shows, one plain line per check (for tests and the support bundle)."""
        return [f"{v.text()} {html.unescape(t.text().replace('<b>', '').replace('</b>', ''))}"
                for v, t in self.rows]

    def title(self, check: Check) -> str:
        return {
            "auth": self.tr("Authentication"), "plans": self.tr("Plans"),
            "requirements": self.tr("Plan requirements"), "deviceSearch": self.tr("Device search"),
            "subscriptions": self.tr("Subscriptions list"),
            "simFilter": self.tr("Subscriptions by SIM"), "orders": self.tr("Order list"),
            "paymentMethod": self.tr("Payment method"),
            "idempotency": self.tr("Idempotency keys"),
        }.get(check.name, check.title)

    def text(self, check: Check) -> str:
        template = self.templates().get(check.message)
        try:
            return template.format(**check.params) if template else check.text
        except (KeyError, IndexError, ValueError):
            return check.text

    def templates(self) -> dict[str, str]:
        """German (or any) wording of `kiosk.doctor.MESSAGES`, key for key (a test keeps them
        in step). Placeholders in braces are filled by the check; they are not translated."""
        return {
            "auth.ok": self.tr("the API key is accepted"),
            "auth.rejected": self.tr("rejected ({error}): the key is wrong or expired, or may "
                                     "not do this; nothing works"),
            "auth.unreachable": self.tr("the API cannot be reached ({error}): check the URL and "
                                        "the network"),
            "auth.no_project": self.tr("project not found ({error}): check the project id"),
            "auth.failed": self.tr("the API refused a plain read ({error})"),
            "plans.ok": self.tr("{on_sale} on sale ({total} in all)"),
            "plans.none": self.tr("none on sale ({total} in all): the kiosk has nothing to offer"),
            "requirements.none": self.tr("no plan on sale asks for more than an email address"),
            "requirements.ok": self.tr("the kiosk collects what plans ask for: {asked}"),
            "requirements.uncollected": self.tr("plans ask for {asked}; the kiosk does not "
                                                "collect {what}, so it cannot sell {plans}"),
            "deviceSearch.ok": self.tr("answers ({found} device(s) for the test IMEI {imei})"),
            "deviceSearch.failed": self.tr("fails ({error}): no phone can be looked up"),
            "subscriptions.ok": self.tr("the list answers (without a filter)"),
            "subscriptions.failed": self.tr("fails ({error}): the kiosk cannot see whether a SIM "
                                            "already has a subscription"),
            "simFilter.honoured": self.tr("?sim= is honoured"),
            "simFilter.ignored": self.tr("?sim= is ignored (the answer held other SIMs' "
                                         "subscriptions): the kiosk must filter them itself"),
            "simFilter.refused": self.tr("?sim= is refused ({error}): the kiosk must find a SIM's "
                                         "subscription another way"),
            "simFilter.empty": self.tr("?sim= found nothing for a SIM that has a subscription: "
                                       "do not rely on it"),
            "simFilter.unknown": self.tr("cannot tell yet: the project has no subscription with "
                                         "a SIM"),
            "simFilter.failed": self.tr("fails ({error})"),
            "orders.ok": self.tr("the order list answers: a lost order can be found"),
            "orders.missing": self.tr("no order list ({error}): the kiosk cannot prove that an "
                                      "order does not exist and must look for its subscription "
                                      "instead"),
            "orders.failed": self.tr("fails ({error}): a lost order cannot be looked up"),
            "paymentMethod.none": self.tr("none configured: orders cannot be paid (fine for a "
                                          "project that creates subscriptions directly)"),
            "paymentMethod.ok": self.tr("{id} ({card}) is available; owner {owner}"),
            "paymentMethod.confirm": self.tr("{id} needs confirmation first (owner {owner}): "
                                             "orders would not be paid"),
            "paymentMethod.status": self.tr("{id} has status {status} (owner {owner}): orders "
                                            "may not be paid"),
            "paymentMethod.missing": self.tr("{id} was not found ({error}): every order would "
                                             "fail"),
            "paymentMethod.failed": self.tr("fails ({error}): the store's payment method cannot "
                                            "be checked"),
            "idempotency.untested": self.tr("unknown (cannot be tested without creating "
                                            "something); the kiosk sends keys: if the project "
                                            "refuses them, every order fails"),
            "idempotency.untested_off": self.tr("unknown (cannot be tested without creating "
                                                "something); the kiosk sends none"),
            "idempotency.not_sent": self.tr("not tested: the kiosk sends none"),
            "idempotency.honoured": self.tr("accepted and honoured (one key, sent twice: one "
                                            "user)"),
            "idempotency.ignored": self.tr("accepted but ignored (one key, sent twice: two "
                                           "attempts): exactly-once rests on the kiosk's own "
                                           "checks"),
            "idempotency.refused": self.tr("refused ({error}): switch idempotency keys off, or "
                                           "every order fails"),
            "idempotency.failed": self.tr("could not be tested ({error})"),
        }
