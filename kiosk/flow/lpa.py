"""Parsing of eSIM activation codes (GSMA SGP.22: `LPA:1$<SM-DP+>$<matching id>[$<OID>[$<flag>]]`)."""

from __future__ import annotations

from dataclasses import dataclass, field


#: SGP.22 keeps activation codes short (an FQDN, a matching id of a few dozen characters, an
#: OID): 255 characters is its ceiling; this leaves room and still fits a QR code easily.
MAX_LENGTH = 512


class InvalidActivationCode(ValueError):
    """The activation code does not follow SGP.22; the message never repeats the code."""


@dataclass(frozen=True)
class ActivationCode:
    """The parts of an activation code. Secret: `repr` shows only the SM-DP+ address."""

    smdp_address: str
    matching_id: str = field(repr=False)
    oid: str | None = None
    confirmation_code_required: bool = False

    @property
    def text(self) -> str:
        """The canonical form to encode in the QR code (`LPA:` + format 1 + fields)."""
        parts = ["1", self.smdp_address, self.matching_id]
        if self.oid is not None or self.confirmation_code_required:
            parts.append(self.oid or "")
        if self.confirmation_code_required:
            parts.append("1")
        return "LPA:" + "$".join(parts)


def parse_activation_code(code: str) -> ActivationCode:
    """Split an activation code into its parts, or raise `InvalidActivationCode`.

    The `LPA:` prefix is optional and matched in any case; the format must be 1; the SM-DP+
    address and matching id must be non-empty; the OID is kept; a confirmation-code flag of
    1 means the customer will need a confirmation code from the operator.
    """
    if not isinstance(code, str):
        raise InvalidActivationCode("the activation code is not text")
    if len(code) > MAX_LENGTH:
        raise InvalidActivationCode(f"the activation code is longer than {MAX_LENGTH} characters")
    text = code.strip()
    if not text.isascii() or not text.isprintable():
        raise InvalidActivationCode("the activation code holds characters outside printable ASCII")
    if text[:4].upper() == "LPA:":
        text = text[4:]
    parts = text.split("$")
    if len(parts) < 3:
        raise InvalidActivationCode("an activation code has at least three $-separated fields")
    if len(parts) > 5:
        raise InvalidActivationCode("an activation code has at most five $-separated fields")
    if parts[0] != "1":
        raise InvalidActivationCode("only activation code format 1 is supported")
    address, matching_id = parts[1].strip(), parts[2].strip()
    if not address or any(c.isspace() for c in address):
        raise InvalidActivationCode("the SM-DP+ address is missing or malformed")
    if not matching_id or any(c.isspace() for c in matching_id):
        raise InvalidActivationCode("the matching id is missing or malformed")
    oid = parts[3] if len(parts) > 3 and parts[3] != "" else None
    flag = parts[4] if len(parts) > 4 else ""
    if flag not in ("", "0", "1"):
        raise InvalidActivationCode("the confirmation-code flag must be 0 or 1")
    return ActivationCode(address, matching_id, oid, flag == "1")
