"""Entry script of the frozen app: both launchers (`arsl-desktop-gui`, `arsl-desktop`) run it.

They differ only in PyInstaller's console flag; with no arguments it opens the window,
with a command it runs headless (see `arsl_desktop.cli`).
"""

import sys

from arsl_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
