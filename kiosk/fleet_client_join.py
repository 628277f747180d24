"""Joining a fleet: an enrolment code exchanged for a kiosk token (`kiosk join`, the operator page).

Qt-free. The token goes to `gateway-token` beside the config (owner-only) and nowhere else:
not the config, not a log line, not the screen, not a message.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from dataclasses import dataclass, replace
from typing import Any

import httpx

from kiosk import __version__
from kiosk.config import ID, ConfigStore, api_url_problem
from kiosk.redact import add_secret, printable

JOIN_PATH = "/gateway/v1/join"
#: `kt_<kiosk id>_<43 url-safe characters>`; the kiosk id `ksk_` + 12 base32 characters.
TOKEN = re.compile(r"kt_ksk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}")
KIOSK_ID = re.compile(r"ksk_[a-z2-7]{12}")
STORE = re.compile(r"[\x20-\x7e]{1,100}")
#: The answer is a few hundred bytes; anything longer is not the gateway's.
MAX_ANSWER = 16 * 1024
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class JoinError(Exception):
    """One line for the operator; `kind`: "invalid" (URL, code), "refused" (the gateway said
    no: wrong, used or expired code; rate limited), "unreachable", "unexpected" (an answer
    that is not the contract's)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Joined:
    kiosk: str
    store: str
    project: str
    token: str
    #: The store's payment method, the only one its orders may use (None: none configured).
    payment_method: str | None = None
    #: Whether the answer had the field at all (a gateway from before it was added has not:
    #: then the config's own payment method stays).
    says_payment_method: bool = False

    def __repr__(self) -> str:  # never the token, not even in a traceback's locals
        return f"Joined(kiosk={self.kiosk!r}, store={self.store!r}, project={self.project!r})"


def normal_code(code: str) -> str | None:
    """The code as the gateway compares it (case and dashes ignored), or None if it cannot be
    one (3 groups of 4 from the unambiguous alphabet)."""
    text = "".join(code.split()).replace("-", "").upper()
    if len(text) != 12 or any(c not in CODE_ALPHABET for c in text):
        return None
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def gateway_url_problem(url: str) -> str | None:
    """The operator page's and Save's rule for where a token may go: https, or http to here."""
    if not url:
        return "the gateway's URL is missing"
    problem = api_url_problem(url)
    return problem.replace("an API URL", "a gateway URL") if problem else None


async def join(url: str, code: str, *, name: str | None = None,
               transport: httpx.AsyncBaseTransport | None = None,
               timeout: float = 20.0) -> Joined:
    """POST the code to the gateway; the kiosk's id, store, project and token."""
    url = url.strip().rstrip("/")
    if problem := gateway_url_problem(url):
        raise JoinError(problem, "invalid")
    normal = normal_code(code)
    if normal is None:
        raise JoinError("an enrolment code is 3 groups of 4 letters and digits, "
                        "e.g. 7K3M-Q9TX-2HPW", "invalid")
    body = {"code": normal, "name": (name or socket.gethostname())[:100],
            "version": __version__}
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout, connect=5.0),
                             follow_redirects=False)
    try:
        async with asyncio.timeout(timeout), http, \
                http.stream("POST", url + JOIN_PATH, json=body) as response:
            data = await _bounded(response)  # the whole exchange within `timeout`
    except (httpx.HTTPError, TimeoutError) as exc:
        raise JoinError(f"cannot reach the gateway at {printable(url, 200)}: "
                        f"{type(exc).__name__}", "unreachable") from None
    answer = _json(data)
    if response.status_code in (403, 429):  # the contract's refusals of a code
        message = answer.get("message") if isinstance(answer, dict) else None
        said = printable(message, 200) if isinstance(message, str) else "the code was refused"
        if response.status_code == 429:
            wait = response.headers.get("retry-after", "")
            said = "too many tries from here" + (f": try again in {printable(wait, 10)} s"
                                                 if wait.isdigit() else ": try again later")
        raise JoinError(f"the gateway refused to join ({response.status_code}): {said}",
                        "refused")
    if response.status_code != 201:
        raise JoinError(f"the gateway answered {response.status_code} (expected 201): "
                        "is this a fleet gateway?", "unexpected")
    return _joined(answer)


async def _bounded(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER:
            raise JoinError("the gateway's answer is too long: is this a fleet gateway?",
                            "unexpected")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8")) if data else None
    except (ValueError, RecursionError):
        return None


def _joined(answer: Any) -> Joined:
    if not isinstance(answer, dict):
        raise JoinError("the gateway's answer is not JSON: is this a fleet gateway?",
                        "unexpected")
    token, kiosk = answer.get("token"), answer.get("kiosk")
    store, project = answer.get("store"), answer.get("project")
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise JoinError("the gateway's answer has no kiosk token of the agreed shape",
                        "unexpected")
    add_secret(token)
    if not isinstance(kiosk, str) or not KIOSK_ID.fullmatch(kiosk) \
            or not token.startswith(f"kt_{kiosk}_"):
        raise JoinError("the gateway's answer has no kiosk id (or not the token's)",
                        "unexpected")
    if not isinstance(store, str) or not STORE.fullmatch(store):
        raise JoinError("the gateway's answer has no store name", "unexpected")
    if not isinstance(project, str) or not ID.fullmatch(project):
        raise JoinError("the gateway's answer has no project id", "unexpected")
    method = answer.get("payment_method")
    if method is not None and (not isinstance(method, str) or not ID.fullmatch(method)):
        raise JoinError("the gateway's answer has a payment method that is no id", "unexpected")
    return Joined(kiosk=kiosk, store=store, project=project, token=token, payment_method=method,
                  says_payment_method="payment_method" in answer)


def save_joined(store: ConfigStore, url: str, joined: Joined) -> None:
    """The token to `gateway-token`, then the config: gateway mode, this URL, the project and
    the store's payment method. The rest of the config (PIN, camera, language) stays."""
    config = store.load(env={})
    config = replace(config, api_mode="gateway", api_url=url.strip().rstrip("/"),
                     project=joined.project,
                     payment_method=joined.payment_method if joined.says_payment_method
                     else config.payment_method)
    if problems := config.problems():  # checked before anything is written
        raise JoinError("; ".join(f"{k}: {v}" for k, v in problems.items()), "invalid")
    store.set_gateway_token(joined.token)
    store.save(config)
