"""Kiosk configuration: a TOML file, environment variables and flags, in that rising order.

Precedence, lowest to highest: built-in defaults < the config file (`--config PATH`, else
$KIOSK_CONFIG, else `~/.config/sim-kiosk/kiosk.toml`) < environment variables < command-line
flags. The API key is not in the file: it lives in `api-key` beside it (owner-only), or in
$GIGS_TOKEN; it is never displayed back or logged. In gateway mode the kiosk holds no API key,
only its kiosk token, in `gateway-token` beside the config (owner-only; `kiosk join`). The
operator PIN is stored salted and hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import re
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from kiosk.config_io import MAX_CONFIG_BYTES as MAX_CONFIG_BYTES  # re-exported, as before
from kiosk.config_io import ConfigError as ConfigError
from kiosk.config_io import read_bounded as read_bounded

DEFAULT_PIN = "2468"

# The one table of allowed values: the operator page's Save (through `problems()`) and every
# load (file and environment) check against it.
RANGES: dict[str, tuple[float, float]] = {
    "idle_seconds": (15, 3600),
    "countdown_seconds": (5, 120),
    "deadline": (30, 3600),
    "qa_expect_sims": (1, 8),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "api_mode": ("sandbox", "live", "gateway"),
    "mode": ("kiosk", "qa", "pair"),
    "language": ("en", "de"),
}
SIM_TYPES = ("eSIM", "pSIM")
#: Gigs ids (`pm_…`, a project id): letters, digits, `_` and `-`. Ids go into URL paths.
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def value_problem(name: str, value: Any) -> str | None:
    """What is wrong with one setting's value (None: nothing), phrased to follow its name."""
    if name in RANGES:
        low, high = RANGES[name]
        kind = "a whole number" if name == "qa_expect_sims" else "a number"
        if value is None and name == "qa_expect_sims":
            return None
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or (isinstance(value, float) and not math.isfinite(value))
                or not low <= value <= high
                or (name == "qa_expect_sims" and not isinstance(value, int))):
            return f"must be {kind} from {low:g} to {high:g}"
    elif name in CHOICES:
        if value not in CHOICES[name]:
            return "must be " + " or ".join(CHOICES[name])
    elif name == "api_url":
        return api_url_problem(value)
    elif name in ("payment_method", "project") and value:
        if not isinstance(value, str) or not ID.fullmatch(value):
            return "must be an id: letters, digits, _ and - (at most 100)"
    elif name == "camera" and value is not None:
        if not isinstance(value, str) or len(value) > 4096 or not value.isprintable():
            return "must be a device number, a file or a folder (printable, at most 4096)"
    elif name == "qa_expect_sim_types" and not set(value) <= set(SIM_TYPES):
        return "must be eSIM and/or pSIM"
    return None


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
    api_mode: str = "sandbox"  # "sandbox" (embedded), "live" or "gateway" (a fleet's)
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
        for f in fields(self):
            problem = value_problem(f.name, getattr(self, f.name))
            if problem:
                out[f.name] = problem
        if self.api_mode == "gateway" and not self.api_url and "api_url" not in out:
            out["api_url"] = "gateway mode needs the gateway's URL (kiosk join URL CODE)"
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


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _coerce(name: str, value: Any) -> Any:
    """A file's or variable's value as the field's type; ValueError says what was expected."""
    kind = str(_TYPES[name])
    if "bool" in kind:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("must be true or false")
    if "float" in kind or "int" in kind:
        if isinstance(value, str):
            text = value.strip()
            if not text and "None" in kind:
                return None
            try:
                number: Any = int(text) if "int" in kind else float(text)
            except ValueError:
                number = None
        else:
            number = None if isinstance(value, bool) else value
        problem = value_problem(name, number)  # before float(): a 400-digit int overflows it
        if problem:
            raise ValueError(problem)
        return float(number) if "float" in kind else number
    if "tuple" in kind:
        if isinstance(value, str):
            items: Any = [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = value
        else:
            raise ValueError("must be a list of eSIM and/or pSIM")
        return tuple(items)
    if name == "camera" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # `camera = 0` means the device "0"
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip() or None


def _shown(value: Any) -> str:
    """A refused value for the message: one line, quoted, at most about 40 characters."""
    text = json.dumps(value) if isinstance(value, str) else repr(value)
    text = json.dumps(text)[1:-1] if not isinstance(value, str) else text  # no newlines
    return text if len(text) <= 40 else text[:37] + "..."


def _say(where: str, name: str, problem: str, value: Any) -> ConfigError:
    said = f"{name} {problem}" if problem.startswith("must") else f"{name}: {problem}"
    if name not in ("api_url", "pin_hash"):  # a URL may hold a password; a hash stays unsaid
        said += f" (got {_shown(value)})"
    return ConfigError(f"{where}: {said}")


def _checked(where: str, name: str, raw: Any) -> Any:
    try:
        value = _coerce(name, raw)
    except ValueError as exc:
        raise _say(where, name, str(exc), raw) from None
    problem = value_problem(name, value)
    if problem:
        raise _say(where, name, problem, raw)
    return value


def parse_config(data: bytes, where: str) -> dict[str, Any]:
    """The file's settings by field name, each checked; ConfigError for anything unusable.
    Unknown sections and keys are ignored, as they always were."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not a text file (not UTF-8)") from None
    try:
        document = tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError; a 5000-digit int; [[[[...
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ConfigError(f"{where}: not valid TOML: {reason}") from None
    values: dict[str, Any] = {}
    for section, names in SECTIONS.items():
        if section not in document:
            continue
        table = document[section]
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{section}] must be a table of settings "
                              f"(got {_shown(table)})")
        for name in names:
            if name in table:
                values[name] = _checked(where, name, table[name])
    return values


class ConfigStore:
    """The config file, the API key file and the kiosk token file, all owner-only."""

    def __init__(self, path: str | Path | None = None) -> None:
        env = os.environ.get("KIOSK_CONFIG")
        self.path = Path(path or env or default_dir() / "kiosk.toml")
        self.key_path = self.path.with_name("api-key")
        self.token_path = self.path.with_name("gateway-token")

    def load(self, env: Mapping[str, str] | None = None,
             overrides: Mapping[str, Any] | None = None) -> KioskConfig:
        """File < environment < flags, each value checked where it comes from (ConfigError,
        one line, naming the file or the variable). A missing file means the defaults: the
        operator page writes it at the first Save."""
        values: dict[str, Any] = {}
        data = read_bounded(self.path)
        if data is not None:
            values.update(parse_config(data, f"config {self.path}"))
        env = os.environ if env is None else env
        for var, name in ENVIRONMENT.items():
            if env.get(var):
                values[name] = _checked(f"environment {var}", name, env[var])
        for name, value in (overrides or {}).items():
            if value is not None:
                problem = value_problem(name, value)
                if problem:
                    raise _say("command line", name, problem, value)
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

    def gateway_token(self) -> str | None:
        """The kiosk token `kiosk join` stored (masked in every log line once read)."""
        from kiosk.redact import add_secret

        data = read_bounded(self.token_path, 4096)
        token = data.decode("utf-8", "replace").strip() if data else None
        add_secret(token)
        return token or None

    def set_gateway_token(self, token: str | None) -> None:
        if token:
            self._write(self.token_path, token.strip() + "\n")
        else:
            self.token_path.unlink(missing_ok=True)

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
