"""`kiosk doctor`: safe reads only on a live project, honest verdicts, exit codes, nothing leaked."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, replace
from typing import Any

import httpx
import pytest

from kiosk import doctor
from kiosk.cli import main
from kiosk.doctor import MESSAGES, TEST_IMEI, TITLES, Check, Verdict, check_project
from kiosk.gigs import GigsClient, RetryPolicy
from kiosk.sandbox.config import SandboxConfig
from kiosk.sandbox.seed import DEMO_IMEIS, STORE_PAYMENT_METHOD_ID
from kiosk.settings import ApiSettings

ORDER = ["auth", "plans", "requirements", "deviceSearch", "subscriptions", "simFilter", "orders",
         "paymentMethod", "idempotency"]
HAS_FILTER_SWITCH = "undocumented_filters" in {f.name for f in fields(SandboxConfig)}


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on to the loopback sandbox and remembers method, path and headers."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, dict(request.headers)))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def in_thread(function: Any, *args: Any) -> Any:
    """Run where no event loop runs: a Qt test before this one may leave its loop set here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def cli(*args: str) -> int:
    return int(in_thread(main, list(args)))


def configure(server: Any, **values: Any) -> None:
    state = server.sandbox
    state.config = replace(state.config, **values)
    state.store.config = state.config


def run_against(server: Any, *, in_sandbox: bool, payment_method: str | None = STORE_PAYMENT_METHOD_ID,
                keys: bool = True) -> tuple[dict[str, Check], Recording]:
    transport = Recording()
    settings = ApiSettings(api_url=server.url, project="demo", token="sk_test_doctor",
                           idempotency_keys=keys)

    async def go() -> list[Check]:
        async with GigsClient(doctor.reading_settings(settings), transport=transport,
                              retry=RetryPolicy(max_retries=0)) as client:
            return await check_project(client, payment_method=payment_method,
                                       in_sandbox=in_sandbox)

    checks = in_thread(asyncio.run, go())
    assert [c.name for c in checks] == ORDER[: len(checks)]
    return {c.name: c for c in checks}, transport


def verdicts(checks: dict[str, Check]) -> dict[str, str]:
    return {name: c.verdict.value for name, c in checks.items()}


# -- against the loopback sandbox ----------------------------------------------------------------

def test_a_healthy_sandbox_passes_every_check(sandbox: Any) -> None:
    if HAS_FILTER_SWITCH:
        configure(sandbox, undocumented_filters="honour")
    checks, _ = run_against(sandbox, in_sandbox=True)
    assert set(verdicts(checks).values()) == {"ok"}, {n: c.text for n, c in checks.items()}
    assert checks["simFilter"].message == "simFilter.honoured"
    assert checks["idempotency"].message == "idempotency.honoured"
    assert "Resident 20 GB" in checks["requirements"].text
    owner = checks["paymentMethod"].params["owner"]
    assert owner.startswith("usr_") and owner in checks["paymentMethod"].text


def test_a_live_project_is_only_read(sandbox: Any) -> None:
    users = len(sandbox.sandbox.store.users)
    checks, seen = run_against(sandbox, in_sandbox=False)
    assert checks["idempotency"].message == "idempotency.untested"
    assert checks["idempotency"].verdict is Verdict.WARNING
    assert "cannot be tested without creating something" in checks["idempotency"].text
    writes = [(m, p) for m, p, _ in seen.seen if m != "GET"]
    assert writes == [("POST", "/projects/demo/devices/search")]  # a search reads
    assert not any("idempotency-key" in h for _, _, h in seen.seen)
    assert len(sandbox.sandbox.store.users) == users
    assert checks["deviceSearch"].params["imei"] == "35850731******7"


def test_the_test_imei_is_luhn_valid() -> None:
    from kiosk.scan.imei import parse_imei

    assert parse_imei(TEST_IMEI) == TEST_IMEI


@pytest.mark.skipif(not HAS_FILTER_SWITCH, reason="the sandbox has no undocumented_filters yet")
@pytest.mark.parametrize("policy,message", [("ignore", "simFilter.ignored"),
                                            ("refuse", "simFilter.refused")])
def test_sim_filter_ignored_or_refused_by_the_sandbox(sandbox: Any, policy: str,
                                                      message: str) -> None:
    configure(sandbox, undocumented_filters=policy)
    checks, _ = run_against(sandbox, in_sandbox=False)
    assert checks["simFilter"].message == message
    assert checks["simFilter"].verdict is Verdict.WARNING
    assert checks["subscriptions"].verdict is Verdict.OK  # the list itself still answers


