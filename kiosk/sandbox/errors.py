"""Error objects of the sandbox, shaped as the reference's section 1.6."""

from __future__ import annotations

from typing import Any

DOCS = "https://developers.gigs.com/docs/concepts/error-handling"


class ApiError(Exception):
    def __init__(
        self, status: int, type_: str, message: str, *, code: str | None = None,
        hint: str | None = None, details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.code = code
        self.hint = hint
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"object": "error", "type": self.type, "message": self.message}
        if self.code:
            out["code"] = self.code
        if self.hint:
            out["hint"] = self.hint
        if self.details:
            out["details"] = self.details
        out["documentation"] = [DOCS]
        return out


def not_found(what: str) -> ApiError:
    return ApiError(404, "notFound", f"The requested {what} does not exist.", code="notFound")


def invalid(message: str, *, code: str, hint: str | None = None, prop: str | None = None) -> ApiError:
    details = None
    if prop:
        details = [{"object": "propertyErrorDetail", "code": code, "message": message,
                    "property": prop}]
    return ApiError(422, "invalid", message, code=code, hint=hint, details=details)


def required(prop: str) -> ApiError:
    return ApiError(
        422, "invalid", f"Missing required property '{prop}'.", code="propertyRequired",
        hint=f"Provide the property {prop}.",
        details=[{"object": "propertyErrorDetail", "code": "propertyRequired",
                  "message": "Invalid value for property.", "property": prop}],
    )
