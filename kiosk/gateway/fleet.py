"""`GET /fleet`: the fleet page, server-rendered HTML, every value escaped, no JavaScript.

Admin auth is a login form that sets an HttpOnly, SameSite=Strict cookie (Secure over HTTPS)
rather than Basic auth: a browser attaches Basic credentials to every request to the site,
cross-site form posts included, and cannot log out; a SameSite=Strict cookie is never sent
by another site, and each revoke form carries a CSRF token on top. The session is
stateless (an expiry signed with HMAC keyed by `GATEWAY_ADMIN_TOKEN`), so any replica
accepts it and changing the token logs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kiosk.gateway.web import (
    BodyTooLarge, client_address, gateway_of, gigs_error, is_https, read_body,
)

COOKIE = "fleet_session"
SESSION_SECONDS = 8 * 3600
STYLE = """body{font:14px system-ui,sans-serif;margin:16px;max-width:1600px}
table{border-collapse:collapse;width:100%;margin-bottom:20px}th,td{border-bottom:1px solid #ddd;
padding:4px 6px;text-align:left;white-space:nowrap}h2{margin:18px 0 6px;font-size:16px}
td:last-child{white-space:normal}.revoked,tr:has(.revoked) td{color:#999}button{font-size:13px}
form{display:inline}"""


def _mac(key: str, text: str) -> str:
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def session_value(key: str, now: float) -> str:
    expiry = str(int(now + SESSION_SECONDS))
    return f"{expiry}.{_mac(key, 'session:' + expiry)}"


def session_ok(key: str, value: str | None, now: float) -> bool:
    if not value or "." not in value:
        return False
    expiry, mac = value.split(".", 1)
    return (expiry.isdigit() and int(expiry) > now
            and hmac.compare_digest(mac, _mac(key, "session:" + expiry)))


def csrf_token(key: str, session: str) -> str:
    return _mac(key, "csrf:" + session)[:32]


def _when(ts: float | None, now: float) -> str:
    if ts is None:
        return "never"
    ago = max(0, int(now - ts))
    if ago < 120:
        return f"{ago} s ago"
    if ago < 7200:
        return f"{ago // 60} min ago"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _page(title: str, body: str, *, refresh: bool = False) -> HTMLResponse:
    refresh_tag = "<meta http-equiv=refresh content=30>" if refresh else ""
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<meta name=viewport content='width=device-width'>{refresh_tag}<style>{STYLE}</style></head>"
        f"<body>{body}</body></html>",
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                 "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                            "form-action 'self'; frame-ancestors 'none'",
                 "Referrer-Policy": "no-referrer"})


def _login(message: str = "") -> HTMLResponse:
    note = f"<p>{html.escape(message)}</p>" if message else ""
    return _page("Fleet: sign in", f"<h1>Fleet</h1>{note}<form method=post action=/fleet/login>"
                 "<label>Admin token <input type=password name=token autofocus></label> "
                 "<button>Sign in</button></form>")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def render(data: dict[str, Any], csrf: str, now: float) -> HTMLResponse:
    kiosks = []
    for k in data["kiosks"]:
        revoked = k["revoked_at"] is not None
        action = ("revoked" if revoked else
                  "<form method=post action=/fleet/revoke>"
                  f"<input type=hidden name=csrf value=\"{_e(csrf)}\">"
                  f"<input type=hidden name=kiosk value=\"{_e(k['kiosk'])}\">"
                  "<button>Revoke</button></form>")
        fps = "" if k["camera_fps"] is None else f"{k['camera_fps']:.1f}"
        cls = " class=revoked" if revoked else ""
        name = k["name"] if len(k["name"]) <= 32 else k["name"][:31] + "…"
        kiosks.append([f"<span{cls}>{_e(k['kiosk'])}</span>", _e(k["store"]), _e(name),
                       _e(_when(k["last_seen"], now)), _e(k["version"]), _e(k["mode"]), _e(fps),
                       _e(k["activations_today"]), _e(k["failures_today"]), _e(k["pending"]),
                       action])
    orders = [[_e(_when(o["created_at"], now)), _e(o["order_id"]), _e(o["status"]),
               _e(o["subscription_id"]), _e(o["kiosk"]), _e(o["store"])] for o in data["orders"]]
    audit = [[_e(_when(a["at"], now)), _e(a["kiosk"]), _e(a["store"]), _e(a["method"]),
              _e(a["endpoint"]), _e(a["status"]), _e(a["latency_ms"]), _e(a["imei"]),
              _e(a["note"])] for a in data["audit"]]
    body = (
        "<form method=post action=/fleet/logout style='float:right'>"
        f"<input type=hidden name=csrf value=\"{_e(csrf)}\"><button>Sign out</button></form>"
        "<h1>Fleet</h1><h2>Kiosks</h2>"
        + _table(["Kiosk", "Store", "Name", "Last seen", "Version", "Mode", "Camera fps",
                  "Activations today", "Failures", "Pending", ""], kiosks, "No kiosk enrolled.")
        + "<h2>Recent activations (orders placed through the gateway)</h2>"
        + _table(["When", "Order", "Status", "Subscription", "Kiosk", "Store"], orders,
                 "No orders yet.")
        + "<h2>Recent audit entries</h2>"
        + _table(["When", "Kiosk", "Store", "Method", "Endpoint", "Status", "ms", "IMEI", "Note"],
                 audit, "Nothing audited yet."))
    return _page("Fleet", body, refresh=True)


def _admin(request: Request) -> str | None:
    """The session cookie's value when it is a valid one."""
    key = gateway_of(request).config.admin_token
    value = request.cookies.get(COOKIE)
    return value if key and session_ok(key, value, time.time()) else None


def _disabled() -> Response:
    return gigs_error(404, "notFound", "the fleet page is off: set GATEWAY_ADMIN_TOKEN")


async def page(request: Request) -> Response:
    gw = gateway_of(request)
    if not gw.config.admin_token:
        return _disabled()
    session = _admin(request)
    if session is None:
        return _login()
    store = gw.store

    def load() -> dict[str, Any]:
        return {"kiosks": store.kiosks(), "orders": store.recent_orders(30),
                "audit": store.audit_rows(limit=50)}

    return render(await gw.db(load), csrf_token(gw.config.admin_token, session), time.time())


async def _form(request: Request) -> dict[str, str]:
    try:
        raw = await read_body(request, 4096)
    except BodyTooLarge:
        return {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


async def login(request: Request) -> Response:
    gw = gateway_of(request)
    key = gw.config.admin_token
    if not key:
        return _disabled()
    address = client_address(request.scope, gw.config)
    if await gw.db(gw.store.hit, f"l:{address}", 10, 60) is not None:
        return _login("Too many attempts: wait a minute.")
    form = await _form(request)
    if not hmac.compare_digest(form.get("token", "").encode(), key.encode()):
        await gw.db(gw.store.audit, kiosk=None, store=None, method="POST",
                    endpoint="/fleet/login", status=403, latency_ms=0, note="wrong admin token")
        return _login("Wrong token.")
    response = RedirectResponse("/fleet", status_code=303)
    response.set_cookie(COOKIE, session_value(key, time.time()), max_age=SESSION_SECONDS,
                        httponly=True, samesite="strict", secure=is_https(request.scope, gw.config),
                        path="/fleet")
    return response


async def logout(request: Request) -> Response:
    response = RedirectResponse("/fleet", status_code=303)
    response.delete_cookie(COOKIE, path="/fleet")
    return response


async def revoke(request: Request) -> Response:
    gw = gateway_of(request)
    key = gw.config.admin_token
    if not key:
        return _disabled()
    session = _admin(request)
    form = await _form(request)
    if session is None or not hmac.compare_digest(form.get("csrf", "").encode(),
                                                  csrf_token(key, session).encode()):
        return gigs_error(403, "forbidden", "sign in again (session or CSRF token)")
    kiosk = form.get("kiosk", "")[:40]
    done = await gw.db(gw.store.revoke, kiosk)
    await gw.db(gw.store.audit, kiosk=kiosk if done else None, store=None, method="POST",
                endpoint="/fleet/revoke", status=303 if done else 404, latency_ms=0,
                note="revoked by admin" if done else "no such kiosk")
    return RedirectResponse("/fleet", status_code=303)
