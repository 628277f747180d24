"""The reference's object field tables (shared/gigs-api/REFERENCE.md section 3), as data.

Each field: (JSON types allowed, nullable, allowed values or None). Written from the
reference text, not from the sandbox or the client, so it checks both.
"""

from __future__ import annotations

S, I, B, L, O = str, int, bool, list, dict
N = True  # nullable

DEVICE_TYPES = {"car", "iot", "laptop", "router", "smartphone", "feature-phone", "smartwatch",
                "tablet", "wearable", "other"}

FIELDS: dict[str, dict[str, tuple]] = {
    "device": {"object": (S, False, {"device"}), "id": (S, False, None), "metadata": (O, False, None),
               "createdAt": (S, False, None), "imei": (S, N, None), "model": (O, N, None),
               "name": (S, N, None), "sims": (L, False, None), "user": (O, N, None)},
    "deviceModel": {"object": (S, False, {"deviceModel"}), "id": (S, False, None),
                    "brand": (S, False, None), "name": (S, False, None),
                    "simTypes": (L, False, None), "type": (S, False, DEVICE_TYPES)},
    "sim": {"object": (S, False, {"sim"}), "id": (S, False, None), "metadata": (O, False, None),
            "createdAt": (S, False, None), "iccid": (S, False, None), "provider": (S, False, None),
            "status": (S, False, {"inactive", "active", "retired"}),
            "type": (S, False, {"eSIM", "pSIM"})},
    "simCredentials": {"object": (S, False, {"simCredentials"}), "activationCode": (S, N, None),
                       "androidInstallUrl": (S, N, None), "iosInstallUrl": (S, N, None),
                       "qrCodeUrl": (S, N, None), "sim": (S, False, None)},
    "eSimProfile": {"object": (S, False, {"eSimProfile"}), "sim": (O, False, None),
                    "status": (S, False, {"deleted", "disabled", "enabled", "installed", "unknown"}),
                    "updatedAt": (S, False, None)},
    "plan": {"object": (S, False, {"plan"}), "id": (S, False, None), "metadata": (O, False, None),
             "activationTrigger": (S, False, {"creation", "usageStarted"}),
             "allowances": (O, False, None), "coverage": (O, False, None),
             "createdAt": (S, False, None), "description": (S, N, None),
             "firstPeriodTrigger": (S, False, {"creation", "activation"}), "image": (S, N, None),
             "limits": (O, False, None), "name": (S, False, None), "price": (O, False, None),
             "provider": (S, False, None), "requirements": (O, False, None),
             "simTypes": (L, False, None),
             "status": (S, False, {"available", "archived", "pending", "draft"}),
             "validity": (O, False, None)},
    "subscription": {"object": (S, False, {"subscription"}), "id": (S, False, None),
                     "metadata": (O, False, None),
                     "status": (S, False, {"pending", "initiated", "active", "ended"}),
                     "sim": (O, N, None), "plan": (O, False, None), "user": (O, False, None),
                     "phoneNumber": (S, N, None), "currentPeriod": (O, N, None),
                     "activatedAt": (S, N, None), "canceledAt": (S, N, None),
                     "endedAt": (S, N, None), "earliestEndAt": (S, N, None),
                     "firstUsageAt": (S, N, None), "cancellationDetails": (O, N, None),
                     "porting": (O, N, None), "lastPorting": (O, N, None),
                     "billing": (O, N, None), "createdAt": (S, False, None)},
    "order": {"object": (S, False, {"order"}), "id": (S, False, None),
              "status": (S, False, {"pending", "paid", "completed", "canceled", "quoted"}),
              "subscription": (S, N, None), "subscriptionDetails": (O, N, None),
              "plan": (O, N, None), "addons": (L, False, None),
              "subscriptionAddons": (L, False, None), "price": (O, False, None),
              "subtotal": (O, False, None), "discount": (O, False, None),
              "taxes": (L, False, None), "voucher": (O, N, None), "lastPayment": (O, N, None),
              "user": (O, False, None), "createdAt": (S, False, None)},
    "paymentMethod": {"object": (S, False, {"paymentMethod"}), "id": (S, False, None),
                      "brand": (S, N, {"amex", "diners", "discover", "jcb", "mastercard",
                                       "unionpay", "visa", "unknown"}),
                      "clientSecret": (S, N, None), "last4": (S, N, None),
                      "provider": (S, False, {"stripe"}),
                      "status": (S, False, {"available", "requiresConfirmation"}),
                      "type": (S, False, {"card", "applePay", "googlePay"}),
                      "user": (S, False, None), "createdAt": (S, False, None)},
    "user": {"object": (S, False, {"user"}), "id": (S, False, None), "metadata": (O, False, None),
             "email": (S, False, None), "emailVerified": (B, False, None),
             "fullName": (S, N, None), "birthday": (S, N, None),
             "preferredLocale": (S, False, None),
             "status": (S, False, {"active", "blocked", "deleted"}), "createdAt": (S, False, None)},
    "userAddress": {"object": (S, False, {"userAddress"}), "id": (S, False, None),
                    "line1": (S, False, None), "line2": (S, N, None), "city": (S, False, None),
                    "state": (S, N, None), "postalCode": (S, N, None), "country": (S, False, None),
                    "user": (S, False, None), "createdAt": (S, False, None)},
    "list": {"object": (S, False, {"list"}), "items": (L, False, None),
             "moreItemsAfter": (S, N, None), "moreItemsBefore": (S, N, None)},
    "error": {"object": (S, False, {"error"}), "type": (S, False, {
        "malformed", "unauthenticated", "permissionDenied", "notFound", "conflict", "invalid",
        "tooManyRequests", "internal", "notImplemented"}), "message": (S, False, None)},
}
OPTIONAL: dict[str, dict[str, tuple]] = {
    "error": {"code": (S, False, None), "hint": (S, False, None),
              "documentation": (L, False, None), "details": (L, False, None)},
}
# Nested objects with their own tables.
NESTED = {("device", "model"): "deviceModel", ("device", "user"): "user",
          ("subscription", "sim"): "sim", ("subscription", "plan"): "plan",
          ("subscription", "user"): "user", ("order", "plan"): "plan", ("order", "user"): "user",
          ("eSimProfile", "sim"): "sim"}
