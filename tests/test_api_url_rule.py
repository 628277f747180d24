"""The one rule for where the API key may go: Save, "Test connection" and the kiosk all use it."""

from __future__ import annotations

import pytest

from kiosk.config import KioskConfig, api_url_problem, is_loopback


@pytest.mark.parametrize("url", [None, "", "https://api.gigs.com", "https://api.gigs.com:8443/v1",
                                 "http://127.0.0.1:8000", "http://127.5.6.7/x", "http://[::1]:9/",
                                 "http://localhost:1", "http://LOCALHOST."])
def test_the_key_may_go_to(url: str | None) -> None:
    assert api_url_problem(url) is None


@pytest.mark.parametrize("url", [
    "http://example.invalid", "http://api.gigs.com", "http://10.0.0.1:8000", "http://0.0.0.0",
    "http://localhost.evil.example", "http://127.0.0.1.nip.io", "http://2130706433",
    "ftp://api.gigs.com", "https://", "api.gigs.com",
    "https://user:secret@api.gigs.com", "http://127.0.0.1:port", "https://api.gigs.com\n",
    "https://api gigs.com", "HTTP://example.invalid"])
def test_the_key_never_goes_to(url: str) -> None:
    assert api_url_problem(url)


def test_loopback_is_this_machine_only() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.255.0.9") and is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("128.0.0.1") and not is_loopback("localhost.example")


def test_save_uses_the_rule_in_every_mode() -> None:
    # A configured URL is used with the stored key in sandbox mode too (an external sandbox).
    for mode in ("live", "sandbox"):
        assert "api_url" in KioskConfig(api_mode=mode, api_url="http://decoy.example").problems()
        assert "api_url" not in KioskConfig(api_mode=mode, api_url="http://127.0.0.1:9").problems()
