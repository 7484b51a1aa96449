#!/bin/sh
# Add ArSL Desktop to the applications menu of the current user (no root needed).
# Run from the unpacked folder:  ./install-desktop-entry.sh        Undo:  ./install-desktop-entry.sh --remove
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$APPS/arsl-desktop.desktop" "$ICONS/arsl-desktop.png"
    echo "Removed the ArSL Desktop menu entry."
    exit 0
fi
mkdir -p "$APPS" "$ICONS"
cp "$HERE/arsl-desktop.png" "$ICONS/arsl-desktop.png"
# The menu entry points at this folder's launcher; moving the folder means running this again.
sed "s|^Exec=.*|Exec=\"$HERE/arsl-desktop-gui\"|" "$HERE/arsl-desktop.desktop" > "$APPS/arsl-desktop.desktop"
chmod +x "$APPS/arsl-desktop.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
echo "Installed: $APPS/arsl-desktop.desktop (launches $HERE/arsl-desktop-gui)"
