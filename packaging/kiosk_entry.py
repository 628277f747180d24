"""Entry point of the bundled kiosk (PyInstaller runs this file)."""

import sys

from kiosk.cli import main

sys.exit(main())