@pytest.mark.parametrize("mode,message,verdict", [
    ("ignored", "idempotency.ignored", Verdict.WARNING),
    ("reject", "idempotency.refused", Verdict.PROBLEM),
])
def test_idempotency_keys_tested_only_in_a_sandbox(sandbox: Any, mode: str, message: str,
                                                   verdict: Verdict) -> None:
    configure(sandbox, idempotency=mode)
    checks, _ = run_against(sandbox, in_sandbox=True)
    assert (checks["idempotency"].message, checks["idempotency"].verdict) == (message, verdict)
    checks, _ = run_against(sandbox, in_sandbox=True, keys=False)
    assert checks["idempotency"].message == "idempotency.not_sent"


def test_payment_method_missing_or_not_configured(sandbox: Any) -> None:
    checks, _ = run_against(sandbox, in_sandbox=False, payment_method="pm_doesNotExist")
    assert checks["paymentMethod"].verdict is Verdict.PROBLEM
    assert "every order would fail" in checks["paymentMethod"].text
    checks, _ = run_against(sandbox, in_sandbox=False, payment_method=None)
    assert checks["paymentMethod"].message == "paymentMethod.none"


def test_a_wrong_key_stops_after_the_first_check(sandbox: Any) -> None:
    configure(sandbox, token="the-right-key")
    checks, seen = run_against(sandbox, in_sandbox=True)
    assert list(checks) == ["auth"] and checks["auth"].failure == "auth"
    assert "401" in checks["auth"].text and len(seen.seen) == 1


# -- verdict logic against answers the sandbox cannot give ---------------------------------------

SUB = {"object": "subscription", "status": "active", "plan": "pln_1", "user": "usr_1"}
PLAN = {"object": "plan", "id": "pln_1", "name": "Plan", "status": "available",
        "requirements": {"user.birthday": "present", "device": "none", "address": "none",
                         "user.fullName": "present"}}


