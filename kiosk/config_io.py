"""Reading a config-sized file safely: bounded, never blocking, one-line errors.

Used for the config file and the kiosk token file (`kiosk.config` re-exports all of it).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The config file is a few hundred bytes; anything longer (or /dev/zero) is refused unread.
MAX_CONFIG_BYTES = 64 * 1024


class ConfigError(ValueError):
    """A configuration that cannot be used, said in one line: the file or variable, the key and
    what is allowed. The commands print it and exit 2 (invalid input), without a traceback."""


def read_bounded(path: Path, limit: int = MAX_CONFIG_BYTES) -> bytes | None:
    """The file's bytes, at most `limit` of them (None: there is no such file).

    Never blocks on a FIFO, never reads a directory, and stops at the limit on a device
    such as /dev/zero. Every failure is a ConfigError naming the file.
    """
    where = f"config {path}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if path.is_symlink():
            raise ConfigError(f"{where}: a link to a file that does not exist") from None
        return None
    except PermissionError:
        raise ConfigError(f"{where}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ConfigError(f"{where}: is a directory, not a file")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise ConfigError(f"{where}: is a pipe or socket, not a file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ConfigError(f"{where}: larger than {limit // 1024} KiB, not a kiosk config")
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
