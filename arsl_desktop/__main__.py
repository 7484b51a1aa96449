"""`python -m arsl_desktop` is the same as the `arsl-desktop` command."""

from arsl_desktop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
