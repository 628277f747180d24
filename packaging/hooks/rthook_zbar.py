"""Runtime hook: pyzbar finds libzbar with ctypes.util.find_library; point it at our copy."""

import ctypes.util
import os
import sys

_find_library = ctypes.util.find_library


def _bundled_first(name):
    if name == "zbar":
        for candidate in ("libzbar.so.0", "libzbar-64.dll", "libzbar.dylib"):
            path = os.path.join(getattr(sys, "_MEIPASS", ""), candidate)
            if os.path.exists(path):
                return path
    return _find_library(name)


ctypes.util.find_library = _bundled_first
