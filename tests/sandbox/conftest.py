"""A plain HTTP client on the loopback sandbox: checks the sandbox without `kiosk.gigs`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

HEADERS = {"Authorization": "Bearer any", "Accept": "application/json"}


@pytest.fixture
def api(sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers=HEADERS, timeout=10) as c:
        yield c


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()