def mock_run(routes: dict[tuple[str, str], Any], **kwargs: Any) -> dict[str, Check]:
    """The doctor against a MockTransport: `routes[(method, path suffix)]` gives status, body."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/projects/p")
        key = (request.method, path + ("?sim" if "sim" in request.url.params else ""))
        answer = routes.get(key, routes.get((request.method, path), (404, {
            "object": "error", "type": "notFound", "message": "Unknown endpoint."})))
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return httpx.Response(status, json=body)

    settings = ApiSettings(api_url="https://api.example.com", project="p", token="sk_live_mock",
                           max_retries=0)

    async def go() -> list[Check]:
        async with GigsClient(settings, transport=httpx.MockTransport(handle),
                              retry=RetryPolicy(max_retries=0)) as client:
            return await check_project(client, payment_method=kwargs.get("pm", "pm_1"),
                                       in_sandbox=False)

    return {c.name: c for c in in_thread(asyncio.run, go())}


def page(*items: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"object": "list", "items": list(items), "moreItemsAfter": None,
                 "moreItemsBefore": None}


def live_routes(**overrides: Any) -> dict[tuple[str, str], Any]:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/plans"): page(PLAN),
        ("POST", "/devices/search"): page(),
        ("GET", "/subscriptions"): page({**SUB, "id": "sub_1", "sim": "sim_a"},
                                        {**SUB, "id": "sub_2", "sim": "sim_b"}),
        ("GET", "/subscriptions?sim"): page({**SUB, "id": "sub_1", "sim": "sim_a"}),
        ("GET", "/orders"): page(),
        ("GET", "/paymentMethods/pm_1"): (200, {
            "object": "paymentMethod", "id": "pm_1", "status": "available", "user": "usr_store",
            "brand": "visa", "last4": "4242", "clientSecret": "pi_secret_do_not_show"}),
    }
    routes.update({tuple(k.split(" ", 1)): v for k, v in overrides.items()})  # type: ignore[misc]
    return routes


def test_mock_live_project_verdicts() -> None:
    checks = mock_run(live_routes())
    assert checks["simFilter"].message == "simFilter.honoured"
    assert checks["requirements"].verdict is Verdict.WARNING
    assert "user.birthday" in checks["requirements"].text and "Plan" in checks["requirements"].text
    assert "pi_secret" not in json.dumps([c.as_json() for c in checks.values()])


@pytest.mark.parametrize("answer,message", [
    (page({**SUB, "id": "sub_1", "sim": "sim_a"}, {**SUB, "id": "sub_2", "sim": "sim_b"}),
     "simFilter.ignored"),
    ((422, {"object": "error", "type": "invalid", "code": "invalidParameter", "message": "x"}),
     "simFilter.refused"),
    ((400, {"object": "error", "type": "malformed", "message": "unknown parameter"}),
     "simFilter.refused"),
    (page(), "simFilter.empty"),
])
def test_mock_sim_filter(answer: Any, message: str) -> None:
    checks = mock_run(live_routes(**{"GET /subscriptions?sim": answer}))
    assert checks["simFilter"].message == message
    assert checks["simFilter"].verdict is Verdict.WARNING


def test_mock_a_project_without_subscriptions_cannot_tell() -> None:
    checks = mock_run(live_routes(**{"GET /subscriptions": page(), "GET /subscriptions?sim": page()}))
    assert checks["simFilter"].message == "simFilter.unknown"


@pytest.mark.parametrize("status,verdict,failure", [(404, Verdict.WARNING, None),
                                                    (422, Verdict.WARNING, None),
                                                    (403, Verdict.PROBLEM, "auth")])
def test_mock_order_list(status: int, verdict: Verdict, failure: str | None) -> None:
    error = {"object": "error", "type": "invalid", "message": "no"}
    checks = mock_run(live_routes(**{"GET /orders": (status, error)}))
    assert (checks["orders"].verdict, checks["orders"].failure) == (verdict, failure)


def test_mock_payment_method_needing_confirmation_is_a_problem() -> None:
    method = {"object": "paymentMethod", "id": "pm_1", "status": "requiresConfirmation",
              "user": "usr_someone", "clientSecret": "pi_secret_do_not_show"}
    checks = mock_run(live_routes(**{"GET /paymentMethods/pm_1": (200, method)}))
    assert checks["paymentMethod"].verdict is Verdict.PROBLEM
    assert "usr_someone" in checks["paymentMethod"].text
    assert "pi_secret" not in checks["paymentMethod"].text


def test_mock_unreachable_and_no_plans() -> None:
    down = {("GET", "/plans"): httpx.ConnectError("refused")}
    checks = mock_run(down)
    assert list(checks) == ["auth"] and checks["auth"].failure == "unreachable"
    checks = mock_run(live_routes(**{"GET /plans": page({**PLAN, "status": "archived"})}))
    assert checks["plans"].verdict is Verdict.PROBLEM and checks["plans"].failure is None


def test_every_message_formats_and_every_check_has_a_title() -> None:
    assert set(TITLES) == set(ORDER)
    assert {key.split(".")[0] for key in MESSAGES} == set(ORDER)


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> pytest.MonkeyPatch:
    for name in ("GIGS_TOKEN", "GIGS_API_URL", "GIGS_PROJECT", "GIGS_IDEMPOTENCY_KEYS",
                 "KIOSK_PAYMENT_METHOD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "kiosk.toml"))
    return monkeypatch


def test_cli_in_process_sandbox_exits_0(env: Any, capsys: Any) -> None:
    assert cli("doctor") == 0
    out = capsys.readouterr().out
    # The sandbox ignores `?sim=` by default (as a careful reading of the docs allows): the
    # doctor says so as a warning, which does not fail the check.
    assert out.count("\n") == 11 and "?sim= is ignored" in out and "1 warning(s)" in out
    assert DEMO_IMEIS["esim"] not in out and "35850731******3" in out


def test_cli_json_on_a_live_project_never_prints_the_key(env: Any, sandbox: Any,
                                                         capsys: Any) -> None:
    env.setenv("GIGS_TOKEN", "sk_live_very_secret")
    code = cli("doctor", "--json", "--api-url", sandbox.url, "--project", "demo")
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 0 and data["exitCode"] == 0 and data["sandbox"] is False
    assert [c["name"] for c in data["checks"]] == ORDER
    assert data["checks"][-1]["verdict"] == "warning"  # idempotency: unknown
    assert "sk_live_very_secret" not in captured.out + captured.err
    assert TEST_IMEI not in captured.out


def test_cli_exit_codes(env: Any, sandbox: Any, capsys: Any) -> None:
    configure(sandbox, token="right")
    env.setenv("GIGS_TOKEN", "wrong")
    assert cli("doctor", "--api-url", sandbox.url) == 4
    env.setenv("GIGS_TOKEN", "right")
    assert cli("doctor", "--api-url", sandbox.url, "--payment-method", "pm_nope") == 1
    assert cli("doctor", "--sandbox-url", sandbox.url) == 0
    assert "throwaway user" in capsys.readouterr().out
    from kiosk.sandbox.serve import free_port

    assert cli("doctor", "--api-url", f"http://127.0.0.1:{free_port()}") == 5


def test_cli_creates_nothing_where_it_is_not_sure_of_a_sandbox(env: Any, capsys: Any) -> None:
    env.setenv("GIGS_TOKEN", "sk_live_very_secret")
    assert cli("doctor", "--api-url", "http://api.example.com") == 2
    from kiosk.sandbox.serve import free_port

    assert cli("doctor", "--sandbox-url", f"http://127.0.0.1:{free_port()}") == 2
    err = capsys.readouterr().err
    assert "does not answer as a sandbox" in err and "sk_live" not in err


def test_doctor_core_is_qt_free() -> None:
    code = "import sys, kiosk.doctor, kiosk.cli.doctor; sys.exit(1 if 'PySide6' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
