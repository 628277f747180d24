"""Debian packages a test needs: installed as root (CI runs as root), else the test is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def apt_install(packages: list[str], why: str) -> None:
    missing = [p for p in packages if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True
    ).stdout != "install ok installed"] if shutil.which("dpkg-query") else packages
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{why} needs {' '.join(missing)}, and installing them needs root (CI runs as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, capture_output=True)