ID_PREFIXES = {"device": "dev_", "deviceModel": "dmd_", "sim": "sim_", "plan": "pln_",
               "subscription": "sub_", "order": "ord_", "user": "usr_", "userAddress": "adr_",
               "paymentMethod": "pm_"}


def problems(kind: str, obj: object, where: str = "") -> list[str]:
    """Every way `obj` departs from the reference's table for `kind`."""
    where = where or kind
    if not isinstance(obj, dict):
        return [f"{where}: not an object"]
    out = []
    table = {**FIELDS[kind]}
    for name, (types, nullable, allowed) in {**table, **OPTIONAL.get(kind, {})}.items():
        if name not in obj:
            if name in table:
                out.append(f"{where}.{name}: missing")
            continue
        value = obj[name]
        if value is None:
            if not nullable:
                out.append(f"{where}.{name}: null but not nullable")
            continue
        if (types is I and isinstance(value, bool)) or not isinstance(value, types):
            out.append(f"{where}.{name}: {type(value).__name__}, expected {types.__name__}")
            continue
        if allowed is not None and value not in allowed:
            out.append(f"{where}.{name}: {value!r} not in the reference's values")
        nested = NESTED.get((kind, name))
        if nested:
            out += problems(nested, value, f"{where}.{name}")
    if kind in ID_PREFIXES and isinstance(obj.get("id"), str) and len(obj["id"]) > 64:
        out.append(f"{where}.id: longer than 64 characters")
    for name in ("createdAt", "updatedAt", "activatedAt"):
        value = obj.get(name)
        if isinstance(value, str):
            from datetime import datetime
            try:
                datetime.fromisoformat(value)
            except ValueError:
                out.append(f"{where}.{name}: not ISO-8601")
    return out
