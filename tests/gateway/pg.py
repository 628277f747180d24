"""A throwaway PostgreSQL cluster on a free loopback port (the gateway's tests and benchmark).

`runuser postgres` when run as root (PostgreSQL refuses root; tests and CI run as root),
fsync off (nothing here must survive a crash), removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from kiosk.sandbox.serve import free_port


def _pg_bin() -> Path:
    """PG_BIN, or the newest /usr/lib/postgresql/N/bin (Debian's layout; 15 on bookworm)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def available() -> bool:
    return (PG_BIN / "initdb").exists()


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def throwaway_cluster(max_connections: int = 200) -> Iterator[str]:
    """A PostgreSQL cluster of its own on a free loopback port; yields its base URL."""
    root = Path(tempfile.mkdtemp(prefix="gateway-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")

    def quiet(cmd: list[str]) -> None:
        subprocess.run(_as_postgres(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=True)

    try:
        quiet([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
               "-E", "UTF8", "--no-sync"])
        port = free_port()
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off "
                   f"-c max_connections={max_connections}")
        quiet([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
               str(root / "log"), "start"])
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}"
        finally:
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m",
                                         "immediate", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())  # our own fixed statements, not user input


def new_database(base: str) -> str:
    """A fresh, empty database in the cluster at `base`; its URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin(base, f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
