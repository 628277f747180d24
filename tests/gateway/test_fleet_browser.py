"""The fleet page in a real headless browser (Debian's chromium over the DevTools protocol):
sign in, the kiosk list with what the heartbeats said, revoke (the kiosk's next request is
refused), sign out; no secret and no full IMEI in the DOM; nothing wider than the window.
Screenshots at 1280x800 and 1920x1080 go to /tmp/fleet-shots/ (never the repository)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.gateway import tokens
from tests.gateway.cdp import Browser, find_chromium
from tests.gateway.conftest import ADMIN_TOKEN, GIGS_TOKEN, WEBHOOK_SECRET, GatewayFactory
from tests.gateway.helpers import PSIM_IMEI, bearer, client_for, join, place_order

SHOTS = Path(os.environ.get("FLEET_SHOTS", "/tmp/fleet-shots"))
ROWS = """(() => {
  const table = document.querySelector('table');
  if (!table) return [];
  const head = [...table.rows[0].cells].map(c => c.innerText.trim());
  return [...table.rows].slice(1).map(r =>
    Object.fromEntries([...r.cells].map((c, i) => [head[i] || 'action', c.innerText.trim()])));
})()"""
# What sticks out of the window: the page wider than it, or a visible control past its edge.
OVERFLOW = """(() => {
  const width = window.innerWidth;
  const out = [...document.querySelectorAll('button, input, th, td')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + ':' + e.innerText.slice(0, 20));
  return {page: document.documentElement.scrollWidth, width, out};
})()"""


@pytest.fixture
def browser() -> Iterator[Browser]:
    binary = find_chromium()
    if binary is None:
        message = "chromium is not installed (scripts/setup.sh installs it as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    page = Browser(binary)
    try:
        yield page
    finally:
        page.close()


def _kiosks(browser: Browser) -> dict[str, dict[str, str]]:
    rows: list[dict[str, str]] = browser.evaluate(ROWS)
    return {row["Kiosk"]: row for row in rows}


def _beat(url: str, token: str, **values: Any) -> None:
    answer = httpx.post(url + "/gateway/v1/heartbeat", json=values, headers=bearer(token))
    assert answer.status_code == 204, answer.text


def _look(browser: Browser, name: str, width: int, height: int) -> dict[str, Any]:
    browser.viewport(width, height)
    browser.evaluate("window.scrollTo(0, 0)")
    browser.screenshot(SHOTS / f"{name}-{width}x{height}.png")
    overflow: dict[str, Any] = browser.evaluate(OVERFLOW)
    return overflow


def test_the_fleet_page_in_a_real_browser(make_gateway: GatewayFactory, tmp_path: Path,
                                          browser: Browser) -> None:
    gw, store, _ = make_gateway(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    front = join(gw.url, store, name="till 1 (front desk)")
    back = join(gw.url, store, store_id="STORE-7", name="back office tablet " + "x" * 40,
                payment_method="pm_store7")
    _beat(gw.url, front["token"], version="0.3.1", mode="kiosk", camera_fps=14.5,
          activations_today=7, failures_today=1, pending=2)
    _beat(gw.url, back["token"], version="0.2.9", mode="qa", camera_fps=None,
          activations_today=0, failures_today=0, pending=0)

    async def activate() -> str:
        async with client_for(gw.url, front["token"]) as client:
            return await place_order(client)

    order = asyncio.run(activate())  # audit rows with a masked IMEI, one order
    httpx.get(gw.url + "/projects/demo/users", headers=bearer(front["token"]))  # refused
    secrets = [GIGS_TOKEN, ADMIN_TOKEN, WEBHOOK_SECRET, PSIM_IMEI]
    for joined in (front, back):
        secret = joined["token"][-43:]  # the secret part (it may hold "_" itself)
        normal = tokens.normal_code(joined["code"]) or ""
        secrets += [joined["token"], secret, joined["code"], normal,
                    tokens.sha256(secret), tokens.sha256(normal)]  # nor what the database keeps

    browser.viewport(1280, 800)
    browser.navigate(gw.url + "/fleet")
    assert browser.evaluate("document.querySelector('input[name=token]') !== null")
    assert front["kiosk"] not in browser.dom()  # nothing but the form before signing in
    browser.evaluate("document.querySelector('input[name=token]').focus()")
    browser.call("Input.insertText", {"text": "not-the-admin-token"})
    browser.submit_and_wait("document.querySelector('form button').click()")
    assert "Wrong token." in browser.dom() and front["kiosk"] not in browser.dom()
    browser.evaluate("document.querySelector('input[name=token]').focus()")
    browser.call("Input.insertText", {"text": ADMIN_TOKEN})  # typed, as a person would
    browser.submit_and_wait("document.querySelector('form button').click()")
    assert browser.evaluate("location.pathname") == "/fleet"
    assert browser.evaluate("document.cookie") == ""  # the session cookie is HttpOnly

    kiosks = _kiosks(browser)
    row = kiosks[front["kiosk"]]
    assert re.fullmatch(r"\d+ s ago", row["Last seen"]), row
    assert (row["Store"], row["Version"], row["Mode"], row["Camera fps"]) == (
        "STORE-042", "0.3.1", "kiosk", "14.5")
    assert (row["Activations today"], row["Failures"], row["Pending"]) == ("7", "1", "2")
    other = kiosks[back["kiosk"]]
    assert (other["Store"], other["Version"], other["Mode"], other["Camera fps"]) == (
        "STORE-7", "0.2.9", "qa", "")
    assert other["Name"].endswith("…") and len(other["Name"]) == 32  # long names cut
    text = browser.evaluate("document.body.innerText")
    assert order in text and "allow-list" in text  # the order and the refusal, audited
    assert re.search(r"\b\d{8}\*{6}\d\b", text)  # IMEIs masked
    for width, height in ((1280, 800), (1920, 1080)):
        overflow = _look(browser, "fleet", width, height)
        assert overflow["page"] <= width and not overflow["out"], overflow
        dom = browser.dom()
        leaked = [s[:12] + "…" for s in secrets if s in dom]
        assert not leaked, f"in the DOM at {width}x{height}: {leaked}"
    browser.call("Emulation.setDeviceMetricsOverride", {
        "width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    browser.screenshot(SHOTS / "fleet-full-1280.png", full_page=True)

    # Revoke the back-office kiosk with its own row's button.
    browser.submit_and_wait(
        "[...document.querySelectorAll('table')[0].rows]"
        f".find(r => r.innerText.includes('{back['kiosk']}')).querySelector('button').click()")
    assert browser.evaluate("location.pathname") == "/fleet"
    kiosks = _kiosks(browser)
    assert kiosks[back["kiosk"]]["action"] == "revoked"
    assert kiosks[front["kiosk"]]["action"] == "Revoke"
    plans = gw.url + "/projects/demo/plans?status=available"
    refused = httpx.get(plans, headers=bearer(back["token"]))
    assert refused.status_code == 401 and refused.json()["type"] == "unauthorized"
    assert httpx.get(plans, headers=bearer(front["token"])).status_code == 200
    assert "revoked by admin" in browser.evaluate("document.body.innerText")
    grey = browser.evaluate(  # the whole revoked row reads as inactive, not only its id
        "[...document.querySelectorAll('table')[0].rows].filter(r => r.querySelector('td'))"
        ".map(r => getComputedStyle(r.cells[1]).color)")
    assert grey == ["rgb(0, 0, 0)", "rgb(153, 153, 153)"], grey
    _look(browser, "fleet-revoked", 1280, 800)

    browser.submit_and_wait("[...document.querySelectorAll('button')]"
                            ".find(b => b.innerText === 'Sign out').click()")
    browser.navigate(gw.url + "/fleet")
    assert browser.evaluate("document.querySelector('input[name=token]') !== null")
    assert front["kiosk"] not in browser.dom()
