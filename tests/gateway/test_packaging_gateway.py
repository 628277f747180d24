"""Deployment of the gateway (issue 17): the systemd unit, the container's dependency list,
and the kiosk bundle leaving the gateway and its database drivers out."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
#: What only the kiosk needs: none of it may be installed in the gateway's container.
KIOSK_ONLY = ("PySide6", "cv2", "numpy", "pyzbar", "zxingcpp", "qasync", "PIL", "segno",
              "phonenumbers")
GATEWAY_ONLY = ("kiosk.gateway", "sqlalchemy", "psycopg", "psycopg_binary")


def _blocking(names: tuple[str, ...], code: str) -> str:
    """Python source that runs `code` with `names` unimportable (as if not installed)."""
    return textwrap.dedent(f"""
        import importlib.abc, importlib.machinery, sys
        BLOCKED = {names!r}
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
                return None
        sys.meta_path.insert(0, Block())
        _find = importlib.util.find_spec
        def find_spec(name, package=None):
            if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                return None
            return _find(name, package)
        importlib.util.find_spec = find_spec
    """) + textwrap.dedent(code)


def _run(source: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GIGS_", "GATEWAY_"))}
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          cwd=ROOT, timeout=60,
                          env={**clean, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), **env})


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_gateway_unit_verifies_and_is_locked_down(tmp_path: Path) -> None:
    unit = (PACKAGING / "gateway.service").read_text()
    for line in ("User=kiosk-gateway", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "Restart=on-failure", "EnvironmentFile=/etc/kiosk-gateway/gateway.env",
                 "CapabilityBoundingSet=\n", "PrivateTmp=yes", "ProtectHome=yes"):
        assert line in unit, line
    assert "--host 127.0.0.1" in unit and "--trusted-proxy 127.0.0.1" in unit
    assert "GIGS_TOKEN=" not in re.sub(r"(?m)^#.*$", "", unit)  # secrets: the env file only
    stub = tmp_path / "kiosk"
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    copy = tmp_path / "kiosk-gateway.service"
    copy.write_text(unit.replace("/opt/kiosk-gateway/venv/bin/kiosk", str(stub)))
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                            text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"})
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def _container_requirements() -> list[str]:
    text = (PACKAGING / "Containerfile.gateway").read_text()
    found = re.findall(r'"([A-Za-z][A-Za-z0-9_.-]*(?:\[[a-z,]+\])?[<>=][<>=0-9.,]*)"', text)
    return [re.split(r"[\[<>=]", req)[0].lower() for req in found]


def test_the_container_installs_only_what_the_gateway_imports(tmp_path: Path) -> None:
    required = _container_requirements()
    assert set(required) == {"httpx", "pydantic", "starlette", "uvicorn", "sqlalchemy",
                             "psycopg", "platformdirs"}
    text = (PACKAGING / "Containerfile.gateway").read_text()
    assert "pip install --no-deps /wheels/" in text and re.search(r"(?m)^USER 10001", text)
    commands = re.sub(r"(?m)^#.*$", "", text).lower()
    assert not any(name in commands for name in ("pyside6", "opencv", "numpy", "[test]"))
    # With every kiosk-only library unimportable, the gateway's CLI enrols and its app
    # answers its health check (the container's whole job).
    database = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    result = _run(_blocking(KIOSK_ONLY, f"""
        import asyncio, httpx
        from kiosk.cli import main
        assert main(["gateway", "enroll", "STORE-1", "--database", {database!r}]) == 0
        from kiosk.gateway.app import app_from_env
        app = app_from_env()
        async def go():
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
                return (await http.get("/gateway/v1/health")).json()
        print(asyncio.run(go()))
        leaked = sorted(b for b in {KIOSK_ONLY!r} if b in sys.modules)
        assert not leaked, leaked
    """), tmp_path, GIGS_TOKEN="gigs-test-key-0123456789", GIGS_PROJECT="demo",
        GIGS_API_URL="http://127.0.0.1:9", GATEWAY_DATABASE_URL=database)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "{'ok': True}" in result.stdout


def test_without_its_libraries_kiosk_gateway_says_so_in_one_line(tmp_path: Path) -> None:
    """The kiosk bundle leaves them out: the command fails clearly, not with a traceback."""
    result = _run(_blocking(GATEWAY_ONLY, """
        from kiosk.cli import main
        raise SystemExit(main(["gateway", "kiosks"]))
    """), tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "not part of this kiosk build" in result.stderr


def test_the_kiosk_bundle_excludes_the_gateway_and_its_drivers(tmp_path: Path) -> None:
    """The spec run with PyInstaller's build steps stubbed: what it would hand to Analysis."""
    seen: dict[str, Any] = {}

    def analysis(scripts: list[str], **kwargs: Any) -> types.SimpleNamespace:
        seen.update(kwargs)
        return types.SimpleNamespace(datas=[], binaries=[], pure=[], scripts=[])

    def collect_submodules(package: str, filter: Any = lambda name: True) -> list[str]:
        import pkgutil

        module = __import__(package)
        names = [package] + [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")
                             if filter(m.name)]
        return [n for n in names if filter(n)]

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = collect_submodules  # type: ignore[attr-defined]
    hooks.collect_data_files = lambda package: []  # type: ignore[attr-defined]
    stub = types.SimpleNamespace
    spec_globals = {"SPECPATH": str(PACKAGING), "workpath": str(tmp_path), "__name__": "spec",
                    "Analysis": analysis, "PYZ": lambda *a, **k: stub(),
                    "EXE": lambda *a, **k: stub(), "COLLECT": lambda *a, **k: stub()}
    saved = {k: sys.modules.get(k) for k in ("PyInstaller.utils.hooks",)}
    sys.modules["PyInstaller.utils.hooks"] = hooks
    try:
        exec(compile((PACKAGING / "kiosk.spec").read_text(), "kiosk.spec", "exec"), spec_globals)
    finally:
        for key, value in saved.items():
            if value is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = value
    assert set(GATEWAY_ONLY) <= set(seen["excludes"])
    hidden = seen["hiddenimports"]
    assert "kiosk.cli.gateway" in hidden and "kiosk.flow.guard" in hidden
    assert not [h for h in hidden if h.startswith(("kiosk.gateway", "sqlalchemy", "psycopg"))]
