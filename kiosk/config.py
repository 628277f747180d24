"""Kiosk configuration: a TOML file, environment variables and flags, in that rising order.

Precedence, lowest to highest: built-in defaults < the config file (`--config PATH`, else
$KIOSK_CONFIG, else `~/.config/sim-kiosk/kiosk.toml`) < environment variables < command-line
flags. The API key is not in the file: it lives in `api-key` beside it (owner-only), or in
$GIGS_TOKEN; it is never displayed back or logged. The operator PIN is stored salted and hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

DEFAULT_PIN = "2468"


def default_dir() -> Path:
    return Path(platformdirs.user_config_dir("sim-kiosk", appauthor=False))


def hash_pin(pin: str, salt: str | None = None, iterations: int = 200_000) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), iterations).hex()
    return f"pbkdf2${iterations}${salt}${digest}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        candidate = hash_pin(pin, salt, int(iterations)).split("$")[3]
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, digest)


@dataclass(frozen=True)
class KioskConfig:
    # [api]
    api_mode: str = "sandbox"  # "sandbox" (embedded) or "live"
    api_url: str | None = None
    project: str | None = None
    idempotency_keys: bool = True
    payment_method: str | None = None
    # [kiosk]
    mode: str = "kiosk"  # or "qa"
    language: str = "en"
    camera: str = "0"
    idle_seconds: float = 90.0
    countdown_seconds: float = 20.0
    deadline: float = 600.0
    sound: bool = True
    pin_hash: str = field(default="", repr=False)
    # [qa]
    qa_expect_sim_types: tuple[str, ...] = ()
    qa_expect_sims: int | None = None
    qa_expect_model: str | None = None
    qa_require_pairing: bool = False
    qa_mask_imeis: bool = False

    def check_pin(self, pin: str) -> bool:
        return check_pin(pin, self.pin_hash) if self.pin_hash else pin == DEFAULT_PIN

    def problems(self) -> dict[str, str]:
        """Field -> what is wrong, checked before anything is saved."""
        out: dict[str, str] = {}
        if self.api_mode not in ("sandbox", "live"):
            out["api_mode"] = "must be sandbox or live"
        url_problem = api_url_problem(self.api_url)
        if url_problem:
            out["api_url"] = url_problem
        if self.mode not in ("kiosk", "qa"):
            out["mode"] = "must be kiosk or qa"
        if self.language not in ("en", "de"):
            out["language"] = "must be en or de"
        if not 15 <= self.idle_seconds <= 3600:
            out["idle_seconds"] = "between 15 s and an hour"
        if not 5 <= self.countdown_seconds <= 120:
            out["countdown_seconds"] = "between 5 and 120 s"
        if not 30 <= self.deadline <= 3600:
            out["deadline"] = "between 30 s and an hour"
        if not set(self.qa_expect_sim_types) <= {"eSIM", "pSIM"}:
            out["qa_expect_sim_types"] = "eSIM and/or pSIM"
        return out


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: a request to it never leaves this machine."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_url_problem(url: str | None) -> str | None:
    """Why the API key may not be sent to `url` (None: it may).

    The one rule for Save, "Test connection" and everything else that sends the key: https, or
    plain http to this machine only (a sandbox served here). It holds in sandbox mode too, since
    a configured URL is used there with the stored key. None or "" means the default, https.
    """
    if not url:
        return None
    if any(c.isspace() or not c.isprintable() for c in url):  # urlsplit would drop some
        return "not a URL"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http") or not host:
        return "an API URL must start with https://"
    if parts.scheme == "http" and not is_loopback(host):
        return "an API URL must start with https:// (http only to this machine)"
    if parts.username or parts.password:
        return "no user name or password in the URL"
    return None


SECTIONS = {"api": ("api_mode", "api_url", "project", "idempotency_keys", "payment_method"),
            "kiosk": ("mode", "language", "camera", "idle_seconds", "countdown_seconds",
                      "deadline", "sound", "pin_hash"),
            "qa": ("qa_expect_sim_types", "qa_expect_sims", "qa_expect_model",
                   "qa_require_pairing", "qa_mask_imeis")}
ENVIRONMENT = {"KIOSK_API_MODE": "api_mode", "GIGS_API_URL": "api_url", "GIGS_PROJECT": "project",
               "GIGS_IDEMPOTENCY_KEYS": "idempotency_keys",
               "KIOSK_PAYMENT_METHOD": "payment_method", "KIOSK_MODE": "mode",
               "KIOSK_LANGUAGE": "language", "KIOSK_CAMERA": "camera",
               "KIOSK_IDLE_SECONDS": "idle_seconds", "KIOSK_DEADLINE": "deadline"}
_TYPES = {f.name: f.type for f in fields(KioskConfig)}


def _coerce(name: str, value: Any) -> Any:
    kind = str(_TYPES[name])
    if isinstance(value, str):
        text = value.strip()
        if "bool" in kind:
            return text.lower() not in ("0", "false", "no", "off", "")
        if "float" in kind:
            return float(text)
        if "int" in kind:
            return int(text) if text else None
        if "tuple" in kind:
            return tuple(v.strip() for v in text.split(",") if v.strip())
        return text or None
    if "tuple" in kind and isinstance(value, list):
        return tuple(value)
    return value


class ConfigStore:
    """The config file and the API key file, both owner-only."""

    def __init__(self, path: str | Path | None = None) -> None:
        env = os.environ.get("KIOSK_CONFIG")
        self.path = Path(path or env or default_dir() / "kiosk.toml")
        self.key_path = self.path.with_name("api-key")

    def load(self, env: Mapping[str, str] | None = None,
             overrides: Mapping[str, Any] | None = None) -> KioskConfig:
        values: dict[str, Any] = {}
        if self.path.exists():
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
            for section, names in SECTIONS.items():
                for name in names:
                    if name in data.get(section, {}):
                        values[name] = _coerce(name, data[section][name])
        env = os.environ if env is None else env
        for var, name in ENVIRONMENT.items():
            if env.get(var):
                values[name] = _coerce(name, env[var])
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = value
        return replace(KioskConfig(), **values)

    def save(self, config: KioskConfig) -> None:
        problems = config.problems()
        if problems:
            raise ValueError("; ".join(f"{k}: {v}" for k, v in problems.items()))
        data = asdict(config)
        lines = ["# SIM kiosk configuration (written by the operator page)"]
        for section, names in SECTIONS.items():
            lines.append(f"\n[{section}]")
            for name in names:
                value = data[name]
                if value is None or value == ():
                    continue
                lines.append(f"{name} = {_toml(value)}")
        self._write(self.path, "\n".join(lines) + "\n")

    def api_key(self) -> str | None:
        if self.key_path.exists():
            return self.key_path.read_text(encoding="utf-8").strip() or None
        return None

    def set_api_key(self, key: str | None) -> None:
        if key:
            self._write(self.key_path, key.strip() + "\n")
        elif self.key_path.exists():
            self.key_path.unlink()

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
